"""Device-code sign-ins started from JupyterLab, run by the server for the user's store.

``POST /authsome/api/login`` starts one; the panel polls ``GET /authsome/api/login/<id>``
for the code to show and for the outcome.  The sign-in itself is ``Session.login`` in a
thread (it blocks while MSAL polls); its events are folded into a small JSON-safe record
that never holds a token — the device code is no secret: it is what the user types.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import AuthsomeError
from ..events import DeviceCode, FlowChosen, SignedIn, SignInEvent, Waiting, failure_outcome

log = logging.getLogger(__name__)

KEEP_FINISHED = 900.0  # seconds a finished job stays readable
MAX_JOBS = 50


@dataclass
class LoginJob:
    """One sign-in: its status goes starting → waiting → signed_in | failed | cancelled."""

    provider: str
    connection: str
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    status: str = "starting"
    message: str = ""
    device_code: dict[str, Any] | None = None
    account: dict[str, Any] | None = None
    error: str | None = None
    outcome: str | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    shown: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def running(self) -> bool:
        return self.finished_at is None

    def on_event(self, event: SignInEvent) -> None:
        """The sign-in's event handler (called from the sign-in thread)."""
        with self._lock:
            if isinstance(event, FlowChosen):
                self.message = event.reason
            elif isinstance(event, Waiting):
                self.message = event.detail
            elif isinstance(event, DeviceCode):
                self.device_code = {
                    "user_code": event.user_code, "verification_uri": event.verification_uri,
                    "message": event.message, "expires_at": event.expires_at,
                }
                self.status = "waiting"
            elif isinstance(event, SignedIn):
                self.account = {"username": event.username, "display_name": event.display_name}
        if isinstance(event, DeviceCode):
            self.shown.set()

    def finish(self, error: BaseException | None) -> None:
        with self._lock:
            if error is None:
                self.status = self.outcome = "signed_in"
            else:
                self.outcome = failure_outcome(error)
                self.status = "cancelled" if self.outcome == "cancelled" else "failed"
                self.error = str(error) if isinstance(error, AuthsomeError) else (
                    f"{type(error).__name__}: {error}")
            self.device_code = None  # used up either way: the panel stops showing it
            self.finished_at = time.time()
        self.shown.set()

    def to_dict(self) -> dict[str, Any]:
        """A consistent JSON-safe snapshot (the sign-in thread may be changing the job)."""
        with self._lock:
            return {
                "id": self.id, "provider": self.provider, "connection": self.connection,
                "status": self.status, "message": self.message, "device_code": self.device_code,
                "account": self.account, "error": self.error, "outcome": self.outcome,
                "created_at": self.created_at, "finished_at": self.finished_at,
            }


class LoginJobs:
    """The server's sign-ins: at most one running per provider/connection."""

    def __init__(self, session, *, timeout: float) -> None:
        self.session = session
        self.timeout = timeout
        self._jobs: dict[str, LoginJob] = {}
        self._lock = threading.Lock()

    def start(self, provider: str, connection: str, **options: Any) -> tuple[LoginJob, bool]:
        """``(job, True)`` for a new sign-in; ``(running job, False)`` if one already runs."""
        with self._lock:
            self._prune()
            for job in self._jobs.values():
                if job.running and (job.provider, job.connection) == (provider, connection):
                    return job, False
            job = LoginJob(provider=provider, connection=connection)
            self._jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job, options), daemon=True,
                                  name=f"authsome-login-{provider}-{connection}")
        thread.start()
        return job, True

    def get(self, job_id: str) -> LoginJob | None:
        return self._jobs.get(job_id)

    def cancel_all(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel.set()

    def _run(self, job: LoginJob, options: dict[str, Any]) -> None:
        try:
            self.session.login(
                job.provider, job.connection, flow="device", open_browser=False,
                timeout=self.timeout, on_event=job.on_event, cancel=job.cancel, **options,
            )
        except BaseException as exc:  # noqa: BLE001 - every failure ends the job with a message
            if not isinstance(exc, AuthsomeError):
                log.exception("authsome_nb: sign-in of %s/%s failed", job.provider, job.connection)
            job.finish(exc)
        else:
            job.finish(None)

    def _prune(self) -> None:
        now = time.time()
        for job_id, job in list(self._jobs.items()):
            if not job.running and now - (job.finished_at or now) > KEEP_FINISHED:
                del self._jobs[job_id]
        finished = sorted((j for j in self._jobs.values() if not j.running),
                          key=lambda j: j.created_at)
        while len(self._jobs) >= MAX_JOBS and finished:
            del self._jobs[finished.pop(0).id]
