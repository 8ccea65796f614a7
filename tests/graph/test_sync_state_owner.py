"""A sync-state file belongs to its collection: swapped over another connection's, it is
refused, never used (its owner is sealed into the AES-GCM associated data)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import authsome_nb as an
from authsome_nb import StoreDecryptError
from authsome_nb._graph import RetryPolicy

INBOX = "/me/mailFolders/inbox/messages"


def test_a_state_file_copied_over_another_connections_is_refused(emu, graph):
    emu.auto_approve_user = "megan"
    an.login(connection="megan", flow="device", on_event=lambda event: None)
    megans = an.graph("megan", retry=RetryPolicy(sleep=lambda s: None), progress=False)
    adele_rows = graph.sync(INBOX, select="subject")
    megan_rows = megans.sync(INBOX, select="subject")
    assert set(adele_rows["id"]).isdisjoint(megan_rows["id"])
    folder = Path(os.environ["AUTHSOME_NB_HOME"]) / "sync"
    before = {p.name for p in folder.glob("*.enc")}
    adele_file, megan_file = sorted(folder.glob("*.enc"), key=lambda p: p.stat().st_mtime_ns)
    shutil.copyfile(adele_file, megan_file)  # Adele's mail under Megan's name
    with pytest.raises(StoreDecryptError, match="reset=True"):
        megans.sync(INBOX, select="subject")
    assert megan_file.read_bytes() == adele_file.read_bytes()  # refused, left alone
    again = megans.sync(INBOX, select="subject", reset=True)
    assert set(again["id"]) == set(megan_rows["id"])
    assert {p.name for p in folder.glob("*.enc")} == before
    megans.close()


def test_a_state_written_before_states_were_bound_starts_a_new_round(emu, graph):
    from authsome_nb._api import session
    from authsome_nb.store._envelope import open_sealed, read_header, seal

    graph.sync(INBOX, select="subject")
    [path] = (Path(os.environ["AUTHSOME_NB_HOME"]) / "sync").glob("*.enc")
    blob = path.read_bytes()
    header, _ = read_header(blob)
    key, kdf = session().store.key_source_for(None).key_for(header)
    plaintext = open_sealed(blob, key, bound_to=b"authsome_nb sync state " + path.stem.encode())
    path.write_bytes(seal(plaintext, key, header.kind, kdf))  # as the previous version wrote it
    again = graph.sync(INBOX, select="subject")
    assert again.attrs["sync"]["first_round"]  # not trusted: rebuilt from Graph


def test_a_state_file_caught_mid_replacement_is_read_again_and_a_cut_one_refused(emu, graph):
    """Another host may see the first bytes of a file being replaced for a moment: the read
    is repeated until the file settles; a file that stays cut short is refused, untouched."""
    import threading
    import time

    first = graph.sync(INBOX, select="subject")
    [path] = (Path(os.environ["AUTHSOME_NB_HOME"]) / "sync").glob("*.enc")
    whole = path.read_bytes()
    path.write_bytes(whole[:100])
    threading.Timer(0.3, path.write_bytes, args=(whole,)).start()
    again = graph.sync(INBOX, select="subject")
    assert again.attrs["sync"]["requests"] == 1 and len(again) == len(first)
    path.write_bytes(whole[:100])
    began = time.monotonic()
    with pytest.raises(StoreDecryptError, match="left untouched"):
        graph.sync(INBOX, select="subject")
    assert time.monotonic() - began >= 1.0 and path.read_bytes() == whole[:100]
