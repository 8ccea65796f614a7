"""Benchmark: Graph into Arrow at 100,000 messages — memory, build time, and time at latency.

Against the emulator (its own process, ``messages_per_user``), in the same run:

1. **Peak memory**: ``to_parquet("/me/messages")`` against building the pandas frame of the
   same listing.  Each variant runs in a process of its own, which imports pandas, pyarrow and
   polars, signs in (``an.token()``, one Graph call) and only then reads ``ru_maxrss`` as its
   baseline; the figure is the growth of ``ru_maxrss`` over it, so the ratio measures the data,
   not the imports.  Goal: to_parquet ≤ 0.5× the pandas frame.
2. **Build time** of the typed polars and Arrow frames from the same pages already in memory,
   against building the pandas frame from them (median of interleaved rounds).
   Goal: ≥ 1.5× faster.
3. **Time at latency**: ``to_parquet`` against the pandas frame with each Graph request held
   ``graph_latency`` seconds (Outlook's four in flight).  Goal: no slower.

    python bench/graph_arrow.py [--messages 100000] [--latency 0.3] [--repeats 3]

prints one JSON line; ``run(...)`` returns the same dict.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from _mailbox import machine, signed_in_mailbox  # noqa: E402 - beside this file

MEMORY_GOAL = 0.5
BUILD_GOAL = 1.5
LATENCY_GOAL = 1.0
PATH = "/me/messages"

#: one variant in a fresh process: imports, sign-in, baseline, then the work
_VARIANT = """
import json, resource, sys, time
import pandas, pyarrow, pyarrow.parquet, polars
import authsome_nb as an
an.token()
graph = an.graph(progress=False)
graph.get("/me")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if sys.argv[1] == "pandas":
    rows = len(graph.frame(sys.argv[2]))
else:
    rows = graph.to_parquet(sys.argv[2], sys.argv[3])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "seconds": seconds, "baseline_kb": base, "peak_kb": peak}))
"""


def _variant(name: str, folder: str) -> dict[str, Any]:
    """One variant in its own process (the environment points it at the signed-in home)."""
    dest = os.path.join(folder, f"{name}-{time.monotonic_ns()}.parquet")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p))
    # Started by a shell rather than by this (large) process: Linux carries the high-water
    # mark of the memory a process was forked from into the ru_maxrss of what it executes.
    done = subprocess.run(["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, "-c",
                           _VARIANT, name, PATH, dest], env=env, capture_output=True,
                          text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["data_mb"] = round((figures["peak_kb"] - figures["baseline_kb"]) / 1024, 1)
    figures["baseline_mb"] = round(figures.pop("baseline_kb") / 1024, 1)
    figures["peak_mb"] = round(figures.pop("peak_kb") / 1024, 1)
    figures["seconds"] = round(figures["seconds"], 3)
    if os.path.exists(dest):
        figures["file_mb"] = round(os.path.getsize(dest) / 2**20, 1)
        os.remove(dest)
    return figures


def _processes(names: list[str], repeats: int, folder: str) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for round_number in range(repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:  # interleaved, order rotated
            runs[name].append(_variant(name, folder))
    return runs


def _build_times(repeats: int) -> dict[str, Any]:
    """Seconds to build each backend's frame from the same pages, already in memory."""
    import gc

    import authsome_nb as an
    from authsome_nb._graph._backends import builder
    from authsome_nb._graph._options import plan

    graph = an.graph(progress=False)
    pages = list(graph.pages(PATH))
    url = plan(PATH, graph.api_base, {}).url
    seconds: dict[str, list[float]] = {"pandas": [], "polars": [], "arrow": []}
    names = list(seconds)
    for round_number in range(repeats):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            started = time.perf_counter()
            frames = builder(name, url, (), "flatten")
            for page in pages:
                frames.add(page)
            built = frames.build()
            seconds[name].append(time.perf_counter() - started)
            del built, frames
    median = {name: round(statistics.median(values), 3) for name, values in seconds.items()}
    return {"seconds": median, "rows": sum(map(len, pages)),
            "speedup": {name: round(median["pandas"] / median[name], 2)
                        for name in ("polars", "arrow")}}


def run(messages: int = 100_000, latency: float = 0.3, repeats: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="authsome-bench-arrow-") as folder, \
            signed_in_mailbox(messages) as control:
        memory = _processes(["pandas", "to_parquet"], repeats, folder)
        build = _build_times(repeats)
        control.configure(graph_latency=latency)
        slow = _processes(["pandas", "to_parquet"], max(1, repeats - 1), folder)
    pandas_mb = statistics.median(r["data_mb"] for r in memory["pandas"])
    parquet_mb = statistics.median(r["data_mb"] for r in memory["to_parquet"])
    pandas_s = statistics.median(r["seconds"] for r in slow["pandas"])
    parquet_s = statistics.median(r["seconds"] for r in slow["to_parquet"])
    ratios = {"memory_parquet_vs_pandas": round(parquet_mb / pandas_mb, 3),
              "build_polars_speedup": build["speedup"]["polars"],
              "build_arrow_speedup": build["speedup"]["arrow"],
              "latency_parquet_vs_pandas_time": round(parquet_s / pandas_s, 3)}
    passed = (ratios["memory_parquet_vs_pandas"] <= MEMORY_GOAL
              and min(build["speedup"].values()) >= BUILD_GOAL
              and ratios["latency_parquet_vs_pandas_time"] <= LATENCY_GOAL * 1.05)
    return {"bench": "graph_arrow", "messages": messages, "latency_s": latency,
            "repeats": repeats, "machine": machine(), "memory": memory, "build": build,
            "at_latency": slow, "medians": {"pandas_data_mb": pandas_mb,
                                            "parquet_data_mb": parquet_mb,
                                            "pandas_seconds_at_latency": pandas_s,
                                            "parquet_seconds_at_latency": parquet_s},
            "ratios": ratios,
            "goals": {"memory_at_most": MEMORY_GOAL, "build_speedup_at_least": BUILD_GOAL,
                      "latency_time_at_most": LATENCY_GOAL},
            "passed": passed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.messages, args.latency, args.repeats)
    print(json.dumps(figures))
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
