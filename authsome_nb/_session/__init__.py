"""The session: the verbs of one store home (``Session``), and signing in as a pipeline."""

from ._session import DEFAULT_CONNECTION, DEFAULT_PROVIDER, Session

__all__ = ["DEFAULT_CONNECTION", "DEFAULT_PROVIDER", "Session"]
