"""What ``import authsome_nb`` and ``%load_ext authsome_nb`` add to a process, against baselines.

Each case is a fresh interpreter, run 15 times; the median wall time is reported and the cost is
the difference to its baseline in the same run:

* ``import authsome_nb``  vs  ``python -c pass``;
* ``%load_ext authsome_nb`` in an IPython shell  vs  the same shell without it;
* for scale: ``import msal`` and ``import pandas`` (what an eager package would add).

Bytecode is compiled first and ``PYTHONDONTWRITEBYTECODE`` is dropped, as in a normal install.
Prints one JSON line.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "python": "pass",
    "import_authsome_nb": "import authsome_nb",
    "ipython_shell": "from IPython.core.interactiveshell import InteractiveShell; InteractiveShell.instance()",
    "ipython_shell_load_ext": "from IPython.core.interactiveshell import InteractiveShell; "
    "InteractiveShell.instance().run_line_magic('load_ext', 'authsome_nb')",
    "import_msal": "import msal",
    "import_pandas": "import pandas",
}


def median_ms(code: str, env: dict[str, str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def imported_self_us(code: str, env: dict[str, str]) -> dict[str, int]:
    """``-X importtime``: each imported module's own import time in microseconds."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stderr
    modules = {}
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            self_us, _cumulative, name = line[len("import time:") :].split("|")
            modules[name.strip()] = int(self_us)
    return modules


def added_import_ms(code: str, baseline: str, env: dict[str, str]) -> tuple[float, list[str]]:
    """Import time of the modules ``code`` imports that ``baseline`` does not (median of 5)."""
    totals, added = [], []
    for _ in range(5):
        ours, base = imported_self_us(code, env), imported_self_us(baseline, env)
        added = sorted(set(ours) - set(base))
        totals.append(sum(ours[m] for m in added) / 1000)
    return round(statistics.median(totals), 2), added


def main() -> dict:
    compileall.compile_dir(str(ROOT / "authsome_nb"), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for code in CASES.values():  # warm the OS cache and write any missing .pyc
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    ms = {name: round(median_ms(code, env), 1) for name, code in CASES.items()}
    import_ms, import_modules = added_import_ms(CASES["import_authsome_nb"], CASES["python"], env)
    load_ext_ms, load_ext_modules = added_import_ms(
        CASES["ipython_shell_load_ext"], CASES["ipython_shell"], env
    )
    return {
        "importtime_import_authsome_nb_ms": import_ms,
        "importtime_import_authsome_nb_modules": import_modules,
        "importtime_load_ext_ms": load_ext_ms,
        "importtime_load_ext_modules": load_ext_modules,
        "runs": RUNS,
        "median_ms": ms,
        "import_authsome_nb_adds_ms": round(ms["import_authsome_nb"] - ms["python"], 1),
        "load_ext_adds_ms": round(ms["ipython_shell_load_ext"] - ms["ipython_shell"], 1),
        "import_msal_adds_ms": round(ms["import_msal"] - ms["python"], 1),
        "import_pandas_adds_ms": round(ms["import_pandas"] - ms["python"], 1),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
