"""Where authsome_nb keeps its files: ``$AUTHSOME_NB_HOME``, else ``~/.authsome_nb``."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "AUTHSOME_NB_HOME"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the store, the key file and provider overrides (not created here)."""
    if home is not None:
        return Path(home).expanduser()
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".authsome_nb"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700, and tighten it if it already exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and (path.stat().st_mode & 0o077):
        path.chmod(0o700)
    return path
