"""``%authsome setup`` for an API key and for a provider that registers its client, and
``%authsome providers`` grouped by kind."""

from __future__ import annotations

import pytest

from authsome_nb._providers import list_providers, load_provider
from authsome_nb.notebook.setup_guide import build_guide
from authsome_nb.notebook.widgets.providers_table import ProvidersTable


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("NOTION_MCP_OAUTH_CLIENT_ID", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_guide_of_an_api_key_provider_says_where_keys_come_from_and_how_to_store_one(home):
    guide = repr(build_guide(load_provider("openai", home)))
    assert guide.startswith("API key for OpenAI")
    assert "https://platform.openai.com/api-keys" in guide and "begins with sk-" in guide
    assert "%authsome login openai shows a masked field" in guide
    assert "OPENAI_API_KEY" in guide and "client id" not in guide


def test_the_guide_of_a_registering_provider_has_nothing_to_register(home, monkeypatch):
    guide = repr(build_guide(load_provider("notion-mcp", home)))
    assert "nothing to register by hand" in guide
    assert "NOTION_MCP_OAUTH_INITIAL_ACCESS_TOKEN" in guide
    monkeypatch.setenv("NOTION_MCP_OAUTH_CLIENT_ID", "registered-by-hand")
    assert "Register the app" in repr(build_guide(load_provider("notion-mcp", home)))


def test_the_providers_listing_groups_by_kind_oauth_first(home):
    table = ProvidersTable(list_providers(home))
    text = repr(table)
    assert text.index("OAuth 2.0 (40)") < text.index("API key (47)")
    oauth, keys = text.split("API key (47)")
    assert "github" in oauth and "openai" not in oauth and "openai" in keys
    assert "pkce, device code · MSAL" in oauth  # microsoft
    html = table._repr_html_()
    assert html.count("<table>") == 2 and "API key" in html
    assert len(table) == 87  # still the list of definitions, for code
