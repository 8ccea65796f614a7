"""authsome_nb on the JupyterHub side, for the Hub's ``jupyterhub_config.py``.

* ``python -m authsome_nb.hub`` — the ``authsome`` service (``c.JupyterHub.services``): one
  PKCE redirect URI, ``https://<hub>/services/authsome/callback``, for every user's kernels.
* :func:`spawner_environment` — ``c.Spawner.pre_spawn_hook``: each user's store key (HKDF of
  the Hub's ``AUTHSOME_NB_HUB_SECRET`` and the user name, never on the home volume) and where
  the service is.
* :func:`stamp_expiry`, :func:`refresh_before_expiry` — oauthenticator's
  ``modify_auth_state_hook`` and ``refresh_user_hook``: the Hub refreshes Entra tokens before
  they expire, so kernels reading them (``microsoft/hub``) never hold a dead one.

In a user's server nothing of this package is needed: kernels read the Hub's tokens through
``authsome_nb.flows``.  The names load on first use (the service needs ``jupyterhub``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "spawner_environment": "._store_key",
    "store_key": "._store_key",
    "stamp_expiry": "._refresh",
    "refresh_before_expiry": "._refresh",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


if TYPE_CHECKING:  # pragma: no cover
    from ._refresh import refresh_before_expiry, stamp_expiry
    from ._store_key import spawner_environment, store_key
