"""The broker's cost: added latency per proxied request, and how long a broker takes to start.

Three processes, as in use: the emulator (its own process), the broker (in this one, as in a
kernel), and a client child (httpx) that times ``GET /me`` on the emulator's Graph

* directly (``trust_env=False``, the emulator's CA) — the baseline of the same run;
* through the broker (``HTTPS_PROXY`` and ``SSL_CERT_FILE`` from the child's environment, the
  placeholder as its token: the broker sets the real one);

on one kept-alive connection and on a new connection per request.  With
``AUTHSOME_BENCH_MITMDUMP=/path/to/mitmdump`` (mitmproxy installed in a venv of its own: it
cannot share one with Jupyter, see RESULTS.md) the same client goes through mitmproxy with an
addon that sets the same header, for comparison.

Prints one JSON line.  Goals: ≤ 1 ms added p50 kept-alive, ≤ 5 ms on a new connection, a
broker started in ≤ 300 ms.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEPT_ALIVE = 400
NEW_CONNECTIONS = 120
STARTS = 20

CLIENT = r"""
import json, os, ssl, statistics, sys, time
import httpx

url, ca, kept, fresh, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
direct = {"verify": ssl.create_default_context(cafile=ca), "trust_env": False,
          "headers": {"x-side": "direct"}}
if mode == "ours":  # what the run's environment says: HTTPS_PROXY, SSL_CERT_FILE (each side
    # builds its TLS context once, so a new connection costs the same work on both sides)
    proxied = {"trust_env": False, "proxy": os.environ["HTTPS_PROXY"],
               "verify": ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])}
else:
    proxied = {"trust_env": False, "proxy": os.environ["BENCH_PROXY"],
               "verify": ssl.create_default_context(cafile=os.environ["BENCH_PROXY_CA"])}
token = sys.stdin.readline().strip()  # the direct baseline sends the real token itself
placeholder = {"Authorization": "Bearer authsome-proxy-managed"}
real = {"Authorization": "Bearer " + token}

def timed(client):
    start = time.perf_counter()
    answer = client.get(url, headers=real if client.headers.get("x-side") == "direct" else placeholder)
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, answer.status_code
    return elapsed

def kept_alive(options):
    with httpx.Client(**options) as client:
        for _ in range(30):
            timed(client)
        return [timed(client) for _ in range(kept)]

def new_connection(options):
    samples = []
    for _ in range(fresh):
        with httpx.Client(**options) as client:
            samples.append(timed(client))
    return samples

result = {}
for name, options in (("direct", direct), ("proxied", proxied)):
    result[name] = {"kept_alive": [], "new_connection": []}
for _ in range(3):  # interleaved rounds: a busy neighbour hits both sides alike
    for name, options in (("direct", direct), ("proxied", proxied)):
        result[name]["kept_alive"] += kept_alive(options)
        result[name]["new_connection"] += new_connection(options)
print(json.dumps({n: {k: statistics.median(v) * 1000 for k, v in d.items()} for n, d in result.items()}))
"""

EMULATOR = r"""
import json, sys
from authsome_nb_emulator import Emulator
with Emulator(auto_approve_after=0) as emu:
    emu.write_provider_override(sys.argv[1])
    print(json.dumps({"env": emu.environ(sys.argv[1]), "graph": emu.graph_base,
                      "ca": emu.ca_path, "port": emu.port}), flush=True)
    sys.stdin.read()
"""

MITM_ADDON = r"""
import os
from mitmproxy import http

TOKEN = os.environ["BENCH_TOKEN"]
HOST = os.environ["BENCH_HOST"]

def request(flow: http.HTTPFlow) -> None:
    if f"{flow.request.host}:{flow.request.port}" == HOST:
        flow.request.headers["Authorization"] = "Bearer " + TOKEN
"""


def measure_client(url: str, ca: str, env: dict[str, str], mode: str, token: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CLIENT, url, ca, str(KEPT_ALIVE),
                           str(NEW_CONNECTIONS), mode], env=env, capture_output=True, text=True,
                          input=token + "\n")
    if done.returncode != 0:
        raise RuntimeError(f"the {mode} client failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def broker_starts(an, Broker) -> tuple[float, float]:
    """(the first start, with its imports; the median of the next ones) in ms."""
    began = time.perf_counter()
    Broker(an.session(), [("microsoft", "default")]).start().stop()
    first = (time.perf_counter() - began) * 1000
    times = []
    for _ in range(STARTS):
        broker = Broker(an.session(), [("microsoft", "default")]).start()
        times.append(broker.started_in * 1000)
        broker.stop()
    return first, statistics.median(times)


def mitmproxy(mitmdump: str, info: dict, token: str, folder: Path) -> dict:
    folder.mkdir(mode=0o700)
    addon = folder / "addon.py"
    addon.write_text(MITM_ADDON)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_HOST=f"127.0.0.1:{info['port']}")
    began = time.perf_counter()
    process = subprocess.Popen([mitmdump, "-q", "--listen-host", "127.0.0.1", "--listen-port",
                                str(port), "--set", f"confdir={folder}", "--set",
                                f"ssl_verify_upstream_trusted_ca={info['ca']}", "-s", str(addon)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.01)
        started = (time.perf_counter() - began) * 1000
        client_env = dict(os.environ, BENCH_PROXY=f"http://127.0.0.1:{port}",
                          BENCH_PROXY_CA=str(folder / "mitmproxy-ca-cert.pem"))
        figures = measure_client(info["graph"] + "/me", info["ca"], client_env, "mitm", token)
    finally:
        process.terminate()
        process.wait()
    return {"start_ms": started, **figures}


IMPORT_RUNS = 7


def import_ms(python: str, statement: str) -> float:
    """The median wall time of ``statement`` in a fresh interpreter, minus ``pass``."""
    def once(code: str) -> float:
        timed = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
        return float(subprocess.run([python, "-c", timed], capture_output=True, text=True,
                                    check=True).stdout) * 1000
    return statistics.median(once(statement) for _ in range(IMPORT_RUNS))


def main() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-broker-"))
    home = folder / "home"
    emulator = subprocess.Popen([sys.executable, "-c", EMULATOR, str(home)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(emulator.stdout.readline())
        os.environ.update(info["env"])
        import authsome_nb as an
        from authsome_nb.broker import Broker

        an.login(flow="device", on_event=lambda event: None)
        first, warm = broker_starts(an, Broker)
        with Broker(an.session(), [("microsoft", "default")]) as broker:
            ours = measure_client(info["graph"] + "/me", info["ca"], broker.environment(), "ours",
                                  an.token().value)
        result = {"broker_start_first_ms": first, "broker_start_p50_ms": warm, "ours": ours,
                  "requests": {"kept_alive": KEPT_ALIVE * 3, "new_connection": NEW_CONNECTIONS * 3}}
        result["import_broker_ms"] = import_ms(sys.executable, "import authsome_nb.broker")
        mitmdump = os.environ.get("AUTHSOME_BENCH_MITMDUMP")
        if mitmdump:
            result["mitmproxy"] = mitmproxy(mitmdump, info, an.token().value, folder / "mitm")
            result["mitmproxy"]["import_ms"] = import_ms(
                str(Path(mitmdump).with_name("python")),
                "from mitmproxy.tools.dump import DumpMaster; from mitmproxy import http")
    finally:
        emulator.stdin.close()
        emulator.wait()
    return result


if __name__ == "__main__":
    figures = main()
    added = {k: figures["ours"]["proxied"][k] - figures["ours"]["direct"][k]
             for k in ("kept_alive", "new_connection")}
    figures["added_ms"] = added
    print(json.dumps(figures))
    met = (added["kept_alive"] <= 1.0 and added["new_connection"] <= 5.0
           and figures["broker_start_p50_ms"] <= 300)
    sys.exit(0 if met else 1)
