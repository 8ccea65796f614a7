"""Run every benchmark and write ``bench/RESULTS.md``: the machine, the date, ours vs baseline.

    python bench/run.py            # all of them (a few minutes)
    python bench/run.py token      # only those whose name contains "token"; the other
                                   # sections of RESULTS.md keep their last figures

Each benchmark is a script in this folder that prints one JSON line; each compares us with a
baseline measured in the same run on the same machine, so the ratios hold where the seconds
would not.  Figures are what this machine measured, not promises.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["import_cost", "token_hot_path", "refresh_storm", "graph_paging", "graph_concurrency",
           "graph_sync", "shared_home", "graph_arrow", "broker_latency"]


def run(name: str) -> dict:
    print(f"… {name}", flush=True)
    env = dict(os.environ, AUTHSOME_NB_KEYRING="0")
    done = subprocess.run(
        [sys.executable, str(HERE / f"{name}.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE.parent,
    )
    # Exit status 1 is a goal missed: its figures are written all the same.
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load:.1f} at start"
    )


def section_import(r: dict) -> str:
    ms = r["median_ms"]
    return "\n".join(
        [
            "## `import authsome_nb` and `%load_ext authsome_nb`",
            "",
            "| measure | ours | baseline |",
            "| --- | --- | --- |",
            f"| `-X importtime`, modules added by `import authsome_nb` | {r['importtime_import_authsome_nb_ms']} ms "
            f"({len(r['importtime_import_authsome_nb_modules'])} modules) | `python -c pass`: 0 |",
            f"| `-X importtime`, modules added by `%load_ext authsome_nb` | {r['importtime_load_ext_ms']} ms | "
            "an IPython shell without it: 0 (goal: ≤ 30 ms) |",
            f"| wall, fresh interpreter (median of {r['runs']}) | `import authsome_nb`: {ms['import_authsome_nb']} ms | "
            f"`pass`: {ms['python']} ms; `import msal`: {ms['import_msal']} ms; `import pandas`: {ms['import_pandas']} ms |",
            f"| wall, IPython shell + `%load_ext` | {ms['ipython_shell_load_ext']} ms | shell alone: {ms['ipython_shell']} ms |",
            "",
            "msal, httpx, cryptography, pandas and ipywidgets load on first use, not at import.",
        ]
    )


def section_token(r: dict) -> str:
    rows = [
        f"| {n} | {v['ours_p50_us']} µs | {v['msal_extensions_p50_us']} µs | {v['speedup']}× |"
        for n, v in r["connections"].items()
    ]
    return "\n".join(
        [
            "## `an.token()` hot path vs MSAL `acquire_token_silent` over msal-extensions",
            "",
            f"p50 of {r['calls']} calls (best of {r.get('processes_per_size', 1)} fresh processes per size), the same signed-in accounts on both sides (the server returns extra "
            "scopes, as Entra does).",
            "",
            "| connections | ours | msal-extensions `PersistedTokenCache` | speed-up |",
            "| --- | --- | --- | --- |",
            *rows,
        ]
    )


def section_storm(r: dict) -> str:
    ours, theirs = r["ours"], r["msal_extensions"]
    return "\n".join(
        [
            f"## {r['processes']} processes reach expiry together (strict refresh-token rotation)",
            "",
            "| | refresh requests | processes with a token | failed | wall time to the last answer |",
            "| --- | --- | --- | --- | --- |",
            f"| ours (`an.token()`) | {ours['refresh_requests']} | {ours['ok']} | {ours['failed']} | {ours['wall_s']} s |",
            f"| MSAL + msal-extensions shared cache | {theirs['refresh_requests']} | {theirs['ok']} | {theirs['failed']} | "
            f"{theirs['wall_s']} s |",
        ]
    )


def section_graph(r: dict) -> str:
    names = {"authsome_nb": "ours: `an.graph().frame(\"/me/messages\", page_size=1000)`",
             "handwritten": "hand-written loop: httpx + json + `pandas.json_normalize`",
             "msgraph_sdk": "msgraph-sdk (into `Message` objects, no DataFrame)"}
    rows = []
    for key, figures in r["results"].items():
        if "error" in figures:  # msgraph-sdk not installed, or it failed
            rows.append(f"| {names.get(key, key)} | not measured: {figures['error'][:80]} | | | |")
            continue
        peak = f"{figures['peak_mb']} MB" if figures.get("peak_mb") is not None else "not measured"
        rows.append(f"| {names.get(key, key)} | {figures['rows']} | {figures['seconds']} s | "
                    f"{figures['rows_per_s']} | {peak} |")
    ratios = r["ratios"]
    return "\n".join([
        f"## Graph: {r['messages']} messages into a DataFrame ({r['pages']} pages of {r['page_size']})",
        "",
        f"The emulator runs in its own process; median of {r['repeats']} interleaved rounds; peak "
        "memory by `tracemalloc`.",
        "",
        "| | rows | wall time | rows/s | peak memory |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Speed vs the hand-written loop: **{ratios['speed_vs_handwritten']}×** (goal ≥ "
        f"{r['targets']['speed_at_least']}); peak memory: **{ratios['peak_memory_vs_handwritten']}×** "
        f"(goal ≤ {r['targets']['peak_memory_at_most']}).",
    ])


def section_concurrency(r: dict) -> str:
    names = {"authsome_nb": "ours: `an.graph().frame(\"/me/messages\")`",
             "handwritten": "hand-written `@odata.nextLink` loop, `$top=1000`, + `json_normalize`"}
    rows = [f"| {names.get(key, key)} | {f['seconds']} s | {f['requests']} | {f['refused']} | "
            f"{f['peak_in_flight']} | {'yes' if f['every_id_once'] else 'NO'} |"
            for key, f in r["results"].items()]
    return "\n".join([
        f"## Graph: {r['messages']} messages {r['latency_s']} s away, at most 4 requests in "
        "flight per mailbox",
        "",
        f"The emulator (its own process) holds each request {r['latency_s']} s and refuses a fifth "
        f"in flight (429 MailboxConcurrency), as Outlook does; median of {r['repeats']} "
        "interleaved rounds.",
        "",
        "| | wall time | requests | refused | most in flight | every id once |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Speed vs the hand-written loop: **{r['speed_vs_handwritten']}×** (goal ≥ "
        f"{r['goal_at_least']}; four in flight allow about 3.5×).",
    ])


def section_sync(r: dict) -> str:
    first, second, again = r["first_sync"], r["second_sync"], r["frame_again"]
    return "\n".join([
        "## Graph: a second `sync()` after 10 new, 5 edited and 3 deleted messages",
        "",
        f"The inbox holds {r['inbox']} of {r['messages']} messages; {r['latency_s']} s per request.",
        "",
        "| | requests | wall time | rows |",
        "| --- | --- | --- | --- |",
        f"| first `sync()`: a full delta round | {first['requests']} | {first['seconds']} s | "
        f"{first['rows']} |",
        f"| second `sync()`: {second['added']} added, {second['updated']} updated, "
        f"{second['removed']} removed | {second['requests']} | {second['seconds']} s | "
        f"{second['rows']} |",
        f"| baseline: `frame()` of the inbox again | {again['requests']} | {again['seconds']} s | "
        f"{r['inbox']} |",
        "",
        f"Second sync: **{second['requests']} request{'s' if second['requests'] != 1 else ''}** "
        f"(goal ≤ {r['goal_requests_at_most']}), {r['speed_vs_frame_again']}× faster than reading "
        f"the folder again; exactly the folder's messages: {'yes' if r['exact'] else 'NO'}.",
    ])


def section_arrow(r: dict) -> str:
    m, ratios, goals, build = r["medians"], r["ratios"], r["goals"], r["build"]
    parquet_file = r["memory"]["to_parquet"][0].get("file_mb")
    return "\n".join([
        f"## Graph into Arrow: {r['messages']} messages",
        "",
        "Memory: each variant in its own process, which imports pandas, pyarrow and polars and "
        "signs in before its baseline (`ru_maxrss`); the figure is the growth over it (median "
        f"of {r['repeats']}). Build: the same pages already in memory, median of {r['repeats']} "
        f"interleaved rounds. Latency: {r['latency_s']} s per request, Outlook's 4 in flight.",
        "",
        "| | ours | baseline, same run | ratio (goal) |",
        "| --- | --- | --- | --- |",
        f"| peak memory over the baseline | `to_parquet`: {m['parquet_data_mb']} MB "
        f"({parquet_file} MB file) | pandas frame: {m['pandas_data_mb']} MB | "
        f"**{ratios['memory_parquet_vs_pandas']}×** (≤ {goals['memory_at_most']}) |",
        f"| building the typed frame from the pages | polars {build['seconds']['polars']} s, "
        f"Arrow {build['seconds']['arrow']} s | pandas {build['seconds']['pandas']} s | "
        f"**{ratios['build_polars_speedup']}× / {ratios['build_arrow_speedup']}× faster** "
        f"(≥ {goals['build_speedup_at_least']}) |",
        f"| wall time at {r['latency_s']} s per request | `to_parquet`: "
        f"{m['parquet_seconds_at_latency']} s | pandas frame: {m['pandas_seconds_at_latency']} s "
        f"| **{ratios['latency_parquet_vs_pandas_time']}×** the time (no slower: ≤ "
        f"{goals['latency_time_at_most']}) |",
    ])


def section_broker(r: dict) -> str:
    ours, added = r["ours"], r["added_ms"]
    mitm = r.get("mitmproxy")
    rows = [
        "## The broker: added latency per proxied request, and its start",
        "",
        f"A child's httpx `GET /me` on the emulator's Graph (three processes: emulator, broker, child), "
        f"p50 of {r['requests']['kept_alive']} requests on one kept-alive connection and of "
        f"{r['requests']['new_connection']} on a new connection each; the direct request of the same run is the baseline.",
        "",
        "| | direct (baseline) | through the broker | added | goal |",
        "| --- | --- | --- | --- | --- |",
        f"| kept-alive connection | {ours['direct']['kept_alive']:.2f} ms | {ours['proxied']['kept_alive']:.2f} ms | "
        f"**{added['kept_alive']:.2f} ms** | ≤ 1 ms |",
        f"| new connection per request | {ours['direct']['new_connection']:.2f} ms | {ours['proxied']['new_connection']:.2f} ms | "
        f"**{added['new_connection']:.2f} ms** | ≤ 5 ms |",
        f"| broker start (CA, bundle, listener) | | first {r['broker_start_first_ms']:.1f} ms, then p50 "
        f"{r['broker_start_p50_ms']:.1f} ms | | ≤ 300 ms |",
        f"| `import authsome_nb.broker`, fresh interpreter | | {r['import_broker_ms']:.0f} ms | | |",
    ]
    if mitm:
        rows += [
            "",
            "mitmproxy (authsome's engine), same client, same run, an addon setting the same header "
            "(`AUTHSOME_BENCH_MITMDUMP=…/mitmdump`, mitmproxy in a venv of its own):",
            "",
            "| | direct | through mitmproxy | added | start (spawn → listening) | import |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| kept-alive | {mitm['direct']['kept_alive']:.2f} ms | {mitm['proxied']['kept_alive']:.2f} ms | "
            f"{mitm['proxied']['kept_alive'] - mitm['direct']['kept_alive']:.2f} ms | {mitm['start_ms']:.0f} ms | "
            f"{mitm['import_ms']:.0f} ms |",
            f"| new connection | {mitm['direct']['new_connection']:.2f} ms | {mitm['proxied']['new_connection']:.2f} ms | "
            f"{mitm['proxied']['new_connection'] - mitm['direct']['new_connection']:.2f} ms | | |",
        ]
    rows += [
        "",
        "Why not mitmproxy, besides the figures above (measured by hand on 2026-12-04 with pip): its newest "
        "release for Python 3.11 (11.0.2) brings 35 packages, 106 MB installed (a fresh venv with it: 132 MB, "
        "empty: 26 MB); into a Jupyter environment with httpx pip would downgrade h11 0.16 → 0.14 (httpcore "
        "1.0.9 requires h11 ≥ 0.16: httpx breaks), tornado 6.6.1 → 6.4.2 (the Jupyter server's), cryptography "
        "50 → 44.0.3, pyparsing and ruamel.yaml. The broker needs nothing the package does not already have "
        "(h11, httpx, cryptography).",
    ]
    return "\n".join(rows)


SECTIONS = {
    "import_cost": section_import,
    "token_hot_path": section_token,
    "refresh_storm": section_storm,
    "graph_paging": section_graph,
    "graph_concurrency": section_concurrency,
    "graph_sync": section_sync,
    "shared_home": lambda r: __import__("shared_home").markdown(r),  # its own formatter
    "graph_arrow": section_arrow,
    "broker_latency": section_broker,
}


MARKER = "<!-- bench:{} -->"


def kept_sections(path: Path) -> dict[str, str]:
    """The sections of an earlier RESULTS.md, by benchmark name (from their markers)."""
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for chunk in path.read_text().split("<!-- bench:")[1:]:
        name, _, body = chunk.partition(" -->")
        found[name] = body.strip("\n")
    return found


def main(argv: list[str]) -> int:
    wanted = [b for b in BENCHES if not argv or any(a in b for a in argv)]
    started = datetime.datetime.now(datetime.UTC)
    results_file = HERE / "RESULTS.md"
    sections = kept_sections(results_file)  # a partial run keeps the others' last figures
    for name in wanted:
        result = run(name)
        formatter = SECTIONS.get(name)
        body = formatter(result) if formatter else f"## {name}\n\n```json\n{json.dumps(result)}\n```"
        sections[name] = f"{body}\n\n_Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}._"
    parts = [
        "# Benchmark results",
        "",
        "Command: `python bench/run.py` (all), or `python bench/run.py NAME …` to measure some "
        "again and keep the other sections. Each figure compares us with a baseline measured in "
        "the same run, on the machine named under it.",
    ]
    for name in BENCHES:
        if name in sections:
            parts += ["", MARKER.format(name), sections[name]]
    text = "\n".join(parts) + "\n"
    results_file.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
