"""``%authsome run`` in a real kernel (nbclient): output streamed into the cell, the exit code
last, Kernel → Interrupt stopping the command and its broker, and the kernel-wide mode that
``!`` cells and ``subprocess`` inherit while the package's own clients stay off it."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "notebook"))

from notebook_harness import NotebookRun, kernel_env  # noqa: E402

import authsome_nb as an  # noqa: E402


@pytest.fixture
def notebook(signed_in, tmp_path):
    env = kernel_env({**signed_in.environ(os.environ["AUTHSOME_NB_HOME"]),
                      "GRAPH": signed_in.graph_base})
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                 "MICROSOFT_ACCESS_TOKEN", "MICROSOFT_REFRESH_TOKEN"):
        env.pop(name, None)  # the kernel gets proxy and token from the broker only

    def make(*sources: str) -> NotebookRun:
        return NotebookRun(env, ["%load_ext authsome_nb", *sources], tmp_path / "run.ipynb",
                           timeout=90)
    return make


def test_a_command_streams_into_the_cell_and_ends_with_its_exit_code(notebook, signed_in):
    token = an.token().value
    with notebook(
        "%authsome run microsoft -- curl -sS \"$GRAPH/me?\\$select=displayName\"; "
        "echo; echo \"$MICROSOFT_ACCESS_TOKEN\"",
        "%authsome run -- no-such-command-here",
        "%authsome run microsoft",
    ) as run:
        run.cells(0, 1, 2, 3)
        text = run.text(1)
        assert '"displayName":"Adele Vance"' in text
        assert "authsome-proxy-managed" in text
        assert text.rstrip().endswith("[exit code 0]")
        assert run.text(2).rstrip().endswith("[exit code 127: command not found]")
        assert "give the command after --" in run.text(3)
        run.save()
        assert token not in run.path.read_text()


def test_kernel_interrupt_stops_the_command_and_its_broker(notebook, tmp_path):
    pid_file, port_file = tmp_path / "pid", tmp_path / "port"
    with notebook(
        f"%authsome run microsoft -- echo \"${{HTTPS_PROXY##*:}}\" > {port_file}; "
        f"sleep 120 & echo $! > {pid_file}; wait",
        "print('still usable')",
    ) as run:
        import threading

        def interrupt_when_started() -> None:
            while not pid_file.exists() or not pid_file.read_text().strip():
                time.sleep(0.05)
            run.interrupt()

        run.cell(0)
        interrupter = threading.Thread(target=interrupt_when_started, daemon=True)
        interrupter.start()
        run.cell(1)
        interrupter.join()
        run.cell(2)
        assert "[interrupted: the command and its broker were stopped]" in run.text(1)
        assert "still usable" in run.text(2)
    pid, port = int(pid_file.read_text()), int(port_file.read_text())
    assert _gone(pid)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_kernel_wide_broker_serves_bang_cells_and_subprocess_not_our_own_clients(notebook):
    with notebook(
        "import os\nnames = ('HTTPS_PROXY', 'SSL_CERT_FILE', 'MICROSOFT_ACCESS_TOKEN')\n"
        "env_before = {n: os.environ.get(n) for n in names}",
        "%authsome run --kernel",
        "!curl -sS \"$GRAPH/me?\\$select=displayName\"",
        "import os, subprocess\n"
        "subprocess.run(['curl', '-sS', os.environ['GRAPH'] + '/me?$select=mail'],"
        " capture_output=True, text=True).stdout",
        "import authsome_nb as an\nfrom authsome_nb.broker import kernel_broker\n"
        "before = kernel_broker().requests_forwarded\n"
        "(an.graph().get('/me')['displayName'], kernel_broker().requests_forwarded - before)",
        "%authsome run --kernel off",
        "{n: os.environ.get(n) for n in names} == env_before, os.environ.get('HTTPS_PROXY')",
    ) as run:
        run.cells(*range(8))
        assert "Kernel-wide broker on" in run.text(2)
        assert '"displayName":"Adele Vance"' in run.text(3)
        assert "AdeleV@" in run.text(4)
        assert "('Adele Vance', 0)" in run.text(5)  # an.graph() went direct, not via the broker
        assert "Kernel-wide broker off" in run.text(6)
        assert "(True, None)" in run.text(7)  # every variable as it was


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie that no one reaped yet counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status
