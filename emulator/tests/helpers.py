"""Small helpers the emulator tests share (MSAL wired the way the product wires it)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import msal
import requests
from authsome_nb_emulator import Emulator


def msal_app(emulator: Emulator, tenant: str = "common") -> msal.PublicClientApplication:
    """MSAL as the product uses it: our CA only (REQUESTS_CA_BUNDLE is set on this machine)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = emulator.ca_path
    return msal.PublicClientApplication(emulator.client_id, authority=emulator.authority(tenant),
                                        instance_discovery=False, http_client=session)


def device_sign_in(emulator: Emulator, scopes: list[str], user: str = "adele",
                   app: msal.PublicClientApplication | None = None) -> dict:
    """A device-code sign-in approved before the first poll (so MSAL never sleeps)."""
    app = app or msal_app(emulator)
    flow = app.initiate_device_flow(scopes=scopes)
    emulator.approve(flow["user_code"], user)
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    return result


def bearer(token: dict | str) -> dict[str, str]:
    value = token["access_token"] if isinstance(token, dict) else token
    return {"Authorization": f"Bearer {value}"}


class LoopbackListener:
    """A stand-in for the app's redirect listener on ``http://localhost:<port>/callback``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str]] = []  # method, path?query, body
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                listener.received.append((self.command, self.path, body))
                page = b"Signed in. You can close this tab."
                self.send_response(200)
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://localhost:{self._server.server_port}/callback"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
