"""What the store keeps per connection: typed, versioned records, read and written here only.

A :class:`ConnectionRecord` holds who signed in (:class:`Account`), with which app, for which
scopes, and the engine's own state: MSAL's token cache (:class:`MsalState`) or the generic
OAuth engine's tokens and endpoints (:class:`OAuth2State`).  Each state says which access
tokens it holds (:meth:`access_tokens`) and its refresh token, so nothing above the store
reads an engine's bookkeeping by key.

Records are frozen: a change is a new record (:meth:`ConnectionRecord.replace`), so the token
index and a transaction's copy can share them safely.

On disk (inside the encrypted envelope) a record is a JSON object.  Format 2 nests the account
and the engine's state (``"state": {"kind": "msal", …}``); format 1 (authsome-nb 0.2 and
before) kept everything flat, and :func:`migrate_records` reads it.  Keys this version does not
know — written by a newer one — are kept as they were (``extra``), and a state of an unknown
kind is carried unchanged (:class:`OpaqueState`), so reading and writing a store never loses
what another version put in it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias

from .._scopes import own_scopes

#: The record format this version writes (the envelope's version says which a file holds).
RECORDS_FORMAT = 2


@dataclass(frozen=True)
class Account:
    """Who signed in, as the connection shows it."""

    username: str | None = None
    display_name: str | None = None
    tenant_id: str | None = None
    #: what the provider issues to tell accounts apart (MSAL's home account id, OpenID
    #: Connect's issuer and ``sub``, a profile's ``id``): never a name someone can type
    id: str | None = None


@dataclass(frozen=True)
class HeldToken:
    """An access token a state holds: its value, expiry (``inf``: never) and what it serves."""

    secret: str
    expires_at: float
    scopes: tuple[str, ...]  # as granted
    serves: tuple[str, ...]  # what it may be handed out for (granted, and what was asked)


@dataclass(frozen=True)
class MsalState:
    """MSAL's serialized token cache for one connection, and the account in it."""

    kind: ClassVar[str] = "msal"
    home_account_id: str | None
    cache: Mapping[str, Any]

    def access_tokens(self, asked: tuple[str, ...]) -> Iterator[HeldToken]:
        for item in _section(self.cache, "AccessToken"):
            try:
                expires_at, secret = float(item["expires_on"]), str(item["secret"])
            except (KeyError, TypeError, ValueError):
                continue
            target = tuple(str(item.get("target", "")).split())
            yield HeldToken(secret, expires_at, target, target)

    def refresh_token(self) -> str | None:
        return next((str(item["secret"]) for item in _section(self.cache, "RefreshToken")
                     if item.get("secret")), None)

    def default_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        """Graph's scopes: one refresh token also serves other APIs (Storage, Resource
        Manager …), whose scopes a sign-in asked for consent, but a token is for one API."""
        return own_scopes(scopes)


@dataclass(frozen=True)
class OAuth2Tokens:
    access_token: str
    token_type: str = "Bearer"
    expires_at: float | None = None  # None: the provider said it never expires
    scopes: tuple[str, ...] = ()  # as granted
    refresh_token: str | None = None


@dataclass(frozen=True)
class OAuth2Server:
    """The endpoints a refresh or a sign-out needs, kept so no kernel needs discovery again."""

    token_url: str | None = None
    revocation_url: str | None = None
    auth_method: str | None = None
    issuer: str | None = None


@dataclass(frozen=True)
class OAuth2State:
    """The generic OAuth 2.0 / OpenID Connect engine's tokens and the server that issued them."""

    kind: ClassVar[str] = "oauth2"
    tokens: OAuth2Tokens
    server: OAuth2Server = field(default_factory=OAuth2Server)

    def access_tokens(self, asked: tuple[str, ...]) -> Iterator[HeldToken]:
        tokens = self.tokens
        if not tokens.access_token:
            return
        expires_at = math.inf if tokens.expires_at is None else float(tokens.expires_at)
        # Providers spell granted scopes their own way (Google answers `email` with
        # .../auth/userinfo.email): the token serves what was asked for and what was granted.
        yield HeldToken(tokens.access_token, expires_at, tokens.scopes,
                        (*tokens.scopes, *asked))

    def refresh_token(self) -> str | None:
        return self.tokens.refresh_token or None

    def default_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        return scopes


@dataclass(frozen=True)
class ApiKeyState:
    """An API key: the "token" of a provider whose ``auth_type`` is ``api_key``.  It never
    expires and serves whatever the key may do."""

    kind: ClassVar[str] = "api_key"
    key: str

    def access_tokens(self, asked: tuple[str, ...]) -> Iterator[HeldToken]:
        if self.key:
            yield HeldToken(self.key, math.inf, (), asked)

    def refresh_token(self) -> str | None:
        return None

    def default_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        return scopes


@dataclass(frozen=True)
class OpaqueState:
    """A state of a kind this version does not know (a newer one wrote it): kept as it was."""

    kind: str
    data: Mapping[str, Any]

    def access_tokens(self, asked: tuple[str, ...]) -> Iterator[HeldToken]:
        return iter(())

    def refresh_token(self) -> str | None:
        return None

    def default_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        return scopes


EngineState: TypeAlias = MsalState | OAuth2State | ApiKeyState | OpaqueState


@dataclass(frozen=True)
class ConnectionRecord:
    """One stored connection.  ``engine`` is the state's kind (``msal``, ``oauth2``)."""

    provider: str
    connection: str
    client_id: str | None
    authority: str | None
    scopes: tuple[str, ...]
    flow: str | None
    account: Account
    state: EngineState
    created_at: float | None = None
    last_refresh: float | None = None
    client_secret: str | None = None  # only ever inside the encrypted store
    refresh_error: str | None = None  # the last refresh's failure, for the status bar
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys a newer version wrote

    def __repr__(self) -> str:  # the dataclass repr would show the state's tokens
        return (f"<ConnectionRecord {self.key} {self.engine} "
                f"{self.account.username or 'unknown account'}>")

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection}"

    @property
    def engine(self) -> str:
        return self.state.kind

    def access_tokens(self) -> Iterator[HeldToken]:
        return self.state.access_tokens(self.scopes)

    def refresh_token(self) -> str | None:
        return self.state.refresh_token()

    @property
    def default_scopes(self) -> tuple[str, ...]:
        """What the connection's token is for when no scope is named."""
        return self.state.default_scopes(self.scopes)

    def replace(self, **changes: Any) -> ConnectionRecord:
        return dataclasses.replace(self, **changes)


# -- the JSON of format 2 ----------------------------------------------------------------------
_KNOWN = frozenset({"provider", "connection", "client_id", "authority", "scopes", "flow",
                    "account", "state", "created_at", "last_refresh", "client_secret",
                    "refresh_error"})


def record_to_json(record: ConnectionRecord) -> dict[str, Any]:
    """The record as format 2 writes it (``None`` fields left out)."""
    out: dict[str, Any] = dict(record.extra)
    out.update(provider=record.provider, connection=record.connection,
               client_id=record.client_id, authority=record.authority,
               scopes=list(record.scopes), flow=record.flow,
               account=_without_none(dataclasses.asdict(record.account)),
               state=_state_to_json(record.state), created_at=record.created_at,
               last_refresh=record.last_refresh, client_secret=record.client_secret,
               refresh_error=record.refresh_error)
    return _without_none(out)


def record_from_json(raw: Mapping[str, Any]) -> ConnectionRecord:
    """A format-2 record; ``ValueError`` if it is not one."""
    if not isinstance(raw.get("provider"), str) or not isinstance(raw.get("connection"), str):
        raise ValueError("a record names its provider and connection")
    account = raw.get("account") or {}
    return ConnectionRecord(
        provider=raw["provider"], connection=raw["connection"],
        client_id=_text(raw.get("client_id")), authority=_text(raw.get("authority")),
        scopes=tuple(str(s) for s in raw.get("scopes") or ()), flow=_text(raw.get("flow")),
        account=Account(**{name: _text(account.get(name)) for name in
                           ("username", "display_name", "tenant_id", "id")}),
        state=_state_from_json(raw.get("state") or {}),
        created_at=_number(raw.get("created_at")), last_refresh=_number(raw.get("last_refresh")),
        client_secret=_text(raw.get("client_secret")),
        refresh_error=_text(raw.get("refresh_error")),
        extra={k: v for k, v in raw.items() if k not in _KNOWN},
    )


def _state_to_json(state: EngineState) -> dict[str, Any]:
    if isinstance(state, MsalState):
        return {"kind": state.kind, "home_account_id": state.home_account_id,
                "cache": dict(state.cache)}
    if isinstance(state, OAuth2State):
        tokens = dataclasses.asdict(state.tokens)
        tokens["scopes"] = list(state.tokens.scopes)
        return {"kind": state.kind, "tokens": tokens, "server": dataclasses.asdict(state.server)}
    if isinstance(state, ApiKeyState):
        return {"kind": state.kind, "key": state.key}
    return {**state.data, "kind": state.kind}


def _state_from_json(raw: Mapping[str, Any]) -> EngineState:
    kind = raw.get("kind")
    if kind == MsalState.kind:
        return MsalState(_text(raw.get("home_account_id")), dict(raw.get("cache") or {}))
    if kind == OAuth2State.kind:
        return OAuth2State(_oauth2_tokens(raw.get("tokens") or {}),
                           _oauth2_server(raw.get("server") or {}))
    if kind == ApiKeyState.kind:
        return ApiKeyState(str(raw.get("key") or ""))
    return OpaqueState(kind if isinstance(kind, str) else "unknown",
                       {k: v for k, v in raw.items() if k != "kind"})


def _oauth2_tokens(raw: Mapping[str, Any]) -> OAuth2Tokens:
    return OAuth2Tokens(
        access_token=str(raw.get("access_token") or ""),
        token_type=str(raw.get("token_type") or "Bearer"),
        expires_at=_number(raw.get("expires_at")),
        scopes=tuple(str(s) for s in raw.get("scopes") or ()),
        refresh_token=_text(raw.get("refresh_token")),
    )


def _oauth2_server(raw: Mapping[str, Any]) -> OAuth2Server:
    return OAuth2Server(**{name: _text(raw.get(name)) for name in
                           ("token_url", "revocation_url", "auth_method", "issuer")})


# -- format 1 (authsome-nb 0.2 and before): one flat object per connection --------------------
_FLAT_STATE_KEYS = frozenset({"engine", "home_account_id", "msal_cache", "oauth2",
                              "oauth2_server", "username", "display_name", "tenant_id",
                              "account_id"})


def record_from_format_1(raw: Mapping[str, Any]) -> ConnectionRecord:
    """A record as 0.2 wrote it: account fields and the engine's state at the top level."""
    if raw.get("oauth2") is not None:  # the generic engine's (records before it were MSAL's)
        state: EngineState = OAuth2State(_oauth2_tokens(raw["oauth2"]),
                                         _oauth2_server(raw.get("oauth2_server") or {}))
    else:
        state = MsalState(_text(raw.get("home_account_id")), dict(raw.get("msal_cache") or {}))
    # Before the engines shared an account id, MSAL's home account id was the only one.
    account_id = _text(raw.get("account_id")) or _text(raw.get("home_account_id"))
    nested = {k: v for k, v in raw.items() if k not in _FLAT_STATE_KEYS}
    nested["account"] = {"username": raw.get("username"), "display_name":
                         raw.get("display_name"), "tenant_id": raw.get("tenant_id"),
                         "id": account_id}
    return record_from_json(nested).replace(state=state)


def migrate_records(raw: Mapping[str, Any], format_version: int) -> dict[str, ConnectionRecord]:
    """The ``connections`` object of a store of ``format_version``, as typed records."""
    read = record_from_format_1 if format_version < 2 else record_from_json
    return {key: read(value) for key, value in raw.items() if isinstance(value, Mapping)}


def _section(cache: Mapping[str, Any], name: str) -> Iterator[Mapping[str, Any]]:
    section = cache.get(name)
    if isinstance(section, Mapping):
        yield from (item for item in section.values() if isinstance(item, Mapping))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def upgrade(payload: dict[str, Any], format_version: int) -> dict[str, Any]:
    """A decoded store of ``format_version`` in today's format (``connections`` of format 2)."""
    if format_version >= RECORDS_FORMAT:
        return payload
    connections = {key: record_to_json(record) for key, record in
                   migrate_records(payload["connections"], format_version).items()}
    return {**payload, "connections": connections}
