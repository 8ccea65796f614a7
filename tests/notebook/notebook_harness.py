"""Running real notebooks for the tests: nbclient, a real ipykernel, the emulator, widget state.

``NotebookRun`` executes cells one at a time in one kernel, so a test can act between cells,
or from a helper thread *while* one blocks (approve a device code, interrupt the kernel).  It
records every iopub message the kernel sent for each cell, so a test can see the order in
which the widgets changed, not only how they ended.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

REPO = Path(__file__).resolve().parents[2]
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


class RecordingClient(NotebookClient):
    """An nbclient that keeps every iopub message (with the index of the cell then running).

    Like a widget frontend, and unlike plain nbclient, it also applies widget and display
    updates that answer an earlier request (a background sign-in updates its widgets after
    its cell has finished), and forgets a widget once it is closed.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[tuple[int, dict]] = []
        self._messages_lock = threading.Lock()

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index) -> None:
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            with self._messages_lock:
                self.messages.append((cell_index, msg))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            elif msg["msg_type"] in ("comm_open", "comm_msg", "comm_close"):
                self.handle_comm_msg(cell.outputs, msg, cell_index)
            elif msg["msg_type"] == "update_display_data":
                self._update_display_id(msg["content"]["transient"]["display_id"], msg)

    def handle_comm_msg(self, outputs, msg, cell_index) -> None:
        # A closed widget is gone from a frontend's widget manager, so from saved state too.
        if msg["msg_type"] == "comm_close":
            self.widget_state.pop(msg["content"]["comm_id"], None)
            return
        super().handle_comm_msg(outputs, msg, cell_index)

    def recorded(self) -> list[tuple[int, dict]]:
        with self._messages_lock:
            return list(self.messages)


def kernel_env(emulator_env: dict[str, str]) -> dict[str, str]:
    """The test's environment plus the emulator's, with this checkout importable."""
    env = dict(os.environ)
    env.update(emulator_env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


class NotebookRun:
    """One notebook in one kernel: ``with NotebookRun(env, cells, path) as run: run.cell(0)``."""

    def __init__(self, env: dict[str, str], sources: list[str], path: Path, *, timeout: int = 90):
        self.env = env
        self.path = path
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                          "language": "python"}
        self.nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        self.client = RecordingClient(
            self.nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            store_widget_state=True, resources={"metadata": {"path": str(path.parent)}},
        )
        self._setup = None

    def __enter__(self) -> NotebookRun:
        self._setup = self.client.setup_kernel(env=self.env)
        self._setup.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.save()
        finally:
            self._setup.__exit__(*exc_info)

    def cell(self, index: int):
        """Execute cell ``index`` (blocking until the kernel is idle again); returns the cell."""
        return self.client.execute_cell(self.nb.cells[index], index)

    def cells(self, *indices: int) -> None:
        for index in indices or range(len(self.nb.cells)):
            self.cell(index)

    def interrupt(self) -> None:
        """Kernel → Interrupt, as the Jupyter server does it."""
        run_sync(self.client.km.interrupt_kernel)()

    def wait_for_output(self, needle: str, timeout: float = 30) -> None:
        """Wait until an output shows ``needle`` (e.g. the user code) as text — a stream or a
        display's ``text/plain``: by then the whole panel has been sent too."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, msg in self.client.recorded():
                content = msg["content"]
                shown = content.get("text", "") if msg["msg_type"] == "stream" else \
                    content.get("data", {}).get("text/plain", "")
                if needle in shown:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the kernel never showed {needle!r}")

    def wait_for_match(self, pattern: str, timeout: float = 30) -> re.Match:
        """Wait until a message the kernel sent matches ``pattern`` (searched in its JSON)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, msg in self.client.recorded():
                found = re.search(pattern, json.dumps(msg["content"]))
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"the kernel never showed anything matching {pattern!r}")

    def click(self, button_model_id: str) -> None:
        """Send what a frontend sends when a widget Button is pressed."""
        kc = self.client.kc
        content = {"comm_id": button_model_id,
                   "data": {"method": "custom", "content": {"event": "click"}}}
        kc.shell_channel.send(kc.session.msg("comm_msg", content))

    def complete(self, code: str, cursor_pos: int | None = None) -> list[str]:
        """The kernel's completions (what Tab shows in a frontend)."""
        kc = self.client.kc
        msg_id = kc.complete(code, len(code) if cursor_pos is None else cursor_pos)
        while True:
            reply = run_sync(kc.get_shell_msg)(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["matches"]

    def save(self) -> None:
        self.client.set_widgets_metadata()
        nbformat.write(self.nb, str(self.path))

    # -- reading what the notebook shows ----------------------------------------------------
    def outputs(self, index: int) -> list[dict]:
        return self.nb.cells[index].outputs

    def text(self, index: int) -> str:
        """Everything a text-only frontend shows for a cell: streams, text/plain, errors."""
        return output_text(self.nb.cells[index])

    def widget_state(self) -> dict[str, dict]:
        self.client.set_widgets_metadata()
        return widget_state(self.nb)


def output_text(cell) -> str:
    text = ""
    for out in cell.get("outputs", []):
        if text and not text.endswith("\n"):
            text += "\n"
        if out["output_type"] == "stream":
            text += out["text"]
        elif out["output_type"] in ("display_data", "execute_result"):
            text += out["data"].get("text/plain", "")
        elif out["output_type"] == "error":
            text += "\n".join(out["traceback"])
    return text


def widget_state(nb) -> dict[str, dict]:
    """model id → state, as saved in the notebook's metadata."""
    saved = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return {model_id: entry["state"] for model_id, entry in saved.get("state", {}).items()}


def models_with_class(states: dict[str, dict], dom_class: str) -> list[str]:
    return [mid for mid, s in states.items() if dom_class in s.get("_dom_classes", [])]


def visible_text(states: dict[str, dict], model_id: str) -> str:
    """What a widget shows (HTML values, labels, button captions), hidden parts left out."""
    state = states[model_id]
    layout = states.get(str(state.get("layout", "")).removeprefix("IPY_MODEL_"), {})
    if layout.get("display") == "none":
        return ""
    parts = []
    if state.get("_model_name") in ("HTMLModel", "LabelModel"):
        parts.append(re.sub(r"<[^>]+>", " ", state.get("value", "")))
    if state.get("_model_name") == "ButtonModel":
        parts.append(f"[{state.get('description', '')}]")
    for child in state.get("children", []):
        parts.append(visible_text(states, child.removeprefix("IPY_MODEL_")))
    return " ".join(" ".join(parts).split())


BADGE = re.compile(r">(waiting|approved|declined|expired|cancelled|timed out|failed)</span>")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CONNECTION_MIME = "application/vnd.authsome.connection+json"
CONNECTIONS_MIME = "application/vnd.authsome.connections+json"


def badge_history(run: NotebookRun, cell_index: int | None = None) -> list[str]:
    """The state badges the sign-in showed, in the order the kernel sent them (while
    ``cell_index`` ran, or at any time): the live panel's, then the finished output's."""
    seen = []
    for index, msg in run.client.recorded():
        if cell_index not in (None, index):
            continue
        if msg["msg_type"] in ("comm_open", "comm_msg"):
            value = msg["content"].get("data", {}).get("state", {}).get("value", "")
        elif msg["msg_type"] in ("display_data", "update_display_data"):
            value = msg["content"].get("data", {}).get("text/html", "")
        else:
            continue
        for badge in BADGE.findall(str(value)):
            if not seen or seen[-1] != badge:
                seen.append(badge)
    return seen


def widget_views(nb) -> list[tuple[int, dict]]:
    """(cell index, output) of every saved output that needs a widget model to render."""
    return [(index, out) for index, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
            if WIDGET_VIEW in out.get("data", {})]


def emulator_secrets(emulator) -> list[str]:
    """Every token, code and device code the emulator handed out (its own registry)."""
    state = emulator._state
    with state.lock:
        registry = state.tokens
        return [*registry.access, *registry.refresh, *registry.codes, *registry.devices]


def leaked(nb_or_path, secrets: list[str]) -> list[str]:
    """The secrets (and any JWT) found anywhere in a saved notebook: outputs and widget state."""
    if isinstance(nb_or_path, str | Path):
        text = Path(nb_or_path).read_text()
    else:
        text = json.dumps(nb_or_path)
    found = [s[:12] + "…" for s in secrets if s and s in text]
    found += [m.group(0)[:12] + "…" for m in _JWT.finditer(text)]
    return found
