"""Kernels on two hosts sharing one home reach expiry together: one refresh serves them all."""

from __future__ import annotations

import time

import pytest
from two_hosts import go, start

import authsome_nb as an

QUIET = {"on_event": lambda event: None}


@pytest.mark.parametrize("kernels", [8, 16])
def test_kernels_on_two_hosts_at_expiry_make_exactly_one_refresh(shared_home, kernels):
    emu = shared_home.emu
    emu.strict_rotation = True  # a refresh token used twice fails, and takes its family down
    emu.access_token_lifetime = 302  # due for refresh (the 5-minute rule) ~2 s after sign-in
    an.login(flow="device", **QUIET)
    emu.access_token_lifetime = 3600
    half = kernels // 2
    running = start([(shared_home.hosts.a, half), (shared_home.hosts.b, half)], shared_home.env,
                    "token", "default")
    while an.get().expires_at - time.time() > 299:
        time.sleep(0.05)
    emu.reset_counters()

    answers = go(running)

    assert [a for a in answers if not a.startswith("token ")] == []
    assert len(set(answers)) == 1, "every kernel, on either host, ends with the same token"
    assert emu.count("token", grant_type="refresh_token") == 1
    assert emu.count("token", grant_type="refresh_token", status=400) == 0
