"""Outlook's four requests in flight per mailbox, with listings on two hosts at once.

The slots under ``gates/`` are ``flock``s: they hold among the kernels of one host.  Two hosts
each keep to four, so together they may ask for eight; Outlook refuses the excess (429
``MailboxConcurrency`` with ``Retry-After``) and the Graph client sends those again after the
wait, page by page: slower, never a row lost or repeated.
"""

from __future__ import annotations

from two_hosts import go, start

import authsome_nb as an


def test_listings_on_two_hosts_at_once_are_refused_beyond_four_and_complete_all_the_same(
        shared_home):
    emu = shared_home.emu
    an.login(flow="device", on_event=lambda event: None)
    emu.messages_per_user, emu.graph_latency = 600, 0.1
    kernels = start([(shared_home.hosts.a, 1), (shared_home.hosts.b, 1)], shared_home.env,
                    "list-mail", "30")
    emu.reset_counters()

    answers = go(kernels, timeout=240)

    assert answers == ["rows 600 unique 600"] * 2
    stats = emu.mailbox_stats
    assert stats["peak"] == 4 and stats["in_flight"] == 0  # Outlook's limit, enforced by it
    assert stats["refused"] == emu.count("graph", status=429) > 0  # each host kept to four
