"""Override files that are almost right: in the wrong folder, or with a typo in the name.

An override that is never read fails silently — the bundled definition keeps working, just
not the way the user asked — so near misses get a warning that names the file to create:
``~/.authsome_nb/_providers/microsoft.json`` (the package's own folder name),
``providers/microsft.json`` (a typo of a bundled provider), ``providers/microsoft.json5`` or
``providers/Microsoft.json`` (a suffix or a case the loader does not read).

The folder is listed at most once per change of its mtime, so loading a provider stays cheap.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import warnings
from pathlib import Path

SUFFIXES = (".json", ".jsonc")
#: folder names people write instead of ``providers`` (the package's own is ``_providers``)
WRONG_FOLDERS = ("_providers", "provider", "Providers")

_seen: dict[tuple[str, int], tuple[str, ...]] = {}


class ProviderOverrideWarning(UserWarning):
    """A file looks like a provider override but is not where, or named how, it is read."""


def warn_about_misplaced(home: Path, bundled_names: tuple[str, ...]) -> None:
    """Warn once per near-miss override file found in ``home``."""
    for message in _near_misses(home, bundled_names):
        warnings.warn(message, ProviderOverrideWarning, stacklevel=4)


def _near_misses(home: Path, bundled_names: tuple[str, ...]) -> tuple[str, ...]:
    try:
        stamp = os.stat(home).st_mtime_ns
    except OSError:
        return ()
    providers = home / "providers"
    with contextlib.suppress(OSError):  # no providers/ folder yet
        stamp += os.stat(providers).st_mtime_ns
    key = (str(home), stamp)
    if key in _seen:
        return ()  # already told, or nothing to tell, for this state of the folders
    found = (*_in_wrong_folders(home, providers), *_misnamed(providers, bundled_names))
    _seen[key] = found
    return found


def _in_wrong_folders(home: Path, providers: Path) -> list[str]:
    messages = []
    for folder in WRONG_FOLDERS:
        wrong = home / folder
        if wrong.name == providers.name or not wrong.is_dir():
            continue
        for path in sorted(wrong.iterdir()):
            if path.suffix in SUFFIXES:
                messages.append(
                    f"{path} is not read: provider overrides live in {providers}/ "
                    f"(move it to {providers / path.name})")
    return messages


def _misnamed(providers: Path, bundled_names: tuple[str, ...]) -> list[str]:
    if not providers.is_dir():
        return []
    messages = []
    for path in sorted(providers.iterdir()):
        stem, suffix = path.stem, path.suffix
        if suffix.lower() in SUFFIXES and suffix != suffix.lower():
            messages.append(f"{path} is not read: name it {stem}{suffix.lower()}")
            continue
        if suffix not in SUFFIXES:
            if stem in bundled_names or stem.lower() in bundled_names:
                messages.append(f"{path} is not read: name it {stem.lower()}.json or .jsonc")
            continue
        if stem in bundled_names:
            continue
        if stem.lower() in bundled_names:
            messages.append(f"{path} is not read as the override of '{stem.lower()}': "
                            f"provider names are lowercase (rename it to {stem.lower()}{suffix})")
            continue
        close = difflib.get_close_matches(stem, bundled_names, n=1, cutoff=0.8)
        if close and not _defines_oauth(path):  # a complete definition is a provider of its own
            messages.append(f"{path} defines a new provider '{stem}', not an override of "
                            f"'{close[0]}': if you meant to override it, rename the file to "
                            f"{close[0]}{suffix}")
    return messages


def _defines_oauth(path: Path) -> bool:
    try:
        return '"oauth"' in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
