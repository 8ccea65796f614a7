"""``an.token()`` in a notebook on a JupyterHub, against asking the Hub by hand on every call.

A real JupyterHub (tests/hub's: examples/hub/jupyterhub_config.py against the emulator) with
one user who logged in; in a kernel of their server:

* ours: ``an.token()``, served from the Hub's token kept in memory (``microsoft/hub``);
* baseline: what a notebook writes without authsome_nb — ``GET $JUPYTERHUB_API_URL/users/<me>``
  with the server's token and ``["auth_state"]["access_token"]``, per call.

Not part of ``bench/run.py``: it needs the Hub's proxy (``npm ci`` in tests/hub, which
``python3 dev.py test`` does).  Prints one JSON line: p50s in microseconds and the ratio.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hub"))

from hub_world import running_hub  # noqa: E402

IN_THE_KERNEL = """
import json, os, statistics, time, httpx, authsome_nb as an
def p50(call, n):
    spent = []
    for _ in range(n):
        start = time.perf_counter(); call(); spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1e6
hub = httpx.Client(headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]})
me = os.environ["JUPYTERHUB_API_URL"] + "/users/" + os.environ["JUPYTERHUB_USER"]
by_hand = lambda: hub.get(me).json()["auth_state"]["access_token"]
an.token(), by_hand()
ours, baseline = p50(an.token, 20000), p50(by_hand, 200)
print(json.dumps({"ours_p50_us": round(ours, 2), "by_hand_p50_us": round(baseline, 1),
                  "speedup": round(baseline / ours)}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as workdir, \
            running_hub(Path(workdir)) as world:
        world.log_in("adele")
        kernel = world.kernel("adele")
        print(json.dumps(json.loads(kernel.run(IN_THE_KERNEL).strip().splitlines()[-1])))


if __name__ == "__main__":
    main()
