"""Override files that are almost right: in the wrong folder, or with a typo in the name.

An override that is never read fails silently — the bundled definition keeps working, just
not the way the user asked — so near misses get a warning that names the file to create:
``~/.authsome_nb/_providers/microsoft.json`` (the package's own folder name),
``providers/microsft.json`` (one or two edits from a bundled provider, or from another of the
user's files: whatever it holds, a complete definition included), ``providers/microsoft.json5``
or ``providers/Microsoft.json`` (a suffix or a case the loader does not read).  A provider of
one's own that happens to be close to another name can silence it:
``warnings.filterwarnings("ignore", category=ProviderOverrideWarning)``.

The folder is listed at most once per change of its mtime, so loading a provider stays cheap.
"""

from __future__ import annotations

import contextlib
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
    files = sorted(providers.iterdir())
    own = sorted({p.stem for p in files if p.suffix in SUFFIXES} - set(bundled_names))
    for path in files:
        stem, suffix = path.stem, path.suffix
        if suffix.lower() in SUFFIXES and suffix != suffix.lower():
            messages.append(f"{path} is not read: name it {stem}{suffix.lower()}")
        elif suffix not in SUFFIXES:
            if stem in bundled_names or stem.lower() in bundled_names:
                messages.append(f"{path} is not read: name it {stem.lower()}.json or .jsonc")
        elif stem in bundled_names:
            continue
        elif stem.lower() in bundled_names:
            messages.append(f"{path} is not read as the override of '{stem.lower()}': "
                            f"provider names are lowercase (rename it to {stem.lower()}{suffix})")
        else:
            messages.extend(_near_names(path, bundled_names, own))
    return messages


def _near_names(path: Path, bundled_names: tuple[str, ...], own: list[str]) -> list[str]:
    """A file one or two edits from a bundled provider, or from another of the user's files
    (each such pair said once)."""
    stem, suffix = path.stem, path.suffix
    near_bundled = [n for n in bundled_names if _close(stem, n)]
    if near_bundled:
        name = near_bundled[0]
        return [f"{path} defines a provider '{stem}' of its own, {_edits(stem, name)} from "
                f"'{name}': if you meant to override '{name}', rename the file to "
                f"{name}{suffix}"]
    return [f"{path} and {path.with_name(other + suffix)} have names {_edits(stem, other)} "
            f"apart: if one is a typo of the other, only one of them is read as you meant"
            for other in own if other > stem and _close(stem, other)]


def _close(one: str, other: str) -> bool:
    """Within a typo of each other: one edit for short names (up to 5), two for longer ones;
    names of one or two characters are too short to tell."""
    shortest = min(len(one), len(other))
    allowed = 0 if shortest < 3 else 1 if shortest <= 5 else 2
    return one != other and abs(len(one) - len(other)) <= allowed and \
        edit_distance(one, other) <= allowed


def _edits(one: str, other: str) -> str:
    n = edit_distance(one, other)
    return f"{n} edit" if n == 1 else f"{n} edits"


def edit_distance(one: str, other: str) -> int:
    """Levenshtein distance with adjacent transpositions (``mircosoft`` is one from
    ``microsoft``): the optimal string alignment distance."""
    rows = [list(range(len(other) + 1))]
    for i, a in enumerate(one, 1):
        row = [i]
        for j, b in enumerate(other, 1):
            cost = 0 if a == b else 1
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost))
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
