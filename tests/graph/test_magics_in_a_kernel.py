"""Both magics in a real ipykernel (run by nbclient), signed in through the shared store."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import authsome_nb as an

REPO = Path(__file__).resolve().parents[2]
SETUP = """\
from authsome_nb.notebook.graph_magics import GraphCellMagics, run_graph_line
get_ipython().register_magics(GraphCellMagics)"""
EVENT = """\
%%graph created
POST /me/events
{"subject": "Planning", "start": {"dateTime": "2026-12-01T10:00:00", "timeZone": "UTC"},
 "end": {"dateTime": "2026-12-01T11:00:00", "timeZone": "UTC"}}"""
MAIL = """\
%%graph
POST /me/sendMail
{"message": {"subject": "Hello", "toRecipients": [{"emailAddress": {"address": "a@b.example"}}]}}"""


def run_notebook(cells: list[str], tmp_path: Path, monkeypatch) -> list[dict]:
    """Execute ``cells`` in a fresh kernel that sees this test's environment; their outputs."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return [cell.outputs for cell in notebook.cells]


def text_of(outputs) -> str:
    parts = []
    for output in outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}\n" + "\n".join(output.traceback))
    return "".join(parts)


def _summaries(outputs) -> list[str]:
    """The progress lines a cell left (each widget replaced by its text when done)."""
    return [o.data["text/plain"] for o in outputs
            if o.output_type == "display_data" and set(o.data) == {"text/plain"}]


def test_cell_and_line_magics_in_a_kernel(emu, tmp_path, monkeypatch):
    an.login(services="outlook,calendar", on_event=lambda event: None)  # Mail.Send, events
    outputs = run_notebook(
        [
            SETUP,
            "%%graph msgs\nGET /me/messages?$select=subject,receivedDateTime&$top=5",
            'print(type(msgs).__name__, len(msgs), msgs["receivedDateTime"].dtype)',
            EVENT,
            'print(created["subject"])',
            MAIL,
            'df = run_graph_line("GET /me/messages --select subject --top 25 --page-size 10")\n'
            "print(len(df), sorted(df.columns))",
            'print(run_graph_line("/me")["userPrincipalName"])',
            "%%graph 1bad\nGET /me",
            "%%graph --connection nobody\nGET /me",
            "%%graph every --page-size 10\nGET /me/messages?$select=subject",
            'run_graph_line("/me/messages --search Adele --page-size 50");'
            'run_graph_line("/me/messages --search Adele --page-size 5 --top 12");',
            "%%graph --top 3 --max 4\nGET /me/messages",
        ],
        tmp_path,
        monkeypatch,
    )
    assert "error" not in {o.output_type for o in outputs[0]}
    shown = [o for o in outputs[1] if o.output_type == "execute_result"]
    assert "text/html" in shown[0].data  # the frame was displayed
    assert _summaries(outputs[1]) == []  # 5 rows: one request, nothing to show progress for
    assert text_of(outputs[2]).strip() == "DataFrame 5 datetime64[us, UTC]"
    assert text_of(outputs[4]).strip() == "Planning"
    assert text_of(outputs[5]).strip() == "POST /me/sendMail: done (no content)"
    assert text_of(outputs[6]).strip().endswith("25 ['id', 'subject']")
    assert _summaries(outputs[6]) == [
        "Fetched 25 of 121 items (3 pages, top=25) from /me/messages"]  # 120 + the mail sent
    assert "@" in text_of(outputs[7])
    usage = text_of(outputs[8])  # IPython prints a UsageError as one line on stderr
    assert usage.startswith("UsageError: '1bad' is not a Python variable name")
    assert "Traceback" not in usage and usage.count("\n") <= 1
    signed_out = text_of(outputs[9])
    assert "NotSignedInError" in signed_out and "Traceback" not in signed_out
    assert _summaries(outputs[10]) == ["Fetched 121 items (13 pages) from /me/messages"]
    assert _summaries(outputs[11]) == [  # $search: no count, so no claim about the end
        "Fetched 121 items (3 pages) from /me/messages",
        "Fetched 12 items (3 pages; stopped at top=12) from /me/messages"]
    assert "--top 3 and --max 4 disagree" in text_of(outputs[12])
    assert emu.count("graph", method="POST", path="/v1.0/me/sendMail") == 1


def test_the_extension_routes_authsome_graph_sync_and_registers_graph(emu, tmp_path,
                                                                       monkeypatch):
    attach = f"from authsome_nb_emulator import Emulator\nemu = Emulator.attach({emu.url!r}, " \
             f"{emu.ca_path!r})"
    inbox = "/me/mailFolders/inbox/messages"
    outputs = run_notebook(
        [
            "%load_ext authsome_nb\n" + attach,
            "df = %authsome graph /me/messages --select subject,receivedDateTime --top 7 --max 7\n"
            "print(len(df), df['receivedDateTime'].dtype)",
            "%%graph me\nGET /me",
            'print(me["userPrincipalName"].count("@"), "@odata.context" in me)',
            f"first = %authsome sync {inbox} --select subject,isRead\nprint(len(first))",
            'changed = emu.change_mailbox(add=2, update=1, delete=1)',
            f"%%graph again --sync\nGET {inbox}?$select=subject,isRead",
            "print(len(again) == len(first) + 1, set(changed['added']) <= set(again['id']),"
            " changed['deleted'][0] in set(again['id']))",
            f"%authsome sync {inbox} --select subject,isRead --forget",
            '%config AuthsomeMagics.graph_backend = "polars"\n'
            "few = %authsome graph /me/messages --select subject,receivedDateTime --top 3\n"
            "print(type(few).__module__.split('.')[0], few.schema['receivedDateTime'])",
            "%%graph table --backend arrow --top 2\nGET /me/messages?$select=isRead",
            "print(type(table).__name__, table.schema.field('isRead').type)",
            f"%authsome graph https://127.0.0.1:{_closed_port()}/v1.0/me",
            "%authsome graph /me/messages --selct subject",
        ],
        tmp_path,
        monkeypatch,
    )
    assert "error" not in {o.output_type for cell in outputs[:12] for o in cell}, outputs
    assert text_of(outputs[1]).strip() == "7 datetime64[us, UTC]"
    assert text_of(outputs[3]).strip() == "1 False"
    first = text_of(outputs[4]).splitlines()
    assert first[0].startswith(f"Synced {inbox}: ") and "in a first full round (1 request)" in \
        first[0]
    assert text_of(outputs[6]).startswith(
        f"Synced {inbox}?$select=subject,isRead: 2 added, 1 updated, 1 removed (1 request); ")
    assert text_of(outputs[7]).strip() == "True True False"
    forgot = text_of(outputs[8]).strip()
    assert forgot == f"Forgot the saved sync state of {inbox} (1 file removed)."
    assert text_of(outputs[9]).strip() == "polars Datetime(time_unit='us', time_zone='UTC')"
    assert text_of(outputs[11]).strip() == "Table bool"
    unreachable = text_of(outputs[12])  # our error: the host and a remedy, no traceback
    assert unreachable.startswith("NetworkError: Could not reach 127.0.0.1:")
    assert "refused" in unreachable and "What to do" in unreachable
    assert "Traceback" not in unreachable and "httpx" not in unreachable
    assert "did you mean --select?" in text_of(outputs[13])


def _closed_port() -> int:
    """A local port nothing listens on (bound once, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
