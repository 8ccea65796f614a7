"""Everything a running emulator knows, shared by its endpoints: knobs, users, tokens, faults.

One re-entrant lock guards it; endpoints hold it for their read-modify-write steps, so
sixteen clients racing to redeem the same refresh token under ``strict_rotation`` see exactly
one winner, as they would at Microsoft.  Knobs are validated here, whichever way they are set
(attribute, ``configure``, the control API).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._aadsts import INJECTABLE
from ._data import DataStore
from ._github import GitHub
from ._google import Google
from ._ledger import Ledger
from ._mailbox_limits import DEFAULT_LIMIT, MailboxSlots
from ._tokens import TokenRegistry
from ._users import Directory, User

DEFAULT_CLIENT_ID = "4a1d5f0e-7b2c-4e39-a8d6-1c0ffee5eed5"
NATIVE_CLIENT_REDIRECT = "https://login.microsoftonline.com/common/oauth2/nativeclient"
IDENTITY_ENDPOINTS = ("token", "authorize", "devicecode")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _int(low: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or int(value) != value or int(value) < low:
            raise ValueError(f"expected an integer >= {low}, got {value!r}")
        return int(value)
    return check


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or float(value) < 0:
        raise ValueError(f"expected a number of seconds >= 0, got {value!r}")
    return float(value)


def _status(value: Any) -> int:
    if value not in (429, 503, 504):
        raise ValueError(f"throttle_status must be 429, 503 or 504, not {value!r}")
    return int(value)


def _words(value: Any) -> list[str]:
    words = value.split() if isinstance(value, str) else list(value or [])
    if not all(isinstance(w, str) for w in words):
        raise ValueError("expected a list of scope strings")
    return words


#: knob name → validator; every knob can be changed while the emulator runs.
KNOBS: dict[str, Callable[[Any], Any]] = {
    "access_token_lifetime": _int(1),
    "refresh_token_lifetime": _int(1),
    "auth_code_lifetime": _int(1),
    "auto_approve_after": _optional(_int(0)),
    "auto_approve_user": lambda value: value,  # users are resolved in configure()
    "auto_consent_user": lambda value: value,
    "strict_rotation": bool,
    "throttle_every": _optional(_int(1)),
    "throttle_retry_after": _int(0),
    "throttle_status": _status,
    "slow_down_polls": _int(0),
    "extra_response_scopes": _words,
    "next_link_host": _optional(str),
    "device_interval": _int(0),
    "device_code_lifetime": _int(1),
    "messages_per_user": _int(0),
    "client_secret": _optional(str),
    "graph_latency": _seconds,
    "mailbox_concurrency": _optional(_int(1)),
}


@dataclass
class IdentityFault:
    code: int
    endpoint: str
    grant_type: str | None
    remaining: int


@dataclass
class GraphFault:
    prefix: str
    status: int
    code: str
    message: str | None
    remaining: int


class EmulatorState:
    def __init__(self, *, client_id: str, users: list[User], seed: int,
                 knobs: dict[str, Any]) -> None:
        self.lock = threading.RLock()
        self.device_issued = threading.Condition(self.lock)
        self.url = ""
        self.client_id = client_id
        self.redirect_uris = ["http://localhost/callback", NATIVE_CLIENT_REDIRECT]
        # Redirect URIs registered under "Mobile and desktop applications": a code sent to one
        # is redeemed as a public client (no secret) even when the app also has a secret.
        self.public_client_redirect_uris: list[str] = []
        self.directory = Directory(list(users))
        self.tokens = TokenRegistry()
        self.ledger = Ledger()
        self.seed = seed
        self.clock_offset = 0.0
        self.graph_sequence = 0
        self.pending_sign_ins: dict[str, tuple[dict[str, str], float]] = {}
        self.identity_faults: list[IdentityFault] = []
        self.graph_faults: list[GraphFault] = []
        self.github, self.google = GitHub(), Google()  # the other providers' stand-ins
        # Defaults first, so validation of one knob may read another.
        self.access_token_lifetime = 3600
        self.refresh_token_lifetime = 90 * 86400
        self.auth_code_lifetime = 600
        self.auto_approve_after: int | None = None
        self.auto_approve_user: str | None = None
        self.auto_consent_user: str | None = None
        self.strict_rotation = False
        self.throttle_every: int | None = None
        self.throttle_retry_after = 1
        self.throttle_status = 429
        self.slow_down_polls = 0
        self.extra_response_scopes: list[str] = []
        self.next_link_host: str | None = None
        self.device_interval = 1
        self.device_code_lifetime = 900
        self.messages_per_user = 120
        # None: a public client (a secret is refused, 700025); a string: a confidential client
        # whose token requests must present exactly this secret.
        self.client_secret: str | None = None
        # Seconds each accepted Graph request takes, and Outlook's requests in flight per
        # mailbox (None: unlimited); see _mailbox_limits.
        self.graph_latency = 0.0
        self.mailbox_concurrency: int | None = DEFAULT_LIMIT
        self.mailbox_slots = MailboxSlots()
        for name, value in knobs.items():
            self.configure(name, value)
        self.data = DataStore(seed=seed, messages_per_user=lambda: self.messages_per_user,
                              directory=self.directory)

    def now(self) -> float:
        """The emulator's clock: real time plus whatever ``advance_clock`` added."""
        return time.time() + self.clock_offset

    def knobs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in KNOBS}

    def configure(self, name: str, value: Any) -> None:
        if name not in KNOBS:
            raise AttributeError(f"unknown knob {name!r}; knobs: {', '.join(KNOBS)}")
        if name in ("auto_approve_user", "auto_consent_user") and value is not None:
            value = self.directory.find(value).upn
        value = KNOBS[name](value)
        with self.lock:
            setattr(self, name, value)
            if name in ("throttle_every", "throttle_status"):
                self.graph_sequence = 0  # "every Nth call" counts from when it was set

    # --- faults ---
    def add_identity_fault(self, code: int, endpoint: str, grant_type: str | None,
                           count: int) -> None:
        if code not in INJECTABLE:
            raise ValueError(f"AADSTS{code} is not in the emulator's catalog")
        if endpoint not in IDENTITY_ENDPOINTS:
            raise ValueError(f"endpoint must be one of {IDENTITY_ENDPOINTS}, not {endpoint!r}")
        with self.lock:
            self.identity_faults.append(IdentityFault(code, endpoint, grant_type, count))

    def take_identity_fault(self, endpoint: str, grant_type: str | None = None) -> int | None:
        with self.lock:
            for fault in self.identity_faults:
                if fault.endpoint == endpoint and fault.grant_type in (None, grant_type):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.identity_faults.remove(fault)
                    return fault.code
        return None

    def add_graph_fault(self, prefix: str, status: int, code: str, count: int,
                        message: str | None) -> None:
        if prefix.lower().startswith("/v1.0"):
            prefix = prefix[len("/v1.0"):]
        with self.lock:
            self.graph_faults.append(GraphFault("/" + prefix.lstrip("/"), status, code,
                                                message, count))

    def take_graph_fault(self, path: str) -> GraphFault | None:
        with self.lock:
            for fault in self.graph_faults:
                if path.lower().startswith(fault.prefix.lower()):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.graph_faults.remove(fault)
                    return fault
        return None

    def next_graph_call_throttled(self) -> bool:
        """Counts one Graph call; True when it is the Nth since ``throttle_every`` was set."""
        with self.lock:
            self.graph_sequence += 1
            every = self.throttle_every
            return bool(every) and self.graph_sequence % every == 0
