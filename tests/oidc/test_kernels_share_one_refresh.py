"""Eight kernels at expiry against a server that revokes the grant when a rotated refresh
token is reused: exactly one refresh between them, and the grant survives."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from test_sign_in_with_oidc_provider import approving

import authsome_nb as an

WORKER = Path(__file__).with_name("op_worker.py")


def test_eight_processes_at_expiry_make_exactly_one_refresh(op_env):
    op = op_env
    op.set_access_token_ttl(302)  # valid for ~2 s by the 5-minute rule
    an.login("testoidc", flow="device", on_event=approving(op, "ada", []))
    op.set_access_token_ttl(3600)
    procs = [subprocess.Popen([sys.executable, str(WORKER), "default"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=os.environ.copy())
             for _ in range(8)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    while an.get("testoidc").expires_at - time.time() > 299:
        time.sleep(0.1)
    op.reset_counts()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120)[0].strip() for proc in procs]
    assert all(o.startswith("token ") for o in outputs), outputs
    assert len(set(outputs)) == 1, "every process must end with the same fresh token"
    assert op.refreshes() == 1
    assert op.counts()["revoked"] == 0, "a reused refresh token would have revoked the grant"
    token = an.token("testoidc")
    assert outputs[0] == "token " + hashlib.sha256(token.value.encode()).hexdigest()
    assert op.userinfo(token.value).status_code == 200
