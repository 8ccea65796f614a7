"""/users/delta: a full round, then only the users that changed — only their changed
properties when the client asks for ``Prefer: return=minimal``, as Graph documents."""

from __future__ import annotations

import httpx
import pytest
from authsome_nb_emulator import Emulator

from .helpers import bearer

USERS_DELTA = "/users/delta"


@pytest.fixture
def auth(sign_in) -> dict[str, str]:
    return bearer(sign_in(["User.Read", "User.ReadBasic.All"], "adele"))


def _round(graph: httpx.Client, url: str, headers: dict[str, str]) -> tuple[list[dict], str]:
    items: list[dict] = []
    while True:
        body = graph.get(url, headers=headers).json()
        items += body["value"]
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"]
        url = body["@odata.nextLink"]


def test_a_minimal_delta_carries_only_the_changed_properties(
        emu: Emulator, graph: httpx.Client, auth: dict[str, str]) -> None:
    minimal = dict(auth, Prefer="return=minimal")
    everyone, link = _round(graph, f"{USERS_DELTA}?$select=displayName,jobTitle,mail", minimal)
    assert len(everyone) == len(graph.get("/users", headers=auth).json()["value"])
    assert {"displayName", "jobTitle", "mail", "id"} <= set(everyone[0])
    changed = emu.change_directory(update=2, delete=1)

    answer = graph.get(link, headers=minimal)
    assert answer.headers["Preference-Applied"] == "return=minimal"
    changes = {c["id"]: c for c in answer.json()["value"]}
    assert set(changes) == set(changed["updated"]) | set(changed["deleted"])
    for user_id in changed["updated"]:  # officeLocation changed too, but it is not selected
        assert set(changes[user_id]) == {"@odata.type", "id", "jobTitle"}
    assert changes[changed["deleted"][0]]["@removed"] == {"reason": "changed"}


def test_without_the_preference_a_change_carries_every_selected_property(
        emu: Emulator, graph: httpx.Client, auth: dict[str, str]) -> None:
    _, link = _round(graph, f"{USERS_DELTA}?$select=displayName,officeLocation", auth)
    changed = emu.change_directory(update=1)
    changes, _ = _round(graph, link, auth)
    assert [c["id"] for c in changes] == changed["updated"]
    assert {"displayName", "officeLocation", "id"} <= set(changes[0])
    _, link = _round(graph, f"{USERS_DELTA}?$select=displayName", auth)
    emu.change_directory(update=1)  # job title and office: neither is selected
    assert _round(graph, link, auth)[0] == []
