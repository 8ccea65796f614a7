"""flow="auto": device code where the browser cannot reach the kernel's loopback."""

from __future__ import annotations

import pytest

from authsome_nb.flows._environment import Placement, choose_flow, detect_placement

LOCAL = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"JUPYTERHUB_API_TOKEN": "x", "DISPLAY": ":0"}, "JupyterHub"),
        ({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, "SSH"),
        ({"CODESPACES": "true", "DISPLAY": ":0"}, "Codespaces"),
        ({"COLAB_RELEASE_TAG": "x", "DISPLAY": ":0"}, "Colab"),
        ({}, "no display"),
    ],
)
def test_remote_places_pick_the_device_code_and_say_why(env, reason, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    placement = detect_placement(env)
    flow, why = choose_flow("auto", supports_device_code=True, placement=placement)
    assert flow == "device"
    assert reason in why and "device code" in why


def test_a_local_desktop_picks_pkce(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    flow, why = choose_flow("auto", supports_device_code=True, placement=detect_placement(LOCAL))
    assert flow == "pkce" and "PKCE" in why


def test_remote_with_the_jupyter_server_callback_uses_pkce():
    remote = Placement(
        remote_reason="this kernel runs on JupyterHub", in_kernel=True, has_display=False
    )
    flow, why = choose_flow(
        "auto", supports_device_code=True, placement=remote, server_callback=True
    )
    assert flow == "pkce" and "Jupyter server" in why


def test_an_explicit_flow_is_obeyed():
    remote = Placement(remote_reason="over SSH", in_kernel=False, has_display=True)
    assert choose_flow("pkce", supports_device_code=True, placement=remote)[0] == "pkce"
    local = Placement(remote_reason=None, in_kernel=False, has_display=True)
    assert choose_flow("device", supports_device_code=True, placement=local)[0] == "device"
