"""A JupyterHub that signs users in with Microsoft Entra ID, and hands their tokens to notebooks.

Every user's notebook then calls Microsoft Graph with no sign-in of its own (authsome_nb's
``microsoft/hub`` connection), the Hub keeps those tokens fresh, and a notebook that needs
more (``%authsome login microsoft --service outlook``) signs in with PKCE through one redirect
URI for the whole Hub. tests/hub runs this file as it is, against the emulator.

The Hub's environment needs (none of them belongs in this file):

    ENTRA_TENANT_ID       your tenant id (Entra ID → Overview)
    ENTRA_CLIENT_ID       the app registration's Application (client) ID
    ENTRA_CLIENT_SECRET   a client secret of it (Certificates & secrets → its Value)
    HUB_PUBLIC_URL        where browsers reach the Hub, e.g. https://hub.example.org
    JUPYTERHUB_CRYPT_KEY  `openssl rand -hex 32`: encrypts auth_state in the Hub's database
    AUTHSOME_NB_HUB_SECRET `openssl rand -hex 32`: derives each user's store key

and optionally ENTRA_LOGIN_URL / GRAPH_URL for a national cloud (https://login.microsoftonline.us,
https://graph.microsoft.us). The app registration lists two redirect URIs: under **Web**
``$HUB_PUBLIC_URL/hub/oauth_callback`` (the Hub's sign-in, with the secret), and under
**Mobile and desktop applications** ``$HUB_PUBLIC_URL/services/authsome/callback`` (the
notebooks', without one).
"""

import os
import sys

from authsome_nb.hub import refresh_before_expiry, spawner_environment, stamp_expiry

c = get_config()  # noqa: F821 - JupyterHub defines it

tenant = os.environ["ENTRA_TENANT_ID"]
client_id = os.environ["ENTRA_CLIENT_ID"]
public_url = os.environ["HUB_PUBLIC_URL"].rstrip("/")
login = os.environ.get("ENTRA_LOGIN_URL", "https://login.microsoftonline.com").rstrip("/")
graph = os.environ.get("GRAPH_URL", "https://graph.microsoft.com").rstrip("/")

c.JupyterHub.public_url = public_url

# Sign-in with Entra ID. GenericOAuthenticator with Graph /me as the user-data URL presents the
# access token on every refresh check, so an expired or revoked one is refreshed (the stock
# AzureAdOAuthenticator never checks it, and so never refreshes).
c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.login_service = "Microsoft"
c.GenericOAuthenticator.client_id = client_id
c.GenericOAuthenticator.client_secret = os.environ["ENTRA_CLIENT_SECRET"]
c.GenericOAuthenticator.oauth_callback_url = f"{public_url}/hub/oauth_callback"
c.GenericOAuthenticator.authorize_url = f"{login}/{tenant}/oauth2/v2.0/authorize"
c.GenericOAuthenticator.token_url = f"{login}/{tenant}/oauth2/v2.0/token"
c.GenericOAuthenticator.userdata_url = f"{graph}/v1.0/me"
c.GenericOAuthenticator.username_claim = "userPrincipalName"
# What notebooks get without signing in again: offline_access for the Hub's refresh token,
# then the Graph permissions of the app registration you want every notebook to have.
c.GenericOAuthenticator.scope = [
    "openid", "profile", "email", "offline_access",
    "User.Read", "Mail.Read", "Calendars.Read", "Files.Read",
]
# Everyone the tenant lets sign in to the app (restrict with allowed_users or allowed_groups).
c.GenericOAuthenticator.allow_all = True

# Keep the tokens (encrypted with JUPYTERHUB_CRYPT_KEY), refresh before a spawn and, for any
# request after auth_refresh_age seconds, before the token expires (the two hooks).
c.GenericOAuthenticator.enable_auth_state = True
c.GenericOAuthenticator.refresh_pre_spawn = True
c.GenericOAuthenticator.auth_refresh_age = 300
c.GenericOAuthenticator.modify_auth_state_hook = stamp_expiry
c.GenericOAuthenticator.refresh_user_hook = refresh_before_expiry

# Each server may read its own user's auth state, and use the authsome service. A server's
# token gets only the 'server' role's scopes that its user holds too, so both roles list them.
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "admin:auth_state!user",
                                "access:services!service=authsome"]},
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server",
                                  "admin:auth_state!user", "access:services!service=authsome"]},
]

# The PKCE callback of every user's notebooks: $HUB_PUBLIC_URL/services/authsome/callback.
c.JupyterHub.services = [{
    "name": "authsome",
    "url": "http://127.0.0.1:10101",
    "command": [sys.executable, "-m", "authsome_nb.hub"],
    "oauth_no_confirm": True,
    "display": False,
}]

# Each user's store key (derived from AUTHSOME_NB_HUB_SECRET, never on the home volume), and
# where their kernels reach the service.
c.Spawner.pre_spawn_hook = spawner_environment
c.Spawner.environment = {"MICROSOFT_OAUTH_CLIENT_ID": client_id}
