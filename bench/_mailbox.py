"""A signed-in emulator mailbox in its own process, for the Graph benchmarks.

The emulator runs in a separate Python process so that its work (JSON for 1000-message pages)
does not share a GIL with the client being measured; it is scripted over its control API
(``EmulatorClient``): latency, the per-mailbox limit, counters, changes to the mailbox.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

_ENV = ("AUTHSOME_NB_HOME", "AUTHSOME_NB_CA_BUNDLE", "AUTHSOME_NB_KEY", "MICROSOFT_OAUTH_CLIENT_ID")
_EMULATOR = """
import json, sys
from authsome_nb_emulator import Emulator
with Emulator(messages_per_user=int(sys.argv[1]), auto_approve_after=0) as emu:
    print(json.dumps({"override": emu.provider_override(), "ca_path": emu.ca_path,
                      "client_id": emu.client_id, "url": emu.url}), flush=True)
    sys.stdin.read()
"""


@contextmanager
def signed_in_mailbox(messages: int, **knobs: Any) -> Iterator[Any]:
    """An ``EmulatorClient`` for a mailbox of ``messages``, with this process signed in to it."""
    from authsome_nb_emulator import EmulatorClient

    saved = {name: os.environ.get(name) for name in _ENV}
    with tempfile.TemporaryDirectory(prefix="authsome-bench-") as folder:
        home = Path(folder) / "home"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p))
        process = subprocess.Popen([sys.executable, "-c", _EMULATOR, str(messages)], env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            info = json.loads(process.stdout.readline())
            (home / "providers").mkdir(parents=True, mode=0o700)
            (home / "providers" / "microsoft.json").write_text(json.dumps(info["override"]))
            os.environ.update({"AUTHSOME_NB_HOME": str(home),
                               "AUTHSOME_NB_CA_BUNDLE": info["ca_path"],
                               "AUTHSOME_NB_KEY": base64.b64encode(os.urandom(32)).decode(),
                               "MICROSOFT_OAUTH_CLIENT_ID": info["client_id"]})
            import authsome_nb as an

            an.login(flow="device", services="outlook", on_event=lambda event: None)
            control = EmulatorClient(info["url"], info["ca_path"])
            control.configure(**knobs)
            control.reset_counters()
            yield control
        finally:
            process.stdin.close()
            process.wait(10)
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def machine() -> dict[str, Any]:
    import platform

    import httpx
    import pandas

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "pandas": pandas.__version__, "httpx": httpx.__version__}
