"""A host reads the store while the other host replaces it: a file caught mid-replacement is
read again, never called tampered; a file that stays unreadable is refused, untouched."""

from __future__ import annotations

import time

from two_hosts import Kernel

import authsome_nb as an


def test_listing_on_one_host_while_the_other_signs_in_never_refuses_the_store(shared_home):
    a, b = shared_home.hosts.a, shared_home.hosts.b
    writer = Kernel(a, shared_home.env(a), "sign-ins", "15", "c").ready()
    reader = Kernel(b, shared_home.env(b), "list").ready()
    reader.say()
    time.sleep(0.2)
    writer.say()

    assert writer.answer(timeout=300) == "signed-in 15"
    reader.say("stop")
    listed = reader.answer()

    assert listed.split()[0] == "listed" and len(listed.split()) == 2, listed  # no error counts
    assert int(listed.split()[1]) > 20
    assert len(an.connections()) == 15


def test_a_store_grown_on_one_host_is_read_whole_on_the_other_right_after(shared_home):
    an.login(flow="device", on_event=lambda event: None)
    b = shared_home.hosts.b
    reader = Kernel(b, shared_home.env(b), "read-then-logout", "default").ready()
    reader.say()
    assert reader.readline(30) == "read"  # host b's mount caches the file's size for a second
    an.login(connection="second", flow="device", on_event=lambda event: None)  # a larger file

    reader.say()  # within that second: the cache still says the old file's size

    assert reader.answer() == "logout True"
    assert [c.connection for c in an.connections()] == ["second"]


def test_a_store_that_stays_unreadable_is_refused_on_the_other_host_and_left_as_it_was(
        shared_home):
    an.login(flow="device", on_event=lambda event: None)
    store_file = shared_home.server_path / "credentials.enc"
    damaged = bytearray(store_file.read_bytes())
    damaged[-5] ^= 0x01
    store_file.write_bytes(bytes(damaged))
    b = shared_home.hosts.b
    reader = Kernel(b, shared_home.env(b), "logout", "default").ready()

    reader.say()
    answer = reader.answer()

    assert answer.startswith("error StoreDecryptError"), answer
    assert "modified or is corrupt" in answer and "reset" in answer
    assert store_file.read_bytes() == bytes(damaged)
