"""Provider definitions as data: the bundled ones, plus overrides in the user's home.

``$AUTHSOME_NB_HOME/providers/<name>.json`` (or ``.jsonc``) is deep-merged over the
bundled definition of the same name, or defines a new provider.  A malformed file is refused
with an error naming the file, the line (where it can be found) and the field.

An override decides where sign-ins go and which client they use, so it is read only from a
trusted home: the home, ``providers/`` and the file are this user's and writable by nobody
else (else ``InsecureHomeError``, before any sign-in starts).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._home import home_dir, read_private_file, trusted_dir_exists
from ..errors import ProviderError, UnknownProviderError
from . import _jsonc
from ._app_credentials import resolve_client_id, secret_from_env
from ._catalogue import by_kind, flows_of
from ._fields import insecure_reason, is_loopback
from ._misplaced import ProviderOverrideWarning, warn_about_misplaced
from ._schema import (
    ApiKeySettings,
    OAuthSettings,
    Provider,
    SchemaError,
    normalize_host,
    provider_from_mapping,
)
from ._sign_in_scopes import BASE_SCOPE, resolve_scopes

__all__ = [
    "ApiKeySettings",
    "OAuthSettings",
    "Provider",
    "ProviderOverrideWarning",
    "by_kind",
    "flows_of",
    "insecure_reason",
    "is_loopback",
    "list_providers",
    "load_provider",
    "normalize_host",
    "override_dir",
    "BASE_SCOPE",
    "resolve_client_id",
    "resolve_scopes",
    "secret_from_env",
    "provider_names",
]

BUNDLED_DIR = Path(__file__).parent
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_cache: dict[tuple[str, str], tuple[tuple, Provider]] = {}
_BUNDLED_NAMES: tuple[str, ...] | None = None


def override_dir(home: str | os.PathLike[str] | None = None) -> Path:
    return home_dir(home) / "providers"


def _trusted_override_dir(home: str | os.PathLike[str] | None) -> Path | None:
    """The override folder, or None when there is none; raises when the home is not trusted."""
    folder = home_dir(home)
    if not trusted_dir_exists(folder):
        return None
    overrides = override_dir(home)
    return overrides if trusted_dir_exists(overrides, within=folder) else None


def load_provider(name: str, home: str | os.PathLike[str] | None = None) -> Provider:
    """The definition of ``name``: bundled, deep-merged with the user's override if any."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise UnknownProviderError(
            f"{name!r} is not a provider name",
            remedy="use a lowercase name such as 'microsoft'; `an.providers()` lists them",
        )
    bundled = _find(BUNDLED_DIR, name)
    overrides = _trusted_override_dir(home)
    override = _find(overrides, name) if overrides is not None else None
    if overrides is not None or trusted_dir_exists(home_dir(home)):  # never read an untrusted one
        warn_about_misplaced(home_dir(home), _bundled_names())
    if bundled is None and override is None:
        raise _unknown(name, home)
    signature = tuple(_signature(p) for p in (bundled, override) if p is not None)
    key = (str(home_dir(home)), name)
    cached = _cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    provider = _build(name, bundled, override)
    _cache[key] = (signature, provider)
    return provider


def _unknown(name: str, home: str | os.PathLike[str] | None) -> UnknownProviderError:
    """No such provider: the names it may be a typo of (of the bundled and the user's)."""
    import difflib

    known = sorted(_names(home))
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return UnknownProviderError(
        f"No provider named '{name}' ({hint}{len(known)} are known: an.providers() or "
        "%authsome providers lists them)",
        remedy=f"check the spelling, or define it in {override_dir(home) / (name + '.json')}",
    )


def provider_names(home: str | os.PathLike[str] | None = None) -> list[str]:
    """The names of every provider known here, sorted, without reading any definition."""
    return sorted(_names(home))


def _names(home: str | os.PathLike[str] | None) -> set[str]:
    names: set[str] = set()
    for folder in (BUNDLED_DIR, _trusted_override_dir(home)):
        if folder is not None and folder.is_dir():
            for path in folder.iterdir():
                if path.suffix in (".json", ".jsonc") and _NAME.match(path.stem):
                    names.add(path.stem)
    return names


def list_providers(home: str | os.PathLike[str] | None = None) -> list[Provider]:
    """Every provider known here, bundled and user-defined, sorted by name."""
    return [load_provider(n, home) for n in sorted(_names(home))]


def _bundled_names() -> tuple[str, ...]:
    global _BUNDLED_NAMES
    if _BUNDLED_NAMES is None:
        _BUNDLED_NAMES = tuple(sorted(p.stem for p in BUNDLED_DIR.iterdir()
                                      if p.suffix in (".json", ".jsonc")))
    return _BUNDLED_NAMES


def _find(folder: Path, name: str) -> Path | None:
    found = [p for p in (folder / f"{name}.json", folder / f"{name}.jsonc") if p.is_file()]
    if len(found) > 1:
        raise ProviderError(
            f"both {found[0].name} and {found[1].name} exist",
            path=str(found[0].parent),
            remedy="keep one of the two files",
        )
    return found[0] if found else None


def _signature(path: Path) -> tuple:
    st = path.stat()
    return (str(path), st.st_mtime_ns, st.st_size)


def _read(path: Path) -> tuple[dict[str, Any], str]:
    try:
        raw = path.read_bytes() if path.is_relative_to(BUNDLED_DIR) else read_private_file(path)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProviderError("is not UTF-8 text", path=str(path)) from exc
    except OSError as exc:
        raise ProviderError(f"cannot be read ({exc.strerror})", path=str(path)) from exc
    try:
        data = _jsonc.loads(text)
    except json.JSONDecodeError as exc:
        raise ProviderError(
            f"is not valid JSON: {exc.msg} (column {exc.colno})",
            path=str(path),
            line=exc.lineno,
            remedy="fix the syntax; JSONC comments (// and /* */) and trailing commas are allowed",
        ) from None
    if not isinstance(data, dict):
        raise ProviderError("must contain a JSON object", path=str(path), line=1)
    return data, text


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Objects merge key by key; anything else (lists, strings, null) in ``override`` wins."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(name: str, bundled: Path | None, override: Path | None) -> Provider:
    data: dict[str, Any] = {}
    texts: list[tuple[Path, str, dict[str, Any]]] = []
    for path in (bundled, override):
        if path is None:
            continue
        layer, text = _read(path)
        texts.append((path, text, layer))
        data = deep_merge(data, layer)
    if override is not None and data.get("name", name) != name:
        raise ProviderError(
            f"'name' is {data.get('name')!r} but the file is named {name}",
            path=str(override),
            line=_jsonc.line_of_key(texts[-1][1], "name"),
            field="name",
        )
    data.setdefault("name", name)
    sources = tuple(str(p) for p, _, _ in texts)
    try:
        return provider_from_mapping(data, sources)
    except SchemaError as exc:
        # Blame the last file that set the field (the override, usually).
        culprit, text = texts[-1][0], texts[-1][1]
        for path, layer_text, layer in reversed(texts):
            if _has_field(layer, exc.field):
                culprit, text = path, layer_text
                break
        raise ProviderError(
            str(exc),
            path=str(culprit),
            line=_jsonc.line_of_key(text, exc.field) if exc.field else None,
            field=exc.field or None,
            remedy="see the provider schema in README.md (Configuration → Provider definitions)",
        ) from None


def _has_field(layer: Mapping[str, Any], dotted: str) -> bool:
    node: Any = layer
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True
