"""Paging on its own (a stand-in for the HTTP call): rows cut at top, loops refused, order kept."""

from __future__ import annotations

import pytest

from authsome_nb import GraphError
from authsome_nb._graph._paging import iterate_pages
from authsome_nb._graph._parallel import parallel_pages


def test_paging_stops_at_the_rows_wanted():
    asked = []

    def get_json(url, params):
        asked.append(url)
        return {"value": [{"n": len(asked)}] * 3,
                "@odata.nextLink": f"https://g.example/page{len(asked)}"}

    pages = list(iterate_pages(get_json, "https://g.example/first", None, rows=5))
    assert [len(p.items) for p in pages] == [3, 2] and len(asked) == 2


@pytest.mark.parametrize("links", [
    {"first": "first"},  # A -> A
    {"first": "second", "second": "first"},  # A -> B -> A
    {"first": "second", "second": "third", "third": "second"},  # A -> B -> C -> B
])
def test_a_next_link_back_to_a_page_already_fetched_is_an_error(links):
    asked = []

    def get_json(url, params):
        name = url.rsplit("/", 1)[1]
        asked.append(name)
        return {"value": [{"id": name}], "@odata.nextLink": f"https://g.example/{links[name]}"}

    with pytest.raises(GraphError, match="leads back to a page already fetched") as caught:
        list(iterate_pages(get_json, "https://g.example/first", None))
    assert caught.value.code == "nextLinkCycle"
    assert len(asked) == len(links)  # every page once, none twice


def test_side_by_side_pages_come_in_order_once_even_when_mail_arrives():
    """Two messages arrive after the count: the later pages shift by two; no row twice."""
    mailbox = [{"id": f"m{n}"} for n in range(25)]
    asked = []

    def get_json(url, params):
        asked.append(dict(params))
        if "$skip" not in params:
            body = {"@odata.count": len(mailbox), "value": mailbox[:10],
                    "@odata.nextLink": "https://g.example/next"}
            mailbox[:0] = [{"id": "new1"}, {"id": "new2"}]
            return body
        skip, top = int(params["$skip"]), int(params["$top"])
        body = {"value": mailbox[skip:skip + top]}
        if skip + top < len(mailbox):
            body["@odata.nextLink"] = f"https://g.example/after{skip + top}"
        return body

    def tail(url, params):
        return {"value": mailbox[25:]} if "after25" in url else get_json(url, params)

    ids = [item["id"] for page in parallel_pages(tail, "https://g.example/me/messages", {},
                                                 page=10, rows=None, concurrency=3)
           for item in page.items]
    assert ids == [f"m{n}" for n in range(25)]
    assert asked[0] == {"$top": "10", "$count": "true"}
    assert sorted(int(a["$skip"]) for a in asked[1:]) == [10, 20]


def test_a_caller_that_stops_early_leaves_no_page_asked_for_later():
    import threading

    asked: list[int] = []
    release = threading.Event()

    def get_json(url, params):
        if "$skip" not in params:
            return {"@odata.count": 100, "value": [{"id": "first"}], "@odata.nextLink": "x"}
        asked.append(int(params["$skip"]))
        release.wait(5)
        return {"value": [{"id": params["$skip"]}]}

    pages = parallel_pages(get_json, "https://g.example/me/messages", {}, page=1, rows=None,
                           concurrency=2)
    next(pages)  # the first page; two workers are now waiting on theirs
    release.set()
    next(pages)
    pages.close()
    assert len(asked) <= 2 * 2 + 2  # the look-ahead window, not the 99 remaining pages
