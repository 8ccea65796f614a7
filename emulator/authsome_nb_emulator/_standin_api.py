"""What a test holds of a stand-in: ``emu.github`` and ``emu.google``.

``approve(user_code, user=None)``/``deny``, ``play_browser(url, user=None, allow=True)``, the
app's ``client_id``/``client_secret``, knobs (``access_token_lifetime``, ``device_interval``;
GitHub's ``expiring_tokens``), ``counts()`` of token responses per grant type and revocations,
and ``provider_override()``: what to deep-merge over authsome_nb's bundled definition of the
provider so that it signs in here.
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _github, _google
from ._standins import StandIn, play_browser

if TYPE_CHECKING:
    from ._state import EmulatorState
    from ._users import User


class StandInControl:
    def __init__(self, state: EmulatorState, standin: StandIn, ca_path: str) -> None:
        self._state = state
        self._standin = standin
        self._ca_path = ca_path

    @property
    def name(self) -> str:
        return self._standin.name

    @property
    def client_id(self) -> str:
        return self._standin.client_id

    @property
    def client_secret(self) -> str:
        return self._standin.client_secret

    @property
    def base(self) -> str:
        return f"{self._state.url}/{self.name}"

    def __getattr__(self, name: str) -> Any:  # the knobs, read through
        if name in ("access_token_lifetime", "device_interval", "device_code_lifetime"):
            return getattr(self._standin, name)
        raise AttributeError(name)

    def configure(self, **knobs: Any) -> None:
        for name, value in knobs.items():
            if name == "expiring_tokens" and isinstance(self._standin, _github.GitHub):
                self._standin.set_expiring_tokens(bool(value))
            elif name in ("access_token_lifetime", "device_interval", "device_code_lifetime"):
                setattr(self._standin, name, value)
            else:
                raise ValueError(f"{self.name} has no knob {name!r}")

    def _user(self, user: str | User | None) -> User | None:
        return None if user is None else self._state.directory.find(user)

    def approve(self, user_code: str, user: str | User | None = None) -> None:
        if isinstance(self._standin, _github.GitHub):
            _github.approve(self._state, self._standin, user_code, self._user(user))
        else:
            assert isinstance(self._standin, _google.Google)
            _google.approve(self._standin, user_code, self._user(user))

    def deny(self, user_code: str) -> None:
        device = self._standin.device_of(user_code)
        with self._standin.lock:
            device.status = "denied"

    def pending_user_codes(self) -> list[str]:
        return self._standin.pending_user_codes()

    def play_browser(self, authorize_url: str, user: str | User | None = None,
                     allow: bool = True) -> str:
        person = self._user(user) or self._state.directory.snapshot()[0]
        login = _github.login_of(person) if self.name == "github" else _google.email_of(person)
        tls = ssl.create_default_context(cafile=self._ca_path)
        return play_browser(authorize_url, tls=tls, login=login, allow=allow)

    def login_of(self, user: str | User) -> str:
        person = self._state.directory.find(user)
        return _github.login_of(person) if self.name == "github" else _google.email_of(person)

    def counts(self) -> dict:
        return self._standin.counts()

    def provider_override(self) -> dict[str, Any]:
        host = self._state.url.removeprefix("https://")
        base = self.base
        if self.name == "github":
            oauth: dict[str, Any] = {"base_url": base}
            api = {"api_url": [host], "api_base": f"{base}/api"}
        else:
            oauth = {"issuer": base, "authorization_url": f"{base}/o/oauth2/v2/auth",
                     "token_url": f"{base}/token", "revocation_url": f"{base}/revoke",
                     "device_authorization_url": f"{base}/device/code",
                     "userinfo_url": f"{base}/v1/userinfo"}
            api = {"api_url": [host], "api_base": base}
        return {"oauth": oauth, **api, "client_id": self.client_id}

    def write_provider_override(self, home: str | Path) -> Path:
        folder = Path(home) / "providers"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{self.name}.json"
        path.write_text(json.dumps(self.provider_override(), indent=2) + "\n")
        return path
