"""A stand-in for another kernel: imports, says "ready", waits for "go", does one thing."""

from __future__ import annotations

import hashlib
import sys

import authsome_nb as an


def main(action: str, connection: str, provider: str = "microsoft") -> None:
    import msal  # noqa: F401 - import before "ready" so that all workers start the race together

    print("ready", flush=True)
    sys.stdin.readline()
    try:
        if action == "token":
            value = an.token(provider, connection=connection).value
            print("token", hashlib.sha256(value.encode()).hexdigest(), flush=True)
        elif action == "login":
            conn = an.login(connection=connection, flow="device", on_event=lambda e: None)
            print("login", conn.key, flush=True)
        elif action == "logout":
            print("logout", an.logout(connection=connection), flush=True)
    except an.AuthsomeError as exc:
        print("error", type(exc).__name__, str(exc).replace("\n", " "), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
