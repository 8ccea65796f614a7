"""Sign-ins and sign-outs on two hosts at once, through their own mounts: nothing is lost."""

from __future__ import annotations

from two_hosts import Kernel, go

import authsome_nb as an

QUIET = {"on_event": lambda event: None}


def test_sign_ins_and_sign_outs_on_two_hosts_at_once_all_take_effect(shared_home):
    for name in ("old0", "old1", "old2", "old3"):
        an.login(connection=name, flow="device", **QUIET)
    a, b = shared_home.hosts.a, shared_home.hosts.b
    plan = [(a, "login", "a0"), (a, "login", "a1"), (a, "login", "a2"),
            (a, "logout", "old0"), (a, "logout", "old1"),
            (b, "login", "b0"), (b, "login", "b1"), (b, "login", "b2"),
            (b, "logout", "old2"), (b, "logout", "old3")]
    kernels = [Kernel(host, shared_home.env(host), action, name) for host, action, name in plan]
    kernels = [kernel.ready() for kernel in kernels]

    answers = go(kernels)

    assert answers == [f"login microsoft/{name}" if action == "login" else "logout True"
                       for _, action, name in plan]
    assert sorted(c.connection for c in an.connections()) == ["a0", "a1", "a2", "b0", "b1", "b2"]
