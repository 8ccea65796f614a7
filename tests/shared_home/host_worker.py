"""A kernel on one of the two hosts: says "ready <host> <pid>", waits for "go", does one thing.

    host_worker.py token CONNECTION        an.token(); prints "token <sha256 of it>"
    host_worker.py login CONNECTION        a device-code sign-in (the emulator approves it)
    host_worker.py logout CONNECTION
    host_worker.py read-then-logout CONNECTION
                                           reads the store, says "read", signs out when told
    host_worker.py sign-ins N PREFIX       N sign-ins one after another (PREFIX0 … PREFIXN-1)
    host_worker.py list                    lists connections every 20 ms until told "stop"
    host_worker.py list-mail PAGE_SIZE     the signed-in mailbox's messages, several pages in
                                           flight: "rows <n> unique <ids>"
    host_worker.py stall before|after CONNECTION
                                           a refresh that stops, holding the store's lock,
                                           before (or after) the provider answers: says
                                           "holding", goes on when told "resume"

Every answer is one line; a failure is "error <ErrorType> <message>".  Tokens never appear.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import sys
import threading
import time
from collections import Counter
from typing import Any

import authsome_nb as an

QUIET = {"on_event": lambda event: None}


def main(action: str, *args: str) -> None:
    import msal  # noqa: F401 - loaded before "ready", so that the race starts together

    session = an.session()
    if action == "stall":
        stall_refresh(session, args[0])
    with contextlib.suppress(an.AuthsomeError):
        an.connections()  # a warm kernel: the store in memory, its size in the mount's cache
    print("ready", socket.gethostname(), os.getpid(), flush=True)
    sys.stdin.readline()
    try:
        print(act(action, *args), flush=True)
    except an.AuthsomeError as exc:
        print("error", type(exc).__name__, str(exc).replace("\n", " "), flush=True)


def act(action: str, *args: str) -> str:
    if action in ("token", "stall"):
        value = an.token(connection=args[-1]).value
        return f"token {hashlib.sha256(value.encode()).hexdigest()}"
    if action == "login":
        return f"login {an.login(connection=args[0], flow='device', **QUIET).key}"
    if action == "logout":
        return f"logout {an.logout(connection=args[0])}"
    if action == "read-then-logout":
        an.connections()
        print("read", flush=True)
        sys.stdin.readline()
        return f"logout {an.logout(connection=args[0])}"
    if action == "sign-ins":
        for i in range(int(args[0])):
            an.login(connection=f"{args[1]}{i}", flow="device", **QUIET)
        return f"signed-in {args[0]}"
    if action == "list":
        return list_until_told()
    if action == "list-mail":
        with an.graph(progress=False) as graph:
            frame = graph.frame("/me/messages", select="id", page_size=int(args[0]))
        return f"rows {len(frame)} unique {frame['id'].nunique()}"
    raise SystemExit(f"unknown action {action}")


def list_until_told() -> str:
    """``an.connections()`` every 20 ms while the other host writes; counts what failed."""
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    reads, errors = 0, Counter[str]()
    while not stop.is_set():
        try:
            an.connections()
            reads += 1
        except an.AuthsomeError as exc:
            errors[type(exc).__name__] += 1
        time.sleep(0.02)
    failed = " ".join(f"{name}={n}" for name, n in sorted(errors.items()))
    return f"listed {reads} {failed}".strip()


def stall_refresh(session: Any, when: str) -> None:
    """The refresh of this process stops inside the store's lock, to be killed there: before
    the request leaves (the provider rotated nothing) or after its answer (it rotated)."""
    store = session.sources()[0]  # the store's token source: its engines refresh
    real_engine = store.engine

    def engine(name: str) -> Any:
        found = real_engine(name)
        real_refresh = found.refresh

        def refresh(*args: Any, **kwargs: Any) -> Any:
            if when == "before":
                hold()
            answer = real_refresh(*args, **kwargs)
            if when == "after":
                hold()
            return answer

        found.refresh = refresh
        return found

    store.engine = engine


def hold() -> None:
    print("holding", flush=True)
    sys.stdin.readline()  # "resume" (or never: the test kills it here)


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
