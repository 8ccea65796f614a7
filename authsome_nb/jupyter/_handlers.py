"""The server extension's routes, all behind Jupyter's own authentication (and XSRF for writes).

``GET    /authsome/api/connections``                        every connection, never a token
``DELETE /authsome/api/connections/<provider>/<connection>`` sign out
``GET    /authsome/api/providers``                          what the sign-in form offers
``POST   /authsome/api/login``                              start a device-code sign-in
``GET    /authsome/api/login/<id>``                         its code, status and outcome
``DELETE /authsome/api/login/<id>``                         cancel it
``GET    /authsome/callback``                               the OAuth redirect of remote kernels

Store access and sign-ins block, so they run in threads, off Tornado's event loop.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .._providers import Provider, list_providers
from ..errors import AuthsomeError, ConfigurationError
from ..flows import Claim, claim_redirect, result_page

if TYPE_CHECKING:
    from ._extension import ExtensionState

AUTH_RESOURCE = "authsome"
CODE_SHOWN_WITHIN = 15.0  # a POST answers once the device code is known (or the sign-in ended)


class _AuthsomeAPI(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def state(self) -> ExtensionState:
        return self.settings["authsome_nb"]

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # APIHandler ignores HTTPError's args; ours carry messages that may hold a '%'.
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, web.HTTPError) and error.log_message:
            message = error.log_message % error.args
            self.reply({"message": message, "reason": error.reason}, status_code)
        else:
            super().write_error(status_code, **kwargs)


class ConnectionsHandler(_AuthsomeAPI):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        try:
            found = await asyncio.to_thread(self.state.session.connections)
        except AuthsomeError as exc:  # the store, the home, a provider: said, not a stack
            raise web.HTTPError(500, "%s", str(exc)) from None
        self.reply({"connections": [c.to_dict() for c in found]})


class ConnectionHandler(_AuthsomeAPI):
    @web.authenticated
    @authorized
    async def delete(self, provider: str, connection: str) -> None:
        try:
            removed = await asyncio.to_thread(self.state.session.logout, provider, connection)
        except ConfigurationError as exc:  # e.g. microsoft/hub: JupyterHub's, not ours
            raise web.HTTPError(409, "%s", str(exc)) from None
        except AuthsomeError as exc:  # the store, the home, a provider: said, not a stack
            raise web.HTTPError(500, "%s", str(exc)) from None
        if not removed:
            raise web.HTTPError(404, "%s", f"No connection {provider}/{connection} in this store")
        self.set_status(204)
        self.finish()


class ProvidersHandler(_AuthsomeAPI):
    """Every provider defined as data, bundled or the user's, for the sidebar's picker."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        try:
            found = await asyncio.to_thread(list_providers, self.state.home)
        except AuthsomeError as exc:  # e.g. a malformed override: its file and line, said
            raise web.HTTPError(500, "%s", str(exc)) from None
        self.reply({"providers": [_offer(p) for p in found]})


def _offer(provider: Provider) -> dict[str, Any]:
    """What the form needs to offer a provider; the sidebar's sign-in is a device code."""
    return {"name": provider.name, "display_name": provider.display_name,
            "services": list(provider.services), "device_code": provider.offers_device_code}


class LoginHandler(_AuthsomeAPI):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.get_json_body() or {}
        if not isinstance(body, dict):
            raise web.HTTPError(400, "The body must be a JSON object")
        provider = _text(body, "provider", "microsoft")
        connection = _text(body, "connection", "default")
        options = {k: body[k] for k in ("scopes", "services") if body.get(k)}
        for name, value in options.items():
            if not isinstance(value, str | list) or (
                    isinstance(value, list) and not all(isinstance(v, str) for v in value)):
                raise web.HTTPError(400, "%s", f"'{name}' must be a string or a list of strings")
        if body.get("tenant"):
            options["tenant"] = _text(body, "tenant", "")
        if body.get("force"):
            options["force"] = True
        job, created = self.state.logins.start(provider, connection, **options)
        await asyncio.to_thread(job.shown.wait, CODE_SHOWN_WITHIN)
        self.set_header("Location", url_path_join(self.base_url, "authsome/api/login", job.id))
        self.reply(job.to_dict(), 202 if created else 200)


class LoginJobHandler(_AuthsomeAPI):
    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        self.reply(self._job(job_id).to_dict())

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        job = self._job(job_id)
        job.cancel.set()
        self.reply(job.to_dict(), 202)

    def _job(self, job_id: str):
        job = self.state.logins.get(job_id)
        if job is None:
            raise web.HTTPError(404, "%s", f"No sign-in {job_id} on this server")
        return job


class CallbackHandler(JupyterHandler):
    """The browser's landing page after signing in for a remote kernel."""

    auth_resource = AUTH_RESOURCE

    @web.authenticated
    @authorized
    async def get(self) -> None:
        params = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        home = self.settings["authsome_nb"].home
        try:
            claim = await asyncio.to_thread(claim_redirect, home, params)
        except AuthsomeError as exc:  # e.g. a pending folder that is not the user's
            self._page(500, result_page(False, exc.message))
            return
        if claim is Claim.ACCEPTED:
            ok = "error" not in params
            detail = (params.get("error_description") or params.get("error") or "").splitlines()
            status, page = 200, result_page(ok, detail[0] if detail else "")
        elif claim is Claim.EXPIRED:
            status, page = 400, result_page(False, "This sign-in waited too long and expired.")
        else:
            status, page = 400, result_page(
                False, "This sign-in link was already used, or no sign-in is waiting for it here.")
        self._page(status, page)

    def _page(self, status: int, page: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")  # the URL carries the code
        self.finish(page)


def _text(body: dict, name: str, default: str) -> str:
    value = body.get(name) or default
    if not isinstance(value, str) or "/" in value or not value.strip() or len(value) > 64:
        raise web.HTTPError(400, "%s", f"'{name}' must be a short name without '/'")
    return value.strip()


def routes(base_url: str) -> list[tuple[str, type]]:
    def at(path: str) -> str:
        return url_path_join(base_url, path)

    return [
        (at("authsome/api/connections"), ConnectionsHandler),
        (at("authsome/api/connections/([^/]+)/([^/]+)"), ConnectionHandler),
        (at("authsome/api/providers"), ProvidersHandler),
        (at("authsome/api/login"), LoginHandler),
        (at("authsome/api/login/([^/]+)"), LoginJobHandler),
        (at("authsome/callback"), CallbackHandler),
    ]

