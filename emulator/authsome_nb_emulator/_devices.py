"""The person's side of the device-code flow: approve, deny or expire a user code.

Shared by ``Emulator.approve`` (tests), the control API (other processes), the
``/devicelogin`` page (a person in a browser) and ``auto_approve_after``; all of them change
the same record the polling client's token requests read.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ._errors import EmulatorError, UnknownUserCodeError
from ._tokens import DeviceAuthorization
from ._users import User

if TYPE_CHECKING:
    from ._state import EmulatorState


def _normalise(user_code: str) -> str:
    return user_code.strip().upper().replace("-", "").replace(" ", "")


def waiting(state: EmulatorState, user_code: str) -> DeviceAuthorization:
    """The pending device authorization of ``user_code`` (caller holds the lock)."""
    device = state.tokens.user_codes.get(_normalise(user_code))
    if device is None:
        raise UnknownUserCodeError(f"no device code was issued with user code {user_code!r}")
    if device.status == "pending" and state.now() >= device.expires_at:
        device.status = "expired"
    if device.status != "pending":
        raise UnknownUserCodeError(f"user code {user_code!r} is {device.status}, not pending")
    return device


def default_user(state: EmulatorState, device: DeviceAuthorization,
                 preferred: str | None = None) -> User:
    if preferred:
        return state.directory.find(preferred)
    for user in state.directory.snapshot():
        if device.audience.accepts(user):
            return user
    raise EmulatorError(f"no user can sign in at /{device.audience.segment}")


def approve_device(state: EmulatorState, device: DeviceAuthorization, user: User) -> None:
    """Mark ``device`` approved by ``user`` and consent its scopes (caller holds the lock)."""
    if not device.audience.accepts(user):
        raise EmulatorError(f"{user.upn} cannot sign in at /{device.audience.segment} "
                            "(Microsoft would answer AADSTS50020)")
    device.status, device.user = "approved", user
    state.tokens.consent(device.client_id, user, device.scopes)


def approve(state: EmulatorState, user_code: str, user: User | str | None = None) -> User:
    with state.lock:
        device = waiting(state, user_code)
        who = state.directory.find(user) if user is not None else default_user(state, device)
        approve_device(state, device, who)
        return who


def deny(state: EmulatorState, user_code: str) -> None:
    with state.lock:
        waiting(state, user_code).status = "denied"


def expire(state: EmulatorState, user_code: str) -> None:
    with state.lock:
        waiting(state, user_code).status = "expired"


def pending(state: EmulatorState) -> list[str]:
    with state.lock:
        now = state.now()
        return [code for code, device in state.tokens.user_codes.items()
                if device.status == "pending" and now < device.expires_at]


def last_user_code(state: EmulatorState) -> str | None:
    with state.lock:
        return next(reversed(state.tokens.user_codes), None)


def wait_for_user_code(state: EmulatorState, timeout: float = 10.0, *,
                       after: str | None = None) -> str:
    """The user code of the newest pending sign-in, waiting up to ``timeout`` s for one.

    A code an earlier wait returned is not returned again: its sign-in was someone's already
    (a test that interrupted it leaves it pending), so the wait goes on for a newer one.
    ``after`` names a code the caller knows of (``emu.last_user_code`` read before starting a
    sign-in): only a code issued later counts, waited for or not.
    """
    deadline = time.monotonic() + timeout
    with state.device_issued:
        while True:
            found = _newest_pending(state, after)
            if found is not None:
                found.waited_for = True
                return found.user_code
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no device code was requested within {timeout} s")
            state.device_issued.wait(remaining)


def _newest_pending(state: EmulatorState, after: str | None) -> DeviceAuthorization | None:
    """The newest pending authorization issued after ``after`` (else: not yet waited for)."""
    codes = list(state.tokens.user_codes)
    if after is not None:
        named = _normalise(after)
        if named not in state.tokens.user_codes:
            raise UnknownUserCodeError(f"no device code was issued with user code {after!r}")
        codes = codes[codes.index(named) + 1:]
    now = state.now()
    for code in reversed(codes):
        device = state.tokens.user_codes[code]
        if device.status == "pending" and now < device.expires_at:
            if after is None and device.waited_for:
                return None  # the newest pending one is taken: wait for a newer one
            return device
    return None
