"""The notebooks we ship: executed, pointed at the emulator without a client id, and token-free."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CARD = "application/vnd.authsome.connection+json"
SECRET_FIELD = re.compile(r'"(access_token|refresh_token|id_token|secret)"\s*:\s*"[^"]{16,}"')


def test_the_three_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == ["graph_to_pandas", "quickstart", "several_accounts"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_outputs_and_widget_state_hold_no_token(path):
    text = path.read_text()
    assert not JWT.search(text), "a JWT (an access or id token) is saved in the notebook"
    assert not SECRET_FIELD.search(text)
    book = json.loads(text)
    outputs = [o for c in book["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, "the notebook is saved executed, so a reader sees what it does"
    masked = [o for o in outputs if "AccessToken" in json.dumps(o)]
    assert all("masked" in json.dumps(o) for o in masked)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_outputs_render_without_a_kernel_or_widget_state(path):
    book = json.loads(path.read_text())
    outputs = [o for c in book["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    cards = [o for o in outputs if CARD in o.get("data", {})]
    assert cards and all("text/html" in o["data"] for o in cards)  # the sign-ins, as HTML too
    assert "devicelogin" not in path.read_text()  # no sign-in page or code kept once used


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_picks_the_emulator_without_a_client_id(path):
    book = json.loads(path.read_text())
    first = "".join(next(c for c in book["cells"] if c["cell_type"] == "code")["source"])
    assert 'os.environ.get("MICROSOFT_OAUTH_CLIENT_ID")' in first
    assert "Emulator(" in first and "write_provider_override" in first
