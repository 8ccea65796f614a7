"""Where the user's browser reaches this Jupyter server: the root of the callback URL.

The server knows the address it listens on, not the one the browser uses (a hub's proxy, a
Codespaces port forward, an SSH tunnel).  In order of trust: the ``public_url`` setting,
JupyterHub's environment, Codespaces' environment, ``ServerApp.custom_display_url``, and
last the listening address (``localhost`` for loopback and wildcard binds, which is what an
SSH tunnel or ``docker -p`` gives the browser).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

_LOCAL_IPS = {"", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


@dataclass(frozen=True)
class ServerAddress:
    """What the callback URL is built from: the ServerApp's settings and the environment."""

    base_url: str = "/"
    ip: str = "localhost"
    port: int = 8888
    https: bool = False
    unix_socket: bool = False
    custom_display_url: str = ""

    @classmethod
    def of(cls, serverapp) -> ServerAddress:
        return cls(
            base_url=serverapp.base_url or "/", ip=serverapp.ip or "", port=int(serverapp.port),
            https=bool(serverapp.certfile), unix_socket=bool(serverapp.sock),
            custom_display_url=serverapp.custom_display_url or "",
        )


def public_root(
    address: ServerAddress, configured: str, environ: Mapping[str, str]
) -> tuple[str | None, str]:
    """``(root URL ending in '/', where it came from)``; the URL is None when nobody knows it.

    ``configured`` (``c.AuthsomeExtension.public_url``) is an origin to which ``base_url`` is
    added, or, when it has a path, the server's full root.
    """
    base = "/" + address.base_url.strip("/") + "/" if address.base_url.strip("/") else "/"
    if configured:
        parts = urlsplit(configured)
        if parts.path.strip("/"):
            return _slash(configured), "AuthsomeExtension.public_url"
        return _slash(f"{parts.scheme}://{parts.netloc}") + base[1:], "AuthsomeExtension.public_url"
    if any(k in environ for k in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_PREFIX")):
        if environ.get("JUPYTERHUB_PUBLIC_URL"):
            return _slash(environ["JUPYTERHUB_PUBLIC_URL"]), "JUPYTERHUB_PUBLIC_URL"
        host = environ.get("JUPYTERHUB_HOST", "")
        if host.startswith(("http://", "https://")):
            prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX") or base
            return _slash(host) + prefix.lstrip("/"), "JUPYTERHUB_HOST"
        return None, (
            "JupyterHub does not tell its public URL (set c.JupyterHub.public_url, or "
            "c.AuthsomeExtension.public_url in the single-user server's config)"
        )
    if environ.get("CODESPACE_NAME") and environ.get("GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN"):
        origin = (f"https://{environ['CODESPACE_NAME']}-{address.port}."
                  f"{environ['GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN']}")
        return origin + base, "Codespaces port forwarding"
    if address.custom_display_url:
        parts = urlsplit(address.custom_display_url)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{base}", "ServerApp.custom_display_url"
    if address.unix_socket:
        return None, "the server listens on a Unix socket (set c.AuthsomeExtension.public_url)"
    host = "localhost" if address.ip in _LOCAL_IPS else address.ip
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if address.https else "http"
    return f"{scheme}://{host}:{address.port}{base}", "the server's own address"


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
