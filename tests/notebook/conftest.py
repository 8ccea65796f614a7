"""Fixtures for the notebook tests: the emulator, a store shared with the kernel, notebooks."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # notebook_harness

from authsome_nb_emulator import Emulator  # noqa: E402
from notebook_harness import NotebookRun, emulator_secrets, kernel_env, leaked  # noqa: E402

# The PKCE link as it appears in the JSON of the kernel's text/plain output.
AUTHORIZE_URL = r"Open this link in your browser to sign in:\\n  (https://[^\s\"\\]+)"


@dataclass
class NotebookWorld:
    """The emulator, the store home the kernel uses, and a way to run notebooks against them."""

    emulator: Emulator
    home: Path
    env: dict[str, str]
    folder: Path

    def notebook(self, *sources: str, name: str = "notebook.ipynb",
                 timeout: int = 60) -> NotebookRun:
        return NotebookRun(self.env, list(sources), self.folder / name, timeout=timeout)

    def approve_when_shown(self, run: NotebookRun, user: str | None = None) -> threading.Thread:
        """Approve the next device code once the kernel has shown it (as a person would)."""
        return self._act(run, lambda code: self.emulator.approve(code, user=user))

    def deny_when_shown(self, run: NotebookRun) -> threading.Thread:
        return self._act(run, self.emulator.deny)

    def expire_when_shown(self, run: NotebookRun) -> threading.Thread:
        return self._act(run, self.emulator.expire)

    def browse_when_shown(self, run: NotebookRun, user: str | None = None) -> threading.Thread:
        """Play the user's browser on the PKCE link the kernel shows (new tab, sign in, back)."""
        def work() -> None:
            url = run.wait_for_match(AUTHORIZE_URL).group(1)
            self.emulator.play_browser(url, user=user)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        return thread

    def interrupt_when_shown(self, run: NotebookRun) -> threading.Thread:
        return self._act(run, lambda code: run.interrupt())

    def _act(self, run: NotebookRun, action) -> threading.Thread:
        """Run ``action(user_code)`` in a thread while the test's main thread runs the cell."""
        earlier = set(self.emulator.pending_user_codes())  # e.g. one an interrupt abandoned

        def work() -> None:
            code = self.emulator.wait_for_user_code(60)
            while code in earlier:
                time.sleep(0.05)
                code = self.emulator.wait_for_user_code(60)
            run.wait_for_output(code)
            action(code)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        return thread

    def assert_no_secrets(self, run: NotebookRun) -> None:
        run.save()
        assert leaked(run.path, emulator_secrets(self.emulator)) == []


@pytest.fixture
def world(tmp_path, monkeypatch) -> NotebookWorld:
    """The emulator plus a store home; this process points at the same store as the kernel."""
    with Emulator() as emulator:
        home = tmp_path / "home"
        emulator.write_provider_override(home)
        env = emulator.environ(home)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield NotebookWorld(emulator, home, kernel_env(env), tmp_path)
