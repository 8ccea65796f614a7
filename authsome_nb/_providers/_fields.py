"""Reading one field of a definition: each reader names the dotted field it refuses.

The loader turns a :class:`SchemaError` into a ``ProviderError`` with the file and the line,
so every message here says only what is wrong with the value and what it must be.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class SchemaError(ValueError):
    """A definition breaks the schema; ``field`` is the dotted path of the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def string(data: Mapping[str, Any], key: str, *, required: bool = False, prefix: str = "") -> Any:
    value = data.get(key)
    if value is None:
        if required:
            raise SchemaError(prefix + key, "is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise SchemaError(prefix + key, f"must be a non-empty string, got {type(value).__name__}")
    return value


def choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str | None,
           prefix: str = "") -> Any:
    value = data.get(key, default)
    if value is None and default is None:
        return None
    if value not in allowed:
        raise SchemaError(prefix + key, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def boolean(data: Mapping[str, Any], key: str, default: bool, prefix: str = "") -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SchemaError(prefix + key, f"must be true or false, got {value!r}")
    return value


def insecure_reason(value: str) -> str | None:
    """Why ``value`` may not be an endpoint, or None: https everywhere, plain http only on
    this machine's loopback (a client secret, a code or a token must never cross a network
    in the clear)."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return "is not a URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and is_loopback(host):
        return None
    if parts.scheme == "http":
        return "must be an https:// URL (plain http only on loopback: 127.0.0.1, [::1], localhost)"
    return "must be an https:// URL"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url(data: Mapping[str, Any], key: str, *, required: bool, prefix: str = "",
        base_url: str | None = None) -> Any:
    """An https URL (http on loopback); ``{base_url}`` (authsome's template) is replaced by
    ``base_url``."""
    value = string(data, key, required=required, prefix=prefix)
    if value is not None and "{base_url}" in value:
        if not base_url:
            raise SchemaError(prefix + key, "uses {base_url} but oauth.base_url is not set")
        value = value.replace("{base_url}", base_url.rstrip("/"))
    problem = None if value is None else insecure_reason(value)
    if problem:
        raise SchemaError(prefix + key, f"{problem}, got {value!r}")
    return value


def https_url(data: Mapping[str, Any], key: str, prefix: str = "") -> Any:
    return url(data, key, required=False, prefix=prefix)


def words(data: Mapping[str, Any], key: str, prefix: str = "") -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise SchemaError(prefix + key, "must be a list of non-empty strings")
    return tuple(value)


def string_map(data: Mapping[str, Any], key: str, prefix: str = "") -> dict[str, str]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SchemaError(prefix + key, "must be an object of string values")
    return dict(value)
