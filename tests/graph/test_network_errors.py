"""A request that gets no answer is our NetworkError (host, remedy), and still httpx's error."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

import authsome_nb as an
from authsome_nb import NetworkError


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    yield server.getsockname()[1]
    for conn in accepted:
        conn.close()
    server.close()


def test_a_refused_connection_names_the_host_and_stays_an_httpx_error(emu, closed_port):
    with an.client() as client, pytest.raises(NetworkError) as failed:
        client.get(f"https://127.0.0.1:{closed_port}/v1.0/me")
    error = failed.value
    assert isinstance(error, httpx.ConnectError)  # code catching httpx's errors still does
    assert str(error).startswith(f"Could not reach 127.0.0.1:{closed_port}: the connection was "
                                 "refused")
    assert "HTTPS_PROXY" in error.remedy
    assert error._render_traceback_() == [f"NetworkError: {error}"]
    assert error.__cause__ is None and error.__suppress_context__


def test_a_name_that_does_not_resolve(emu):
    with an.client(base_url="https://graph.nonexistent.invalid") as client, \
            pytest.raises(NetworkError, match="graph.nonexistent.invalid: its name does not "
                                              "resolve"):
        client.get("/v1.0/me")


def test_a_host_that_never_answers_times_out_with_a_remedy(emu, silent_port):
    with an.client(timeout=0.5) as client, pytest.raises(NetworkError) as failed:
        client.get(f"https://127.0.0.1:{silent_port}/v1.0/me")
    assert isinstance(failed.value, httpx.ConnectTimeout)  # the TLS handshake never ends
    assert "did not answer in time (connecting timed out)" in str(failed.value)
    assert "timeout=120" in failed.value.remedy


def test_the_graph_client_says_the_same(emu, graph, closed_port):
    with pytest.raises(NetworkError, match="the connection was refused"):
        graph.get(f"https://127.0.0.1:{closed_port}/v1.0/me")
