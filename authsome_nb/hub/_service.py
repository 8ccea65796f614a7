"""``python -m authsome_nb.hub``: the JupyterHub service that is every user's PKCE callback.

Routes, under the service's prefix (``/services/authsome/``):

``GET    api/info``              the public callback URL to send browsers to
``POST   api/sign-ins``          a kernel's sign-in waits: ``{"state_sha256": …}`` → 201
``GET    api/sign-ins/<digest>`` its status (``?wait=S``: a long poll): waiting, answered
                                 (with the redirect's parameters, handed out once), refused
``DELETE api/sign-ins/<digest>`` the kernel gave up
``GET    callback``              where Entra sends the user's browser back
``GET    oauth_callback``        the Hub's own OAuth (HubOAuth), which tells who the browser is

The API takes the server's API token only (``Authorization: token …``, never a cookie, so a
web page cannot forge calls); the callback takes the browser's Hub login.  Both are checked
with the Hub (``HubOAuth``), including the service's access scope
(``access:services!service=authsome``).  The access log shows paths without their query: the
callback's URL carries an authorization code.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import logging
import os
import secrets
import signal
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

from ..flows import result_page
from ._sign_ins import Arrival, SignInLimit, SignIns

log = logging.getLogger("authsome_nb.hub")
MAX_WAIT = 30.0


def _summary_without_query(handler: web.RequestHandler) -> str:
    """What Tornado logs with errors, without the query string (it may carry a code)."""
    return f"{handler.request.method} {handler.request.path} ({handler.request.remote_ip})"


class _Handler(HubOAuthenticated, web.RequestHandler):
    _request_summary = _summary_without_query

    @property
    def sign_ins(self) -> SignIns:
        return self.settings["authsome_sign_ins"]

    def user_name(self) -> str:
        model = self.current_user
        if not isinstance(model, dict) or model.get("kind", "user") != "user":
            raise web.HTTPError(403, "only Hub users (their servers' tokens) may use this")
        return str(model["name"])


class _Api(_Handler):
    def prepare(self) -> Any:
        if not self.request.headers.get("Authorization"):
            raise web.HTTPError(403, "the API takes a JupyterHub API token")
        return super().prepare()

    def get_login_url(self) -> str:
        raise web.HTTPError(403, "the API takes a JupyterHub API token")  # never a redirect

    def reply(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = (kwargs.get("exc_info") or (None, None))[1]
        message = error.log_message if isinstance(error, web.HTTPError) else None
        self.reply({"message": message or self._reason}, status_code)


class InfoHandler(_Api):
    @web.authenticated
    def get(self) -> None:
        self.user_name()
        self.reply({"callback_url": self.settings["authsome_callback_url"]})


class SignInsHandler(_Api):
    @web.authenticated
    def post(self) -> None:
        owner = self.user_name()
        try:
            body = json.loads(self.request.body or b"{}")
            digest = body["state_sha256"] if isinstance(body, dict) else None
            self.sign_ins.register(owner, str(digest))
        except (ValueError, KeyError) as exc:
            raise web.HTTPError(400, "%s", str(exc) or "state_sha256 is missing") from None
        except SignInLimit as exc:
            raise web.HTTPError(429, "%s", str(exc)) from None
        self.reply({"status": "waiting"}, 201)


class SignInHandler(_Api):
    @web.authenticated
    async def get(self, digest: str) -> None:
        owner = self.user_name()
        try:
            wait = min(max(float(self.get_query_argument("wait", "0")), 0.0), MAX_WAIT)
        except ValueError:
            raise web.HTTPError(400, "wait must be a number of seconds") from None
        status = await self.sign_ins.wait(owner, digest, wait)
        if status.state == "unknown":
            raise web.HTTPError(404, "no such sign-in waits here (expired, used or withdrawn)")
        self.reply({"status": status.state, "params": status.params})

    @web.authenticated
    def delete(self, digest: str) -> None:
        if not self.sign_ins.withdraw(self.user_name(), digest):
            raise web.HTTPError(404, "no such sign-in waits here")
        self.set_status(204)
        self.finish()


class CallbackHandler(_Handler):
    """The browser's landing page: hands the redirect to the kernel of the same Hub user."""

    @web.authenticated
    def get(self) -> None:
        params = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        arrival = self.sign_ins.arrive(params, self.user_name())
        if arrival is Arrival.ACCEPTED:
            detail = (params.get("error_description") or params.get("error") or "").splitlines()
            status, page = 200, result_page("error" not in params, detail[0] if detail else "")
        elif arrival is Arrival.FOREIGN:
            log.warning("A sign-in of another user came back in %s's browser: refused",
                        self.user_name())
            status, page = 403, result_page(False, (
                "This sign-in link was started by another JupyterHub user: it was refused, and "
                "that sign-in cancelled. To sign in yourself, start it from your own "
                "notebook."))
        elif arrival is Arrival.EXPIRED:
            status, page = 400, result_page(False, "This sign-in waited too long and expired.")
        else:
            status, page = 400, result_page(False, "This sign-in link was already used, or no "
                                                   "sign-in is waiting for it here.")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")  # the URL carries the code
        self.finish(page)


class OAuthCallbackHandler(HubOAuthCallbackHandler):
    """The Hub's OAuth callback (its URL carries the Hub's code): logged without the query."""

    _request_summary = _summary_without_query


def log_request(handler: web.RequestHandler) -> None:
    """Tornado's access log line, without the query string (it may carry a code)."""
    status = handler.get_status()
    level = log.info if status < 400 else log.warning if status < 500 else log.error
    level("%d %s %s %.1fms", status, handler.request.method, handler.request.path,
          1000.0 * handler.request.request_time())


def callback_url(public_url: str, prefix: str) -> str:
    """The callback's public URL from the Hub's public URL (or the service's own)."""
    parts = urlsplit(public_url)
    path = parts.path if parts.path.rstrip("/").endswith(prefix.rstrip("/")) else prefix
    return urlunsplit((parts.scheme, parts.netloc, url_path_join(path, "callback"), "", ""))


def bind_address(host: str | None) -> str:
    """Where to listen for a service URL's host: an address as given, else all interfaces
    (``http://hub:10101`` names the pod's Service, not one of its own addresses)."""
    if not host or host == "localhost":
        return "127.0.0.1"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return ""
    return host


def make_app(prefix: str, public_callback: str, sign_ins: SignIns | None = None,
             ) -> web.Application:
    def at(path: str) -> str:
        return url_path_join(prefix, path)

    return web.Application(
        [
            (at("api/info"), InfoHandler),
            (at("api/sign-ins"), SignInsHandler),
            (at("api/sign-ins/([0-9a-f]{64})"), SignInHandler),
            (at("callback"), CallbackHandler),
            (at("oauth_callback"), OAuthCallbackHandler),
        ],
        cookie_secret=secrets.token_bytes(32),
        authsome_sign_ins=sign_ins or SignIns(),
        authsome_callback_url=public_callback,
        log_function=log_request,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m authsome_nb.hub",
        description="The authsome_nb JupyterHub service: one PKCE redirect URI "
        "(<hub>/services/authsome/callback) for the kernels of every user.")
    parser.add_argument("--public-url", default=os.environ.get("AUTHSOME_NB_HUB_PUBLIC_URL"),
                        help="where browsers reach the Hub (default: c.JupyterHub.public_url)")
    parser.add_argument("--ip", default=None,
                        help="the address to listen on (default: the service URL's host if it "
                        "is an address or localhost, else all interfaces, as in a hub pod)")
    parser.add_argument("--ttl", type=float, default=600.0,
                        help="seconds a sign-in may wait for its browser (default 600)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s %(name)s] "
                        "%(message)s")
    bind = os.environ.get("JUPYTERHUB_SERVICE_URL")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/authsome/")
    public = args.public_url or os.environ.get("JUPYTERHUB_PUBLIC_URL")
    if not bind or not public:
        missing = "JUPYTERHUB_SERVICE_URL" if not bind else "a public URL"
        log.error("Cannot start without %s: declare the service in c.JupyterHub.services with "
                  "a 'url' and a 'command', and set c.JupyterHub.public_url (or --public-url)",
                  missing)
        return 2
    app = make_app(prefix, callback_url(public, prefix), SignIns(ttl=args.ttl))
    where = urlsplit(bind)
    app.listen(where.port or 80, args.ip if args.ip is not None else bind_address(where.hostname),
               xheaders=True)
    log.info("authsome Hub service at %s%s; the redirect URI to register: %s", bind.rstrip("/"),
             prefix, app.settings["authsome_callback_url"])
    signal.signal(signal.SIGTERM, lambda *_: ioloop.IOLoop.current().add_callback_from_signal(
        ioloop.IOLoop.current().stop))
    with contextlib.suppress(KeyboardInterrupt):  # the Hub stops its services with SIGINT
        ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
