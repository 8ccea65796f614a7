"""A large mailbox with latency: several pages in flight, never more than Outlook allows."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import authsome_nb as an
from authsome_nb._graph import RetryPolicy


@pytest.fixture
def big(emu):
    """2,500 messages, 50 ms per request: concurrency shows, the test stays short."""
    emu.messages_per_user = 2500
    emu.graph_latency = 0.05
    return emu


def _sequential_ids(emu) -> list[str]:
    """What a plain nextLink loop sees, for comparison (no latency needed for that)."""
    latency, emu.graph_latency = emu.graph_latency, 0
    with an.graph(progress=False, concurrency=1) as graph:
        ids = list(graph.frame("/me/messages", select="subject", page_size=500)["id"])
    emu.graph_latency = latency
    emu.reset_counters()
    return ids


def test_pages_come_four_at_a_time_in_graphs_order_each_row_once(big):
    expected = _sequential_ids(big)
    with an.graph(progress=False) as graph:
        frame = graph.frame("/me/messages", select="subject", page_size=100)
    assert list(frame["id"]) == expected and len(expected) == 2500
    assert big.mailbox_stats == {"peak": 4, "refused": 0, "in_flight": 0}
    assert big.count("graph", path="/v1.0/me/messages") == 25


def test_fewer_in_flight_when_asked_and_one_at_a_time_without_skip_support(big):
    with an.graph(progress=False, concurrency=2) as graph:
        assert len(graph.frame("/me/messages", select="subject", page_size=250)) == 2500
    assert big.mailbox_stats["peak"] == 2
    big.reset_counters()
    with an.graph(progress=False) as graph:  # $search takes no $skip: nextLinks, one by one
        graph.frame("/me/messages", search="Adele", select="subject", page_size=250)
    assert big.mailbox_stats["peak"] == 1


def test_two_listings_at_once_share_the_mailboxs_four_slots(big):
    errors: list[BaseException] = []

    def listing() -> None:
        try:
            assert len(an.graph().frame("/me/messages", select="id", page_size=100)) == 2500
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=listing) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert big.mailbox_stats["peak"] <= 4 and big.mailbox_stats["refused"] == 0


KERNEL = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import authsome_nb as an
    graph = an.graph(progress=False)
    graph.get("/me")  # signed in and warm: the listing below is all that is timed
    print("ready", flush=True)
    go = Path(sys.argv[1])
    while not go.exists():
        time.sleep(0.005)
    frame = graph.frame("/me/messages", select="id", page_size=50)
    print(len(frame), frame["id"].nunique(), flush=True)
""")


def test_two_kernels_listing_at_once_share_the_mailboxs_four_slots(big, tmp_path):
    go = tmp_path / "go"
    kernels = [subprocess.Popen([sys.executable, "-c", KERNEL, str(go)], text=True,
                                stdout=subprocess.PIPE, cwd=Path(__file__).parent)
               for _ in range(2)]
    for kernel in kernels:
        assert kernel.stdout.readline().strip() == "ready"
    big.reset_counters()
    go.touch()  # both start their 50 requests together
    answers = [kernel.communicate(timeout=120)[0].split() for kernel in kernels]
    assert answers == [["2500", "2500"], ["2500", "2500"]]
    stats = big.mailbox_stats
    assert stats["peak"] == 4 and stats["refused"] == 0  # 4 in flight, never 8
    assert big.count("graph", status=429) == 0
    assert big.count("graph", path="/v1.0/me/messages") == 100


def test_refusals_and_throttling_are_retried_without_losing_or_repeating_a_row(big):
    expected = _sequential_ids(big)
    big.mailbox_concurrency = 2  # another app (or kernel) holds two of the four slots
    big.throttle_every = 7
    big.throttle_retry_after = 1
    waits: list[float] = []

    def short_sleep(seconds: float) -> None:  # Retry-After, shortened to one request's time
        waits.append(seconds)
        time.sleep(0.06)

    with an.graph(progress=False, retry=RetryPolicy(sleep=short_sleep)) as graph:
        frame = graph.frame("/me/messages", select="subject", page_size=100)
    assert list(frame["id"]) == expected
    assert big.mailbox_stats["refused"] > 0 and big.count("graph", status=429) > 0
    assert waits and set(waits) == {1.0}


def test_top_spreads_over_the_pages_it_needs_and_no_further(big):
    with an.graph(progress=False) as graph:
        frame = graph.frame("/me/messages", select="subject", top=1234, page_size=500)
    assert len(frame) == 1234 and frame["id"].is_unique
    assert big.count("graph", path="/v1.0/me/messages") == 3
    tops = sorted(r["query"].split("%24top=")[1].split("&")[0] for r in big.requests)
    assert tops == ["234", "500", "500"]
