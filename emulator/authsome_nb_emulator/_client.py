"""``EmulatorClient``: script a running emulator from another process over its control API.

Only the standard library is used, so the client works in any kernel or subprocess that can
import this package; it trusts the emulator's CA file, nothing else.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
from typing import Any
from urllib.parse import urlsplit

from ._errors import EmulatorError, UnknownUserCodeError, UnknownUserError

_EXCEPTIONS: dict[str, type[Exception]] = {
    "UnknownUserCodeError": UnknownUserCodeError, "UnknownUserError": UnknownUserError,
    "EmulatorError": EmulatorError, "TimeoutError": TimeoutError, "ValueError": ValueError,
    "TypeError": TypeError, "AttributeError": AttributeError, "KeyError": LookupError,
    "LookupError": LookupError,
}


def _name(user: Any) -> Any:
    return getattr(user, "upn", user)


class EmulatorClient:
    """The control verbs of :class:`~authsome_nb_emulator.Emulator`, for another process."""

    def __init__(self, url: str, ca_path: str | os.PathLike[str], *, timeout: float = 30.0,
                 ) -> None:
        self.url = url.rstrip("/")
        self.ca_path = os.fspath(ca_path)
        self.timeout = timeout
        split = urlsplit(self.url)
        if split.scheme != "https" or not split.hostname:
            raise ValueError(f"expected the emulator's https:// URL, got {url!r}")
        self._host, self._port = split.hostname, split.port or 443
        self._tls = ssl.create_default_context(cafile=self.ca_path)

    def __repr__(self) -> str:
        return f"EmulatorClient({self.url!r})"

    def _call(self, verb: str, *, http_timeout: float | None = None, **arguments: Any) -> Any:
        connection = http.client.HTTPSConnection(self._host, self._port, context=self._tls,
                                                 timeout=http_timeout or self.timeout)
        try:
            connection.request("POST", f"/_emulator/{verb}", body=json.dumps(arguments),
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = json.loads(response.read() or b"{}")
        except OSError as exc:
            raise EmulatorError(f"cannot reach the emulator at {self.url}: {exc}") from exc
        finally:
            connection.close()
        if response.status != 200:
            kind = _EXCEPTIONS.get(payload.get("error", ""), EmulatorError)
            raise kind(payload.get("message") or f"control call {verb} failed")
        return payload.get("result")

    # --- device codes ---
    def approve(self, user_code: str, user: Any = None) -> str:
        """Approve as ``user`` (default: the first user the tenant accepts); returns the UPN."""
        return self._call("approve", user_code=user_code, user=_name(user))["user"]

    def deny(self, user_code: str) -> None:
        self._call("deny", user_code=user_code)

    def expire(self, user_code: str) -> None:
        self._call("expire", user_code=user_code)

    def pending_user_codes(self) -> list[str]:
        return self._call("pending_user_codes")

    @property
    def last_user_code(self) -> str | None:
        return self._call("last_user_code")

    def wait_for_user_code(self, timeout: float = 10.0, *, after: str | None = None) -> str:
        return self._call("wait_for_user_code", http_timeout=timeout + 10, timeout=timeout,
                          after=after)

    # --- counters and log ---
    def count(self, endpoint: str, **filters: Any) -> int:
        return self._call("count", endpoint=endpoint, **filters)

    def reset_counters(self) -> None:
        self._call("reset_counters")

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._call("requests")

    # --- knobs, users, faults ---
    def configure(self, **knobs: Any) -> dict[str, Any]:
        """Set knobs (``configure(throttle_every=5)``); returns every knob's value."""
        return self._call("configure", **{k: _name(v) for k, v in knobs.items()})

    def info(self) -> dict[str, Any]:
        return self._call("info")

    @property
    def users(self) -> list[dict[str, str]]:
        return self._call("users")

    def add_user(self, display_name: str, upn: str | None = None, **details: Any,
                 ) -> dict[str, str]:
        return self._call("add_user", display_name=display_name, upn=upn, **details)

    def register_redirect_uri(self, uri: str, *, public_client: bool = False) -> None:
        self._call("register_redirect_uri", uri=uri, public_client=public_client)

    def advance_clock(self, seconds: float) -> None:
        self._call("advance_clock", seconds=seconds)

    def inject_error(self, aadsts: int, *, endpoint: str = "token", grant_type: str | None = None,
                     count: int = 1) -> None:
        self._call("inject_error", aadsts=aadsts, endpoint=endpoint, grant_type=grant_type,
                   count=count)

    def inject_graph_error(self, path_prefix: str, status: int = 403,
                           code: str = "Authorization_RequestDenied", count: int = 1,
                           message: str | None = None) -> None:
        self._call("inject_graph_error", path_prefix=path_prefix, status=status, code=code,
                   count=count, message=message)

    def revoke_refresh_tokens(self, user: Any = None) -> int:
        return self._call("revoke_refresh_tokens", user=_name(user))

    def revoke_sessions(self, user: Any = None) -> None:
        self._call("revoke_sessions", user=_name(user))

    # --- the mailbox, between two syncs ---
    def change_mailbox(self, user: Any = None, *, folder: str = "inbox", add: int = 0,
                       update: int = 0, delete: int = 0) -> dict[str, list[str]]:
        return self._call("change_mailbox", user=_name(user), folder=folder, add=add,
                          update=update, delete=delete)

    def change_directory(self, user: Any = None, **changes: int) -> dict[str, list[str]]:
        return self._call("change_directory", user=_name(user), **changes)

    def expire_delta_tokens(self, user: Any = None) -> None:
        self._call("expire_delta_tokens", user=_name(user))

    @property
    def mailbox_stats(self) -> dict[str, int]:
        return self._call("mailbox_stats")
