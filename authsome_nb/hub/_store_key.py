"""Each user's store key, derived in the Hub and handed to their server in its environment.

On a Hub the home folder is a persistent volume that is backed up and snapshotted, so a key
file beside the store protects little.  ``spawner_environment`` gives every server of a user
``AUTHSOME_NB_KEY`` = HKDF-SHA256(the Hub's secret, the user's name): the key never touches
the volume, is the same for all servers of that user (named servers share the store, as
kernels do), and differs between users.  The secret is ``AUTHSOME_NB_HUB_SECRET`` in the
Hub's environment (``openssl rand -hex 32``); whoever holds it can derive every user's key,
so it is kept like ``JUPYTERHUB_CRYPT_KEY``.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from typing import Any

from ..errors import ConfigurationError
from ..flows import SERVICE_URL_ENV
from ..store import KEY_ENV

SECRET_ENV = "AUTHSOME_NB_HUB_SECRET"
SERVICE_NAME = "authsome"
_SALT = b"authsome-nb/jupyterhub/store-key/v1"
_MIN_SECRET_BYTES = 32


def hub_secret(environ: dict[str, str] | None = None) -> bytes:
    """The Hub's secret: hex or base64 of at least 32 bytes."""
    text = (os.environ if environ is None else environ).get(SECRET_ENV, "").strip()
    remedy = (f"set {SECRET_ENV} in the Hub's environment to 32 random bytes, e.g. "
              f"`export {SECRET_ENV}=$(openssl rand -hex 32)`, and keep it like "
              "JUPYTERHUB_CRYPT_KEY (changing it makes every user's store unreadable)")
    if not text:
        raise ConfigurationError(f"{SECRET_ENV} is not set in the Hub's environment",
                                 remedy=remedy)
    for decode in (bytes.fromhex, lambda value: base64.b64decode(value, validate=True)):
        try:
            secret = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(secret) >= _MIN_SECRET_BYTES:
            return secret
    raise ConfigurationError(f"{SECRET_ENV} is not hex or base64 of at least "
                             f"{_MIN_SECRET_BYTES} bytes", remedy=remedy)


def store_key(spawner_or_user: Any, secret: bytes | None = None) -> str:
    """``AUTHSOME_NB_KEY`` for a user (a spawner, or a user name): base64 of 32 bytes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    name = spawner_or_user if isinstance(spawner_or_user, str) else spawner_or_user.user.name
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT,
                  info=b"store key for user\x00" + name.encode("utf-8"))
    return base64.b64encode(derive.derive(secret or hub_secret())).decode("ascii")


def service_url(spawner: Any, name: str = SERVICE_NAME) -> str | None:
    """Where the user's kernels reach the Hub service ``name`` (its URL and prefix), if any."""
    services = (getattr(spawner.user, "settings", None) or {}).get("services") or {}
    service = services.get(name)
    url = getattr(service, "url", "") if service is not None else ""
    if not url:
        return None
    return url.rstrip("/") + "/" + str(getattr(service, "prefix", "")).strip("/") + "/"


def spawner_environment(spawner: Any = None) -> dict[str, Any]:
    """What each user's server needs from the Hub: its store key and the service's URL.

    As ``c.Spawner.pre_spawn_hook = spawner_environment`` it adds them to the spawner's
    environment (and returns them).  Without a spawner it returns callables for
    ``c.Spawner.environment.update(spawner_environment())``.
    """
    if spawner is None:
        values: dict[str, Callable[[Any], str]] = {KEY_ENV: store_key}
        return values
    found: dict[str, Any] = {KEY_ENV: store_key(spawner)}
    url = service_url(spawner)
    if url is not None:
        found[SERVICE_URL_ENV] = url
    spawner.environment = {**spawner.environment, **found}  # the instance's own copy
    return found
