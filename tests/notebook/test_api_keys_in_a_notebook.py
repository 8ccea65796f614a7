"""An API key typed into the masked field of ``%authsome login openai``, in a real kernel: the
key is stored encrypted, handed out masked, exported, replaced with a word — and never shown,
in an output or in widget state."""

from __future__ import annotations

import hashlib
import secrets

from notebook_harness import CONNECTION_MIME, NotebookRun, leaked

import authsome_nb as an


def a_key() -> str:
    return "sk-" + secrets.token_urlsafe(30)  # made now: no key-looking string is committed


def type_into(run: NotebookRun, model_id: str, value: str) -> None:
    """What a frontend sends when the field loses focus after typing (continuous_update off)."""
    kc = run.client.kc
    content = {"comm_id": model_id,
               "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
    kc.shell_channel.send(kc.session.msg("comm_msg", content))


def the_field(run: NotebookRun) -> tuple[str, str]:
    states = run.widget_state()
    [password] = [m for m, s in states.items() if "authsome-api-key" in s.get("_dom_classes", [])]
    [save] = [m for m, s in states.items()
              if s.get("_model_name") == "ButtonModel" and s.get("description") == "Save"]
    return password, save


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_a_key_typed_into_the_masked_field_is_stored_exported_and_never_shown(world):
    first, second = a_key(), a_key()
    with world.notebook(
        "%load_ext authsome_nb",
        "%authsome login openai",
        "checked = 1",
        "import authsome_nb as an, hashlib, os\n%authsome export openai\n"
        "print(repr(an.token('openai')))\n"
        "print(hashlib.sha256(os.environ['OPENAI_API_KEY'].encode()).hexdigest())",
        "%authsome login openai",
        "%authsome login openai --force",
        "replaced = 1",
    ) as run:
        run.cells(0, 1)
        password, save = the_field(run)
        assert run.widget_state()[password]["_model_name"] == "PasswordModel"  # typed as dots
        type_into(run, password, "not a key")  # refused: the field stays, says why
        run.click(save)
        type_into(run, password, f"  {first}\n")  # surrounding whitespace is dropped
        run.click(save)
        run.cell(2)
        [card] = run.outputs(1)
        assert card["data"][CONNECTION_MIME]["connection"]["key"] == "openai/default"
        assert "Stored the OpenAI API key for openai/default (encrypted)." in \
            card["data"]["text/plain"]
        run.cell(3)
        assert "<AccessToken openai/default (masked," in run.text(3)
        assert digest(first) in run.text(3)  # export set the variable to the key
        run.cell(4)  # a stored key: its card, not the field again
        assert "--force replaces it" in run.text(4)
        run.cell(5)
        password, save = the_field(run)
        type_into(run, password, second)
        run.click(save)
        run.cell(6)
        assert "It replaced the key that connection held before." in run.text(5)
        run.save()
    assert an.token("openai").value == second
    assert leaked(run.path, [first, second, first.strip()]) == []
    for state in run.widget_state().values():
        assert state.get("value", "") in ("", None) or not str(state["value"]).startswith("sk-")


def test_a_refused_key_says_why_without_repeating_it(world):
    with world.notebook("%load_ext authsome_nb", "%authsome login openai", "done = 1") as run:
        run.cells(0, 1)
        password, save = the_field(run)
        type_into(run, password, "sk-short")
        run.click(save)
        run.cell(2)
        shown = " ".join(str(s.get("value", "")) for s in run.widget_state().values())
        assert "does not look like an API key for OpenAI" in shown
        assert "sk-short" not in shown  # neither in the message nor left in the field
    assert an.connections("openai") == []


def test_showing_subcommands_display_on_any_line_of_a_cell(world):
    with world.notebook(
        "%load_ext authsome_nb",
        "%authsome setup github\n%authsome providers\n%authsome list\nfinished = True",
    ) as run:
        run.cells(0, 1)
        text = run.text(1)
        assert "OAuth app for GitHub" in text  # the README has setup on a cell's second line
        assert "OAuth 2.0 (40" in text and "API key (47" in text
        assert "No connections yet" in text
