"""What the proxy refuses and what it leaves alone: no secret is 407, another user gets nothing,
an unknown host is an untouched tunnel, plain http is forwarded without a token, a corporate
proxy carries the broker's own connections, a sign-out is a 401 naming the sign-in."""

from __future__ import annotations

import http.server
import json
import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from corporate_proxy import CorporateProxy

import authsome_nb as an
from authsome_nb.broker import Broker

PYTHON = sys.executable


def _raw_connect(port: int, target: str, auth: str | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        header = f"Proxy-Authorization: Basic {auth}\r\n" if auth else ""
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{header}\r\n".encode())
        return sock.recv(4096)


def test_a_client_without_the_runs_secret_gets_407(signed_in):
    import base64

    with Broker(an.session(), [("microsoft", "default")]) as broker:
        target = f"127.0.0.1:{signed_in.port}"
        assert _raw_connect(broker.port, target).startswith(b"HTTP/1.1 407 ")
        wrong = base64.b64encode(b"authsome:guessed").decode()
        answer = _raw_connect(broker.port, target, wrong)
        assert answer.startswith(b"HTTP/1.1 407 ") and b"Proxy-Authenticate: Basic" in answer
    assert signed_in.count("graph") == 0


def test_another_user_can_read_neither_the_childs_environment_nor_use_the_proxy(
        signed_in, tmp_path):
    """As root here, the other user is ``nobody``: it can see the child's process but not its
    environment (where the secret is), and the proxy answers it 407."""
    tmp_path.chmod(0o755)
    ready, release = tmp_path / "ready", tmp_path / "release"
    code = (f"import os, pathlib, time; p = os.environ['HTTPS_PROXY'].rsplit(':', 1)[1]; "
            f"pathlib.Path({str(ready)!r}).write_text(f'{{os.getpid()}} {{p}}'); "
            f"[time.sleep(0.05) for _ in iter(lambda: pathlib.Path({str(release)!r}).exists(), "
            f"True)]")
    runner = threading.Thread(target=an.run, args=([PYTHON, "-c", code],), kwargs={"timeout": 60})
    runner.start()
    try:
        _wait_for(ready)
        pid, port = ready.read_text().split()
        probe = (f"import socket\ntry:\n    open('/proc/{pid}/environ', 'rb').read(); print('read')"
                 f"\nexcept PermissionError:\n    print('refused')\n"
                 f"s = socket.create_connection(('127.0.0.1', {port}))\n"
                 f"s.sendall(b'CONNECT 127.0.0.1:{signed_in.port} HTTP/1.1\\r\\n"
                 f"Host: 127.0.0.1:{signed_in.port}\\r\\n\\r\\n')\n"
                 f"print(s.recv(100).split(b'\\r\\n')[0].decode())")
        as_nobody = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3",
             "-c", probe], capture_output=True, text=True, timeout=30, cwd="/")
    finally:
        release.touch()
        runner.join()
    assert as_nobody.stdout.split("\n")[:2] == ["refused",
                                               "HTTP/1.1 407 Proxy Authentication Required"], (
        as_nobody.stderr)


def test_an_unknown_host_is_an_untouched_tunnel_and_gets_no_token(signed_in):
    from authsome_nb_emulator import Emulator

    with Emulator() as elsewhere:  # another host:port, not routed
        done = an.run(["curl", "-sv", "-H", "Authorization: Bearer $MICROSOFT_ACCESS_TOKEN",
                       f"{elsewhere.url}/common/v2.0/.well-known/openid-configuration"],
                      capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        # The certificate the child verified is the host's own: no interception.
        issuer = next(line for line in done.stderr.splitlines() if "issuer:" in line)
        assert "broker" not in issuer and "emulator CA" in issuer
        [seen] = [r for r in elsewhere.requests if r["path"].endswith("openid-configuration")]
        assert seen["has_authorization"] is True  # the child's own header, as it was sent
    assert signed_in.count("graph") == 0


def test_plain_http_is_forwarded_without_a_token(signed_in):
    seen: list[dict] = []

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = "import sys, requests; print(requests.get(sys.argv[1]).text)"
        done = an.run([PYTHON, "-c", code, f"http://127.0.0.1:{server.server_port}/x"],
                      capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert done.stdout.strip() == "ok", done.stderr
    assert [h.get("Authorization") for h in seen] == [None]


def test_a_corporate_proxy_carries_the_brokers_own_connections(signed_in, monkeypatch):
    with CorporateProxy() as corporate:
        monkeypatch.setenv("HTTPS_PROXY", corporate.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        done = an.run(["curl", "-sS", f"{signed_in.graph_base}/me"],
                      capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout)["displayName"] == "Adele Vance", done.stderr
    assert corporate.connects == [f"127.0.0.1:{signed_in.port}"]


def test_a_loopback_api_host_is_routed_even_when_no_proxy_names_loopback(signed_in,
                                                                          monkeypatch):
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,.internal.example")
    code = "import os, requests; print(os.environ['NO_PROXY']); " \
           "print(requests.get(os.environ['GRAPH'] + '/me').status_code)"
    done = an.run([PYTHON, "-c", code], env={"GRAPH": signed_in.graph_base},
                  capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["localhost,.internal.example", "200"], done.stderr


def test_a_sign_out_during_a_run_answers_401_naming_the_sign_in(signed_in, tmp_path):
    signed_out = tmp_path / "signed-out"
    code = f"""
import os, pathlib, requests, time
print(requests.get(os.environ["GRAPH"] + "/me").status_code, flush=True)
while not pathlib.Path({str(signed_out)!r}).exists():
    time.sleep(0.05)
answer = requests.get(os.environ["GRAPH"] + "/me")
print(answer.status_code, answer.json()["error"]["remedy"])
"""
    result: list = []
    runner = threading.Thread(target=lambda: result.append(an.run(
        [PYTHON, "-c", code], env={"GRAPH": signed_in.graph_base}, capture_output=True,
        text=True, timeout=60)))
    runner.start()
    time.sleep(0)  # the child's first request happens while we are signed in
    _wait_until(lambda: signed_in.count("graph", status=200) == 1)
    an.logout()
    signed_out.touch()
    runner.join()
    lines = result[0].stdout.splitlines()
    assert lines[0] == "200"
    assert lines[1] == "401 sign in with an.login('microsoft')", result[0].stderr
    assert signed_in.count("graph") == 1  # nothing left for the second request


def test_the_broker_logs_no_token(signed_in, caplog):
    token = an.token().value
    with caplog.at_level(logging.DEBUG):
        an.run(["curl", "-sS", f"{signed_in.graph_base}/me?$select=id"], capture_output=True,
               timeout=60)
    assert any("microsoft/default" in r.getMessage() for r in caplog.records)
    assert all(token not in r.getMessage() for r in caplog.records)


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    _wait_until(path.exists, timeout)


def _wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.02)


