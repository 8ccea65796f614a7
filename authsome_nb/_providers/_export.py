"""The ``export`` object of a definition: which environment variables ``export`` sets.

authsome writes it two ways, and both load: ``{"env": {"access_token": "X_TOKEN"}}`` and the
flat ``{"X_TOKEN": "ACCESS_TOKEN", "Y": "REFRESH_TOKEN"}``.  An API key is what an API-key
connection hands out as its token, so ``API_TOKEN`` / ``API_KEY`` (flat) and ``api_key``
(``env``) name the same variables as ``ACCESS_TOKEN``, and so does ``api_key.env_var``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._fields import SchemaError

_FLAT_FIELDS = {"ACCESS_TOKEN": "access_token", "REFRESH_TOKEN": "refresh_token",
                "API_TOKEN": "access_token", "API_KEY": "access_token"}
_ENV_FIELDS = {"access_token": "access_token", "refresh_token": "refresh_token",
               "api_key": "access_token", "api_token": "access_token"}


def export_names(value: Any, key_variable: str | None = None) -> dict[str, tuple[str, ...]]:
    """Both shapes as ``{"access_token": (ENV, …), "refresh_token": (ENV, …)}``.

    An override may use the other shape than the bundled file; the merged object then holds
    both, and the flat entries (the override's, usually) come first.  ``key_variable`` (an
    API key's ``env_var``) comes last among the access token's names.
    """
    if value is not None and not isinstance(value, Mapping):
        raise SchemaError("export", "must be an object")
    flat: dict[str, list[str]] = {}
    for env_name, token_field in (value or {}).items():
        if env_name == "env":
            continue
        if not isinstance(token_field, str) or token_field.upper() not in _FLAT_FIELDS:
            raise SchemaError(
                f"export.{env_name}",
                "must be ACCESS_TOKEN, REFRESH_TOKEN or API_TOKEN (authsome's newer export "
                "shape)",
            )
        _add(flat, _FLAT_FIELDS[token_field.upper()], env_name)
    env = (value or {}).get("env")
    if env is not None:
        if not isinstance(env, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise SchemaError("export.env", "must map token fields to environment variable names")
        for token_field, env_name in env.items():
            # Fields this package has no token for (a browser session's cookies) export nothing.
            if token_field in _ENV_FIELDS:
                _add(flat, _ENV_FIELDS[token_field], env_name)
    if key_variable:
        _add(flat, "access_token", key_variable)
    return {key: tuple(names) for key, names in flat.items()}


def _add(names: dict[str, list[str]], token_field: str, env_name: str) -> None:
    found = names.setdefault(token_field, [])
    if env_name not in found:
        found.append(env_name)
