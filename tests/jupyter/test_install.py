"""What `pip install authsome-nb` gives a user: the server extension enabled, the JupyterLab
extension prebuilt and enabled, no Node.js and no `jupyter ... enable` step needed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "authsome_nb" / "labextension" / "static" / "style.js"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh environment with our wheel installed; Jupyter itself comes from this one."""
    pytest.importorskip("hatch_jupyter_builder")
    if not BUILT.exists():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "the JupyterLab extension is not built (pip install -e . builds it)")
    work = tmp_path_factory.mktemp("install")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", work / "dist", ROOT)
    wheel = next((work / "dist").glob("authsome_nb-*.whl"))
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    # this environment's packages (Jupyter) come after the new one's, which hold only ours
    Path(site, "jupyter_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel)
    return python


def _run(*args) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
    if done.returncode:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def _listing(python: Path, module: str, cwd: Path) -> str:
    """``jupyter … list`` as the new environment sees it (its own prefix, no user folders)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "PYTHONPATH"))}
    env.update(JUPYTER_CONFIG_DIR=str(cwd / "config"), JUPYTER_DATA_DIR=str(cwd / "data"))
    done = subprocess.run([python, "-m", *module.split(), "list"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # no colours


def test_the_server_extension_is_enabled_by_the_install_alone(installed, tmp_path):
    listing = _listing(installed, "jupyter_server extension", tmp_path)
    assert "authsome_nb enabled" in listing, listing
    assert re.search(r"authsome_nb 0\.\S+ OK", listing), listing
    config_d = installed.parents[1] / "etc" / "jupyter" / "jupyter_server_config.d"
    assert (config_d / "authsome_nb.json").exists()


def test_the_lab_extension_is_prebuilt_and_enabled(installed, tmp_path):
    listing = _listing(installed, "jupyterlab.labextensions", tmp_path)
    line = next((line for line in listing.splitlines() if "authsome-nb" in line), listing)
    assert "enabled" in line and "OK" in line and "(python, authsome-nb)" in line, listing
    shared = installed.parents[1] / "share" / "jupyter" / "labextensions" / "authsome-nb"
    assert (shared / "static" / "style.js").exists() and (shared / "install.json").exists()
