"""The provider definition: authsome's schema (v1) read into frozen dataclasses.

authsome's files load unchanged, in both generations of its field names:
``host_url`` / ``supports_device_flow`` (older) and ``api_url`` / ``supports_device_code``
(newer), and both shapes of ``export`` (``{"env": {"access_token": "X_TOKEN"}}`` and
``{"X_TOKEN": "ACCESS_TOKEN"}``).  Validation names the field, so the loader can add the
file and the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._scopes import RESERVED_SCOPES

SUPPORTED_SCHEMA_VERSION = 1
AUTH_TYPES = ("oauth2", "api_key", "browser")
FLOWS = ("pkce", "device_code", "dcr_pkce", "api_key", "browser")


class SchemaError(ValueError):
    """A definition breaks the schema; ``field`` is the dotted path of the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OAuthSettings:
    authorization_url: str
    token_url: str
    device_authorization_url: str | None = None
    revocation_url: str | None = None
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    supports_device_code: bool = False
    supports_dcr: bool = False


@dataclass(frozen=True)
class Provider:
    """One provider, ready to use: URLs, scopes, presets and where its client id comes from."""

    name: str
    display_name: str
    auth_type: str
    flow: str
    oauth: OAuthSettings | None
    api_url: str | None = None
    api_base: str | None = None
    engine: str = "oauth2"
    description: str = ""
    docs_url: str | None = None
    services: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    export_env: Mapping[str, str] = field(default_factory=dict)
    client_id_env: str | None = None
    client_id: str | None = None
    sources: tuple[str, ...] = ()

    def __repr__(self) -> str:
        flows = ["pkce" if self.oauth and self.oauth.pkce else None,
                 "device code" if self.oauth and self.oauth.supports_device_code else None]
        shown = ", ".join(f for f in flows if f) or self.auth_type
        return f"<Provider {self.name} ({self.display_name}): {shown}; api {self.api_url or '-'}>"

    @property
    def authority(self) -> str:
        """MSAL's authority: what precedes ``/oauth2/`` in the authorization URL."""
        if self.oauth is None:
            raise SchemaError("oauth", "this provider has no OAuth settings")
        url = self.oauth.authorization_url
        head, sep, _ = url.partition("/oauth2/")
        return head if sep else url.rstrip("/")

    @property
    def tenant(self) -> str:
        """The tenant segment of the authority (``common`` for the bundled Microsoft one)."""
        return self.authority.rstrip("/").rsplit("/", 1)[-1]

    def authority_for(self, tenant: str | None) -> str:
        """The authority with its tenant replaced (``organizations``, a GUID, a domain)."""
        if not tenant:
            return self.authority
        base = self.authority.rstrip("/").rsplit("/", 1)[0]
        return f"{base}/{tenant.strip('/')}"

    @property
    def api_hosts(self) -> frozenset[str]:
        """Host names (with a port when not 443) that may receive this provider's bearer."""
        hosts = set()
        for value in (self.api_url, self.api_base):
            if value:
                hosts.add(normalize_host(value))
        return frozenset(hosts)

    @property
    def is_microsoft(self) -> bool:
        return self.engine == "msal"

    def resource_scopes(self) -> tuple[str, ...]:
        """Default scopes without the reserved OIDC ones (MSAL adds those itself)."""
        if self.oauth is None:
            return ()
        return tuple(s for s in self.oauth.scopes if s not in RESERVED_SCOPES)


def normalize_host(value: str) -> str:
    """``https://graph.microsoft.com/v1.0`` or ``graph.microsoft.com`` → ``graph.microsoft.com``."""
    if "//" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and port != 443:
        return f"{host}:{port}"
    return host


def provider_from_mapping(data: Mapping[str, Any], sources: tuple[str, ...] = ()) -> Provider:
    """Validate a merged definition and build a :class:`Provider`; raises :class:`SchemaError`."""
    if not isinstance(data, Mapping):
        raise SchemaError("", "a provider definition must be a JSON object")
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaError("schema_version", "must be an integer")
    if version > SUPPORTED_SCHEMA_VERSION:
        raise SchemaError(
            "schema_version",
            f"version {version} is newer than this authsome_nb understands "
            f"({SUPPORTED_SCHEMA_VERSION}); upgrade authsome-nb",
        )
    name = _string(data, "name", required=True)
    auth_type = _choice(data, "auth_type", AUTH_TYPES, default="oauth2")
    flow = _choice(data, "flow", FLOWS, default="pkce")
    oauth = _oauth(data.get("oauth"), required=auth_type == "oauth2")
    api_url = _string(data, "api_url") or _string(data, "host_url")
    api_base = _string(data, "api_base")
    if api_base and not api_base.startswith("https://"):
        raise SchemaError("api_base", "must be an https:// URL")
    return Provider(
        name=name,
        display_name=_string(data, "display_name") or name.title(),
        auth_type=auth_type,
        flow=flow,
        oauth=oauth,
        api_url=api_url,
        api_base=api_base or (f"https://{api_url}" if api_url else None),
        engine=_string(data, "engine") or "oauth2",
        description=_string(data, "description") or "",
        docs_url=_string(data, "docs_url"),
        services=_services(data.get("services")),
        export_env=_export(data.get("export")),
        client_id_env=_string(data, "client_id_env"),
        client_id=_string(data, "client_id"),
        sources=sources,
    )


def _string(data: Mapping[str, Any], key: str, *, required: bool = False, prefix: str = "") -> Any:
    value = data.get(key)
    if value is None:
        if required:
            raise SchemaError(prefix + key, "is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise SchemaError(prefix + key, f"must be a non-empty string, got {type(value).__name__}")
    return value


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise SchemaError(key, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool, prefix: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SchemaError(prefix + key, f"must be true or false, got {value!r}")
    return value


def _url(data: Mapping[str, Any], key: str, *, required: bool, prefix: str) -> Any:
    value = _string(data, key, required=required, prefix=prefix)
    if value is not None and not value.startswith(("https://", "http://", "{base_url}")):
        raise SchemaError(prefix + key, f"must be an https:// URL, got {value!r}")
    return value


def _oauth(value: Any, *, required: bool) -> OAuthSettings | None:
    if value is None:
        if required:
            raise SchemaError("oauth", "is required when auth_type is oauth2")
        return None
    if not isinstance(value, Mapping):
        raise SchemaError("oauth", "must be an object")
    p = "oauth."
    scopes = value.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise SchemaError(p + "scopes", "must be a list of non-empty strings")
    device = value.get("supports_device_code", value.get("supports_device_flow", False))
    if not isinstance(device, bool):
        key = "supports_device_code" if "supports_device_code" in value else "supports_device_flow"
        raise SchemaError(p + key, f"must be true or false, got {device!r}")
    return OAuthSettings(
        authorization_url=_url(value, "authorization_url", required=True, prefix=p),
        token_url=_url(value, "token_url", required=True, prefix=p),
        device_authorization_url=_url(value, "device_authorization_url", required=False, prefix=p),
        revocation_url=_url(value, "revocation_url", required=False, prefix=p),
        scopes=tuple(scopes),
        pkce=_bool(value, "pkce", True, p),
        supports_device_code=device,
        supports_dcr=_bool(value, "supports_dcr", False, p),
    )


def _services(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SchemaError("services", "must be an object of service name → list of scopes")
    services: dict[str, tuple[str, ...]] = {}
    for name, scopes in value.items():
        if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
            raise SchemaError(f"services.{name}", "must be a list of non-empty strings")
        services[name] = tuple(scopes)
    return services


_EXPORT_FIELDS = {"ACCESS_TOKEN": "access_token", "REFRESH_TOKEN": "refresh_token"}


def _export(value: Any) -> dict[str, str]:
    """Normalise both export shapes to ``{"access_token": ENV_NAME, "refresh_token": ENV_NAME}``.

    An override may use the other shape than the bundled file; the merged object then holds
    both, and the flat entries (the override's, usually) win.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SchemaError("export", "must be an object")
    result: dict[str, str] = {}
    env = value.get("env")
    if env is not None:
        if not isinstance(env, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise SchemaError("export.env", "must map token fields to environment variable names")
        result.update(env)
    for env_name, token_field in value.items():
        if env_name == "env":
            continue
        if not isinstance(token_field, str) or token_field.upper() not in _EXPORT_FIELDS:
            raise SchemaError(
                f"export.{env_name}",
                "must be ACCESS_TOKEN or REFRESH_TOKEN (authsome's newer export shape)",
            )
        result[_EXPORT_FIELDS[token_field.upper()]] = env_name
    return result
