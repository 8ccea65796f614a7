"""Following nextLinks on its own (a stand-in for the HTTP call)."""

from __future__ import annotations

from authsome_nb._graph._paging import iterate_pages


def test_paging_stops_at_max_items_and_at_a_next_link_that_repeats_itself():
    asked = []

    def get_json(url, params):
        asked.append(url)
        return {"value": [{"n": len(asked)}] * 3, "@odata.nextLink": "https://g.example/page"}

    pages = list(iterate_pages(get_json, "https://g.example/first", None, max_items=5))
    assert [len(p.items) for p in pages] == [3, 2] and len(asked) == 2
    asked.clear()
    pages = list(iterate_pages(get_json, "https://g.example/first", None))
    assert asked == ["https://g.example/first", "https://g.example/page"] and len(pages) == 2
