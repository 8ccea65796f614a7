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


def test_a_missing_pandas_names_the_extra_to_install(emu, graph, monkeypatch):
    import sys

    from authsome_nb.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "authsome-nb\[pandas\]"'):
        graph.frame("/me/messages", max_items=5)
    assert graph.get("/me")["id"] and graph.fetch("/me")["id"]  # dicts need no pandas
