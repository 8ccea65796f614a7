"""A stand-in for another kernel: imports, says "ready", waits for "go", asks for a token."""

from __future__ import annotations

import hashlib
import sys

import authsome_nb as an


def main(connection: str) -> None:
    import authlib.oauth2.client  # noqa: F401 - import before "ready": all workers race together

    print("ready", flush=True)
    sys.stdin.readline()
    try:
        value = an.token("testoidc", connection).value
        print("token", hashlib.sha256(value.encode()).hexdigest(), flush=True)
    except an.AuthsomeError as exc:
        print("error", type(exc).__name__, str(exc).replace("\n", " "), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
