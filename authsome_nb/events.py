"""What a sign-in tells whoever shows it: small event objects, and a plain-text printer.

``an.login(..., on_event=handler)`` calls ``handler(event)`` with each of these as the sign-in
goes: :class:`FlowChosen`, then :class:`AuthorizeUrl` (PKCE) or :class:`DeviceCode`, then
:class:`Waiting`, and finally :class:`SignedIn` or :class:`Failed` (whose exception is then
raised by ``an.login`` too).  A handler that only wants some of them tests with
``isinstance``; new event classes may be added in later versions.

The flows know nothing about widgets or notebooks: they emit these events to a callback.
The notebook layer renders them as ipywidgets; the default prints lines that carry the same
information (where to go, the code, the outcome) so a terminal, nbconvert or a log is enough.
None of them carries a token.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "AuthorizeUrl",
    "DeviceCode",
    "EventHandler",
    "Failed",
    "FlowChosen",
    "KeyStored",
    "SignInEvent",
    "SignedIn",
    "Waiting",
    "event_lines",
    "failure_outcome",
    "print_event",
]


@dataclass(frozen=True)
class FlowChosen:
    flow: str  # "pkce" | "device"
    reason: str


@dataclass(frozen=True)
class AuthorizeUrl:
    """PKCE: the page the user must open (in *their* browser)."""

    url: str
    redirect_uri: str
    opened_browser: bool


@dataclass(frozen=True)
class DeviceCode:
    """Device code: where to go and what to type, and until when."""

    user_code: str
    verification_uri: str
    message: str
    expires_at: float
    interval: int

    @property
    def seconds_left(self) -> int:
        return max(0, int(self.expires_at - time.time()))


@dataclass(frozen=True)
class Waiting:
    detail: str = ""


@dataclass(frozen=True)
class SignedIn:
    provider: str
    connection: str
    username: str | None
    display_name: str | None


@dataclass(frozen=True)
class KeyStored(SignedIn):
    """An API key was stored for the connection (a kind of :class:`SignedIn`); ``replaced``:
    it took the place of another key."""

    replaced: bool = False


@dataclass(frozen=True)
class Failed:
    error: BaseException = field(repr=False)
    outcome: str  # "declined" | "expired" | "cancelled" | "timeout" | "error"

    @property
    def message(self) -> str:
        return str(self.error)


def failure_outcome(error: BaseException) -> str:
    """Which way a sign-in ended, from the exception the engine raised (the word displays show)."""
    from .errors import SignInCancelled, SignInDeclined, SignInTimeout

    if isinstance(error, SignInCancelled | KeyboardInterrupt):
        return "cancelled"
    if isinstance(error, SignInDeclined):
        return "declined"
    if isinstance(error, SignInTimeout):
        # The code's own expiry (AADSTS70020 / expired_token) versus our timeout= running out.
        if error.aadsts == 70020 or error.error == "expired_token":
            return "expired"
        return "timeout"
    return "error"


SignInEvent = FlowChosen | AuthorizeUrl | DeviceCode | Waiting | SignedIn | KeyStored | Failed
EventHandler = Callable[[SignInEvent], None]


def event_lines(event: object) -> list[str]:
    """The plain lines an event reads as: the one wording of the terminal and text fallbacks."""
    if isinstance(event, FlowChosen):
        return [event.reason]
    if isinstance(event, AuthorizeUrl):
        if event.opened_browser:
            return ["A browser tab opened for sign-in. If it did not, open:", f"  {event.url}"]
        return ["Open this link in your browser to sign in:", f"  {event.url}"]
    if isinstance(event, DeviceCode):
        minutes = max(1, round(event.seconds_left / 60))
        return [f"To sign in, open {event.verification_uri} and enter the code {event.user_code}"
                f" (valid for {minutes} min)."]
    if isinstance(event, Waiting):
        return [event.detail] if event.detail else []
    if isinstance(event, KeyStored):
        what = f"the {event.display_name} API key" if event.display_name else "the API key"
        lines = [f"Stored {what} for {event.provider}/{event.connection} (encrypted)."]
        if event.replaced:
            lines.append("It replaced the key that connection held before.")
        return lines
    if isinstance(event, SignedIn):
        who = event.username or event.display_name or "your account"
        return [f"Signed in to {event.provider} as {who} (connection '{event.connection}')."]
    # Failed has no lines: the exception that follows it carries the message and the remedy.
    return []


def print_event(event: SignInEvent, stream=None) -> None:
    """The default handler: prints the event's lines (a failure is the exception's to show)."""
    out = stream or sys.stdout
    for line in event_lines(event):
        print(line, file=out)
    if hasattr(out, "flush"):
        out.flush()
