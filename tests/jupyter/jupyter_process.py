"""A real Jupyter server (or JupyterLab) in a subprocess, with the authsome_nb extension enabled.

The server runs from this source tree (``PYTHONPATH``), in private Jupyter folders, on a free
loopback port, with a known token; ``stop()`` ends it with SIGTERM like a user's Ctrl+C would,
so its exit hooks run.  The browser tests use the same launcher with ``app="jupyterlab"``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# A bare Jupyter server loads only ours (it starts in ~2 s instead of ~3); JupyterLab needs its own.
_OTHERS_OFF = ", ".join(f'"{name}": False' for name in (
    "jupyterlab", "jupyter_lsp", "notebook", "notebook_shim", "jupyter_server_terminals"))
_EXTENSIONS = {
    "jupyter_server": '{"authsome_nb": True, ' + _OTHERS_OFF + "}",
    "jupyterlab": '{"authsome_nb": True}',
}


BUILT_LABEXTENSION = ROOT / "authsome_nb" / "labextension"


def fresh_labextension_args(workdir: Path) -> tuple[str, ...]:
    """Arguments that make JupyterLab and Notebook 7 load the extension built in this tree
    (an editable install's copy in the environment may be older than the sources)."""
    extensions = workdir / "labextensions"
    extensions.mkdir(exist_ok=True)
    link = extensions / "authsome-nb"
    if not link.exists():
        link.symlink_to(BUILT_LABEXTENSION, target_is_directory=True)
    return (f"--LabApp.extra_labextensions_path={extensions}",
            f"--JupyterNotebookApp.extra_labextensions_path={extensions}")


class JupyterProcess:
    def __init__(self, workdir: Path, home: Path, *, env: dict[str, str] | None = None,
                 app: str = "jupyter_server", base_url: str = "/", callback: bool | None = None,
                 extra_args: tuple[str, ...] = ()) -> None:
        """``callback``: set ``AuthsomeExtension.callback`` (None: the extension's default)."""
        self.workdir = workdir
        self.home = home
        self.token = secrets.token_hex(16)
        self.base_url = base_url
        self.runtime_dir = workdir / "runtime"
        for name in ("runtime", "config", "data", "notebooks"):
            (workdir / name).mkdir(parents=True, exist_ok=True)
        if app == "jupyterlab":  # no "get Jupyter news?" toast over the page under test
            labconfig = workdir / "config" / "labconfig"
            labconfig.mkdir(exist_ok=True)
            (labconfig / "page_config.json").write_text(json.dumps(
                {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "JUPYTER_RUNTIME_DIR": str(self.runtime_dir),
            "JUPYTER_CONFIG_DIR": str(workdir / "config"),
            "JUPYTER_DATA_DIR": str(workdir / "data"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "AUTHSOME_NB_HOME": str(home),
            **(env or {}),
        }
        args = [
            sys.executable, "-m", app, "--no-browser", "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.base_url={base_url}",
            f"--ServerApp.root_dir={workdir / 'notebooks'}",
            f"--ServerApp.jpserver_extensions={_EXTENSIONS[app]}",
            *([] if callback is None else [f"--AuthsomeExtension.callback={callback}"]),
            *extra_args,
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        self.log_path = workdir / f"{app}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args, cwd=workdir, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        self.url = self._wait_until_serving()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_until_serving(self, timeout: float = 60.0) -> str:
        info_file = self.runtime_dir / f"jpserver-{self.process.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Jupyter exited ({self.process.returncode}):\n{self.log()}")
            if info_file.exists():
                info = json.loads(info_file.read_text())
                url = f"http://127.0.0.1:{info['port']}{self.base_url}"
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}api/status", headers=self.auth, timeout=5).is_success:
                        return url
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Jupyter did not start within {timeout} s:\n{self.log()}")

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def client(self, *, token: bool = True) -> httpx.Client:
        """An HTTP client for the server (with Jupyter's token unless ``token=False``)."""
        return httpx.Client(base_url=self.url, headers=self.auth if token else {}, timeout=30,
                            follow_redirects=False)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def write_notebook(folder: Path, name: str, cells: list[str]) -> Path:
    """``folder/name``: a notebook of code ``cells`` with a Python 3 kernelspec."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(notebook, str(path))
    return path


def open_in_lab(page, server: JupyterProcess, name: str):
    """Open ``notebooks/name`` in JupyterLab, wait for its kernel to be idle, and return the
    notebook's code cells (a Playwright locator)."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}lab/tree/{name}?token={server.token}")
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle")).to_be_visible()
    return page.locator(".jp-Notebook .jp-CodeCell")
