"""An API key, end to end: stored by an.login, sent by an.client in the header the definition
names, exported, and injected by the broker into a child that holds only the placeholder —
against a real HTTPS server on loopback that records what it received."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import sys
import threading
from pathlib import Path

import pytest

import authsome_nb as an

KEY = "ek-" + "0123456789abcdef" * 2


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, its own issuer (the bundle the kernel trusts names it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "echo api")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "echo.pem", folder / "echo.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def echo_api(tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    home = tmp_path / "home"
    (home / "providers").mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    (home / "providers" / "echoapi.json").write_text(json.dumps({
        "schema_version": 1, "name": "echoapi", "display_name": "Echo API",
        "auth_type": "api_key", "api_url": f"127.0.0.1:{port}",
        "api_key": {"header_name": "x-api-key", "header_prefix": None,
                    "env_var": "ECHOAPI_API_KEY"},
        "export": {"ECHOAPI_API_KEY": "API_TOKEN"}}))
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    monkeypatch.setenv("AUTHSOME_NB_KEY", "A" * 43 + "=")
    monkeypatch.setenv("AUTHSOME_NB_CA_BUNDLE", str(cert))
    monkeypatch.delenv("ECHOAPI_API_KEY", raising=False)
    RecordingHandler.seen = []
    yield f"https://127.0.0.1:{port}"
    server.shutdown()


def test_the_key_goes_in_its_own_header_from_the_client_and_through_the_broker(echo_api):
    an.login("echoapi", api_key=f"  {KEY}\n", on_event=lambda event: None)
    assert an.client("echoapi").get(f"{echo_api}/v1/things").json() == {"ok": True}
    direct = RecordingHandler.seen[-1]
    assert direct["x-api-key"] == KEY and "authorization" not in direct

    code = ("import os, httpx; print(os.environ['ECHOAPI_API_KEY']); "
            "print(httpx.get(os.environ['API'] + '/v1/things', "
            "headers={'x-api-key': os.environ['ECHOAPI_API_KEY']}).status_code)")
    done = an.run([sys.executable, "-c", code], env={"API": echo_api}, capture_output=True,
                  text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["authsome-proxy-managed", "200"]
    through_broker = RecordingHandler.seen[-1]
    assert through_broker["x-api-key"] == KEY  # the placeholder the child sent was replaced
    assert KEY not in done.stdout + done.stderr

    assert an.export("echoapi") == ["ECHOAPI_API_KEY"]
    import os

    assert os.environ.pop("ECHOAPI_API_KEY") == KEY
