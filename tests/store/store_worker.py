"""Run in a child process by the store tests: one store operation, then exit."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from authsome_nb.store import EncryptedStore


def write_connection(home: str, name: str, start_at: float) -> None:
    store = EncryptedStore(Path(home))
    while time.time() < start_at:  # line up with the other processes
        time.sleep(0.001)
    with store.transaction() as tx:
        tx.connections[name] = {
            "provider": "microsoft",
            "connection": name,
            "scopes": ["User.Read"],
            "payload": "x" * 2000,
        }
        tx.save()


def write_forever(home: str) -> None:
    store = EncryptedStore(Path(home))
    n = 0
    while True:
        n += 1
        with store.transaction() as tx:
            tx.connections["churn"] = {
                "provider": "microsoft",
                "connection": "churn",
                "n": n,
                "payload": "y" * (1000 + n % 5000),
            }
            tx.save()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write":
        write_connection(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif command == "churn":
        print("ready", flush=True)
        write_forever(sys.argv[2])
