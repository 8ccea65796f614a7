"""Building MSAL applications: authority, instance discovery, our HTTP client.

An app is built per connection (its own token cache) and reused for the life of the
process; the tenant discovery request it makes on construction is answered from the HTTP
client's memory after the first one (see ``_http``).  Instance discovery stays on for
Microsoft's own hosts and is turned off for any other (a sovereign cloud mirror, the
emulator): MSAL would otherwise ask login.microsoftonline.com about a host it does not know.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigurationError
from ._http import shared_http_client

MICROSOFT_AUTHORITY_HOSTS = frozenset(
    {
        "login.microsoftonline.com",
        "login.microsoft.com",
        "login.windows.net",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
        "login.partner.microsoftonline.cn",
        "login.microsoftonline.de",
        "login-us.microsoftonline.com",
    }
)


def build_app(
    client_id: str, authority: str, *, token_cache: Any = None,
    client_secret: str | None = None,
) -> Any:
    """A Public (or, with a secret, Confidential) ``ClientApplication`` for ``authority``."""
    import msal

    if not authority.startswith("https://"):
        raise ConfigurationError(
            f"The authority {authority} is not https://",
            remedy="MSAL requires https authorities; fix oauth.authorization_url in the "
            "provider file",
        )
    host = (urlsplit(authority).hostname or "").lower()
    known = host in MICROSOFT_AUTHORITY_HOSTS
    kwargs = dict(
        authority=authority,
        token_cache=token_cache,
        http_client=shared_http_client(),
        instance_discovery=None if known else False,
    )
    try:
        if client_secret:
            return msal.ConfidentialClientApplication(
                client_id, client_credential=client_secret, **kwargs
            )
        return msal.PublicClientApplication(client_id, **kwargs)
    except ValueError as exc:
        # MSAL raises ValueError for an authority whose discovery document is missing or wrong.
        raise ConfigurationError(
            f"MSAL could not use the authority {authority}: {exc}",
            remedy="check oauth.authorization_url (and the tenant) in the provider definition",
        ) from None
