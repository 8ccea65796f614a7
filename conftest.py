"""Test-run hygiene, for tests/ and the notebooks nbval executes.

Tests talk to the bundled emulator only, in temporary homes: nothing may reach a real tenant,
the developer's own store (~/.authsome_nb) or their OS keyring.  Tests that need one of these
variables set it themselves.
"""

import os

for name in ("MICROSOFT_OAUTH_CLIENT_ID", "AUTHSOME_NB_HOME", "AUTHSOME_NB_KEY",
             "AUTHSOME_NB_PASSPHRASE", "AUTHSOME_NB_CA_BUNDLE", "MICROSOFT_ACCESS_TOKEN",
             "MICROSOFT_REFRESH_TOKEN", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL",
             "JUPYTERHUB_USER", "AUTHSOME_NB_HUB_SERVICE_URL"):
    os.environ.pop(name, None)
os.environ["AUTHSOME_NB_KEYRING"] = "0"
