"""A kernel frozen with the lease in hand loses it; when it wakes, its write is merged again
onto what the other host wrote meanwhile, never written over it."""

from __future__ import annotations

import signal
import time

from two_hosts import LEASE_SECONDS, Kernel, go

import authsome_nb as an

QUIET = {"on_event": lambda event: None}


def test_a_write_whose_lease_lapsed_keeps_what_the_other_host_wrote_meanwhile(shared_home):
    emu = shared_home.emu
    emu.access_token_lifetime = 302  # due for refresh ~2 s after sign-in
    an.login(flow="device", **QUIET)
    an.login(connection="extra", flow="device", **QUIET)
    emu.access_token_lifetime = 3600
    a, b = shared_home.hosts.a, shared_home.hosts.b
    frozen = Kernel(a, shared_home.env(a), "stall", "after", "default").ready()
    while an.get().expires_at - time.time() > 299:
        time.sleep(0.05)
    frozen.say()
    assert frozen.readline(30) == "holding"  # refreshed at the provider, not yet written
    frozen.signal(signal.SIGSTOP)  # frozen, renewals and all, past its lease's expiry
    froze = time.monotonic()

    meanwhile = [Kernel(b, shared_home.env(b), "login", "other").ready(),
                 Kernel(b, shared_home.env(b), "logout", "extra").ready()]
    assert go(meanwhile, timeout=LEASE_SECONDS + 30) == ["login microsoft/other", "logout True"]
    assert time.monotonic() - froze >= 0.5 * LEASE_SECONDS  # they waited for its expiry

    frozen.signal(signal.SIGCONT)
    frozen.say("resume")
    assert frozen.answer().startswith("token ")

    kept = {c.connection: c for c in an.connections()}
    assert set(kept) == {"default", "other"}  # the sign-in kept, the sign-out not undone
    assert kept["default"].expires_at - time.time() > 3000  # the frozen kernel's refresh too
    assert emu.count("token", grant_type="refresh_token") == 1
