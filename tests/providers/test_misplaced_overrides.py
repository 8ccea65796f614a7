"""An override file that is almost right is not silently ignored: a warning names the fix."""

from __future__ import annotations

import json
import warnings

import pytest

from authsome_nb._providers import ProviderOverrideWarning, load_provider

OVERRIDE = {"client_id": "11111111-2222-3333-4444-555555555555"}


def _warnings_of_loading(home) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_provider("microsoft", home)
    return [str(w.message) for w in caught if issubclass(w.category, ProviderOverrideWarning)]


@pytest.mark.parametrize("misplaced", ["_providers/microsoft.json", "provider/microsoft.jsonc"])
def test_an_override_in_the_wrong_folder_names_the_right_one(tmp_path, misplaced):
    path = tmp_path / misplaced
    path.parent.mkdir()
    path.write_text(json.dumps(OVERRIDE))
    messages = _warnings_of_loading(tmp_path)
    assert messages == [f"{path} is not read: provider overrides live in {tmp_path / 'providers'}/"
                        f" (move it to {tmp_path / 'providers' / path.name})"]
    assert load_provider("microsoft", tmp_path).client_id is None  # it really was not read


@pytest.mark.parametrize(("name", "says"), [
    ("microsft.json", "rename the file to microsoft.json"),
    ("Microsoft.json", "rename it to microsoft.json"),
    ("microsoft.JSON", "name it microsoft.json"),
    ("microsoft.json5", "name it microsoft.json or .jsonc"),
])
def test_a_typo_in_the_file_name_is_pointed_out(tmp_path, name, says):
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / name).write_text(json.dumps(OVERRIDE))
    messages = _warnings_of_loading(tmp_path)
    assert len(messages) == 1 and says in messages[0], messages


def test_a_correct_override_or_a_provider_of_its_own_warns_nothing(tmp_path):
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "microsoft.json").write_text(json.dumps(OVERRIDE))
    (tmp_path / "providers" / "microsoft2.json").write_text(json.dumps({
        "name": "microsoft2", "oauth": {"authorization_url": "https://a.example/authorize",
                                        "token_url": "https://a.example/token"}}))
    assert _warnings_of_loading(tmp_path) == []
    assert load_provider("microsoft", tmp_path).client_id == OVERRIDE["client_id"]


def test_the_warning_is_given_once_per_state_of_the_folder(tmp_path):
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "microsft.json").write_text(json.dumps(OVERRIDE))
    assert len(_warnings_of_loading(tmp_path)) == 1
    assert _warnings_of_loading(tmp_path) == []
