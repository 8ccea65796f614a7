"""PKCE on JupyterHub with one redirect URI for every user: the Hub service's callback.

Entra allows no wildcard redirect URIs (and 256 at most), so ``/user/<name>/authsome/callback``
cannot be registered for every user of a Hub.  The ``authsome`` Hub service
(``python -m authsome_nb.hub``) is one URL for all of them,
``https://<hub>/services/authsome/callback``.  A kernel registers the ``sha256`` of its
sign-in's ``state`` there (authenticated by its server's API token), the user's browser comes
back to the service, which checks with the Hub that the browser's user is the one who started
the sign-in, and hands the redirect to this kernel only.  Used like ``LoopbackRedirect`` and
``rendezvous.ServerRedirect``.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
import warnings
from typing import TYPE_CHECKING

from ..errors import (
    AuthsomeError,
    ConfigurationError,
    SignInCancelled,
    SignInTimeout,
    StateMismatchError,
)
from ._hub_api import HubEnvironment

if TYPE_CHECKING:
    import httpx

POLL_SECONDS = 2.0  # one long poll: short enough that a Cancel button is heard at once


class HubServiceRedirect:
    """A PKCE redirect target served by the ``authsome`` JupyterHub service."""

    label = "the JupyterHub service's callback"

    def __init__(self, environment: HubEnvironment, service_url: str, callback_url: str) -> None:
        self.environment = environment
        self.service_url = service_url.rstrip("/")
        self._redirect_uri = callback_url
        self._digest: str | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<HubServiceRedirect {self._redirect_uri}>"

    @property
    def redirect_uri(self) -> str:
        return self._redirect_uri

    @property
    def closed(self) -> bool:
        return self._closed

    def expect_state(self, state: str) -> None:
        """Register the sign-in with the service (its state's digest only, never the state)."""
        if self._digest is not None:
            self._withdraw()
        digest = hashlib.sha256(state.encode()).hexdigest()
        response = self.environment.request("POST", f"{self.service_url}/api/sign-ins",
                                            json={"state_sha256": digest})
        if response.status_code != 201:
            raise ConfigurationError(
                f"The JupyterHub service at {self.service_url} refused the sign-in "
                f"(HTTP {response.status_code}): {_message(response)}",
                remedy="try again; if it persists, the Hub admin checks the service's log "
                "and that the 'server' role has access:services!service=authsome")
        self._digest = digest

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> dict[str, str]:
        """The redirect's query parameters; KeyboardInterrupt and ``cancel`` end it cleanly."""
        if self._digest is None:
            raise RuntimeError("expect_state() must be called before wait()")
        deadline = time.monotonic() + timeout
        url = f"{self.service_url}/api/sign-ins/{self._digest}"
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    raise SignInCancelled("Sign-in cancelled.")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SignInTimeout(
                        f"No sign-in came back to the JupyterHub service within {int(timeout)} s",
                        remedy="run the sign-in again and finish it in the browser in time "
                        "(or raise timeout=); if the browser showed an error about the redirect "
                        f"URI, the Hub admin registers {self._redirect_uri} in the app "
                        "registration (Mobile and desktop applications)")
                wait = min(POLL_SECONDS, left)
                response = self.environment.request("GET", f"{url}?wait={wait:.1f}",
                                                    timeout=wait + 15)
                answer = self._answer(response)
                if answer is not None:
                    self._digest = None  # collected: the service has forgotten it
                    return answer
        except KeyboardInterrupt:
            raise SignInCancelled("Sign-in interrupted.") from None
        finally:
            self.close()

    def _answer(self, response: httpx.Response) -> dict[str, str] | None:
        body = response.json() if response.headers.get("content-type", "").startswith(
            "application/json") else {}
        status = body.get("status") if isinstance(body, dict) else None
        if response.status_code == 200 and status == "waiting":
            return None
        if response.status_code == 200 and status == "answered":
            return {str(k): str(v) for k, v in (body.get("params") or {}).items()}
        if response.status_code in (401, 403):
            raise ConfigurationError(
                f"The JupyterHub service refused this server's token (HTTP "
                f"{response.status_code}): {_message(response)}",
                remedy="the Hub admin grants access:services!service=authsome to both the "
                "'user' and the 'server' roles (README, section JupyterHub)")
        if response.status_code == 200 and status == "refused":
            raise StateMismatchError(
                "This sign-in came back in the browser of another JupyterHub user, so it was "
                "cancelled: its code would have signed you in as that person",
                remedy="start the sign-in again and finish it in your own browser, logged in "
                "to the Hub as yourself; never share a sign-in link")
        raise SignInTimeout(
            f"The JupyterHub service forgot this sign-in (HTTP {response.status_code}: "
            f"{_message(response)})",
            remedy="run the sign-in again (the service may have restarted, or the sign-in "
            "expired)")

    def close(self) -> None:
        if self._digest is not None:
            self._withdraw()
        self._closed = True

    def _withdraw(self) -> None:
        digest, self._digest = self._digest, None
        with contextlib.suppress(Exception):  # best effort: it also expires by itself
            self.environment.request("DELETE", f"{self.service_url}/api/sign-ins/{digest}")


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no details"
    return str(body.get("message") or body) if isinstance(body, dict) else str(body)


def hub_service_redirect() -> HubServiceRedirect | None:
    """The Hub service's callback for this server's kernels, or None off a Hub or without it.

    The service is where ``AUTHSOME_NB_HUB_SERVICE_URL`` says (``spawner_environment`` sets
    it); it tells which public callback URL the app registration lists.
    """
    environment = HubEnvironment.from_environ()
    if environment is None or environment.service_url is None:
        return None
    where = f"{environment.service_url}/api/info"
    try:
        response = environment.request("GET", where)
        answer = response.json() if response.status_code == 200 else {}
        problem = f"HTTP {response.status_code}: {_message(response)}"
    except (AuthsomeError, ValueError) as exc:
        answer, problem = {}, str(exc).splitlines()[0]
    callback = answer.get("callback_url") if isinstance(answer, dict) else None
    if not isinstance(callback, str) or not callback:
        # Configured but not working: say so once, then sign in another way.
        warnings.warn(f"The JupyterHub service at {environment.service_url} cannot take this "
                      f"sign-in ({problem}), so it does without it. The Hub admin checks that "
                      "the service runs and that the 'user' and 'server' roles have "
                      "access:services!service=authsome.", stacklevel=3)
        return None
    return HubServiceRedirect(environment, environment.service_url, callback)
