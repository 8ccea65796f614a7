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
    (tmp_path / "providers" / "acme-identity.json").write_text(json.dumps({
        "name": "acme-identity", "oauth": {"authorization_url": "https://a.example/authorize",
                                           "token_url": "https://a.example/token"}}))
    assert _warnings_of_loading(tmp_path) == []
    assert load_provider("microsoft", tmp_path).client_id == OVERRIDE["client_id"]


def test_the_warning_is_given_once_per_state_of_the_folder(tmp_path):
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "microsft.json").write_text(json.dumps(OVERRIDE))
    assert len(_warnings_of_loading(tmp_path)) == 1
    assert _warnings_of_loading(tmp_path) == []


def test_a_misspelled_file_warns_whatever_it_holds(tmp_path):
    # The newcomer's case: a whole definition, "oauth" and all, under a typo of a bundled name.
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "microsft.json").write_text(json.dumps({
        "name": "microsft", "oauth": {"authorization_url": "https://login.example/authorize",
                                      "token_url": "https://login.example/token"}}))
    [message] = _warnings_of_loading(tmp_path)
    assert "1 edit from 'microsoft'" in message and "rename the file to microsoft.json" in message
    assert load_provider("microsft", tmp_path).name == "microsft"  # still read as its own


@pytest.mark.parametrize(("name", "bundled"), [
    ("mircosoft", "microsoft"), ("gihtub", "github"), ("openia", "openai"),
    ("google-drvie", "google-drive")])
def test_a_transposition_or_two_edits_away_is_a_near_miss(tmp_path, name, bundled):
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / f"{name}.json").write_text(json.dumps(OVERRIDE))
    [message] = _warnings_of_loading(tmp_path)
    assert f"rename the file to {bundled}.json" in message


def test_two_of_the_users_own_files_a_typo_apart_are_said_once(tmp_path):
    (tmp_path / "providers").mkdir()
    for name in ("keycloak", "keycloack", "acme"):
        (tmp_path / "providers" / f"{name}.json").write_text(json.dumps({
            "name": name, "oauth": {"issuer": "https://id.example/realm"}}))
    [message] = _warnings_of_loading(tmp_path)
    assert "keycloack.json" in message and "keycloak.json" in message and "1 edit" in message


def test_names_too_short_to_tell_or_far_enough_warn_nothing(tmp_path):
    (tmp_path / "providers").mkdir()
    for name in ("xy", "gitlab-selfhosted", "openai-azure"):  # x and openai are bundled
        (tmp_path / "providers" / f"{name}.json").write_text(json.dumps({
            "name": name, "auth_type": "api_key", "api_url": "api.example.org"}))
    assert _warnings_of_loading(tmp_path) == []
