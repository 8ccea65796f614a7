"""Scripting a running emulator from other processes: EmulatorClient and the CLI."""

from __future__ import annotations

import os
import queue
import ssl
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import authsome_nb_emulator
import httpx
import pytest
from authsome_nb_emulator import Emulator, EmulatorClient, UnknownUserCodeError

from .helpers import msal_app

ROOT = Path(authsome_nb_emulator.__file__).resolve().parents[2]


def _environ(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_another_process_approves_and_turns_knobs(emu: Emulator) -> None:
    script = textwrap.dedent("""
        import sys
        from authsome_nb_emulator import EmulatorClient
        client = EmulatorClient(sys.argv[1], sys.argv[2])
        code = client.wait_for_user_code(timeout=20)
        client.configure(throttle_every=2, auto_consent_user="megan")
        print(client.approve(code, "diego"), client.count("devicecode"))
    """)
    app = msal_app(emu)
    flow = app.initiate_device_flow(scopes=["User.Read"])
    helper = subprocess.run([sys.executable, "-c", script, emu.url, emu.ca_path],
                            capture_output=True, text=True, timeout=60, env=_environ())

    assert helper.returncode == 0, helper.stderr
    assert helper.stdout.split() == ["DiegoS@fabrikam.example", "1"]
    assert app.acquire_token_by_device_flow(flow)["id_token_claims"]["preferred_username"] == \
        "DiegoS@fabrikam.example"
    assert emu.throttle_every == 2 and emu.auto_consent_user == "MeganB@contoso.example"


def test_the_client_raises_the_emulators_own_errors(emu: Emulator, identity: httpx.Client,
                                                    ) -> None:
    client = Emulator.attach(emu.url, emu.ca_path)
    with pytest.raises(UnknownUserCodeError):
        client.approve("NOPE12345")
    with pytest.raises(AttributeError):
        client.configure(no_such_knob=1)
    with pytest.raises(TimeoutError):
        client.wait_for_user_code(timeout=0.05)

    client.inject_error(50076, endpoint="devicecode")
    injected = identity.post("/common/oauth2/v2.0/devicecode",
                             data={"client_id": emu.client_id, "scope": "User.Read"})
    assert injected.json()["error_codes"] == [50076]
    assert client.count("devicecode", status=400) == 1
    assert client.info()["client_id"] == emu.client_id
    assert client.add_user("Lynne Robbins")["upn"] == "LynneR@contoso.example"
    assert emu.user("lynne").display_name == "Lynne Robbins"
    assert client.revoke_refresh_tokens("adele") == 0
    assert client.configure()["throttle_status"] == 429


def test_the_control_api_is_not_counted(emu: Emulator) -> None:
    EmulatorClient(emu.url, emu.ca_path).reset_counters()
    assert emu.requests == [] and emu.count("other") == 0


def _read_until(stream: queue.Queue[str], marker: str) -> str:
    seen = ""
    while marker not in seen:
        seen += stream.get(timeout=30)
    return seen


def _check_banner_and_approve(banner: str, home: Path) -> None:
    exports = dict(line[len("export "):].split("=", 1) for line in banner.splitlines()
                   if line.startswith("export "))
    url = banner.split("running at ")[1].split()[0]
    assert exports["AUTHSOME_NB_HOME"] == str(home)
    assert Path(exports["AUTHSOME_NB_CA_BUNDLE"]).is_file()
    assert (home / "providers" / "microsoft.json").is_file()
    assert "python -m authsome_nb_emulator approve CODE --url" in banner

    context = ssl.create_default_context(cafile=exports["AUTHSOME_NB_CA_BUNDLE"])
    with httpx.Client(verify=context, trust_env=False) as client:
        code = client.post(f"{url}/common/oauth2/v2.0/devicecode", data={
            "client_id": exports["MICROSOFT_OAUTH_CLIENT_ID"],
            "scope": "User.Read"}).json()["user_code"]
    # No --url/--ca: the approve verb finds them through the exported environment.
    approve = subprocess.run([sys.executable, "-m", "authsome_nb_emulator", "approve", code],
                             capture_output=True, text=True, timeout=60, env=_environ(**exports))
    assert approve.returncode == 0, approve.stderr
    assert approve.stdout.strip() == f"Approved {code} as AdeleV@contoso.example."


def test_the_cli_serves_prints_its_exports_and_stops_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    command = [sys.executable, "-m", "authsome_nb_emulator", "--home", str(home),
               "--messages-per-user", "5"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=_environ()) as server:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in server.stdout or ()],
                         daemon=True).start()
        try:
            banner = _read_until(lines, "Press Ctrl+C")
            _check_banner_and_approve(banner, home)
        finally:
            server.terminate()
            assert server.wait(timeout=20) == 0
    assert (home / "emulator" / "state.json").is_file()  # sign-ins survive a restart
