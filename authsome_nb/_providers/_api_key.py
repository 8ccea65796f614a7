"""The ``api_key`` object of a definition: how a provider wants its key sent, and what one looks
like.

authsome's fields, kept by name because the broker and authsome read them too:

``header_name``       the header that carries the key (``Authorization`` when absent)
``header_prefix``     written before the key with a space (``Bearer`` when absent; ``null``
                      or ``""``: the key alone, as ``x-api-key`` wants it)
``env_var``           the variable ``export`` sets (added to the ``export`` names)
``key_pattern``       a regular expression a pasted key must match whole
``key_pattern_hint``  what a key looks like and where to get one, said when it does not match

and one of authsome_nb's: ``basic_auth`` (``"username"`` or ``"password"``) for providers
that take the key inside HTTP Basic credentials, with the other half empty.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._fields import SchemaError, choice, string

BASIC_AUTH = ("username", "password")


@dataclass(frozen=True)
class ApiKeySettings:
    header_name: str = "Authorization"
    header_prefix: str | None = "Bearer"
    env_var: str | None = None
    key_pattern: re.Pattern[str] | None = None
    key_pattern_hint: str | None = None
    basic_auth: str | None = None

    def header(self, key: str) -> tuple[str, str]:
        """``(name, value)`` of the header that carries ``key`` to the provider's API."""
        secret = key
        if self.basic_auth is not None:
            pair = f"{key}:" if self.basic_auth == "username" else f":{key}"
            secret = base64.b64encode(pair.encode()).decode()
        return self.header_name, f"{self.header_prefix} {secret}" if self.header_prefix else secret

    def matches(self, key: str) -> bool:
        return self.key_pattern is None or self.key_pattern.fullmatch(key) is not None


def api_key_settings(value: Any) -> ApiKeySettings:
    """The block, or the defaults (``Authorization: Bearer <key>``) when the file has none."""
    if value is None:
        return ApiKeySettings()
    if not isinstance(value, Mapping):
        raise SchemaError("api_key", "must be an object")
    p = "api_key."
    name = string(value, "header_name", prefix=p) or "Authorization"
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
        raise SchemaError(p + "header_name", f"{name!r} is not an HTTP header name")
    prefix = value.get("header_prefix", "Bearer")
    if prefix is not None and not isinstance(prefix, str):
        raise SchemaError(p + "header_prefix", "must be a string or null")
    return ApiKeySettings(
        header_name=name,
        header_prefix=prefix.strip() or None if prefix is not None else None,
        env_var=string(value, "env_var", prefix=p),
        key_pattern=_pattern(value, p),
        key_pattern_hint=string(value, "key_pattern_hint", prefix=p),
        basic_auth=choice(value, "basic_auth", BASIC_AUTH, None, p),
    )


def _pattern(value: Mapping[str, Any], p: str) -> re.Pattern[str] | None:
    text = string(value, "key_pattern", prefix=p)
    if text is None:
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        raise SchemaError(p + "key_pattern", f"is not a valid regular expression: {exc}") from None
