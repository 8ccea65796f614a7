"""What a release ships, checked on distributions built from a fresh copy of the repository.

Two distributions come from this one repository: ``authsome-nb``, the product, with the
production build of the JupyterLab extension and no emulator; and ``authsome-nb-emulator``,
which imports nothing of the product.  Then, as a user: installing the product's wheel alone
enables the server extension and the lab extension, with no Node.js and no ``enable`` step.
"""

from __future__ import annotations

import json
import os
import re
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from release_build import ROOT, build_env, fresh_copy, run

PACKAGE_JSON = json.loads((ROOT / "labextension" / "package.json").read_text())
VERSION = PACKAGE_JSON["version"]
LAB = "share/jupyter/labextensions/authsome-nb"


def _names(archive: Path) -> list[str]:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zipped:
            return zipped.namelist()
    with tarfile.open(archive) as tarred:
        return tarred.getnames()


def _read(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith(suffix))
        return zipped.read(name).decode()


def test_the_product_wheel_has_the_production_lab_build_and_no_emulator(built):
    names = _names(built.product_wheel)
    data = f"authsome_nb-{VERSION}.data/data/"
    assert data + LAB + "/static/third-party-licenses.json" in names
    assert data + LAB + "/package.json" in names and data + LAB + "/install.json" in names
    assert not [n for n in names if n.endswith(".js.map")], "a development lab build"
    assert not [n for n in names if "emulator" in n]
    assert not [n for n in names if n.endswith("entry_points.txt")], "no pytest11 plugin here"
    assert f"authsome_nb-{VERSION}.dist-info/licenses/LICENSE" in names
    assert "authsome_nb/py.typed" in names  # PEP 561: users' type checkers read our hints
    assert data + "etc/jupyter/jupyter_server_config.d/authsome_nb.json" in names


def test_one_version_and_bounded_dependencies(built):
    metadata = _read(built.product_wheel, ".dist-info/METADATA")
    assert f"\nVersion: {VERSION}\n" in metadata
    assert re.search(rf"""__version__ = (?:VERSION = )?['"]{re.escape(VERSION)}['"]""",
                     _read(built.product_wheel, "authsome_nb/_version.py"))
    for requirement in ("msal<2,>=1.31", "httpx<1,>=0.27", "jupyter-server<3,>=2.4"):
        assert f"Requires-Dist: {requirement}\n" in metadata, requirement


def test_the_sdist_carries_the_built_extension_and_builds_a_wheel(built):
    names = _names(built.product_sdist)
    top = f"authsome_nb-{VERSION}/"
    assert top + "authsome_nb/labextension/static/third-party-licenses.json" in names
    assert top + "LICENSE" in names and top + "hatch_build.py" in names
    assert not [n for n in names if n.startswith(top + "emulator/")]
    # python -m build made the wheel from this sdist: it is complete without the repository.


def test_the_emulator_distribution_stands_alone(built):
    names = _names(built.emulator_wheel)
    assert any(n.startswith("authsome_nb_emulator/") for n in names)
    assert not [n for n in names if n.startswith("authsome_nb/")]
    entry_points = _read(built.emulator_wheel, "entry_points.txt")
    assert "authsome_emulator = authsome_nb_emulator.pytest_plugin" in entry_points
    assert "authsome-nb-emulator = authsome_nb_emulator.__main__:main" in entry_points
    metadata = _read(built.emulator_wheel, ".dist-info/METADATA")
    assert "Requires-Dist: authsome" not in metadata
    assert "licenses/LICENSE" in " ".join(names)


def test_without_nodejs_a_source_build_says_what_to_do(tmp_path):
    source = fresh_copy(tmp_path / "src")  # no built extension in a fresh copy
    env = build_env()
    env["PATH"] = str(Path(env["PATH"].split(os.pathsep)[0]))  # the venv only: no node
    done = run("python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
               tmp_path / "dist", source, env=env, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "needs Node.js (20.19+ or 22.12+) on PATH, and none was found" in output, output
    assert "Traceback" not in output, output


# -- as a user: install the wheel, and Jupyter sees both extensions --------------------------
@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh environment with the product's wheel; Jupyter itself comes from this one."""
    work = tmp_path_factory.mktemp("install")
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout
    # this environment's packages (Jupyter) come after the new one's, which hold only ours
    Path(site.strip(), "jupyter_from_test_env.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    run("python", "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        built.product_wheel, env=build_env())
    return python


def _listing(python: Path, module: str, cwd: Path) -> str:
    """``jupyter … list`` as the new environment sees it (its own prefix, no user folders)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "PYTHONPATH"))}
    env.update(JUPYTER_CONFIG_DIR=str(cwd / "config"), JUPYTER_DATA_DIR=str(cwd / "data"))
    done = run(python, "-m", *module.split(), "list", cwd=cwd, env=env, check=False)
    return re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # no colours


def test_the_server_extension_is_enabled_by_the_install_alone(installed, tmp_path):
    listing = _listing(installed, "jupyter_server extension", tmp_path)
    assert "authsome_nb enabled" in listing, listing
    assert re.search(rf"authsome_nb {re.escape(VERSION)} OK", listing), listing
    config_d = installed.parents[1] / "etc" / "jupyter" / "jupyter_server_config.d"
    assert (config_d / "authsome_nb.json").exists()


def test_the_lab_extension_is_prebuilt_and_enabled(installed, tmp_path):
    listing = _listing(installed, "jupyterlab.labextensions", tmp_path)
    line = next((line for line in listing.splitlines() if "authsome-nb" in line), listing)
    assert "enabled" in line and "OK" in line and "(python, authsome-nb)" in line, listing
    shared = installed.parents[1] / "share" / "jupyter" / "labextensions" / "authsome-nb"
    assert (shared / "static" / "style.js").exists() and (shared / "install.json").exists()
