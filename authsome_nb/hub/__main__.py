"""``python -m authsome_nb.hub``: the authsome JupyterHub service (see ``_service``)."""

import sys

from ._service import main

sys.exit(main())
