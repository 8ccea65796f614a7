"""The provider definition: authsome's schema (v1) read into frozen dataclasses.

authsome's files load unchanged, in both generations of its field names:
``host_url`` / ``supports_device_flow`` (older) and ``api_url`` / ``supports_device_code``
(newer), ``api_url`` as one host or a list (entries ``regex:PATTERN`` match whole host
names), ``{base_url}`` templates, and both shapes of ``export``
(``{"env": {"access_token": "X_TOKEN"}}`` and ``{"X_TOKEN": "ACCESS_TOKEN", "Y": …}``).
Validation names the field, so the loader can add the file and the line.  The ``oauth``
object is read in ``_oauth``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._scopes import RESERVED_SCOPES
from ._api_key import ApiKeySettings, api_key_settings
from ._export import export_names
from ._fields import SchemaError, choice, https_url, insecure_reason, string, url, words
from ._oauth import OAuthSettings, oauth_settings, secret_in_file_error

__all__ = ["ApiKeySettings", "OAuthSettings", "Provider", "SchemaError", "normalize_host",
           "provider_from_mapping"]

SUPPORTED_SCHEMA_VERSION = 1
AUTH_TYPES = ("oauth2", "api_key", "browser")
FLOWS = ("pkce", "device_code", "dcr_pkce", "api_key", "browser")
ENGINES = ("oauth2", "msal")
#: how listings name each auth_type
KINDS = {"oauth2": "OAuth 2.0", "api_key": "API key", "browser": "browser session"}
_REGEX = "regex:"


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
    # Further API hosts (``api_url`` lists) and ``regex:`` patterns that may get the bearer.
    extra_api_hosts: tuple[str, ...] = ()
    api_host_patterns: tuple[re.Pattern[str], ...] = ()
    # Every environment variable of each token field (GitHub exports GITHUB_ACCESS_TOKEN and
    # GH_TOKEN); ``export_env`` keeps the first of each.
    export_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Plain OAuth 2.0 providers name the account from a profile endpoint (GitHub: /user).
    profile_url: str | None = None
    account_field: str | None = None
    display_name_field: str = "name"
    client_secret_env: str | None = None
    setup_url: str | None = None
    setup_steps: tuple[str, ...] = ()  # what `%authsome setup` says about registering the app
    # Asked for by every sign-in, whatever services are chosen: what naming the account needs
    # (Microsoft's is User.Read, built in).
    account_scopes: tuple[str, ...] = ()
    api_key: ApiKeySettings | None = None  # auth_type "api_key": how the key is sent
    category: str | None = None  # authsome's "type": app, llm, mcp …

    def __repr__(self) -> str:
        shown = ", ".join(self.sign_in_flows) or self.auth_type
        return f"<Provider {self.name} ({self.display_name}): {shown}; api {self.api_url or '-'}>"

    @property
    def offers_device_code(self) -> bool:
        """Whether the definition has a device-code endpoint (what a remote sign-in needs)."""
        return bool(self.oauth and self.oauth.supports_device_code)

    @property
    def sign_in_flows(self) -> tuple[str, ...]:
        """The sign-ins the definition offers, as listings name them."""
        if self.auth_type == "api_key":
            return ("api key",)
        if self.oauth is None:
            return ()
        browser = "pkce" if self.oauth.pkce else "browser"
        if self.registers_clients:
            browser += " with a registered client"
        offered = ((browser, bool(self.oauth.authorization_url or self.oauth.issuer)),
                   ("device code", self.offers_device_code))
        return tuple(name for name, on in offered if on)

    @property
    def kind(self) -> str:
        """``OAuth 2.0``, ``API key`` or ``browser session``: what listings group by."""
        return KINDS[self.auth_type]

    @property
    def registers_clients(self) -> bool:
        """Whether a sign-in without a configured client id registers one (RFC 7591)."""
        return self.oauth is not None and (self.flow == "dcr_pkce" or self.oauth.supports_dcr)

    @property
    def needs_client_id(self) -> bool:
        """Whether a client id must be configured before a sign-in (not for API keys, clients
        registered at sign-in, or servers that know no clients)."""
        return (self.auth_type == "oauth2" and self.oauth is not None
                and self.oauth.client_id_required and not self.registers_clients)

    def variable(self, suffix: str) -> str:
        """``<NAME>_<suffix>`` as an environment variable can be spelled (``google-drive`` →
        ``GOOGLE_DRIVE_OAUTH_CLIENT_ID``)."""
        return re.sub(r"[^A-Z0-9]", "_", self.name.upper()) + "_" + suffix

    @property
    def client_id_variable(self) -> str:
        return self.client_id_env or self.variable("OAUTH_CLIENT_ID")

    @property
    def client_secret_variable(self) -> str:
        return self.client_secret_env or self.variable("OAUTH_CLIENT_SECRET")

    def credential_header(self, secret: str) -> tuple[str, str]:
        """``(name, value)`` of the header that carries ``secret`` (a token or an API key) to
        this provider's API: the ``api_key`` block's for API keys, else a bearer."""
        if self.api_key is not None:
            return self.api_key.header(secret)
        return "Authorization", f"Bearer {secret}"

    @property
    def authority(self) -> str:
        """MSAL's authority: what precedes ``/oauth2/`` in the authorization URL.

        For other providers: the OpenID Connect issuer, else the authorization server's
        origin (what a connection records as where it signed in).
        """
        if self.oauth is None:
            raise SchemaError("oauth", "this provider has no OAuth settings")
        if not self.is_microsoft and self.oauth.issuer:
            return self.oauth.issuer
        url = self.oauth.authorization_url or ""
        if not self.is_microsoft:
            parts = urlsplit(url)
            return f"{parts.scheme}://{parts.netloc}"
        head, sep, _ = url.partition("/oauth2/")
        return head if sep else url.rstrip("/")

    @property
    def tenant(self) -> str:
        """The tenant segment of the authority (``common`` for the bundled Microsoft one)."""
        return self.authority.rstrip("/").rsplit("/", 1)[-1]

    def authority_for(self, tenant: str | None) -> str:
        """The authority with its tenant replaced (``organizations``, a GUID, a domain)."""
        if not tenant or not self.is_microsoft:
            return self.authority
        base = self.authority.rstrip("/").rsplit("/", 1)[0]
        return f"{base}/{tenant.strip('/')}"

    @property
    def api_hosts(self) -> frozenset[str]:
        """Host names (with a port when not 443) that may receive this provider's bearer."""
        hosts = set(self.extra_api_hosts)
        for value in (self.api_url, self.api_base):
            if value:
                hosts.add(normalize_host(value))
        return frozenset(hosts)

    def is_api_host(self, host: str) -> bool:
        """Whether ``host`` (normalised: lowercase, ``:port`` unless 443) may get the bearer."""
        if host in self.api_hosts:
            return True
        return any(pattern.fullmatch(host) for pattern in self.api_host_patterns)

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
    name = string(data, "name", required=True)
    auth_type = choice(data, "auth_type", AUTH_TYPES, default="oauth2")
    flow = choice(data, "flow", FLOWS, default="pkce")
    engine = choice(data, "engine", ENGINES, default="oauth2")
    oauth = oauth_settings(data.get("oauth"), required=auth_type == "oauth2",
                           registration=data.get("registration"), device_only=flow == "device_code")
    if engine == "msal" and oauth is not None and not oauth.authorization_url:
        raise SchemaError("oauth.authorization_url", "is required for the msal engine")
    if "client_secret" in data:
        raise secret_in_file_error()
    hosts, patterns = _api_hosts(data)
    api_url = hosts[0] if hosts else None
    api_base = https_url(data, "api_base") or _base_of(api_url)
    key = api_key_settings(data.get("api_key")) if auth_type == "api_key" else None
    exports = export_names(data.get("export"), key.env_var if key else None)
    return Provider(
        name=name,
        display_name=string(data, "display_name") or name.title(),
        auth_type=auth_type,
        flow=flow,
        oauth=oauth,
        api_url=api_url,
        api_base=api_base,
        engine=engine,
        description=string(data, "description") or "",
        docs_url=url(data, "docs_url", required=False),
        services=_services(data.get("services")),
        export_env={field: names[0] for field, names in exports.items()},
        export_names=exports,
        client_id_env=string(data, "client_id_env"),
        client_id=string(data, "client_id"),
        sources=sources,
        extra_api_hosts=tuple(normalize_host(h) for h in hosts[1:]),
        api_host_patterns=patterns,
        profile_url=_profile_url(data, api_base),
        account_field=string(data, "account_field"),
        display_name_field=string(data, "display_name_field") or "name",
        client_secret_env=string(data, "client_secret_env"),
        setup_url=url(data, "setup_url", required=False),
        setup_steps=words(data, "setup_steps"),
        account_scopes=words(data, "account_scopes"),
        api_key=key,
        category=string(data, "type"),
    )


def _base_of(api_url: str | None) -> str | None:
    """The REST root an ``api_url`` implies: itself when it is a URL (authsome writes
    ``https://api.anthropic.com``), else ``https://<host>``."""
    if api_url is None:
        return None
    if "://" not in api_url:
        return f"https://{api_url}"
    problem = insecure_reason(api_url)
    if problem:
        raise SchemaError("api_url", f"{problem}, got {api_url!r}")
    return api_url.rstrip("/")


def _api_hosts(data: Mapping[str, Any]) -> tuple[list[str], tuple[re.Pattern[str], ...]]:
    """``api_url`` (or ``host_url``): a host, or a list of hosts and ``regex:`` patterns."""
    key = "api_url" if data.get("api_url") is not None else "host_url"
    value = data.get(key)
    if value is None:
        return [], ()
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list) or not entries or not all(
        isinstance(e, str) and e.strip() for e in entries
    ):
        raise SchemaError(key, "must be a host name or a list of host names and regex: patterns")
    hosts, patterns = [], []
    for entry in entries:
        if entry.startswith(_REGEX):
            try:
                patterns.append(re.compile(entry[len(_REGEX):], re.IGNORECASE))
            except re.error as exc:
                raise SchemaError(
                    key, f"{entry!r} is not a valid regular expression: {exc}"
                ) from None
        else:
            hosts.append(entry)
    return hosts, tuple(patterns)


def _profile_url(data: Mapping[str, Any], api_base: str | None) -> str | None:
    """``profile_url``: absolute, or a path under ``api_base`` (GitHub's ``/user``)."""
    value = string(data, "profile_url")
    if value is None or value.startswith("https://"):
        return value
    if value.startswith("/") and api_base:
        return api_base.rstrip("/") + value
    raise SchemaError("profile_url", "must be an https:// URL or a /path under api_base")


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
