"""A saved card is read later and elsewhere: its static HTML says when, with the day and the
zone, and its account facts have the shape the JupyterLab extension reads (the shared schema)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from rest_api import assert_shape  # noqa: E402

from authsome_nb._connection import Connection  # noqa: E402
from authsome_nb.notebook.cards import (  # noqa: E402
    CONNECTION_MIME,
    CONNECTIONS_MIME,
    card_bundle,
    connections_bundle,
)

DATED = r"\d{4}-\d\d-\d\d \d\d:\d\d"


@pytest.fixture
def zone(monkeypatch):
    """Run in a given local zone (the kernel's), then go back to this process's own."""
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def megan(**changes) -> Connection:
    fields = dict(provider="microsoft", connection="default", username="megan@contoso.example",
                  display_name="Megan Bowen", tenant_id="tenant-1", scopes=("User.Read",),
                  expires_at=time.time() + 3600, created_at=time.time(), flow="device")
    return Connection(**{**fields, **changes})


@pytest.mark.parametrize("name, shown", [
    ("Europe/Berlin", r"CES?T"), ("UTC", r"UTC"), ("America/New_York", r"E[DS]T"),
    ("Asia/Riyadh", r"UTC\+03:00"),  # a zone whose abbreviation is a number: its offset
])
def test_the_static_card_says_the_day_and_the_zone(zone, name, shown):
    zone(name)
    html = card_bundle(megan())["text/html"]
    today = time.strftime("%Y-%m-%d")
    assert re.search(rf"as of {today} \d\d:\d\d {shown}</div>", html), html
    assert re.search(rf"expires in 59 min \(at {DATED} {shown}\)", html), html


def test_the_saved_list_and_the_text_are_dated_too(zone):
    zone("Europe/Berlin")
    bundle = connections_bundle([megan(), megan(connection="work")])
    assert re.search(rf"as of {DATED} CES?T", bundle["text/html"])
    assert len(re.findall(rf"\(at {DATED} CES?T\)", bundle["text/plain"])) == 2
    assert re.search(rf"token expires in 59 min \(at {DATED} CES?T\)",
                     card_bundle(megan())["text/plain"])


def test_the_saved_facts_have_the_shape_the_extension_reads():
    card = card_bundle(megan(), note="Signed in with a device code.")[CONNECTION_MIME]
    assert_shape(card, "SavedCard")
    github = megan(provider="github", tenant_id=None, expires_at=float("inf"))
    saved = assert_shape(card_bundle(github)[CONNECTION_MIME], "SavedCard")["connection"]
    assert (saved["expires_at"], saved["never_expires"]) == (None, True)
    table = connections_bundle([megan(), github], provider=None)[CONNECTIONS_MIME]
    assert_shape(table, "SavedTable")
    assert "client_id" not in saved and "authority" not in saved
