"""A notebook that was run, saved without widget state, and opened where no kernel runs.

What a colleague gets from a shared notebook, GitHub or nbviewer: nbclient executes it the way
JupyterLab saves by default (no widget state), then every finished sign-in, list and card must
render from its own output (no widget view left), show the account as HTML, and hold no token;
nbconvert's HTML names the accounts.
"""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from notebook_harness import (
    CONNECTION_MIME,
    CONNECTIONS_MIME,
    WIDGET_VIEW,
    emulator_secrets,
    leaked,
    widget_views,
)

CELLS = [
    "%load_ext authsome_nb",
    "%authsome login microsoft  # the README's first cell, comment and all",
    "%authsome login microsoft work --flow device",
    "%authsome list",
    "%authsome login microsoft --connection work",
]


def run_and_save(world, cells: list[str]):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(nb, timeout=90, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(world.folder)}})
    client.execute(env=world.env)
    path = world.folder / "shared.ipynb"
    nbformat.write(nb, str(path))
    return nbformat.read(str(path), as_version=4), path


def test_finished_sign_ins_lists_and_cards_render_without_a_kernel(world):
    emu = world.emulator
    emu.auto_approve_after = 0
    emu.auto_approve_user = "megan"
    nb, path = run_and_save(world, CELLS)
    megan = emu.user("megan")

    assert widget_views(nb) == [] and "widgets" not in nb.metadata
    for index in (1, 2, 4):
        [card] = nb.cells[index].outputs
        assert card["output_type"] == "display_data"
        assert card["data"][CONNECTION_MIME]["connection"]["username"] == megan.upn
        assert megan.display_name in card["data"]["text/html"]
        assert megan.upn in card["data"]["text/plain"]
    assert "Already signed in" in nb.cells[4].outputs[0]["data"]["text/html"]
    [table] = nb.cells[3].outputs
    assert [c["key"] for c in table["data"][CONNECTIONS_MIME]["connections"]] == [
        "microsoft/default", "microsoft/work"]
    assert table["data"]["text/html"].count(megan.upn) == 2
    assert leaked(path, emulator_secrets(emu)) == []
    assert f"{emu.url}/devicelogin" not in path.read_text()  # nor a used code's page


def test_nbconvert_html_names_the_accounts(world):
    emu = world.emulator
    emu.auto_approve_after = 0
    nb, _ = run_and_save(world, CELLS[:4])
    html, _ = HTMLExporter().from_notebook_node(nb)
    adele = emu.user("adele")
    assert adele.display_name in html and html.count(adele.upn) >= 3
    assert "microsoft/work" in html and WIDGET_VIEW not in html
    assert "model not found" not in html
