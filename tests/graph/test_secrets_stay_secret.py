"""No token in an exception, a repr or a log line, whatever happens on the way."""

from __future__ import annotations

import logging

import pytest

import authsome_nb as an
from authsome_nb.errors import GraphError


def test_no_token_in_errors_reprs_or_debug_logs(emu, graph, caplog):
    caplog.set_level(logging.DEBUG)
    token = an.token().value
    graph.frame("/me/messages", top=80, page_size=40)
    emu.inject_graph_error("/me", 401, "InvalidAuthenticationToken", count=2)
    with pytest.raises(GraphError) as caught:
        graph.get("/me")
    with an.client() as client:
        shown = [str(caught.value), repr(caught.value), repr(graph), repr(client),
                 repr(client.auth), repr(client.get("/me").request),
                 "".join(caught.value._render_traceback_())]
    fresh = an.token().value  # the refresh on the 401 rotated it
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # httpx and httpcore did log at DEBUG
    for secret in (token, fresh):
        assert secret not in logged
        assert not any(secret in text for text in shown)


def test_a_missing_pandas_names_an_install_that_works_without_an_index(emu, graph, monkeypatch):
    import sys

    from authsome_nb.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError) as raised:
        graph.frame("/me/messages", max_items=5)
    assert raised.value.remedy.startswith('pip install "pandas>=2.1"')
    assert "authsome-nb[" not in raised.value.remedy  # not on an index yet
    assert graph.get("/me")["id"] and graph.fetch("/me")["id"]  # dicts need no pandas
