"""Running a sign-in for the notebook: blocking or in the background, cancellable, interruptible.

Blocking is the default so "Run all" goes top to bottom.  The sign-in then runs in the
cell's own thread, where Kernel → Interrupt — or the panel's Cancel, which asks the frontend
to interrupt — lands as a KeyboardInterrupt: the engine turns it into ``SignInCancelled``
(MSAL's polling and the redirect listener stop), and so do we if it lands anywhere else.  In
the background the sign-in runs in a thread, the cell returns at once, and the Cancel button
(whose click the now idle kernel can hear) sets ``cancel``.

The observer is told how it ended once: ``failed(error, outcome, raised=…)`` says whether the
error is raised to the cell too (a blocking failure), so that it is said once, not twice.

The background thread deliberately does not copy the cell's context: ipykernel then sends
its output under whichever request is current, which is what frontends and nbclient expect
for updates that arrive after the cell finished.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import SignInCancelled
from ..flows import Flow
from .text import outcome_of

if TYPE_CHECKING:
    from .._connection import Connection


@dataclass(frozen=True)
class SignInOptions:
    """Everything ``an.login`` needs, as the magic or a LoginButton collected it."""

    provider: str = "microsoft"
    connection: str = "default"
    flow: Flow = "auto"
    scopes: tuple[str, ...] | None = None
    services: tuple[str, ...] | None = None
    tenant: str | None = None
    client_id: str | None = None
    force: bool = False
    timeout: float | None = None  # None: as long as the device code / sign-in link is valid
    shown_in: str = "python"  # the syntax remedies are spelled in ("magic" from %authsome)

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.connection}"

    def with_(self, **changes) -> SignInOptions:
        return replace(self, **changes)


_latest: dict[str, NotebookSignIn] = {}
_latest_lock = threading.Lock()


def latest_sign_in(provider: str = "microsoft",
                   connection: str = "default") -> NotebookSignIn | None:
    """The last sign-in started in this kernel for ``provider/connection`` (running or done).

    After ``%authsome login … --background``, ``latest_sign_in().wait()`` blocks until it ends.
    """
    return _latest.get(f"{provider}/{connection}")


class NotebookSignIn:
    """One sign-in feeding an observer (a ``SignInView`` or a ``TextSignInView``)."""

    def __init__(self, options: SignInOptions, observer, *, open_browser: bool = False) -> None:
        self.options = options
        self.observer = observer
        self.open_browser = open_browser
        self.cancel_event = threading.Event()
        self.done = threading.Event()
        self.connection: Connection | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def cancel(self) -> None:
        """Ask the sign-in to stop; it ends with ``SignInCancelled`` within a second or so."""
        self.cancel_event.set()

    def run(self):
        """Sign in in this thread; returns the Connection or raises the sign-in's error."""
        self._register()
        return self._run(raises=True)

    def start(self) -> NotebookSignIn:
        """Sign in in a daemon thread; the observer shows the outcome."""
        self._register()

        def work() -> None:
            # The observer has shown how it ended; there is nobody to raise to.
            with contextlib.suppress(BaseException):
                self._run()

        self.thread = threading.Thread(target=work, name=f"authsome-sign-in {self.options.key}",
                                       daemon=True)
        self.thread.start()
        return self

    def wait(self, timeout: float | None = None):
        """Block until a background sign-in ends; returns the Connection (None if it failed)."""
        self.done.wait(timeout)
        return self.connection

    def _run(self, raises: bool = False):
        from .. import _api

        o = self.options
        try:
            self.observer.starting()
            connection = _api.login(
                o.provider, o.connection, flow=o.flow, scopes=o.scopes, services=o.services,
                tenant=o.tenant, client_id=o.client_id, force=o.force, timeout=o.timeout,
                open_browser=self.open_browser, on_event=self.observer.event,
                cancel=self.cancel_event,
            )
        except BaseException as exc:
            # An interrupt can land outside the engine's own handlers (in /me, in our display).
            error = exc
            if isinstance(exc, KeyboardInterrupt):
                error = SignInCancelled("Sign-in interrupted.")
            if hasattr(error, "shown_in"):
                error.shown_in = o.shown_in
            self.error = error
            self._tell_failed(error, raises)
            self.done.set()
            if error is exc:
                raise
            raise error from None
        self.connection = connection
        self.observer.close_panel()
        self.observer.signed_in(connection)
        self.done.set()
        return connection

    def _tell_failed(self, error: BaseException, raises: bool) -> None:
        outcome = outcome_of(error)
        try:
            self.observer.close_panel()
            # A blocking failure is also raised to the cell, which shows its message and
            # remedy; a cancel is not an error and is only said by the observer.
            self.observer.failed(error, outcome, raised=raises and outcome != "cancelled")
        except KeyboardInterrupt:
            pass  # a second interrupt while showing the first one: the error still propagates

    def _register(self) -> None:
        with _latest_lock:
            previous = _latest.get(self.options.key)
            _latest[self.options.key] = self
        if previous is not None and not previous.done.is_set():
            previous.cancel()  # a new sign-in for the same connection replaces the old one
