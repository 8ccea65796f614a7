"""Where the browser reaches the server, so the callback URL is one it can open."""

from __future__ import annotations

from authsome_nb.jupyter._public_url import ServerAddress, public_root

LOCAL = ServerAddress(base_url="/", ip="127.0.0.1", port=8888)


def test_a_local_server_is_reached_on_localhost_which_ssh_tunnels_and_docker_keep():
    assert public_root(LOCAL, "", {}) == ("http://localhost:8888/", "the server's own address")
    wildcard = ServerAddress(base_url="/lab-x/", ip="0.0.0.0", port=9999, https=True)
    assert public_root(wildcard, "", {})[0] == "https://localhost:9999/lab-x/"
    named = ServerAddress(ip="jupyter.internal", port=80)
    assert public_root(named, "", {})[0] == "http://jupyter.internal:80/"


def test_the_setting_wins_and_base_url_is_added_to_a_bare_origin():
    address = ServerAddress(base_url="/user/ada/", port=8888)
    hub = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada/", "JUPYTERHUB_PUBLIC_URL": "https://x/user/ada/"}
    assert public_root(address, "https://hub.example.org", hub) == (
        "https://hub.example.org/user/ada/", "AuthsomeExtension.public_url")
    assert public_root(address, "https://proxy.example.org/jupyter/ada", {})[0] == (
        "https://proxy.example.org/jupyter/ada/")


def test_jupyterhub_gives_its_public_url_or_its_host_and_prefix():
    address = ServerAddress(base_url="/user/ada/", ip="0.0.0.0", port=8888)
    env = {"JUPYTERHUB_API_TOKEN": "x", "JUPYTERHUB_SERVICE_PREFIX": "/user/ada/",
           "JUPYTERHUB_PUBLIC_URL": "https://hub.example.org/user/ada/"}
    assert public_root(address, "", env) == ("https://hub.example.org/user/ada/",
                                             "JUPYTERHUB_PUBLIC_URL")
    env.update(JUPYTERHUB_PUBLIC_URL="", JUPYTERHUB_HOST="https://ada.hub.example.org")
    assert public_root(address, "", env)[0] == "https://ada.hub.example.org/user/ada/"


def test_a_hub_that_does_not_tell_its_url_gets_no_callback_and_a_reason():
    address = ServerAddress(base_url="/user/ada/", ip="0.0.0.0", port=8888)
    root, reason = public_root(address, "", {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada/"})
    assert root is None and "c.JupyterHub.public_url" in reason


def test_codespaces_forwarded_port():
    env = {"CODESPACE_NAME": "ada-abc",
           "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN": "app.github.dev"}
    assert public_root(LOCAL, "", env)[0] == "https://ada-abc-8888.app.github.dev/"


def test_a_custom_display_url_and_a_unix_socket():
    shown = ServerAddress(port=8888, custom_display_url="https://nb.example.org/whatever")
    assert public_root(shown, "", {})[0] == "https://nb.example.org/"
    root, reason = public_root(ServerAddress(unix_socket=True), "", {})
    assert root is None and "Unix socket" in reason
