"""Provider definitions: the bundled Microsoft one, overrides, authsome's files, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authsome_nb._providers import list_providers, load_provider
from authsome_nb.errors import ProviderError, UnknownProviderError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "providers").mkdir()
    return tmp_path


def write(home: Path, name: str, text: str) -> Path:
    path = home / "providers" / name
    path.write_text(text)
    return path


def test_bundled_microsoft_matches_the_seed(home):
    ms = load_provider("microsoft", home)
    assert ms.display_name == "Microsoft"
    assert ms.flow == "pkce" and ms.oauth.pkce and ms.oauth.supports_device_code
    assert not ms.oauth.supports_dcr
    assert ms.oauth.scopes == (
        "User.Read",
        "offline_access",
        "Mail.ReadWrite",
        "Calendars.ReadWrite",
        "Files.ReadWrite",
        "Tasks.ReadWrite",
    )
    assert ms.api_url == "graph.microsoft.com"
    assert ms.api_base == "https://graph.microsoft.com/v1.0"
    assert ms.authority == "https://login.microsoftonline.com/common"
    assert ms.tenant == "common"
    assert ms.export_env["access_token"] == "MICROSOFT_ACCESS_TOKEN"
    assert ms.export_env["refresh_token"] == "MICROSOFT_REFRESH_TOKEN"
    assert ms.client_id_env == "MICROSOFT_OAUTH_CLIENT_ID"
    assert ms.services == {
        "outlook": ("Mail.ReadWrite", "Mail.Send"),
        "calendar": ("Calendars.ReadWrite",),
        "onedrive": ("Files.ReadWrite",),
        "teams": ("Chat.ReadWrite", "ChannelMessage.Send"),
        "sharepoint": ("Sites.ReadWrite.All",),
        "tasks": ("Tasks.ReadWrite",),
    }


def test_tenant_replaces_the_authority_segment(home):
    ms = load_provider("microsoft", home)
    assert ms.authority_for("organizations") == "https://login.microsoftonline.com/organizations"
    assert ms.authority_for("contoso.onmicrosoft.com").endswith("/contoso.onmicrosoft.com")
    assert ms.authority_for(None) == ms.authority


def test_override_is_deep_merged_over_the_bundled_definition(home):
    write(
        home,
        "microsoft.jsonc",
        """
    // a sovereign cloud, one tenant
    {
      "oauth": {
        "authorization_url": "https://login.microsoftonline.us/contoso/oauth2/v2.0/authorize",
        "token_url": "https://login.microsoftonline.us/contoso/oauth2/v2.0/token", /* inline */
      },
      "api_url": "graph.microsoft.us",
      "api_base": "https://graph.microsoft.us/v1.0",
    }
    """,
    )
    ms = load_provider("microsoft", home)
    assert ms.authority == "https://login.microsoftonline.us/contoso"
    assert ms.api_hosts == {"graph.microsoft.us"}
    # untouched fields survive the merge
    assert ms.oauth.scopes[0] == "User.Read" and ms.oauth.supports_device_code
    assert "teams" in ms.services
    assert len(ms.sources) == 2


def test_an_override_is_reread_when_it_changes(home):
    path = write(home, "microsoft.json", json.dumps({"client_id": "first"}))
    assert load_provider("microsoft", home).client_id == "first"
    path.write_text(json.dumps({"client_id": "second-longer"}))
    assert load_provider("microsoft", home).client_id == "second-longer"


AUTHSOME_NEWER = """// Microsoft
// auth: oauth2 | flow: pkce
{
  "schema_version": 1,
  "name": "contoso-graph",
  "display_name": "Contoso Graph",
  "type": "app",
  "auth_type": "oauth2",
  "flow": "pkce",
  "api_url": "graph.contoso.example",
  "oauth": {
    "authorization_url": "https://login.contoso.example/common/oauth2/v2.0/authorize",
    "token_url": "https://login.contoso.example/common/oauth2/v2.0/token",
    "revocation_url": null,
    "device_authorization_url": "https://login.contoso.example/common/oauth2/v2.0/devicecode",
    "scopes": ["User.Read", "offline_access"],
    "pkce": true,
    "supports_device_code": true,
    "supports_dcr": false
  },
  "export": {"CONTOSO_ACCESS_TOKEN": "ACCESS_TOKEN"}
}
"""

AUTHSOME_OLDER = """{
  "schema_version": 1,
  "name": "legacy",
  "display_name": "Legacy",
  "auth_type": "oauth2",
  "flow": "device_code",
  "host_url": "api.legacy.example",
  "oauth": {
    "authorization_url": "https://legacy.example/oauth/authorize",
    "token_url": "https://legacy.example/oauth/token",
    "device_authorization_url": "https://legacy.example/oauth/device",
    "scopes": ["read"],
    "pkce": true,
    "supports_device_flow": true,
    "supports_dcr": false,
    "registration_endpoint": null
  },
  "export": {"env": {"access_token": "LEGACY_TOKEN", "refresh_token": "LEGACY_REFRESH"}}
}
"""


def test_authsome_files_of_both_generations_load_unchanged(home):
    write(home, "contoso-graph.jsonc", AUTHSOME_NEWER)
    write(home, "legacy.json", AUTHSOME_OLDER)
    newer = load_provider("contoso-graph", home)
    older = load_provider("legacy", home)
    assert newer.api_url == "graph.contoso.example" and newer.oauth.supports_device_code
    assert newer.export_env == {"access_token": "CONTOSO_ACCESS_TOKEN"}
    assert older.api_url == "api.legacy.example"  # host_url
    assert older.oauth.supports_device_code  # supports_device_flow
    assert older.export_env["refresh_token"] == "LEGACY_REFRESH"
    listed = [p.name for p in list_providers(home)]
    assert {"contoso-graph", "legacy", "github", "google", "microsoft"} <= set(listed)
    assert listed == sorted(listed)


def test_syntax_error_names_the_file_and_the_line(home):
    path = write(
        home, "microsoft.json", '{\n  "api_url": "x",\n  "oauth": {\n    "scopes": [1 2]\n  }\n}\n'
    )
    with pytest.raises(ProviderError) as caught:
        load_provider("microsoft", home)
    assert caught.value.path == str(path)
    assert caught.value.line == 4
    assert str(path) in str(caught.value) and "line 4" in str(caught.value)


def test_wrong_field_type_names_the_file_line_and_field(home):
    path = write(
        home,
        "microsoft.jsonc",
        '{\n  // scopes must be a list\n  "oauth": {\n    "scopes": "User.Read"\n  }\n}\n',
    )
    with pytest.raises(ProviderError) as caught:
        load_provider("microsoft", home)
    err = caught.value
    assert (err.path, err.line, err.field) == (str(path), 4, "oauth.scopes")
    assert "oauth.scopes" in str(err) and "list" in str(err)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"oauth": {"supports_device_code": "yes"}}', "oauth.supports_device_code"),
        ('{"oauth": {"token_url": "ftp://x"}}', "oauth.token_url"),
        ('{"services": {"teams": "Chat.Read"}}', "services.teams"),
        ('{"flow": "magic"}', "flow"),
        ('{"schema_version": 7}', "schema_version"),
        ('{"export": {"MICROSOFT_ACCESS_TOKEN": "ID_TOKEN"}}', "export.MICROSOFT_ACCESS_TOKEN"),
    ],
)
def test_each_malformed_field_is_named(home, text, field):
    write(home, "microsoft.json", text)
    with pytest.raises(ProviderError) as caught:
        load_provider("microsoft", home)
    assert caught.value.field == field
    assert caught.value.line == 1


def test_a_new_provider_without_required_fields_is_refused(home):
    write(home, "acme.json", '{"name": "acme", "auth_type": "oauth2"}')
    with pytest.raises(ProviderError, match="oauth"):
        load_provider("acme", home)


def test_name_in_file_must_match_file_name(home):
    write(home, "microsoft.json", '{"name": "google"}')
    with pytest.raises(ProviderError, match="'name'"):
        load_provider("microsoft", home)


def test_unknown_provider_lists_the_known_ones(home):
    with pytest.raises(UnknownProviderError, match="did you mean 'google'"):
        load_provider("gogle", home)
    with pytest.raises(UnknownProviderError):
        load_provider("../etc/passwd", home)


def test_both_json_and_jsonc_is_ambiguous(home):
    write(home, "microsoft.json", "{}")
    write(home, "microsoft.jsonc", "{}")
    with pytest.raises(ProviderError, match="both"):
        load_provider("microsoft", home)


def test_comment_markers_inside_strings_are_kept(home):
    write(
        home,
        "microsoft.jsonc",
        '{"description": "see https://x.example/a//b /* not a comment */, ok",}',
    )
    assert (
        load_provider("microsoft", home).description
        == "see https://x.example/a//b /* not a comment */, ok"
    )
