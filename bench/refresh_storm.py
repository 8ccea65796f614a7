"""16 processes reach token expiry together: how many refresh requests, how long, how many fail?

* ours: 16 processes call ``an.token()`` on one connection whose access token is due;
* baseline: 16 processes call MSAL's ``acquire_token_silent`` over one msal-extensions
  ``PersistedTokenCache`` holding the same account (what sharing a cache file gives you).

The emulator rotates refresh tokens strictly (a used one stops working), as a careful
identity platform may: a second refresh with the same refresh token fails.  Prints a JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCESSES = 16
SCOPES = [
    "User.Read",
    "Mail.ReadWrite",
    "Calendars.ReadWrite",
    "Files.ReadWrite",
    "Tasks.ReadWrite",
]
WORKER = r"""
import json, sys, os
mode = sys.argv[1]
if mode == "ours":
    import authsome_nb as an, msal
    import cryptography.hazmat.primitives.ciphers.aead
    an.token, an.AuthsomeError  # the lazy imports happen before the race, as in a warm kernel
    print("ready", flush=True); sys.stdin.readline()
    try:
        an.token(); print("ok", flush=True)
    except an.AuthsomeError as exc:
        print("failed", type(exc).__name__, flush=True)
else:
    import msal, requests
    from msal_extensions import FilePersistence, PersistedTokenCache
    cache = PersistedTokenCache(FilePersistence(os.environ["BENCH_CACHE"]))
    session = requests.Session(); session.trust_env = False; session.verify = os.environ["AUTHSOME_NB_CA_BUNDLE"]
    app = msal.PublicClientApplication(os.environ["MICROSOFT_OAUTH_CLIENT_ID"], authority=os.environ["BENCH_AUTHORITY"],
                                       token_cache=cache, instance_discovery=False, http_client=session)
    account = app.get_accounts()[0]
    print("ready", flush=True); sys.stdin.readline()
    result = app.acquire_token_silent_with_error(json.loads(os.environ["BENCH_SCOPES"]), account)
    print("ok" if result and "access_token" in result else "failed " + str((result or {}).get("error")), flush=True)
"""


def storm(mode: str, env: dict[str, str]) -> dict:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outcomes = [proc.stdout.readline().strip() for proc in procs]  # each one's answer
    elapsed = time.perf_counter() - started  # until the last answer (not until the processes exit)
    for proc in procs:
        proc.communicate(timeout=300)
    return {
        "wall_s": round(elapsed, 3),
        "ok": sum(o == "ok" for o in outcomes),
        "failed": sum(o.startswith("failed") for o in outcomes),
    }


def main() -> dict:
    from authsome_nb_emulator import Emulator

    import authsome_nb as an
    from authsome_nb.store import EncryptedStore

    results = {"processes": PROCESSES}
    with Emulator() as emu:
        emu.strict_rotation = True
        home = Path(tempfile.mkdtemp(prefix="bench-storm-"))
        env = dict(os.environ, **emu.environ(home), AUTHSOME_NB_KEYRING="0")
        os.environ.update(env)
        emu.write_provider_override(home)
        emu.access_token_lifetime = 302  # due for refresh (5-minute rule) about 2 s after sign-in
        for connection in (
            "default",
            "baseline",
        ):  # one sign-in each: each side has its own refresh token
            an.login(
                connection=connection,
                flow="pkce",
                open_browser=lambda url: emu.play_browser(url),
                on_event=lambda e: None,
            )
        record = EncryptedStore(home).records()["microsoft/baseline"]
        cache_path = home / "msal_extensions_cache.json"
        cache_path.write_text(
            json.dumps(dict(record.state.cache))
        )  # the same account, for the baseline
        emu.access_token_lifetime = 3600
        time.sleep(2.5)
        for mode in ("ours", "msal_extensions"):
            run_env = dict(
                env,
                BENCH_CACHE=str(cache_path),
                BENCH_AUTHORITY=emu.authority(),
                BENCH_SCOPES=json.dumps(SCOPES),
            )
            emu.reset_counters()
            outcome = storm(mode, run_env)
            outcome["refresh_requests"] = emu.count("token", grant_type="refresh_token")
            results[mode] = outcome
    return results


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")
