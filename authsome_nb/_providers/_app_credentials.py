"""Where a provider's app credentials come from: the client id, and a client secret if any.

The client id: the argument, then the provider's env var (``MICROSOFT_OAUTH_CLIENT_ID``), then
its definition file; none is a :class:`~authsome_nb.errors.ConfigurationError` that says how to
register an app — unless the provider registers a client at sign-in (then ``""``).  A secret
comes from the argument or the provider's env var (``GITHUB_OAUTH_CLIENT_SECRET``) and is kept
only in the encrypted store, never in a file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ._schema import Provider


def resolve_client_id(provider: Provider, explicit: str | None) -> str:
    """Argument, then the provider's env var (``MICROSOFT_OAUTH_CLIENT_ID``), then its file."""
    env_name = provider.client_id_variable
    value = explicit or os.environ.get(env_name) or provider.client_id
    if value:
        return value.strip()
    if not provider.needs_client_id:
        return ""  # registered at sign-in (RFC 7591), or a server that knows no clients
    if provider.is_microsoft:
        remedy = (
            "register an app in the Azure portal (Microsoft Entra ID → App registrations → New "
            "registration; accounts in any organizational directory and personal Microsoft "
            "accounts; platform 'Mobile and desktop applications' with redirect URI "
            f"http://localhost/callback), then export {env_name}=<Application (client) ID>. "
            f"`%authsome setup {provider.name}` prints every step"
        )
    else:
        where = f" ({provider.setup_url})" if provider.setup_url else ""
        remedy = (
            f"register an OAuth app with {provider.display_name}{where}, then export "
            f"{env_name}=<its client id>. `%authsome setup {provider.name}` prints every step"
        )
    raise ConfigurationError(
        f"{provider.display_name} OAuth not configured: no client id "
        f'(set {env_name}, pass client_id=, or add "client_id" to the provider override file)',
        remedy=remedy,
    )


def secret_from_env(definition: Provider) -> str | None:
    """The client secret from the provider's env var (``GITHUB_OAUTH_CLIENT_SECRET``), if set."""
    env_name = definition.client_secret_variable
    value = os.environ.get(env_name, "").strip()
    return value or None
