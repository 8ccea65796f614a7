"""A holder of the store's lease dies mid-refresh: another host takes over after the lease's
expiry, never while the holder lives, and never with a refresh token already used."""

from __future__ import annotations

import json
import os
import time

import pytest
from two_hosts import LEASE_SECONDS, Kernel

import authsome_nb as an

QUIET = {"on_event": lambda event: None}


def signed_in_and_due(shared_home) -> None:
    """A sign-in whose access token is due for refresh, under strict rotation."""
    emu = shared_home.emu
    emu.strict_rotation = True
    emu.access_token_lifetime = 302  # due (the 5-minute rule) ~2 s after sign-in
    an.login(flow="device", **QUIET)
    emu.access_token_lifetime = 3600
    while an.get().expires_at - time.time() > 299:
        time.sleep(0.05)
    emu.reset_counters()


def holder_and_waiter(shared_home, when: str) -> tuple[Kernel, Kernel]:
    """A kernel on host a stopped inside its refresh (``when``: before or after the provider
    answered), holding the lease, and a kernel on host b asking for the token meanwhile."""
    a, b = shared_home.hosts.a, shared_home.hosts.b
    holder = Kernel(a, shared_home.env(a), "stall", when, "default").ready()
    waiter = Kernel(b, shared_home.env(b), "token", "default").ready()
    signed_in_and_due(shared_home)
    holder.say()
    assert holder.readline(30) == "holding"
    waiter.say()
    with pytest.raises(TimeoutError):  # the holder lives (and renews): twice the expiry passes
        waiter.readline(2 * LEASE_SECONDS)
    return holder, waiter


def killed_then_answer(holder: Kernel, waiter: Kernel) -> tuple[str, float]:
    holder.kill()
    killed = time.monotonic()
    answer = waiter.answer(timeout=LEASE_SECONDS + 30)
    return answer, time.monotonic() - killed


def test_a_holder_killed_before_the_provider_answered_is_taken_over_and_all_is_served(
        shared_home):
    holder, waiter = holder_and_waiter(shared_home, "before")
    emu = shared_home.emu
    assert emu.count("token", grant_type="refresh_token") == 0

    answer, waited = killed_then_answer(holder, waiter)

    assert answer.startswith("token "), answer
    # Its lease was renewed at most a quarter of its life before the kill: the other host
    # waited for the expiry (it cannot see the pid), and not much longer.
    assert 0.5 * LEASE_SECONDS <= waited <= LEASE_SECONDS + 5
    assert emu.count("token", grant_type="refresh_token") == 1
    assert emu.count("token", grant_type="refresh_token", status=400) == 0
    assert an.token().value  # and the store holds the new tokens


def test_a_holder_killed_after_the_provider_rotated_leaves_a_clear_sign_in_needed(shared_home):
    holder, waiter = holder_and_waiter(shared_home, "after")
    emu = shared_home.emu
    assert emu.count("token", grant_type="refresh_token", status=200) == 1  # rotated, unwritten

    answer, waited = killed_then_answer(holder, waiter)

    assert answer.startswith("error ReauthenticationRequired"), answer
    assert "sign in again" in answer and "an.login('microsoft')" in answer
    assert 0.5 * LEASE_SECONDS <= waited <= LEASE_SECONDS + 5
    with pytest.raises(an.ReauthenticationRequired):
        an.token()


def test_a_lease_left_by_a_host_that_went_away_is_taken_after_its_expiry(shared_home):
    gone = shared_home.hosts.third_host("host-c")
    holder = Kernel(gone, shared_home.env(gone), "stall", "before", "default").ready()
    a = shared_home.hosts.a
    waiter = Kernel(a, shared_home.env(a), "token", "default").ready()
    signed_in_and_due(shared_home)
    holder.say()
    assert holder.readline(30) == "holding"

    gone.stop()  # the machine is switched off with the lease in hand
    stopped = time.monotonic()
    waiter.say()
    answer = waiter.answer(timeout=LEASE_SECONDS + 30)

    assert answer.startswith("token "), answer
    assert 0.5 * LEASE_SECONDS <= time.monotonic() - stopped <= LEASE_SECONDS + 5
    assert shared_home.emu.count("token", grant_type="refresh_token") == 1


def test_a_lease_expired_long_ago_is_taken_at_once(shared_home):
    an.login(flow="device", **QUIET)
    lease = shared_home.server_path / "credentials.lease"
    lease.write_text(json.dumps({"host": "decommissioned", "boot_id": "x", "pid_namespace": "x",
                                 "pid": 1, "started": 1, "seconds": 600, "token": "f" * 32}))
    an_hour_ago = time.time() - 3600
    os.utime(lease, (an_hour_ago, an_hour_ago))
    b = shared_home.hosts.b
    kernel = Kernel(b, shared_home.env(b), "logout", "default").ready()

    started = time.monotonic()
    kernel.say()
    assert kernel.answer(timeout=60) == "logout True"
    assert time.monotonic() - started < 60  # not the 600 s the lease would last if renewed
    assert not lease.exists()
    assert an.connections() == []
