"""A real JupyterHub for tests: examples/hub/jupyterhub_config.py, run against the emulator.

The Hub runs the example configuration as written; a small test configuration loads it and
adds only what a loopback test needs: free ports, ``SimpleLocalProcessSpawner`` with a home
folder per user, the proxy from ``tests/hub/node_modules``, the emulator's CA, and an admin
service token for the test to spawn servers with.  Users log in the way a browser does
(``/hub/oauth_login`` → the emulator's sign-in page → ``/hub/oauth_callback``), and code runs
in their servers' kernels over Jupyter's REST API and kernel websocket.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hub" / "jupyterhub_config.py"
PROXY = Path(__file__).resolve().parent / "node_modules" / ".bin" / "configurable-http-proxy"
SECRET = "hub-client-secret-" + "s" * 24

_TEST_CONFIG = '''
import json, sys
load_subconfig({example!r})
settings = json.loads({settings!r})
c.JupyterHub.bind_url = settings["public_url"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = settings["proxy_api_url"]
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = "sqlite:///" + settings["workdir"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = settings["workdir"] + "/jupyterhub_cookie_secret"
c.JupyterHub.allow_named_servers = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = settings["workdir"] + "/homes/{{username}}"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = settings["server_args"]
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment.update(settings["server_environment"])
c.OAuthenticator.http_request_kwargs = {{"ca_certs": settings["ca_path"]}}
c.GenericOAuthenticator.auth_refresh_age = settings["auth_refresh_age"]
c.JupyterHub.services[0]["url"] = settings["service_url"]
c.JupyterHub.services.append({{"name": "tests", "api_token": settings["admin_token"]}})
c.JupyterHub.load_roles.append({{"name": "tests", "services": ["tests"], "scopes": [
    "admin:users", "admin:servers", "tokens", "access:servers"]}})
'''

# The single-user servers load only what the tests use (they start faster).
_SERVER_CONFIG = {"ServerApp": {"jpserver_extensions": {
    "authsome_nb": True, "jupyterlab": False, "jupyter_lsp": False, "notebook": False,
    "notebook_shim": False, "jupyter_server_terminals": False}}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HubProcess:
    """``jupyterhub`` in a subprocess; ``url`` is the proxy's (what browsers use)."""

    def __init__(self, workdir: Path, emu, *, auth_refresh_age: int = 300) -> None:
        if not PROXY.exists():
            raise RuntimeError(f"{PROXY} is missing: `python3 dev.py test` installs it (npm ci "
                               "in tests/hub)")
        self.workdir = workdir
        self.emu = emu
        self.admin_token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.service_url = f"http://127.0.0.1:{free_port()}"
        self.crypt_key = secrets.token_hex(32)
        self.hub_secret = secrets.token_hex(32)
        (workdir / "homes").mkdir(parents=True, exist_ok=True)
        server_config = workdir / "server-config"
        server_config.mkdir(exist_ok=True)
        (server_config / "jupyter_server_config.json").write_text(json.dumps(_SERVER_CONFIG))
        emu.client_secret = SECRET  # the Hub is a confidential client
        emu.register_redirect_uri(f"{self.url}/hub/oauth_callback")
        emu.register_redirect_uri(f"{self.url}/services/authsome/callback", public_client=True)
        settings = {
            "public_url": self.url, "hub_port": free_port(),
            "proxy_api_url": f"http://127.0.0.1:{free_port()}", "proxy": str(PROXY),
            "workdir": str(workdir), "ca_path": emu.ca_path, "service_url": self.service_url,
            "admin_token": self.admin_token, "auth_refresh_age": auth_refresh_age,
            "server_args": ["--allow-root"] if os.geteuid() == 0 else [],
            "server_environment": {"AUTHSOME_NB_CA_BUNDLE": emu.ca_path,
                                   "AUTHSOME_NB_KEYRING": "0",
                                   "JUPYTER_CONFIG_DIR": str(server_config)},
        }
        config = workdir / "test_config.py"
        config.write_text(_TEST_CONFIG.format(example=str(EXAMPLE), settings=json.dumps(settings)))
        tenant = emu.user("adele").tenant_id
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_",
                                                                      "AUTHSOME_NB_"))},
            "ENTRA_TENANT_ID": tenant, "ENTRA_CLIENT_ID": emu.client_id,
            "ENTRA_CLIENT_SECRET": SECRET, "HUB_PUBLIC_URL": self.url,
            "ENTRA_LOGIN_URL": emu.url, "GRAPH_URL": emu.url,
            "JUPYTERHUB_CRYPT_KEY": self.crypt_key, "AUTHSOME_NB_HUB_SECRET": self.hub_secret,
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        self.log_path = workdir / "jupyterhub.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=workdir, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_serving()

    # -- lifecycle ---------------------------------------------------------------------------
    def _wait_until_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/hub/api/", timeout=5).status_code == 200 and \
                        httpx.get(f"{self.service_url}/services/authsome/api/info",
                                  timeout=5).status_code == 403:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterHub did not start within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    # -- the admin's API ---------------------------------------------------------------------
    def api(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/hub/api",
                            headers={"Authorization": f"token {self.admin_token}"}, timeout=60)

    def spawn(self, user: str, server: str = "", timeout: float = 90) -> str:
        """Start ``user``'s (named) server and wait until it is ready; its URL."""
        path = f"/users/{quote(user)}/servers/{quote(server)}" if server else \
            f"/users/{quote(user)}/server"
        with self.api() as api:
            started = api.post(path)
            assert started.status_code in (201, 202, 400), started.text  # 400: already running
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                model = api.get(f"/users/{quote(user)}").json()
                found = model.get("servers", {}).get(server)
                if found and found.get("ready"):
                    return f"{self.url}{found['url']}"
                time.sleep(0.25)
        raise AssertionError(f"{user}'s server {server!r} not ready after {timeout} s:\n"
                             f"{self.log()[-4000:]}")

    def user_token(self, user: str) -> str:
        """An API token of ``user`` (what their browser's login amounts to, for the REST API)."""
        with self.api() as api:
            made = api.post(f"/users/{quote(user)}/tokens", json={"note": "tests"})
            assert made.status_code == 201, made.text
            return made.json()["token"]


class HubBrowser:
    """A person's browser: cookies for the Hub, the emulator's sign-in page in between."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self.http = httpx.Client(base_url=hub.url, follow_redirects=False, timeout=60)

    def log_in(self, user: str) -> str:
        """Log in to the Hub as the emulator's ``user``; returns the Hub user name."""
        start = self.http.get("/hub/oauth_login")
        assert start.status_code == 302, start.text
        landing = self.hub.emu.play_browser(start.headers["location"], user=user, follow=False)
        done = self.http.get(landing)
        assert done.status_code == 302, done.text
        who = self.http.get("/hub/api/user", headers={"Referer": f"{self.hub.url}/hub/"})
        assert who.status_code == 200, who.text
        return who.json()["name"]

    def close(self) -> None:
        self.http.close()


class Kernel:
    """One kernel of a user's server, driven over its websocket like a notebook would."""

    def __init__(self, server_url: str, token: str) -> None:
        import websocket

        self.http = httpx.Client(base_url=server_url, timeout=60,
                                 headers={"Authorization": f"token {token}"})
        started = self.http.post("api/kernels", json={"name": "python3"})
        assert started.status_code == 201, started.text
        self.id = started.json()["id"]
        ws_url = server_url.replace("http://", "ws://") + f"api/kernels/{self.id}/channels"
        self.socket = websocket.create_connection(
            ws_url, header=[f"Authorization: token {token}"], timeout=90)
        self.session = uuid.uuid4().hex
        self.transcript = ""  # everything the kernel showed, for the secrets checks
        self.run("1")  # the kernel is up and answering

    def run(self, code: str, timeout: float = 90) -> str:
        """Execute ``code``; its stdout (and results), or an AssertionError with its traceback."""
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": "tests", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        out: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            self.transcript += json.dumps(content)
            if kind == "stream":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                raise AssertionError("the kernel raised:\n" + "\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
        raise AssertionError(f"no answer from the kernel within {timeout} s; so far: {out}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.socket.close()
        with contextlib.suppress(httpx.HTTPError):
            self.http.delete(f"api/kernels/{self.id}")
        self.http.close()
