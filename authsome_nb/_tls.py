"""Which CA bundle verifies the identity platform and the API, in one place.

Order: ``AUTHSOME_NB_CA_BUNDLE``, then ``REQUESTS_CA_BUNDLE``, then ``SSL_CERT_FILE``, else
certifi (what httpx and requests use by default).  Every HTTP client we build, MSAL's and
Graph's, gets an explicit ``ssl.SSLContext`` from here, so no library's own environment
lookup can override the choice (``requests`` lets ``REQUESTS_CA_BUNDLE`` beat
``Session.verify``).
"""

from __future__ import annotations

import os
import ssl
import threading
from urllib.parse import urlsplit

from .errors import ConfigurationError, NetworkError

CA_BUNDLE_ENVS = ("AUTHSOME_NB_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")

_contexts: dict[tuple[str | None, int], ssl.SSLContext] = {}
_lock = threading.Lock()


def ca_bundle() -> tuple[str | None, str | None]:
    """``(path, env_var)`` of the bundle in force, or ``(None, None)`` for the default."""
    for name in CA_BUNDLE_ENVS:
        value = os.environ.get(name)
        if value:
            if not os.path.isfile(value):
                raise ConfigurationError(
                    f"{name} points to {value}, which is not a file",
                    remedy=f"unset {name} or point it at a PEM bundle of trusted CA certificates",
                )
            return value, name
    return None, None


def ssl_context() -> ssl.SSLContext:
    """A verifying context for the bundle in force (cached; rebuilt when the file changes)."""
    path, _ = ca_bundle()
    stamp = os.stat(path).st_mtime_ns if path else 0
    key = (path, stamp)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = _build(path)
            _contexts[key] = context
    return context


def _build(path: str | None) -> ssl.SSLContext:
    if path:
        try:
            return ssl.create_default_context(cafile=path)
        except (ssl.SSLError, OSError) as exc:
            raise ConfigurationError(
                f"The CA bundle {path} cannot be loaded ({exc})",
                remedy="point AUTHSOME_NB_CA_BUNDLE at a PEM file of CA certificates",
            ) from exc
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def network_error(url: str, exc: BaseException) -> NetworkError:
    """A clear NetworkError for ``url``; TLS failures name the CA bundle in force."""
    host = urlsplit(url).netloc or url
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        path, env = ca_bundle()
        source = f"{path} (from {env})" if path else "the default CA bundle (certifi)"
        return NetworkError(
            f"Could not verify the TLS certificate of {host} against {source}",
            remedy="set AUTHSOME_NB_CA_BUNDLE to the CA bundle that signs this host "
            "(for the emulator: its ca_path)",
        )
    return NetworkError(
        f"Could not reach {host}: {text}",
        remedy="check the network connection, proxy settings (HTTPS_PROXY) and the provider's URLs",
    )
