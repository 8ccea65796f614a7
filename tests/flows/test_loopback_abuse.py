"""The loopback listener under attack, as a local process or a stray browser would attack it:
idle and half-open connections, headers that never end, lying Content-Lengths, floods, a
squatter on [::1].  The real redirect must still get through at once, and nothing may leak."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import authsome_nb as an
from authsome_nb.errors import SignInError, SignInTimeout
from authsome_nb.flows import _loopback_http
from authsome_nb.flows._loopback import LoopbackRedirect
from authsome_nb.flows._loopback_http import MAX_CONNECTIONS, MAX_HEAD_BYTES, bind_loopback


def _has_ipv6_loopback() -> bool:
    probe = bind_loopback()
    for sock in probe:
        sock.close()
    return len(probe) == 2


HAS_IPV6 = _has_ipv6_loopback()


def connect(port: int, host: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection((host, port), timeout=5)
    return sock


def send_raw(port: int, data: bytes) -> socket.socket:
    sock = connect(port)
    sock.sendall(data)
    return sock


def redirect_port(authorize_url: str) -> int:
    redirect_uri = parse_qs(urlsplit(authorize_url).query)["redirect_uri"][0]
    return urlsplit(redirect_uri).port or 80


def closed_without_a_code(sock: socket.socket) -> bool:
    sock.settimeout(5)
    try:
        return b"Sign-in received" not in answer_of(sock)
    except ConnectionResetError:  # closed with our bytes unread: closed all the same
        return True


def answer_of(sock: socket.socket) -> bytes:
    """Everything the listener sent before it closed the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)


def callback(port: int, state: str, code: str = "the-code") -> httpx.Response:
    return httpx.post(f"http://127.0.0.1:{port}/callback", data={"code": code, "state": state},
                      timeout=5)


def loopback_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("authsome-loopback")]


def our_sockets_on(port: int) -> int:
    """How many of this process's sockets (listening or connected) use local ``port``."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                    found += 1
    return found


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads sockets from /proc")
def test_a_real_pkce_sign_in_goes_through_idle_half_open_and_lying_connections(authsome_env):
    emu = authsome_env
    threads_before = len(loopback_threads())
    attackers: list[socket.socket] = []
    ports = []

    def attack_then_sign_in(url: str) -> None:
        port = redirect_port(url)
        ports.append(port)
        for _ in range(5):  # preconnects and port scans: connect, say nothing
            attackers.append(connect(port))
        for _ in range(5):  # headers that never end
            attackers.append(send_raw(port, b"POST /callback HTTP/1.1\r\nHost: localhost\r\n"))
        attackers.append(send_raw(port, b"POST /callback HTTP/1.1\r\nHost: x\r\n"
                                        b"Content-Length: -1\r\n\r\n" + b"A" * 4096))
        attackers.append(send_raw(port, b"POST /callback HTTP/1.1\r\nHost: x\r\n"
                                        b"Content-Length: 99999999999\r\n\r\n"))
        emu.play_browser(url, user="adele")

    started = time.monotonic()
    conn = an.login(flow="pkce", open_browser=attack_then_sign_in, on_event=lambda e: None)
    took = time.monotonic() - started

    assert conn.username == emu.user("adele").upn
    assert took < 5, f"the sign-in waited {took:.1f} s behind idle connections"
    assert all(closed_without_a_code(sock) for sock in attackers)
    assert len(loopback_threads()) == threads_before  # the listener's thread ended with it
    assert our_sockets_on(ports[0]) == 0  # and every socket it had is closed

def test_an_unfinished_request_never_counts_even_with_the_right_state(monkeypatch):
    monkeypatch.setattr(_loopback_http, "CONNECTION_TIMEOUT", 0.5)
    target = LoopbackRedirect()
    target.expect_state("s")
    unfinished = send_raw(target.port, b"GET /callback?code=c&state=s HTTP/1.1\r\n"
                                       b"Host: localhost:%d\r\n" % target.port)
    half_closed = send_raw(target.port, b"GET /callback?code=c&state=s HTTP/1.1\r\n"
                                        b"Host: localhost:%d\r\n" % target.port)
    half_closed.shutdown(socket.SHUT_WR)  # the end of the stream is not the end of the headers
    with pytest.raises(SignInTimeout):
        target.wait(1.5)
    unfinished.settimeout(5)
    assert answer_of(unfinished) == b""  # timed out and closed, no page
    assert closed_without_a_code(half_closed)


def test_a_negative_content_length_is_refused_without_reading_the_body():
    target = LoopbackRedirect()
    target.expect_state("s")
    sock = send_raw(target.port, b"POST /callback HTTP/1.1\r\nHost: localhost\r\n"
                                 b"Content-Length: -1\r\n\r\n")
    sent = 0
    with pytest.raises(OSError):  # the listener answers and closes: the body is not read to EOF
        for _ in range(64 * 1024):
            sock.sendall(b"B" * 1024)
            sent += 1024
    assert sent < 16 * 1024 * 1024
    assert callback(target.port, "s").status_code == 200
    assert target.wait(5)["code"] == "the-code"


def test_a_huge_content_length_or_head_is_refused_at_once():
    target = LoopbackRedirect()
    target.expect_state("s")
    huge_body = send_raw(target.port, b"POST /callback HTTP/1.1\r\nHost: localhost\r\n"
                                      b"Content-Length: 10000000000\r\n\r\ncode=x")
    assert answer_of(huge_body).startswith(b"HTTP/1.1 413 ")
    huge_head = send_raw(target.port, b"GET /callback HTTP/1.1\r\nHost: localhost\r\nX-Pad: "
                                      + b"p" * (2 * MAX_HEAD_BYTES) + b"\r\n\r\n")
    assert answer_of(huge_head).startswith(b"HTTP/1.1 431 ")
    assert callback(target.port, "s").status_code == 200


def test_a_flood_of_connections_is_capped_and_the_callback_still_lands():
    target = LoopbackRedirect()
    target.expect_state("s")
    flood = [connect(target.port) for _ in range(MAX_CONNECTIONS + 20)]
    deadline = time.monotonic() + 5
    while target._sockets.open_connections < MAX_CONNECTIONS and time.monotonic() < deadline:
        time.sleep(0.05)
    assert target._sockets.open_connections == MAX_CONNECTIONS
    assert callback(target.port, "s").status_code == 200
    assert target.wait(5)["code"] == "the-code"
    for sock in flood:
        sock.close()


def test_only_requests_to_our_own_host_name_count():
    target = LoopbackRedirect()
    target.expect_state("s")
    rebound = httpx.post(f"http://127.0.0.1:{target.port}/callback",
                         data={"code": "c", "state": "s"},
                         headers={"Host": f"evil.example:{target.port}"})
    assert rebound.status_code == 400
    not_a_form = httpx.post(f"http://127.0.0.1:{target.port}/callback",
                            json={"code": "c", "state": "s"})
    assert not_a_form.status_code == 415
    assert callback(target.port, "s", code="real").status_code == 200
    assert target.wait(5)["code"] == "real"


@pytest.mark.skipif(not HAS_IPV6, reason="this machine has no IPv6 loopback")
def test_both_loopback_stacks_are_bound_on_one_port():
    target = LoopbackRedirect()
    assert target.addresses == ["127.0.0.1", "::1"]
    target.expect_state("s")
    # A browser that resolves localhost to ::1 reaches the listener, not someone else.
    page = httpx.post(f"http://[::1]:{target.port}/callback", data={"code": "v6", "state": "s"},
                      headers={"Host": f"localhost:{target.port}"})
    assert page.status_code == 200
    assert target.wait(5)["code"] == "v6"


@pytest.mark.skipif(not HAS_IPV6, reason="this machine has no IPv6 loopback")
def test_a_squatter_on_ipv6_loopback_is_never_paired_with_our_port():
    squatter = socket.socket(socket.AF_INET6)
    squatter.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    squatter.bind(("::1", 0))
    squatter.listen()
    port = squatter.getsockname()[1]
    try:
        with pytest.raises(OSError) as caught:
            bind_loopback(port)
        assert caught.value.errno == errno.EADDRINUSE
        with pytest.raises(SignInError, match="Cannot listen"):
            LoopbackRedirect(port=port)
        with socket.socket() as probe:  # and 127.0.0.1 was not left bound either
            probe.bind(("127.0.0.1", port))
    finally:
        squatter.close()
