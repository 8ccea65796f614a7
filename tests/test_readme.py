"""Every Python example of the README runs as written, so none can rot.

The ```python blocks run in order, as the cells of one notebook, in a real kernel whose
environment points at the emulator (a user who has set ``MICROSOFT_OAUTH_CLIENT_ID`` and
approves device codes at once). Two kinds of block say more in their info string:

* ```python file=NAME``` where ``NAME`` is a file of this repository: the block must be that
  file (or a verbatim excerpt of it), which its own tests run;
* ```python file=test_NAME.py``` (no such file here): a test module of a user's own project,
  run by pytest in a fresh folder with the emulator's pytest plugin.

Nothing printed by the examples may hold a token.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from authsome_nb_emulator import Emulator
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^( *)```(\w*)\s*(.*)$")  # indented: a block inside a list item
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")


@dataclass(frozen=True)
class Block:
    language: str
    options: dict[str, str]
    code: str
    line: int  # where the block starts in the README (1-based)

    @property
    def where(self) -> str:
        return f"README.md, line {self.line}"


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with their info strings."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        start, indent = index, opening.group(1)
        body: list[str] = []
        index += 1
        while index < len(lines) and not lines[index].lstrip(" ").startswith("```"):
            body.append(lines[index].removeprefix(indent))
            index += 1
        options = dict(word.split("=", 1) for word in opening.group(3).split() if "=" in word)
        blocks.append(Block(opening.group(2), options, "\n".join(body) + "\n", start + 1))
        index += 1
    return blocks


PYTHON = [b for b in readme_blocks(README.read_text()) if b.language == "python"]
IN_KERNEL = [b for b in PYTHON if "file" not in b.options]
REPO_FILES = [b for b in PYTHON if (ROOT / b.options.get("file", "\0")).is_file()]
USER_TESTS = [b for b in PYTHON if "file" in b.options and b not in REPO_FILES]


def test_the_readme_has_examples_of_every_kind():
    assert len(IN_KERNEL) >= 5 and USER_TESTS, "the README lost its examples"
    for block in USER_TESTS:
        assert Path(block.options["file"]).name.startswith("test_"), (
            f"{block.where}: file={block.options['file']} is neither in the repository nor a "
            "test module")


@pytest.fixture(scope="module")
def emulator():
    with Emulator(auto_approve_after=0) as emu:
        yield emu


def test_the_python_examples_run_in_order_in_one_kernel(emulator, tmp_path):
    home = tmp_path / "home"
    emulator.write_provider_override(home)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(b.code) for b in IN_KERNEL]
    env = dict(os.environ, **emulator.environ(home))
    env.pop("PYTEST_CURRENT_TEST", None)
    client = NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel(env=env, cwd=str(tmp_path)):
        for index, (cell, block) in enumerate(zip(notebook.cells, IN_KERNEL, strict=True)):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                pytest.fail(f"{block.where} fails as written:\n{block.code}\n{error}")
    saved = nbformat.writes(notebook)
    assert not JWT.search(saved), "an example printed a token"


@pytest.mark.parametrize("block", REPO_FILES, ids=lambda b: b.options["file"])
def test_a_block_naming_a_file_of_the_repository_shows_that_file(block):
    text = (ROOT / block.options["file"]).read_text()
    assert block.code.strip() in text, (
        f"{block.where} shows {block.options['file']}, but the file says otherwise: "
        "copy the file into the README again")


@pytest.mark.parametrize("block", USER_TESTS, ids=lambda b: b.options["file"])
def test_a_users_test_module_passes_with_the_emulator_plugin(block, tmp_path):
    (tmp_path / block.options["file"]).write_text(block.code)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AUTHSOME_NB_", "MICROSOFT_", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         block.options["file"]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{block.where}:\n{done.stdout}\n{done.stderr}"
    assert " passed" in done.stdout
