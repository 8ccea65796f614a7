"""A google-auth ``Credentials`` over a connection: what the Google Cloud client libraries take.

``refresh(request)`` asks the connection's session for its token (refreshed under the store's
single flight when needed), so google-auth's own "expired → refresh" logic lands on ours.
Importing this module imports google-auth: only ``an.credential("google")`` does.
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, Any

from . import missing_extra

try:
    from google.auth import credentials as google_credentials
except ImportError:  # pragma: no cover - exercised by a test without the extra
    raise missing_extra("google", "an.credential('google') returns a google-auth "
                        "credential: google-auth") from None

if TYPE_CHECKING:
    from .._session import Session


class GoogleCredentials(google_credentials.Credentials):
    """``google.auth.credentials.Credentials`` for ``provider/connection`` of ``session``."""

    def __init__(self, session: Session, provider: str, connection: str) -> None:
        super().__init__()
        self._session, self._provider, self._connection = session, provider, connection

    def __repr__(self) -> str:
        return f"<GoogleCredentials {self._provider}/{self._connection}>"

    def refresh(self, request: Any) -> None:
        """Take the connection's current token (google-auth calls this when ours expired)."""
        token = self._session.token(self._provider, self._connection)
        self.token = token.value
        self.expiry = (None if not math.isfinite(token.expires_at) else
                       datetime.datetime.fromtimestamp(token.expires_at, datetime.UTC)
                       .replace(tzinfo=None))  # google-auth compares naive UTC times
