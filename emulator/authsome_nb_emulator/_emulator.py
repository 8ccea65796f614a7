"""``Emulator``: a local, scriptable Microsoft identity platform + Graph over HTTPS.

One object owns the server, its CA file and its state, and offers the verbs a test needs:
approve a device code, play the browser in the auth-code flow, inject AADSTS or Graph
errors, revoke tokens, count requests, and turn knobs (plain attributes, changeable while
it runs).  Nothing here imports the rest of authsome_nb: the emulator is usable on its own.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import _browser, _devices, _directory_delta, _mail_changes, _persist
from ._app import make_app
from ._certs import load_or_create_ca, process_ca, server_context
from ._client import EmulatorClient
from ._control import make_control
from ._errors import EmulatorError
from ._server import TlsServer
from ._standin_api import StandInControl
from ._state import DEFAULT_CLIENT_ID, KNOBS, EmulatorState
from ._users import User, default_users, make_user


class _Knob:
    """A plain attribute of the emulator, validated and stored in its shared state."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, emulator: Emulator | None, owner: type | None = None) -> Any:
        if emulator is None:
            return self
        return getattr(emulator._state, self.name)

    def __set__(self, emulator: Emulator, value: Any) -> None:
        emulator._state.configure(self.name, value)


class Emulator:
    """Microsoft identity platform (v2.0) and a slice of Graph v1.0 on ``https://127.0.0.1``.

    Use as a context manager (or ``start()``/``stop()``).  Knobs are attributes::

        with Emulator(auto_approve_after=1) as emu:
            emu.throttle_every = 5
    """

    access_token_lifetime = _Knob()
    refresh_token_lifetime = _Knob()
    auth_code_lifetime = _Knob()
    auto_approve_after = _Knob()
    auto_approve_user = _Knob()
    auto_consent_user = _Knob()
    strict_rotation = _Knob()
    throttle_every = _Knob()
    throttle_retry_after = _Knob()
    throttle_status = _Knob()
    slow_down_polls = _Knob()
    extra_response_scopes = _Knob()
    next_link_host = _Knob()
    device_interval = _Knob()
    device_code_lifetime = _Knob()
    messages_per_user = _Knob()
    client_secret = _Knob()  # None: a public client; a string: confidential, this secret
    graph_latency = _Knob()  # seconds per accepted Graph request
    mailbox_concurrency = _Knob()  # Outlook requests in flight per mailbox (4; None: no limit)

    def __init__(self, port: int = 0, users: Iterable[User] | None = None,
                 access_token_lifetime: int = 3600, auto_approve_after: int | None = None,
                 strict_rotation: bool = False, throttle_every: int | None = None,
                 throttle_retry_after: int = 1, device_interval: int = 1,
                 device_code_lifetime: int = 900, messages_per_user: int = 120, seed: int = 0,
                 state_dir: str | os.PathLike[str] | None = None, *,
                 client_id: str = DEFAULT_CLIENT_ID, **knobs: Any) -> None:
        self._port = port
        self._initial_users = list(users) if users is not None else default_users()
        self._state_dir = Path(state_dir) if state_dir is not None else None
        knobs = {
            "access_token_lifetime": access_token_lifetime,
            "auto_approve_after": auto_approve_after, "strict_rotation": strict_rotation,
            "throttle_every": throttle_every, "throttle_retry_after": throttle_retry_after,
            "device_interval": device_interval, "device_code_lifetime": device_code_lifetime,
            "messages_per_user": messages_per_user, **knobs,
        }
        self._state = EmulatorState(client_id=client_id, users=self._initial_users, seed=seed,
                                    knobs=knobs)
        self._server: TlsServer | None = None
        self._files: Path | None = None
        self._remove_files: weakref.finalize | None = None
        self._tls: ssl.SSLContext | None = None

    # --- lifecycle ---
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        if self._state_dir is not None:
            self._state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._files = self._state_dir
            ca = load_or_create_ca(self._state_dir)
        else:
            self._files = Path(tempfile.mkdtemp(prefix="authsome-emulator-"))
            # Also at interpreter exit, for a notebook that never calls stop().
            self._remove_files = weakref.finalize(self, shutil.rmtree, self._files, True)
            ca = process_ca()
        (self._files / "ca.pem").write_bytes(ca.cert_pem)
        app = make_app(self._state, make_control(self))
        try:
            server = TlsServer(("127.0.0.1", self._port), app, server_context(ca))
        except OSError as exc:
            self._cleanup_files()
            raise EmulatorError(f"cannot listen on 127.0.0.1:{self._port}: {exc}") from exc
        self._state.url = f"https://127.0.0.1:{server.port}"
        if self._state_dir is not None:
            _persist.load(self._state, self._state_dir)
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        if self._state_dir is not None:
            _persist.save(self._state, self._state_dir, self._initial_users)
        self._cleanup_files()

    def _cleanup_files(self) -> None:
        if self._remove_files is not None:
            self._remove_files()
        self._files = self._remove_files = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._state.url if self._server else "not running"
        return f"<Emulator {where} users={len(self.users)}>"

    @staticmethod
    def attach(url: str, ca_path: str | os.PathLike[str]) -> EmulatorClient:
        """A client for an emulator running elsewhere (another process, the CLI)."""
        return EmulatorClient(url, ca_path)

    # --- where it is ---
    def _running(self) -> EmulatorState:
        if self._server is None:
            raise EmulatorError("the emulator is not running: use `with Emulator() as emu:` "
                                "or call start()")
        return self._state

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        return self._running().url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def ca_path(self) -> str:
        self._running()
        assert self._files is not None
        return str(self._files / "ca.pem")

    @property
    def client_id(self) -> str:
        return self._state.client_id

    @property
    def seed(self) -> int:
        return self._state.seed

    @property
    def graph_base(self) -> str:
        return f"{self.url}/v1.0"

    def authority(self, tenant: str = "common") -> str:
        return f"{self.url}/{tenant}"

    def provider_override(self) -> dict[str, Any]:
        """What to deep-merge over the bundled ``microsoft`` provider to use this emulator."""
        return {
            "oauth": {"authorization_url": f"{self.url}/common/oauth2/v2.0/authorize",
                      "token_url": f"{self.url}/common/oauth2/v2.0/token",
                      "device_authorization_url": f"{self.url}/common/oauth2/v2.0/devicecode",
                      "revocation_url": None},
            "api_url": f"127.0.0.1:{self.port}",
            "api_base": self.graph_base,
            "client_id": self.client_id,
        }

    @property
    def github(self) -> StandInControl:
        """GitHub's stand-in (``/github``): approve codes, play its browser, its app's ids."""
        return StandInControl(self._running(), self._state.github, self.ca_path)

    @property
    def google(self) -> StandInControl:
        """Google's stand-in (``/google``), an OpenID Connect issuer."""
        return StandInControl(self._running(), self._state.google, self.ca_path)

    def write_provider_override(self, home: str | os.PathLike[str]) -> Path:
        """Write ``home/providers/microsoft.json`` (folders created ``0700``)."""
        providers = Path(home) / "providers"
        for folder in reversed((providers, *providers.parents)):
            if not folder.exists():
                folder.mkdir(mode=0o700)
        path = providers / "microsoft.json"
        path.write_text(json.dumps(self.provider_override(), indent=2) + "\n")
        return path

    def environ(self, home: str | os.PathLike[str]) -> dict[str, str]:
        """The environment that points authsome_nb at this emulator."""
        return {"AUTHSOME_NB_HOME": str(home), "AUTHSOME_NB_CA_BUNDLE": self.ca_path,
                "MICROSOFT_OAUTH_CLIENT_ID": self.client_id}

    def info(self) -> dict[str, Any]:
        return {"url": self.url, "ca_path": self.ca_path, "client_id": self.client_id,
                "authority": self.authority(), "graph_base": self.graph_base,
                "users": [u.as_dict() for u in self.users], "knobs": self.knobs}

    # --- users ---
    @property
    def users(self) -> list[User]:
        return self._state.directory.snapshot()

    def user(self, name: str | User) -> User:
        """By UPN, display name, object id, or an unambiguous prefix (case-insensitive)."""
        return self._state.directory.find(name)

    def add_user(self, display_name: str, upn: str | None = None, *, kind: str = "work",
                 tenant_id: str | None = None, mail: str | None = None,
                 given_name: str | None = None, surname: str | None = None,
                 oid: str | None = None) -> User:
        return self._state.directory.add(make_user(
            display_name, upn, kind=kind, tenant_id=tenant_id, mail=mail,
            given_name=given_name, surname=surname, oid=oid))

    def register_redirect_uri(self, uri: str, *, public_client: bool = False) -> None:
        """Register ``uri`` under the "Web" platform, or ``public_client=True``: under "Mobile
        and desktop applications", whose codes are redeemed without the app's secret."""
        with self._state.lock:
            if uri not in self._state.redirect_uris:
                self._state.redirect_uris.append(uri)
            if public_client and uri not in self._state.public_client_redirect_uris:
                self._state.public_client_redirect_uris.append(uri)

    # --- device codes ---
    def approve(self, user_code: str, user: str | User | None = None) -> User:
        """Approve as ``user`` (default: the first user the tenant accepts); consents scopes."""
        return _devices.approve(self._state, user_code, user)

    def deny(self, user_code: str) -> None:
        _devices.deny(self._state, user_code)

    def expire(self, user_code: str) -> None:
        _devices.expire(self._state, user_code)

    def pending_user_codes(self) -> list[str]:
        return _devices.pending(self._state)

    @property
    def last_user_code(self) -> str | None:
        return _devices.last_user_code(self._state)

    def wait_for_user_code(self, timeout: float = 10.0, *, after: str | None = None) -> str:
        """The code of the newest pending sign-in not yet returned by a wait (or, with
        ``after=``, issued after that code), waiting up to ``timeout`` s for one."""
        return _devices.wait_for_user_code(self._state, timeout, after=after)

    # --- the browser ---
    def play_browser(self, authorize_url: str, user: str | User | None = None,
                     consent: bool = True, follow: bool = True) -> str:
        """Act as the person's browser; see :func:`_browser.play_browser`."""
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=self.ca_path)
        upn = self.user(user).upn if user is not None else None
        return _browser.play_browser(authorize_url, tls=self._tls, user=upn, consent=consent,
                                     follow=follow)

    # --- faults and revocation ---
    def inject_error(self, aadsts: int | str, *, endpoint: str = "token",
                     grant_type: str | None = None, count: int = 1) -> None:
        """Answer the next ``count`` matching identity requests with AADSTS ``aadsts``."""
        code = int(str(aadsts).upper().removeprefix("AADSTS"))
        self._state.add_identity_fault(code, endpoint, grant_type, count)

    def inject_graph_error(self, path_prefix: str, status: int = 403,
                           code: str = "Authorization_RequestDenied", count: int = 1,
                           message: str | None = None) -> None:
        """Answer the next ``count`` Graph calls under ``path_prefix`` with this error."""
        self._state.add_graph_fault(path_prefix, status, code, count, message)

    def revoke_refresh_tokens(self, user: str | User | None = None) -> int:
        """Every refresh token of ``user`` (or of everyone) stops working; returns how many."""
        oid = self.user(user).oid if user is not None else None
        with self._state.lock:
            return self._state.tokens.revoke_refresh_tokens(oid)

    def revoke_sessions(self, user: str | User | None = None) -> None:
        """CAE: access tokens issued before now get a 401 ``insufficient_claims`` challenge."""
        targets = [self.user(user)] if user is not None else self.users
        with self._state.lock:
            now = self._state.now()
            for target in targets:
                self._state.tokens.sessions_revoked_at[target.oid] = now

    # --- the mailbox, between two syncs ---
    def change_mailbox(self, user: str | User | None = None, *, folder: str = "inbox",
                       add: int = 0, update: int = 0, delete: int = 0) -> dict[str, list[str]]:
        """New mail, edits and deletions in ``user``'s ``folder`` (default: the first user);
        returns the ids added, updated and deleted.  Delta queries report exactly these."""
        return _mail_changes.change_mailbox(self._state, self._mailbox_owner(user),
                                            folder=folder, add=add, update=update,
                                            delete=delete)

    def expire_delta_tokens(self, user: str | User | None = None) -> None:
        """Make ``user``'s delta and skip tokens unknown: their next use is 410 Gone."""
        _mail_changes.expire_delta_tokens(self._state, self._mailbox_owner(user))

    def change_directory(self, user: str | User | None = None, *, update: int = 0,
                         delete: int = 0) -> dict[str, list[str]]:
        """New job titles and offices for ``update`` colleagues in ``user``'s tenant (default:
        the first user's), ``delete`` others deleted; returns their ids.  ``/users/delta``
        reports exactly these (only the changed properties under ``Prefer: return=minimal``)."""
        return _directory_delta.change_directory(self._state, self._mailbox_owner(user),
                                                 update=update, delete=delete)

    def _mailbox_owner(self, user: str | User | None) -> User:
        return self.user(user) if user is not None else self.users[0]

    @property
    def mailbox_stats(self) -> dict[str, int]:
        """Outlook requests in flight: ``peak`` (the most at once since the last
        ``reset_counters``), ``refused`` (429 MailboxConcurrency) and ``in_flight`` now."""
        return self._state.mailbox_slots.stats()

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward: tokens and codes expire without sleeping."""
        with self._state.lock:
            self._state.clock_offset += float(seconds)

    # --- knobs, counters, log ---
    def configure(self, **knobs: Any) -> dict[str, Any]:
        """Set several knobs at once; returns every knob's value."""
        for name, value in knobs.items():
            self._state.configure(name, value)
        return self.knobs

    @property
    def knobs(self) -> dict[str, Any]:
        return self._state.knobs()

    def count(self, endpoint: str, **filters: Any) -> int:
        """Requests seen at ``endpoint`` matching ``filters`` (grant_type, path, path_prefix,
        method, status, host, has_authorization, batch)."""
        return self._state.ledger.count(endpoint, **filters)

    def reset_counters(self) -> None:
        self._state.ledger.reset()
        self._state.mailbox_slots.reset()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The recent requests (no token values): method, host, path, query, endpoint, status,
        has_authorization, grant_type, batch."""
        return self._state.ledger.recent()


assert set(KNOBS) == {name for name, value in vars(Emulator).items()
                      if isinstance(value, _Knob)}, "every knob is an Emulator attribute"
