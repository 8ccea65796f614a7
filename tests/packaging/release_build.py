"""Building distributions the way a release does: from a fresh copy of the repository.

The copy holds what a clone would (``git ls-files``: tracked files and new files that are not
ignored), so no local build, ``node_modules`` or ``.venv`` can leak into what is checked.  The
build runs once per test session and worker, with this environment's build tools
(``--no-isolation``), and needs Node.js for the lab extension as a real build does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Built:
    source: Path  # the fresh copy
    product_sdist: Path
    product_wheel: Path
    emulator_sdist: Path
    emulator_wheel: Path


def run(*args, cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)
    if check and done.returncode:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{done.stdout[-4000:]}\n"
                    f"{done.stderr[-4000:]}")
    return done


def fresh_copy(destination: Path) -> Path:
    """The files a clone of this checkout would have, copied to ``destination``."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                 cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet staged is still listed
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def build_env() -> dict[str, str]:
    """This environment's tools (jlpm, node from PATH) first; no pip configuration leaking."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return env


def build_all(work: Path) -> Built:
    source = fresh_copy(work / "authsome-nb")
    dist = work / "dist"
    env = build_env()
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source, env=env)
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist / "emulator",
        source / "emulator", env=env)

    def one(folder: Path, pattern: str) -> Path:
        found = sorted(folder.glob(pattern))
        assert len(found) == 1, (pattern, found)
        return found[0]

    return Built(source, one(dist, "authsome_nb-*.tar.gz"), one(dist, "authsome_nb-*.whl"),
                 one(dist / "emulator", "authsome_nb_emulator-*.tar.gz"),
                 one(dist / "emulator", "authsome_nb_emulator-*.whl"))
