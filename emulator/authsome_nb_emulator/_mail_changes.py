"""The admin's hand in a mailbox: new mail arrives, some is read or edited, some deleted.

Tests, benchmarks and notebooks call this between two delta rounds (``Emulator.change_mailbox``
or the control API's ``change_mailbox`` verb) to see a sync pick up exactly those changes.
Every change is recorded in the mailbox's change log, as Graph's own edits are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _synth_mail as mail
from ._synth_mail import iso

if TYPE_CHECKING:
    from ._state import EmulatorState
    from ._users import User


def change_mailbox(state: EmulatorState, user: User, *, folder: str = "inbox", add: int = 0,
                   update: int = 0, delete: int = 0) -> dict[str, list[str]]:
    """Add ``add`` new messages to ``folder``, edit the ``update`` newest others (marked read
    or unread, a category added) and delete the ``delete`` next ones; returns their ids."""
    if min(add, update, delete) < 0:
        raise ValueError("add, update and delete are counts (>= 0)")
    box = state.data.mailbox(user)
    found = box.folder(folder)
    if found is None:
        raise LookupError(f"no mail folder {folder!r}; use a well-known name (inbox, archive, "
                          "sentitems, drafts …) or a folder id")
    now = state.now()
    with state.data.lock:
        fresh = _new_messages(state, user, box.sequence, add, found["id"], now) if add else []
        # Newest first, as Graph lists a folder (receivedDateTime descending): fresh[0] is
        # the newest of the new ones.
        box.messages[0:0] = fresh
        for message in fresh:
            box.by_id[message["id"]] = message
            box.record(message["id"], None, found["id"])
        fresh_ids = {m["id"] for m in fresh}
        inside = [m for m in box.messages
                  if m["parentFolderId"] == found["id"] and m["id"] not in fresh_ids]
        if update + delete > len(inside):
            raise ValueError(f"{folder} holds {len(inside)} other messages: cannot edit {update} "
                             f"and delete {delete}")
        edited, removed = inside[:update], inside[update:update + delete]
        for number, message in enumerate(edited):
            change_key = f"CQAAABYAAAA{box.sequence + 1:09d}{number:04d}"
            message.update({"isRead": not message["isRead"],
                            "categories": [*message["categories"], "Synced"],
                            "lastModifiedDateTime": iso(now), "changeKey": change_key,
                            "@odata.etag": f'W/"{change_key}"'})
            box.record(message["id"], found["id"], found["id"])
        for message in removed:
            box.messages.remove(message)
            del box.by_id[message["id"]]
            box.record(message["id"], found["id"], None)
        state.data.changed()
    return {"added": [m["id"] for m in fresh], "updated": [m["id"] for m in edited],
            "deleted": [m["id"] for m in removed]}


def expire_delta_tokens(state: EmulatorState, user: User) -> None:
    """Every delta and skip token of ``user``'s mailbox is gone: the next use is a 410.

    Only the tokens issued so far: the round the client starts after the 410 gets tokens of
    the new epoch, which work (a client restarts once, then resumes)."""
    box = state.data.mailbox(user)
    with state.data.lock:
        box.delta_epoch += 1
        box.rounds.clear()


def _new_messages(state: EmulatorState, user: User, sequence: int, count: int, folder_id: str,
                  now: float) -> list[dict[str, Any]]:
    folder_ids = {f["wellKnownName"]: f["id"] for f in state.data.mailbox(user).folders}
    # A negative seed never meets the generator's own (seeds are >= 0): no id comes twice.
    made = mail.messages(-(state.seed * 1_000_003 + sequence + 1), user, count,
                         state.data.people(user), folder_ids)
    for offset, message in enumerate(made):
        stamp = iso(now - offset)
        message.update({"receivedDateTime": stamp, "sentDateTime": stamp,
                        "createdDateTime": stamp, "lastModifiedDateTime": stamp,
                        "parentFolderId": folder_id, "isRead": False, "isDraft": False})
    return made
