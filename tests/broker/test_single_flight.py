"""Children that outlive their token keep working, and eight of them at expiry make one refresh
between them, through the proxy and through the managed-identity endpoint alike."""

from __future__ import annotations

import sys
import time

from azure_world import REFRESH, consent_elsewhere

import authsome_nb as an

CHILDREN = 8
PYTHON = sys.executable
# Each child waits for the start file, then asks once (through the proxy, or the endpoint).
PROXIED = r"""
import os, pathlib, requests, sys, time
while not pathlib.Path(sys.argv[1]).exists():
    time.sleep(0.01)
os.write(1, b"%d\n" % requests.get(os.environ["GRAPH"] + "/me").status_code)  # one write each
"""
MANAGED = r"""
import os, pathlib, sys, time
from azure.identity import ManagedIdentityCredential
while not pathlib.Path(sys.argv[1]).exists():
    time.sleep(0.01)
token = ManagedIdentityCredential().get_token("https://storage.azure.com/.default").token
os.write(1, b"%d\n" % (len(token) > 0))
"""


def _expire_soon(emulator, ask) -> None:
    """Get tokens that count as expired after a second (< 5 min left), then wait that second."""
    emulator.access_token_lifetime = 301
    ask()
    emulator.access_token_lifetime = 3600
    time.sleep(1.2)
    emulator.reset_counters()


def _eight_at_once(code: str, emulator, tmp_path) -> list[str]:
    start, script = tmp_path / "start", tmp_path / "child.py"
    script.write_text(code)
    command = " & ".join([f"{PYTHON} {script} {start}"] * CHILDREN) + f" & touch {start}; wait"
    done = an.run(command, shell=True, env={"GRAPH": emulator.graph_base},
                  capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.split()


def test_eight_proxied_children_at_expiry_make_one_refresh(signed_in, tmp_path):
    _expire_soon(signed_in, lambda: an.refresh())
    answers = _eight_at_once(PROXIED, signed_in, tmp_path)
    assert answers == ["200"] * CHILDREN
    assert signed_in.count("token", **REFRESH) == 1
    assert signed_in.count("graph", status=200) == CHILDREN


def test_eight_children_asking_the_identity_endpoint_at_expiry_make_one_refresh(signed_in,
                                                                                tmp_path):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")
    credential = an.credential()
    _expire_soon(signed_in, lambda: credential.get_token("https://storage.azure.com/.default"))
    answers = _eight_at_once(MANAGED, signed_in, tmp_path)
    assert answers == ["1"] * CHILDREN
    assert signed_in.count("token", **REFRESH) == 1
