"""This round's reach as a person sees it in JupyterLab (real Chromium, a real kernel, the
emulator): ``%authsome run`` streams a child's output (curl reading Graph with nothing but the
placeholder) and ends with its exit code; a typed polars frame, and Parquet that DuckDB reads
back with the right types.  ``AUTHSOME_NB_UPDATE_SCREENSHOTS=1`` also writes
``docs/broker-run-in-lab.png`` and ``docs/graph-arrow-*-in-lab.png``."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jupyter"))

from authsome_nb_emulator import Emulator  # noqa: E402
from jupyter_process import ROOT, JupyterProcess, open_in_lab, write_notebook  # noqa: E402
from loopback_browser import loopback_browser, require_chromium  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")


def cells(graph_base: str) -> list[str]:
    me = f"{graph_base}/me?\\$select=displayName,userPrincipalName"
    return [
        "%load_ext authsome_nb\nimport authsome_nb as an\n"
        "an.login(flow='device', on_event=lambda event: None)",
        "%authsome run microsoft -- curl -sS -H \"Authorization: Bearer "
        f"$MICROSOFT_ACCESS_TOKEN\" \"{me}\"; echo; "
        "echo \"the child holds: $MICROSOFT_ACCESS_TOKEN\"",
        "mail = an.graph().frame('/me/messages', top=5, backend='polars',\n"
        "                        select=['subject', 'receivedDateTime', 'isRead'])\nmail",
        "import duckdb\n"
        "rows = an.graph().to_parquet('/me/messages', 'mail.parquet', overwrite=True,\n"
        "                             select=['subject', 'receivedDateTime', 'isRead'])\n"
        "print(rows, 'rows written')\n"
        "duckdb.sql(\"DESCRIBE SELECT * FROM 'mail.parquet'\").df()",
    ]


@pytest.fixture
def lab(tmp_path):
    require_chromium()
    home = tmp_path / "home"
    with Emulator(auto_approve_after=0, messages_per_user=300) as emu:
        emu.write_provider_override(home)
        write_notebook(tmp_path / "notebooks", "reach.ipynb", cells(emu.graph_base))
        server = JupyterProcess(tmp_path, home, app="jupyterlab", env=emu.environ(home))
        try:
            yield emu, server
        finally:
            server.stop()


def _shot(locator, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    locator.screenshot(path=str(path))
    if os.environ.get("AUTHSOME_NB_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, ROOT / "docs" / name)


def _run(page, cell) -> None:
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def test_a_child_under_the_broker_and_typed_frames_in_jupyterlab(lab, tmp_path):
    emu, server = lab
    expect = playwright_api.expect
    expect.set_options(timeout=60_000)
    with loopback_browser(viewport={"width": 1100, "height": 1500}) as browser:
        page = browser.context.new_page()
        notebook = open_in_lab(page, server, "reach.ipynb")
        _run(page, notebook.nth(0))
        expect(notebook.nth(0).locator(".jp-InputPrompt")).to_have_text("[1]:")

        run = notebook.nth(1)
        _run(page, run)
        output = run.locator(".jp-OutputArea-output")
        expect(output.first).to_contain_text('"displayName":"Adele Vance"')
        expect(run.locator(".jp-OutputArea")).to_contain_text(
            "the child holds: authsome-proxy-managed")
        expect(run.locator(".jp-OutputArea")).to_contain_text("[exit code 0]")
        said = run.locator(".jp-OutputArea").inner_text()
        assert not JWT.search(said), said  # the child held only the placeholder
        _shot(run, tmp_path, "broker-run-in-lab.png")

        frame, described = notebook.nth(2), notebook.nth(3)
        _run(page, frame)
        expect(frame.locator(".jp-OutputArea")).to_contain_text("datetime[μs, UTC]")
        _run(page, described)
        expect(described.locator(".jp-OutputArea")).to_contain_text("300 rows written")
        expect(described.locator(".jp-OutputArea")).to_contain_text("TIMESTAMP WITH TIME ZONE")
        expect(described.locator(".jp-OutputArea")).to_contain_text("BOOLEAN")
        notebook.nth(2).scroll_into_view_if_needed()
        _shot(page.locator(".jp-Notebook .jp-CodeCell").nth(2), tmp_path,
              "graph-arrow-polars-in-lab.png")
        _shot(described, tmp_path, "graph-arrow-parquet-in-lab.png")
    assert not browser.blocked, browser.blocked
