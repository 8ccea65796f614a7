"""The loopback redirect target of a PKCE sign-in: 127.0.0.1, a free port, one answer.

MSAL's own ``acquire_token_interactive`` listener accepts only ``form_post`` and may bind
``0.0.0.0``, so we run our own: it binds 127.0.0.1 only, answers
``GET /callback`` once for the expected ``state``, shows a small page ("signed in, you can
close this tab" or what went wrong), and closes.  A request with a wrong ``state`` gets an
error page and does not end the wait (an old tab must not abort the real sign-in); it is
remembered so a timeout can say so.
"""

from __future__ import annotations

import html
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from ..errors import SignInCancelled, SignInTimeout, StateMismatchError

CALLBACK_PATH = "/callback"

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;color:#222}}
h1{{font-size:1.4em}} .ok{{color:#107c10}} .bad{{color:#a4262c}}</style></head>
<body><h1 class="{cls}">{title}</h1><p>{body}</p></body></html>"""


def result_page(ok: bool, detail: str = "") -> bytes:
    """The page the browser shows after the redirect (no secrets: code/state are not echoed)."""
    if ok:  # the code is redeemed after this page is shown: say received, not done
        title, cls = "Sign-in received", "ok"
        body = "You can close this tab: your notebook finishes signing in and shows the result."
    else:
        title, cls = "Sign-in did not complete", "bad"
        body = (
            html.escape(detail or "Something went wrong.")
            + " Go back to your notebook for details."
        )
    return _PAGE.format(title=title, cls=cls, body=body).encode()


class LoopbackRedirect:
    """A one-shot listener; ``redirect_uri`` is ``http://localhost:<port>/callback``.

    It asks for ``response_mode=form_post`` (RFC 9700 §4.3.1): the code then travels in a
    POST body, not in a URL that browser history or a proxy log could keep.  A ``GET``
    with the code in the query is accepted too.
    """

    response_mode = "form_post"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._result: dict[str, str] | None = None
        self._expected_state: str | None = None
        self._mismatches = 0
        self._done = threading.Event()
        handler = self._make_handler()
        self._server = HTTPServer((host, port), handler)
        self._server.timeout = 0.2
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._serve, name=f"authsome-loopback-{self.port}", daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.port}{CALLBACK_PATH}"

    def expect_state(self, state: str) -> None:
        self._expected_state = state

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> dict[str, str]:
        """Block until the redirect arrives; KeyboardInterrupt and ``cancel`` end it cleanly."""
        deadline = time.monotonic() + timeout
        try:
            while not self._done.wait(0.1):
                if cancel is not None and cancel.is_set():
                    raise SignInCancelled("Sign-in cancelled.")
                if time.monotonic() >= deadline:
                    if self._mismatches:
                        raise StateMismatchError(
                            "OAuth state mismatch: the browser came back from a different sign-in "
                            "attempt than this one",
                            remedy="close other sign-in tabs, check the system clock, clear the "
                            "browser cache for login.microsoftonline.com, and try again",
                        )
                    raise SignInTimeout(
                        f"No sign-in came back within {int(timeout)} s",
                        remedy="run the sign-in again and finish it in the browser in time "
                        "(or raise timeout=)",
                    )
        except KeyboardInterrupt:
            raise SignInCancelled("Sign-in interrupted.") from None
        finally:
            self.close()
        assert self._result is not None
        return self._result

    def close(self) -> None:
        self._done.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._server.server_close()

    @property
    def closed(self) -> bool:
        return not self._thread.is_alive()

    def _serve(self) -> None:
        while not self._done.is_set():
            try:
                self._server.handle_request()
            except (OSError, ValueError):
                break

    def _accept(self, params: dict[str, str]) -> tuple[int, bytes]:
        if self._done.is_set():
            return 410, result_page(False, "This sign-in link was already used.")
        if self._expected_state is None or params.get("state") != self._expected_state:
            self._mismatches += 1
            return 400, result_page(
                False,
                "OAuth state mismatch: this page belongs to another sign-in attempt. "
                "Close it and use the newest sign-in link.",
            )
        if "error" in params:
            detail = params.get("error_description") or params["error"]
            page = result_page(False, detail.splitlines()[0])
        elif "code" in params:
            page = result_page(True)
        else:
            return 400, result_page(False, "The redirect carried neither a code nor an error.")
        self._result = params
        self._done.set()
        return 200, page

    def _make_handler(self):
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(urlsplit(self.path).query)

            def do_POST(self) -> None:  # noqa: N802
                length = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
                self._answer(self.rfile.read(length).decode("utf-8", "replace"))

            def _answer(self, form: str) -> None:
                if urlsplit(self.path).path != CALLBACK_PATH:
                    status, body = 404, result_page(False, "Unknown path.")
                else:
                    params = {k: v[0] for k, v in parse_qs(form).items()}
                    status, body = listener._accept(params)
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(
                self, format: str, *args
            ) -> None:  # the query holds the code: never log
                return

        return Handler
