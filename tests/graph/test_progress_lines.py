"""What the progress line says: rows out of Graph's count, a cap named as a cap, no false end."""

from __future__ import annotations

import pytest

from authsome_nb._graph._progress import Tally, _WidgetBar


def _after(tally: Tally, *pages: int) -> Tally:
    for rows in pages:
        tally.rows += rows
        tally.pages += 1
    return tally


@pytest.mark.parametrize(("tally", "pages", "running", "done"), [
    (Tally("/me/messages", count=30000), 4,
     "Fetching 4000 of 30000 items (4 pages) from /me/messages",
     "Fetched 4000 of 30000 items (4 pages) from /me/messages"),  # the caller stopped early
    (Tally("/me/messages", count=30000, cap=2000), 2,
     "Fetching 2000 of 2000 items (top=2000 of 30000; 2 pages) from /me/messages",
     "Fetched 2000 of 30000 items (2 pages, top=2000) from /me/messages"),
    (Tally("/me/drive/root/children"), 4,
     "Fetching 4000 items so far (4 pages) from /me/drive/root/children…",
     "Fetched 4000 items (4 pages) from /me/drive/root/children"),
    (Tally("/me/chats", cap=4000), 4,
     "Fetching 4000 items so far (4 pages, stopping at top=4000) from /me/chats…",
     "Fetched 4000 items (4 pages; stopped at top=4000) from /me/chats"),
])
def test_each_line_says_only_what_is_known(tally, pages, running, done):
    _after(tally, *[1000] * pages)
    assert tally.line(done=False) == running
    assert tally.line(done=True) == done


def test_a_cap_is_never_reported_as_the_collections_size():
    capped = _after(Tally("/me/messages", cap=200), 100, 100)
    assert capped.line(done=True) == "Fetched 200 items (2 pages; stopped at top=200) from " \
                                     "/me/messages"
    whole = _after(Tally("/me/messages", count=270), 100, 100, 70)
    assert whole.line(done=True) == "Fetched 270 items (3 pages) from /me/messages"


def test_a_bar_only_when_the_total_is_known(capsys):
    known = _WidgetBar(Tally("/me/messages", count=300))
    unknown = _WidgetBar(Tally("/me/drive/root/children"))
    assert [type(w).__name__ for w in known._box.children] == ["IntProgress", "Label"]
    assert [type(w).__name__ for w in unknown._box.children] == ["Label"]
    known.update(100)
    assert known._bar is not None and (known._bar.value, known._bar.max) == (100, 300)
    known.close()
    unknown.close()
