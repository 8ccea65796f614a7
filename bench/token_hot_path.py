"""``an.token()`` hot path against MSAL + msal-extensions, with 1, 10 and 100 connections.

Both sides hold the same accounts with valid access tokens, signed in through the emulator:

* ours: N connections in the encrypted store; ``an.token(connection=...)`` per call
  (a ``stat`` of the store and a dict lookup);
* baseline: one ``PersistedTokenCache`` (msal-extensions, file persistence: the fastest
  persistence it has, no encryption) holding the same N accounts, and
  ``app.acquire_token_silent(scopes, account)`` per call — what an msal-extensions user
  writes.  The server returns extra scopes (``openid profile email``) as Entra does.

Prints one JSON line: p50 in microseconds for each N, and the ratio baseline/ours.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

CALLS = 3000
SIZES = (1, 10, 100)
PROCESSES = 3  # fresh processes per size; this VM's per-process noise is about ±2 µs
SCOPES = [
    "User.Read",
    "Mail.ReadWrite",
    "Calendars.ReadWrite",
    "Files.ReadWrite",
    "Tasks.ReadWrite",
]


def p50_us(fn, calls: int = CALLS, rounds: int = 3) -> float:
    """The best of ``rounds`` medians (both sides alike): robust to a busy neighbour."""
    for _ in range(200):  # warm up
        fn()
    medians = []
    for _ in range(rounds):
        samples = []
        for _ in range(calls):
            start = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - start)
        medians.append(statistics.median(samples) / 1000)
    return min(medians)


def sign_in_many(emu, n: int) -> None:
    import authsome_nb as an

    for i in range(n):
        user = emu.users[i % len(emu.users)]
        an.login(
            connection=f"c{i}",
            flow="pkce",
            open_browser=lambda url, u=user: emu.play_browser(url, user=u.upn),
            on_event=lambda e: None,
        )


def merged_msal_cache(home: Path) -> dict:
    """Every connection's MSAL cache in one (what a single PersistedTokenCache would hold)."""
    from authsome_nb.store import EncryptedStore

    merged: dict[str, dict] = {}
    for record in EncryptedStore(home).records().values():
        for section, items in record.state.cache.items():
            merged.setdefault(section, {}).update(items)
    return merged


def baseline_p50(emu, home: Path, n: int) -> float:
    import msal
    import requests
    from msal_extensions import FilePersistence, PersistedTokenCache

    path = home / f"msal_cache_{n}.json"
    path.write_text(json.dumps(merged_msal_cache(home)))
    cache = PersistedTokenCache(FilePersistence(str(path)))
    session = requests.Session()
    session.trust_env = False
    session.verify = emu.ca_path
    app = msal.PublicClientApplication(
        emu.client_id,
        authority=emu.authority(),
        token_cache=cache,
        instance_discovery=False,
        http_client=session,
    )
    accounts = app.get_accounts()
    assert len(accounts) >= 1
    target = accounts[len(accounts) // 2]
    assert "access_token" in app.acquire_token_silent(SCOPES, target)
    return p50_us(lambda: app.acquire_token_silent(SCOPES, target))


def main() -> dict:
    """Each size in a fresh process: a process that has already signed in 100 accounts is
    not the same machine for a 3 µs call as a new one (measured: ~3 µs first, ~5 µs after)."""
    import subprocess

    results = {"calls": CALLS, "processes_per_size": PROCESSES, "connections": {}}
    runs: dict[int, list[dict]] = {n: [] for n in SIZES}
    for _ in range(PROCESSES):  # interleaved, so a slow minute of the host hits every size alike
        for n in SIZES:
            out = subprocess.run([sys.executable, __file__, str(n)], check=True, capture_output=True,
                                 text=True).stdout
            runs[n].append(json.loads(out.strip().splitlines()[-1])["connections"][str(n)])
    for n, found in runs.items():
        ours = min(r["ours_p50_us"] for r in found)  # the best process of each side
        theirs = min(r["msal_extensions_p50_us"] for r in found)
        results["connections"][n] = {"ours_p50_us": ours, "msal_extensions_p50_us": theirs,
                                     "speedup": round(theirs / ours, 1)}
    return results


def measure(sizes: tuple[int, ...]) -> dict:
    from authsome_nb_emulator import Emulator

    results = {"calls": CALLS, "connections": {}}
    with Emulator() as emu:
        emu.auto_consent_user = None
        emu.extra_response_scopes = ["openid", "profile", "email"]
        for n in sizes:
            home = Path(tempfile.mkdtemp(prefix=f"bench-token-{n}-"))
            os.environ.update(emu.environ(home))
            emu.write_provider_override(home)
            os.environ["AUTHSOME_NB_KEYRING"] = "0"
            import authsome_nb as an

            sign_in_many(emu, n)
            middle = f"c{n // 2}"
            assert an.token(connection=middle)
            ours = p50_us(lambda c=middle: an.token(connection=c))
            theirs = baseline_p50(emu, home, n)
            results["connections"][n] = {
                "ours_p50_us": round(ours, 2),
                "msal_extensions_p50_us": round(theirs, 2),
                "speedup": round(theirs / ours, 1),
            }
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.stdout.write(json.dumps(measure(tuple(int(a) for a in sys.argv[1:]))) + "\n")
    else:
        sys.stdout.write(json.dumps(main()) + "\n")
