"""The loopback redirect target of a PKCE sign-in: loopback only, a free port, one answer.

MSAL's own ``acquire_token_interactive`` listener accepts only ``form_post`` and may bind
``0.0.0.0``, so we run our own (its sockets: ``_loopback_http``): it binds 127.0.0.1 and
[::1] only, answers ``/callback`` once for the expected ``state``, shows a small page
("signed in, you can close this tab" or what went wrong), and closes.  A request with a
wrong ``state`` gets an error page and does not end the wait (an old tab must not abort the
real sign-in); it is remembered so a timeout can say so.  Only a complete request to our own
host name counts (``Host`` is checked, so a web page that rebinds a DNS name to 127.0.0.1
cannot talk to it).
"""

from __future__ import annotations

import hmac
import html
import threading
import time
from urllib.parse import parse_qs

from ..errors import SignInCancelled, SignInError, SignInTimeout, StateMismatchError
from ._loopback_http import LoopbackSockets, Request

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

    def __init__(self, port: int = 0) -> None:
        self._result: dict[str, str] | None = None
        self._expected_state: str | None = None
        self._mismatches = 0
        self._done = threading.Event()
        try:
            self._sockets = LoopbackSockets(self._respond, port)
        except OSError as exc:
            raise SignInError(
                f"Cannot listen for the browser's redirect on the loopback ({exc.strerror})",
                remedy="close the program that holds the port, or sign in with flow='device'",
            ) from None
        self.port = self._sockets.port

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.port}{CALLBACK_PATH}"

    @property
    def addresses(self) -> list[str]:
        """The loopback addresses listened on (127.0.0.1, and ::1 where there is IPv6)."""
        return self._sockets.addresses

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
                        "(or give it a longer timeout)",
                    )
        except KeyboardInterrupt:
            raise SignInCancelled("Sign-in interrupted.") from None
        finally:
            self.close()
        assert self._result is not None
        return self._result

    def close(self) -> None:
        self._done.set()
        self._sockets.close()

    @property
    def closed(self) -> bool:
        return self._sockets.closed

    # -- requests (called on the listener's thread) ----------------------------------------
    def _respond(self, request: Request) -> tuple[int, bytes]:
        if not self._our_host(request.headers.get("host", "")):
            return 400, result_page(False, "This address is not the sign-in's.")
        path, _, query = request.target.partition("?")
        if path != CALLBACK_PATH:
            return 404, result_page(False, "Unknown path.")
        if request.method == "GET":
            form = query
        elif request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/x-www-form-urlencoded":
                return 415, result_page(False, "The redirect was not a form.")
            form = request.body.decode("utf-8", "replace")
        else:
            return 405, result_page(False, "Unexpected request.")
        try:
            fields = parse_qs(form, max_num_fields=32)
        except ValueError:
            return 400, result_page(False, "The redirect carried too many fields.")
        return self._accept({k: v[0] for k, v in fields.items()})

    def _our_host(self, host: str) -> bool:
        return host.lower() in {f"{name}:{self.port}" for name in ("localhost", "127.0.0.1",
                                                                   "[::1]")}

    def _accept(self, params: dict[str, str]) -> tuple[int, bytes]:
        if self._done.is_set():
            return 410, result_page(False, "This sign-in link was already used.")
        expected = self._expected_state
        state = params.get("state")
        if expected is None or state is None or not hmac.compare_digest(
            state.encode(), expected.encode()
        ):
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
