"""Stand-ins for GitHub and Google: what a generic OAuth client meets there, on the emulator.

Each stand-in keeps its own app registration (client id and secret), codes, device codes and
tokens, answers under its own path prefix (``/github/…``, ``/google/…``), and signs people in
from the emulator's directory (GitHub logins are the UPN's local part, lowercased).  The
behaviour modelled is each provider's documented one, cited where it is implemented
(``_github``, ``_google``); what is shared lives here: the consent page a scripted browser
submits, PKCE (S256) checks, device-code bookkeeping and token issue.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin, urlsplit

from ._errors import EmulatorBrowserError

if TYPE_CHECKING:
    from ._users import User

_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"


@dataclass
class Grant:
    user: User
    client_id: str
    scopes: list[str]
    nonce: str | None = None
    offline: bool = True


@dataclass
class Device:
    user_code: str
    grant: Grant
    expires_at: float
    interval: int
    status: str = "pending"  # pending | approved | denied
    last_poll: float = 0.0


@dataclass
class Code:
    grant: Grant
    redirect_uri: str
    challenge: str | None
    expires_at: float


@dataclass
class StandIn:
    """One provider's side: registration, knobs, and everything it has issued."""

    name: str
    client_id: str = ""
    client_secret: str = ""
    access_token_lifetime: int | None = 3600  # None: tokens that never expire
    issue_refresh_tokens: bool = True
    device_interval: int = 5
    device_code_lifetime: int = 900
    lock: threading.RLock = field(default_factory=threading.RLock)
    codes: dict[str, Code] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    access_tokens: dict[str, tuple[Grant, float | None]] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    grants: Counter = field(default_factory=Counter)  # token responses per grant type
    revoked: int = 0

    def __post_init__(self) -> None:
        self.client_id = self.client_id or f"emulated-{self.name}-app"
        self.client_secret = self.client_secret or f"emulated-{self.name}-secret"

    # --- codes and tokens ---
    def new_code(self, grant: Grant, redirect_uri: str, challenge: str | None) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Code(grant, redirect_uri, challenge, time.time() + 600)
        return code

    def redeem(self, code: str, redirect_uri: str, verifier: str | None) -> Grant | str:
        """The code's grant, or the OAuth error word (single use: RFC 6749 §4.1.2)."""
        with self.lock:
            found = self.codes.pop(code, None)
        if found is None or found.expires_at < time.time() or found.redirect_uri != redirect_uri:
            return "invalid_grant"
        if found.challenge is not None and (verifier is None
                                            or s256(verifier) != found.challenge):
            return "invalid_grant"
        return found.grant

    def issue(self, grant: Grant, grant_type: str, *, with_refresh: bool) -> dict:
        token = secrets.token_urlsafe(30)
        expires_at = None if self.access_token_lifetime is None else \
            time.time() + self.access_token_lifetime
        answer: dict = {"access_token": token, "token_type": "bearer"}
        if self.access_token_lifetime is not None:
            answer["expires_in"] = self.access_token_lifetime
        with self.lock:
            self.access_tokens[token] = (grant, expires_at)
            if with_refresh:
                refresh = secrets.token_urlsafe(30)
                self.refresh_tokens[refresh] = grant
                answer["refresh_token"] = refresh
            self.grants[grant_type] += 1
        return answer

    def bearer(self, authorization: str | None) -> Grant | None:
        """The grant of a valid ``Authorization: Bearer …`` (or GitHub's ``token …``)."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        with self.lock:
            found = self.access_tokens.get(token.strip())
        if found is None or (found[1] is not None and found[1] < time.time()):
            return None
        return found[0]

    def revoke(self, token: str) -> bool:
        with self.lock:
            grant = self.refresh_tokens.pop(token, None)
            access = self.access_tokens.pop(token, None)
            if grant is not None:  # RFC 7009 §2.1: the grant's access tokens die with it
                for value, (other, _) in list(self.access_tokens.items()):
                    if other is grant:
                        del self.access_tokens[value]
            if grant is not None or access is not None:
                self.revoked += 1
                return True
        return False

    # --- device codes ---
    def new_device(self, grant: Grant) -> tuple[str, Device]:
        device_code = secrets.token_urlsafe(24)
        user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
        user_code = f"{user_code[:4]}-{user_code[4:]}"
        device = Device(user_code, grant, time.time() + self.device_code_lifetime,
                        self.device_interval)
        with self.lock:
            self.devices[device_code] = device
        return device_code, device

    def device_of(self, user_code: str) -> Device:
        wanted = user_code.upper().replace("-", "")
        with self.lock:
            for device in self.devices.values():
                if device.user_code.replace("-", "") == wanted:
                    return device
        raise EmulatorBrowserError(f"no {self.name} device code {user_code!r} is waiting")

    def pending_user_codes(self) -> list[str]:
        with self.lock:
            return [d.user_code for d in self.devices.values() if d.status == "pending"]

    def counts(self) -> dict:
        with self.lock:
            return {"grants": dict(self.grants), "revoked": self.revoked}


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_loopback_redirect(uri: str) -> bool:
    """``http://127.0.0.1:<any port>/…`` or ``http://localhost:<any port>/…`` (RFC 8252 §7.3)."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def consent_page(title: str, action: str, fields: dict[str, str], people: list[User],
                 login_of) -> str:
    """A minimal account-and-consent form: a hidden field per parameter, a radio per person."""
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in fields.items())
    choices = "".join(
        f'<label><input type="radio" name="login" value="{html.escape(login_of(u))}"'
        f'{" checked" if i == 0 else ""}> {html.escape(u.display_name)}</label><br>'
        for i, u in enumerate(people))
    return (f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
            f'<form method="post" action="{html.escape(action)}">{hidden}{choices}'
            '<button name="decision" value="allow">Authorize</button>'
            '<button name="decision" value="deny">Cancel</button></form>')


def play_browser(authorize_url: str, *, tls: ssl.SSLContext, login: str,
                 allow: bool = True) -> str:
    """A person at the stand-in's consent page: choose ``login``, authorize (or cancel), and
    follow the redirect to the app's loopback listener; returns what the listener answered."""
    from ._browser import _parse, _send

    status, headers, page = _send("GET", authorize_url, tls)
    if status != 200:
        raise EmulatorBrowserError(f"the authorize page refused (HTTP {status}): {page[:300]}",
                                   status=status, text=page)
    form = _parse(page).forms[0]
    fields = {i["name"]: i.get("value", "") for i in form["inputs"]
              if i.get("type") == "hidden" and i.get("name")}
    fields.update(login=login, decision="allow" if allow else "deny")
    status, headers, page = _send("POST", urljoin(authorize_url, form["action"]), tls,
                                  urlencode(fields))
    target = headers.get("location")
    if status not in (302, 303) or not target:
        raise EmulatorBrowserError(f"no redirect after consent (HTTP {status}): {page[:300]}",
                                   status=status, text=page)
    _, _, body = _send("GET", target, None)
    return body

