"""One home shared by two hosts: the refresh storm, sign-ins, reads, and what a write costs.

The two hosts are the test suite's (``tests/shared_home/two_hosts.py``): two FUSE (bindfs)
mounts of one folder, each host's processes in their own UTS and PID namespaces, so a
``flock`` taken on one host is invisible on the other, as on NFS with ``local_lock``.

* storm: N processes reach expiry together under strict refresh-token rotation, half on each
  host, against the same N on one host: refresh grants, refused refresh requests (a refresh
  token used twice), processes served, ``ReauthenticationRequired``, wall time;
* sign-ins: 6 sign-ins of different connections at once, 3 through each host: how many the
  store keeps;
* reads: one host signs in 15 times while the other lists connections every 20 ms (7 runs):
  runs where a sound store was refused (``StoreDecryptError``);
* write: a store transaction that writes, p50, with the lock the store uses (``flock`` and
  the lease, a fresh read, the fence) against the host-local ``flock`` alone (the store's
  write before leases), in the same run, on this machine's disk;
* hot path: ``an.token()``'s p50 with either lock (it takes neither: one ``stat``).

Needs root, /dev/fuse and bindfs (``python3 dev.py test`` installs it).  Prints a JSON line.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "shared_home"))

from two_hosts import Host, Kernel, TwoHosts, go, missing, start  # noqa: E402

QUIET = {"on_event": lambda event: None}
LEASE_SECONDS = "5"


class World:
    """The two hosts, the emulator, and a fresh home on the share per measurement."""

    def __init__(self, hosts: TwoHosts, emu: Any) -> None:
        self.hosts, self.emu = hosts, emu
        self.name = ""

    def fresh_home(self, name: str) -> Path:
        """A new home on the server; this process signs in through the server's folder."""
        self.name = name
        home = self.hosts.server / name
        self.emu.write_provider_override(home)
        os.environ.update(self.emu.environ(home))
        return home

    def env_of(self, host: Host) -> dict[str, str]:
        return dict(os.environ, **self.emu.environ(host.share / self.name),
                    AUTHSOME_NB_KEYRING="0", AUTHSOME_NB_LEASE_SECONDS=LEASE_SECONDS)


def storm(world: World, per_host: list[tuple[Host, int]], label: str) -> dict[str, Any]:
    import authsome_nb as an

    emu = world.emu
    world.fresh_home(label)
    emu.strict_rotation, emu.access_token_lifetime = True, 302  # due ~2 s after sign-in
    an.login(flow="device", **QUIET)
    emu.access_token_lifetime = 3600
    kernels = start(per_host, world.env_of, "token", "default")
    while an.get().expires_at - time.time() > 299:
        time.sleep(0.05)
    emu.reset_counters()
    started = time.perf_counter()
    answers = go(kernels)
    wall = time.perf_counter() - started
    tokens = {a for a in answers if a.startswith("token ")}
    return {
        "processes": len(kernels),
        "refresh_grants": emu.count("token", grant_type="refresh_token", status=200),
        "refused_refreshes": emu.count("token", grant_type="refresh_token", status=400),
        "served": sum(a.startswith("token ") for a in answers),
        "reauthentication_required": sum("ReauthenticationRequired" in a for a in answers),
        "errors": dict(Counter(a.split()[1] for a in answers if a.startswith("error "))),
        "distinct_tokens": len(tokens),
        "wall_s": round(wall, 3),
    }


def sign_ins(world: World, per_host: int = 3) -> dict[str, Any]:
    import authsome_nb as an

    world.fresh_home(f"sign-ins-{time.monotonic_ns()}")
    kernels = [Kernel(host, world.env_of(host), "login", f"h{i}-{n}")
               for i, host in enumerate(world.hosts.hosts[:2]) for n in range(per_host)]
    kernels = [kernel.ready() for kernel in kernels]
    answers = go(kernels)
    kept = {c.connection for c in an.connections()}
    wanted = {f"h{i}-{n}" for i in range(2) for n in range(per_host)}
    return {"sign_ins": len(wanted), "answered": sum(a.startswith("login") for a in answers),
            "kept": len(kept & wanted), "lost": len(wanted - kept),
            "errors": dict(Counter(a.split()[1] for a in answers if a.startswith("error ")))}


def reads_while_signing_in(world: World, runs: int = 7, sign_ins_per_run: int = 15,
                           ) -> dict[str, Any]:
    refused_runs, errors = 0, Counter[str]()
    for run in range(runs):
        world.fresh_home(f"reads-{run}-{time.monotonic_ns()}")
        writer, reader = (start([(host, 1)], world.env_of, *action)[0] for host, action in (
            (world.hosts.a, ("sign-ins", str(sign_ins_per_run), "c")),
            (world.hosts.b, ("list",))))
        reader.say()
        time.sleep(0.2)
        writer.say()
        written = writer.answer(300)
        reader.say("stop")
        listed = reader.answer()
        found = Counter(dict(word.split("=") for word in listed.split()[2:]))
        if written.startswith("error "):
            found[written.split()[1]] += 1
        errors.update({name: int(n) for name, n in found.items()})
        refused_runs += bool(found.get("StoreDecryptError"))
    return {"runs": runs, "runs_with_store_decrypt_error": refused_runs,
            "errors": dict(errors)}


def write_cost(rounds: int = 7, writes: int = 200) -> dict[str, Any]:
    """p50 of a writing transaction: the store's own lock against ``flock`` alone."""
    stores = _stores_with_either_lock()
    samples: dict[str, list[float]] = {name: [] for name in stores}
    for _ in range(rounds):  # interleaved, so a busy moment of the machine hits both alike
        for name, store in stores.items():
            samples[name].append(_p50_write_us(store, writes))
    ours, today = min(samples["with_lease"]), min(samples["flock_only"])
    return {"with_lease_p50_us": round(ours, 1), "flock_only_p50_us": round(today, 1),
            "ratio": round(ours / today, 2), "goal_at_most": 2.0}


def hot_path(emu: Any, rounds: int = 5, calls: int = 3000) -> dict[str, Any]:
    """``Session.token()`` p50, signed in, over a store with each lock."""
    import authsome_nb as an
    from authsome_nb.store import EncryptedStore

    results = {}
    for name, store in _stores_with_either_lock().items():
        emu.write_provider_override(store.home)
        os.environ.update(emu.environ(store.home))
        session = an.Session(store.home)
        session.sources()[0].store = EncryptedStore(store.home, lock=store.lock)  # type: ignore[attr-defined]
        session.login(flow="device", **QUIET)
        session.token()
        medians = []
        for _ in range(rounds):
            timings = []
            for _ in range(calls):
                started = time.perf_counter_ns()
                session.token()
                timings.append(time.perf_counter_ns() - started)
            medians.append(statistics.median(timings) / 1000)
        results[f"{name}_p50_us"] = round(min(medians), 2)
    results["ratio"] = round(results["with_lease_p50_us"] / results["flock_only_p50_us"], 2)
    return results


def _stores_with_either_lock() -> dict[str, Any]:
    from authsome_nb.store import EncryptedStore, InterProcessLock

    folder = Path(tempfile.mkdtemp(prefix="bench-lease-", dir=Path.home()))
    return {"with_lease": EncryptedStore(folder / "lease"),
            "flock_only": EncryptedStore(folder / "flock", lock=InterProcessLock(
                folder / "flock" / "credentials.lock"))}


def _p50_write_us(store: Any, writes: int) -> float:
    timings = []
    for n in range(writes):
        started = time.perf_counter_ns()
        with store.transaction() as tx:
            tx.connections["microsoft/bench"] = {"n": n, "payload": "x" * 2000}
            tx.save()
        timings.append(time.perf_counter_ns() - started)
    return statistics.median(timings) / 1000


def markdown(r: dict[str, Any]) -> str:
    """The section of bench/RESULTS.md (``bench/run.py`` calls it)."""
    rows = []
    for n in (8, 16):
        for where, label in (("two_hosts", f"{n // 2} + {n // 2} on two hosts"),
                             ("one_host", f"{n} on one host")):
            f = r[f"storm_{n}"][where]
            rows.append(f"| {label} | {f['refresh_grants']} | {f['refused_refreshes']} | "
                        f"{f['served']} of {f['processes']} | {f['reauthentication_required']} "
                        f"| {f['wall_s']} s |")
    signs, reads, write, hot = r["sign_ins"], r["reads"], r["write"], r["hot_path"]
    return "\n".join([
        "## One home shared by two hosts (two bindfs mounts, one PID and UTS namespace each)",
        "",
        "Processes reach expiry together under strict refresh-token rotation:",
        "",
        "| processes | refresh grants | refused refreshes (a token used twice) | served | "
        "`ReauthenticationRequired` | wall time to the last answer |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"- {signs['sign_ins']} sign-ins at once, half through each host: {signs['kept']} kept, "
        f"{signs['lost']} lost.",
        f"- One host signs in 15 times while the other lists connections every 20 ms, "
        f"{reads['runs']} runs: {reads['runs_with_store_decrypt_error']} with a "
        "`StoreDecryptError`.",
        f"- A store write (a transaction that saves), p50 on this machine's disk: "
        f"**{write['with_lease_p50_us']} µs** with the lease (flock, lease, fresh read, fence) "
        f"against {write['flock_only_p50_us']} µs with `flock` alone: **{write['ratio']}×** "
        f"(goal ≤ {write['goal_at_most']:g}×).",
        f"- `an.token()` hot path, p50: {hot['with_lease_p50_us']} µs over the leased store, "
        f"{hot['flock_only_p50_us']} µs over the flock-only one ({hot['ratio']}×: it takes no "
        "lock, one `stat`).",
    ])


def main() -> dict[str, Any]:
    from authsome_nb_emulator import Emulator

    reason = missing()
    if reason:
        raise SystemExit(reason)
    results: dict[str, Any] = {}
    root = Path(tempfile.mkdtemp(prefix="bench-shared-home-"))
    with Emulator(device_interval=0, auto_approve_after=0) as emu, TwoHosts(root) as hosts:
        world = World(hosts, emu)
        for n in (8, 16):
            results[f"storm_{n}"] = {
                "two_hosts": storm(world, [(hosts.a, n // 2), (hosts.b, n // 2)], f"two-{n}"),
                "one_host": storm(world, [(hosts.a, n)], f"one-{n}"),
            }
        results["sign_ins"] = sign_ins(world)
        results["reads"] = reads_while_signing_in(world)
        results["hot_path"] = hot_path(emu)
    results["write"] = write_cost()
    return results


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
