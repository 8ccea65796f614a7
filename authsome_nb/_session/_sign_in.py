"""Sign-in as a pipeline: plan → reuse → authenticate → verify the account → persist.

Each step is one short function with one job, in the order JupyterHub's authenticator runs
its own (``authenticate`` → ``normalize_username`` → ``check_allowed``):

1. :func:`plan` reads the definition and decides what the connection should end up with (the
   scopes asked, plus those it already has: incremental consent keeps them).
2. :func:`reuse` asks the token sources whether one serves it already (a stored sign-in that
   still works, JupyterHub's token, a stored API key when no new one is given); then no
   browser and no code.
3. :func:`authenticate` builds the engine's request (the app's client id and secret, the
   authority, a login hint) and runs the engine's flow.
4. :func:`verify_account`: a sign-in again for a connection must come back as its account.
5. :func:`persist` stores the record, all or nothing.

Failures after the plan are also told to ``on_event`` (a ``Failed`` event), so a display
driven by events can show them; then they are raised.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .._connection import Connection
from .._providers import load_provider, resolve_client_id, resolve_scopes, secret_from_env
from .._scopes import dedupe
from ..errors import AuthsomeError, ConfigurationError
from ..events import EventHandler, Failed, KeyStored, SignedIn, failure_outcome, print_event
from ..flows import Flow, SignInOutcome, SignInRequest, StoredRegistrations
from ..sources import SignInAsk, StoreSource, TokenSource, connection_of
from ..store import ApiKeyState, ConnectionRecord
from ._same_account import require_same_account

FLOWS = ("auto", "pkce", "device")


@dataclass(frozen=True)
class LoginOptions:
    """What the caller of ``login`` asked for, beside the provider and the connection."""

    flow: Flow = "auto"
    scopes: str | Iterable[str] | None = None
    services: str | Iterable[str] | None = None
    tenant: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    open_browser: bool | Callable[[str], object] = True
    timeout: float | None = None
    force: bool = False
    on_event: EventHandler | None = None
    cancel: threading.Event | None = None
    redirect: Any = None
    api_key: str | None = None

    @property
    def emit(self) -> EventHandler:
        return self.on_event or print_event


def sign_in(sources: Sequence[TokenSource], store: StoreSource, provider: str,
            connection: str, options: LoginOptions) -> Connection:
    """Sign in (or reuse a sign-in that serves) and store the connection."""
    ask = plan(store, provider, connection, options)
    found = reuse(sources, ask)
    if found is not None:
        options.emit(SignedIn(found.provider, found.connection, found.username,
                              found.display_name))
        return found
    request = engine_request(store, ask, options)
    with told_to(options.emit):
        outcome = store.engine(ask.engine).sign_in(request)
        verify_account(ask, outcome)
        found = persist(store, ask, request, outcome)
    options.emit(signed_in(ask, found, outcome))
    return found


def plan(store: StoreSource, provider: str, connection: str,
         options: LoginOptions) -> SignInAsk:
    """The definition, the scopes asked and the connection as stored: what to sign in for."""
    check_connection_name(connection)
    if options.flow not in FLOWS:
        raise ConfigurationError(f"Unknown flow {options.flow!r}",
                                 remedy="use flow='auto', 'pkce' or 'device'")
    definition = load_provider(provider, store.store.home)
    keyed = definition.auth_type == "api_key" or options.api_key is not None
    if not keyed and (definition.auth_type != "oauth2" or definition.oauth is None):
        raise ConfigurationError(
            f"'{provider}' signs in with {definition.auth_type!r}, which authsome_nb does not "
            "support",
            remedy="authsome_nb signs in to OAuth 2.0 / OpenID Connect providers and stores "
            "API keys; use authsome itself for browser sessions",
        )
    return SignInAsk(
        provider=definition, connection=connection,
        engine="api_key" if keyed else definition.engine,
        wanted=() if keyed else resolve_scopes(definition, options.scopes, options.services),
        scopes_named=options.scopes is not None or options.services is not None,
        flow=options.flow, force=options.force, tenant=options.tenant,
        client_id=options.client_id, existing=store.record(provider, connection),
        new_key=options.api_key is not None,
    )


def reuse(sources: Sequence[TokenSource], ask: SignInAsk) -> Connection | None:
    """The first source that serves the sign-in without a new one (None: sign in)."""
    for source in sources:
        found = source.reuse(ask)
        if found is not None:
            return found
    return None


def engine_request(store: StoreSource, ask: SignInAsk, options: LoginOptions) -> SignInRequest:
    """What the engine needs: the app, the authority, every scope the connection will hold
    (incremental consent keeps the ones it has), and whom to pre-select in the browser."""
    definition, existing = ask.provider, ask.existing
    if ask.engine == "api_key":  # no app, no authority: the key is all there is
        return SignInRequest(client_id="", authority="", scopes=[], flow=options.flow,
                             on_event=options.emit, provider=definition,
                             api_key=options.api_key)
    wanted, login_hint = ask.wanted, None
    if existing is not None and not ask.force:
        wanted = dedupe([*existing.scopes, *wanted])
        login_hint = existing.account.username
    client_id = resolve_client_id(definition, options.client_id)
    return SignInRequest(
        client_id=client_id, authority=definition.authority_for(options.tenant),
        scopes=list(wanted), flow=options.flow,
        supports_device_code=definition.offers_device_code,
        client_secret=_client_secret(ask, client_id, options.client_secret),
        open_browser=options.open_browser, timeout=options.timeout, on_event=options.emit,
        cancel=options.cancel, redirect=options.redirect, login_hint=login_hint,
        provider=definition, registrations=StoredRegistrations(store.store),
    )


def _client_secret(ask: SignInAsk, client_id: str, given: str | None) -> str | None:
    """The argument, else the provider's env var, else the one kept with the same app."""
    if given is not None or ask.provider.is_microsoft:
        return given
    existing = ask.existing
    kept = existing.client_secret if existing and existing.client_id == client_id else None
    return secret_from_env(ask.provider) or kept


def verify_account(ask: SignInAsk, outcome: SignInOutcome) -> None:
    """A sign-in again for a stored connection must come back as its account.  (An API key
    names no account: a new key replaces the old one, and says so.)"""
    if ask.engine == "api_key":
        return
    require_same_account(ask.existing, outcome.account,
                         key=f"{ask.provider.name}/{ask.connection}", force=ask.force)


def persist(store: StoreSource, ask: SignInAsk, request: SignInRequest,
            outcome: SignInOutcome) -> Connection:
    """Store the connection's new record (replacing the one of that name)."""
    now = time.time()
    existing = ask.existing
    record = ConnectionRecord(
        provider=ask.provider.name, connection=ask.connection,
        client_id=outcome.client_id or request.client_id or None,
        authority=request.authority or None, scopes=tuple(request.scopes), flow=outcome.flow,
        account=outcome.account, state=outcome.state,
        created_at=existing.created_at if existing and not ask.force else now,
        last_refresh=now,
        client_secret=outcome.client_secret or request.client_secret or None,
    )
    store.save(record)
    return connection_of(record)


def signed_in(ask: SignInAsk, found: Connection, outcome: SignInOutcome) -> SignedIn:
    """The event that ends a sign-in; for an API key, whether it replaced another key."""
    if not isinstance(outcome.state, ApiKeyState):
        return SignedIn(found.provider, found.connection, found.username, found.display_name)
    before = ask.existing.state if ask.existing is not None else None
    replaced = isinstance(before, ApiKeyState) and before.key != outcome.state.key
    return KeyStored(found.provider, found.connection, None, ask.provider.display_name,
                     replaced=replaced)


@contextlib.contextmanager
def told_to(emit: EventHandler) -> Iterator[None]:
    """Tell ``emit`` of a failure (a ``Failed`` event) before it is raised."""
    try:
        yield
    except AuthsomeError as exc:
        emit(Failed(exc, failure_outcome(exc)))
        raise


def check_connection_name(connection: object) -> None:
    if not isinstance(connection, str) or not connection or "/" in connection \
            or len(connection) > 64:
        raise ConfigurationError(
            f"{connection!r} is not a connection name",
            remedy="use a short name without '/', such as 'work' or 'personal'",
        )
