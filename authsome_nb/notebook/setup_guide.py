"""``%authsome setup <provider>``: the app-registration guide, with this installation's values.

It follows the project's first seed step by step, but fills in what only this machine
knows: the exact redirect URIs (including a running Jupyter server's ``/authsome/callback``),
the delegated permissions for the services asked for (from the provider's presets, each
with ``User.Read``), and whether a client id is already configured.  Text in backticks is
code: ``<code>`` in HTML, plain in text.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .._providers import BASE_SCOPE
from ._html import esc

LOOPBACK_REDIRECT = "http://localhost/callback"
NATIVE_CLIENT_REDIRECT = "https://login.microsoftonline.com/common/oauth2/nativeclient"
_CODE = re.compile(r"`([^`]+)`")


@dataclass
class Section:
    title: str
    steps: list[str] = field(default_factory=list)


def server_redirect_uris(home=None) -> list[str]:
    """The ``/authsome/callback`` URLs of Jupyter servers running for this user, if any."""
    try:
        from ..flows.rendezvous import registered_redirect_uris
    except ImportError:
        return []
    try:
        return list(registered_redirect_uris(home))
    except Exception:  # a broken announcement file must not break the guide
        return []


def hub_service_redirect_uri() -> str | None:
    """On a JupyterHub with the authsome service: the one callback URL every user shares."""
    import warnings

    from ..flows import hub_service_redirect

    with warnings.catch_warnings():  # a service that does not answer is said at sign-in
        warnings.simplefilter("ignore")
        redirect = hub_service_redirect()
    if redirect is None:
        return None
    try:
        return redirect.redirect_uri
    finally:
        redirect.close()


def permissions_for(provider, services: list[str] | None) -> dict[str, list[str]]:
    """Service → delegated permissions to add (``User.Read`` last, as the seed lists them)."""
    chosen = services or list(provider.services)
    table = {}
    for name in chosen:
        scopes = [s for s in provider.services[name] if s != BASE_SCOPE]
        table[name] = [*scopes, BASE_SCOPE]
    return table


class SetupGuide:
    """The guide as sections of steps; shows itself as HTML or as numbered text."""

    def __init__(self, title: str, sections: list[Section]) -> None:
        self.title = title
        self.sections = sections

    def _repr_html_(self) -> str:
        parts = [f"<h3 style='margin:4px 0'>{esc(self.title)}</h3><ol>"]
        for section in self.sections:
            items = "".join(f"<li>{_code_html(s)}</li>" for s in section.steps)
            parts.append(f"<li><b>{esc(section.title)}</b><ul>{items}</ul></li>")
        parts.append("</ol>")
        return "".join(parts)

    def __repr__(self) -> str:
        lines = [self.title, ""]
        for number, section in enumerate(self.sections, 1):
            lines.append(f"{number}. {section.title}")
            lines.extend("   - " + _CODE.sub(r"\1", s) for s in section.steps)
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(repr(self))


def _code_html(step: str) -> str:
    pieces = _CODE.split(step)
    return "".join(f"<code>{esc(p)}</code>" if i % 2 else esc(p) for i, p in enumerate(pieces))


def build_guide(provider, services: list[str] | None = None, home=None) -> SetupGuide:
    """The guide for ``provider`` (a Provider definition) and the chosen services."""
    if provider.auth_type == "api_key":
        return _api_key_guide(provider)
    if provider.registers_clients and not (os.environ.get(provider.client_id_variable)
                                           or provider.client_id):
        return _registration_guide(provider)
    if not provider.is_microsoft:
        return _generic_guide(provider, services, home)
    env_name = provider.client_id_env or "MICROSOFT_OAUTH_CLIENT_ID"
    sections = [
        Section("Create the app registration", [
            "Open the Azure portal (https://portal.azure.com) and search for Microsoft Entra ID "
            "(formerly Azure Active Directory).",
            "Click App registrations in the left sidebar, then New registration.",
            "Name: e.g. `authsome_nb (Jupyter)`.",
            "Supported account types: Accounts in any organizational directory and personal "
            "Microsoft accounts (work/school and personal accounts both work).",
            "Redirect URI: leave blank (added in the next step). Click Register.",
            "Note the Application (client) ID: you need it in step 5.",
        ]),
        Section("Add the Mobile and desktop platform", _redirect_steps(home)),
        Section("Allow public client flows", [
            "Authentication → Advanced settings → Allow public client flows = Yes, then Save "
            "(needed for the device code, which remote kernels use).",
        ]),
        Section("Add the API permissions", _permission_steps(provider, services)),
        Section("Give authsome_nb the client id", _client_id_steps(provider, env_name)),
        Section("Sign in", [
            f"`%authsome login {provider.name}"
            + (f" --service {','.join(services)}`" if services else "`"),
            "Single-tenant app (your organisation only)? Add `--tenant <your tenant id>`: the "
            "`common` endpoint is replaced by your tenant.",
            "On a remote kernel (JupyterHub, SSH, Codespaces) the sign-in uses a device code: open "
            "the link shown and enter the code.",
        ]),
        Section("If something goes wrong", [
            "AADSTS50011, redirect URI mismatch: check step 2 (`http://localhost/callback` listed "
            "under Mobile and desktop applications).",
            "AADSTS7000218, public client flows: check step 3.",
            "AADSTS65001, consent required: click Accept in the consent dialog; if your "
            "organisation blocks user consent, ask an administrator.",
            "Failed to get user info from Microsoft Graph: `User.Read` is missing (step 4); sign "
            "in again with `--force` after adding it.",
        ]),
    ]
    return SetupGuide(f"App registration for {provider.display_name} (about 10 minutes)", sections)


def _redirect_steps(home) -> list[str]:
    steps = [
        "In your app registration click Authentication, then Add a platform → Mobile and desktop "
        "applications.",
        f"Check `{NATIVE_CLIENT_REDIRECT}`.",
        f"Add the custom redirect URI `{LOOPBACK_REDIRECT}`: Microsoft matches it on any port, "
        "and the sign-in listens on a free local port.",
    ]
    for uri in server_redirect_uris(home):
        if uri != LOOPBACK_REDIRECT:
            steps.append(f"Add also `{uri}`: this Jupyter server's callback, so that PKCE works "
                         "when the kernel is not on your machine.")
    hub = hub_service_redirect_uri()
    if hub:
        steps.append(f"On this JupyterHub, `{hub}`: the one callback of every user's notebooks "
                     "(the Hub admin adds it once, under this platform).")
    steps.append("Click Configure. PKCE is used automatically for this platform: no client secret.")
    return steps


def _permission_steps(provider, services: list[str] | None) -> list[str]:
    steps = ["Click API permissions → Add a permission → Microsoft Graph → Delegated permissions "
             "(not Application permissions)."]
    if services:
        for name, scopes in permissions_for(provider, services).items():
            steps.append(f"For {name}: " + ", ".join(f"`{s}`" for s in scopes))
    else:
        defaults = list(provider.resource_scopes())
        steps.append(f"For the default sign-in (`%authsome login {provider.name}`): "
                     + ", ".join(f"`{s}`" for s in defaults))
        for name, scopes in permissions_for(provider, None).items():
            steps.append(f"For `--service {name}`: " + ", ".join(f"`{s}`" for s in scopes))
    steps += [
        "Click Add permissions. Delegated permissions are granted by each user at their first "
        "sign-in (no admin consent needed unless your organisation requires it).",
        "`offline_access` (the refresh token) is requested automatically: it needs no entry.",
    ]
    return steps


def _client_id_steps(provider, env_name: str) -> list[str]:
    current = os.environ.get(env_name) or provider.client_id
    if current:
        state = f"A client id is configured here already: `{current}`."
    else:
        state = f"No client id is configured here yet ({env_name} is not set)."
    return [
        f"In the notebook: `%env {env_name}=<Application (client) ID>`, or export it in the "
        "shell before starting Jupyter.",
        f"Or per sign-in: `%authsome login {provider.name} --client-id <Application (client) ID>`.",
        f"Or for good: add `\"client_id\"` to `$AUTHSOME_NB_HOME/providers/{provider.name}.json`.",
        state,
    ]


def _api_key_guide(provider) -> SetupGuide:
    """An API-key provider: where keys are made, and the three ways to hand one over."""
    settings = provider.api_key
    where = provider.setup_url or provider.docs_url
    get = [f"Create a key in {provider.display_name}'s console" + (f": `{where}`." if where
                                                                   else ".")]
    if settings is not None and settings.key_pattern_hint:
        get.append(settings.key_pattern_hint)
    exports = ", ".join(f"`{n}`" for n in provider.export_names.get("access_token", ()))
    store = [f"In a notebook: `%authsome login {provider.name}` shows a masked field; paste the "
             "key and press Save (the output keeps only the connection's card).",
             f"In code: `an.login({provider.name!r}, api_key=...)`, the key read from a secret "
             "store; in a terminal `an.login` asks for it without echo.",
             "It is kept encrypted in the store; a new key replaces the old one "
             f"(`%authsome login {provider.name} --force`)."]
    use = [f"`%authsome export {provider.name}` sets {exports or 'nothing (no variable named)'} "
           "in this kernel.",
           f"`an.token({provider.name!r})` gives it back masked, for code that builds a header."]
    return SetupGuide(f"API key for {provider.display_name}", [
        Section("Get a key", get), Section("Store it", store), Section("Use it", use)])


def _registration_guide(provider) -> SetupGuide:
    """A provider that registers its client at the first sign-in: nothing to do by hand."""
    env = provider.oauth.initial_access_token_env if provider.oauth else None
    return SetupGuide(f"Sign-in to {provider.display_name}: nothing to register by hand", [
        Section("Sign in", [
            f"`%authsome login {provider.name}`: the first sign-in registers a client for this "
            "home (RFC 7591), keeps it encrypted and reuses it.",
            "Its redirect URIs are the loopback ones, which match any port, and this Jupyter "
            "server's and the JupyterHub service's callbacks where they exist."]),
        Section("If the provider wants an initial access token", [
            f"Set `{env or provider.variable('OAUTH_INITIAL_ACCESS_TOKEN')}` to the token its "
            "administrator gives you for registering clients.",
            f"Or register an app by hand and set `{provider.client_id_variable}`: a configured "
            "client id is used instead of a registered one."]),
    ])


def _generic_guide(provider, services: list[str] | None, home) -> SetupGuide:
    """Any OAuth 2.0 provider: the app, its redirect URI, its secret, its scopes, the sign-in."""
    env_name = provider.client_id_variable
    secret_env = provider.client_secret_variable
    oauth = provider.oauth
    where = f" ({provider.setup_url})" if provider.setup_url else ""
    register = [f"Register an OAuth app with {provider.display_name}{where}.",
                f"Redirect (callback) URI: `{LOOPBACK_REDIRECT}`: the sign-in listens on a free "
                "local port, and loopback redirects match any port (RFC 8252).",
                *provider.setup_steps]
    for uri in server_redirect_uris(home):
        if uri != LOOPBACK_REDIRECT:
            register.append(f"Add also `{uri}` if the provider takes several: this Jupyter "
                            "server's callback, for PKCE when the kernel is not on your machine.")
    credentials = [f"`%env {env_name}=<the app's client id>` (or `--client-id`, or "
                   f"`\"client_id\"` in `$AUTHSOME_NB_HOME/providers/{provider.name}.json`)."]
    needs = set(oauth.client_secret_required_for) if oauth else set()
    if needs:
        flows = " and ".join("the browser sign-in" if f == "pkce" else "the device code"
                             for f in sorted(needs, reverse=True))
        credentials.append(f"{provider.display_name} wants the app's client secret for {flows}: "
                           f"`%env {secret_env}=<the secret>` or `client_secret=` — it is kept "
                           "only in the encrypted store, never in a provider file.")
    if oauth and oauth.supports_device_code and "device_code" not in needs:
        credentials.append("Without a secret the sign-in uses a device code.")
    current = os.environ.get(env_name) or provider.client_id
    credentials.append(f"A client id is configured here already: `{current}`." if current else
                       f"No client id is configured here yet ({env_name} is not set).")
    scopes = list(provider.resource_scopes())
    command = f"%authsome login {provider.name}" + (
        f" --service {','.join(services)}" if services else "")
    asks = " asks for " + ", ".join(f"`{s}`" for s in scopes) if scopes and not services else ""
    sign_in = [f"`{command}`{asks}",
               f"`an.client({provider.name!r})` then calls {provider.api_base or 'its API'} "
               "with the token (sent to its API hosts only)."]
    if provider.services:
        sign_in.append("Scope presets: " + ", ".join(
            f"`--service {name}` ({', '.join(scopes)})" for name, scopes in
            provider.services.items()))
    return SetupGuide(f"OAuth app for {provider.display_name}", [
        Section("Register the app", register),
        Section("Give authsome_nb the app's credentials", credentials),
        Section("Sign in", sign_in),
    ])
