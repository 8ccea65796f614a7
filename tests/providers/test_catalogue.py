"""The bundled catalogue: every provider authsome bundles, under its name, loads, is https
only, and is listed in docs/providers.md and the README exactly as the files say."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from authsome_nb._providers import BUNDLED_DIR, _jsonc, list_providers, load_provider
from authsome_nb._providers._catalogue import catalogue_markdown, with_readme_list

ROOT = Path(__file__).resolve().parents[2]

#: every OAuth 2.0 and API-key provider authsome bundles (its browser-session ones aside)
AUTHSOME_OAUTH = [
    "atlassian", "confluence", "discord", "github", "gitlab", "google", "google-admin",
    "google-analytics", "google-calendar", "google-chat", "google-classroom", "google-docs",
    "google-drive", "google-forms", "google-gmail", "google-meet", "google-photos",
    "google-search-console", "google-sheets", "google-slides", "google-tasks",
    "google-vertex-ai", "google-youtube", "hubspot", "jira", "klaviyo-oauth", "linear",
    "microsoft", "microsoft-calendar", "microsoft-outlook", "microsoft-word", "notion",
    "notion-mcp", "notion_dcr", "postiz", "reddit", "slack", "todoist", "x", "zoom",
]
AUTHSOME_API_KEY = [
    "ahrefs", "anthropic", "apollo", "ashby", "bedrock", "beehiiv", "brave-search-mcp",
    "brevo", "buffer", "calendly", "clearbit", "cloudflare", "cloudflare-mcp", "dub",
    "fireworks", "g2", "github-mcp", "groq", "hunter", "instantly", "intercom",
    "keywords-everywhere", "klaviyo", "lemlist", "linear-mcp", "livestorm", "mailchimp",
    "mention-me", "mistral", "openai", "openrouter", "optimizely", "perplexity", "postmark",
    "resend", "rewardful", "savvycal", "semrush", "sendgrid", "sentry-mcp", "slack-mcp",
    "stripe-mcp", "together", "tolt", "typeform", "wistia", "zapier",
]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    return list_providers(tmp_path_factory.mktemp("empty-home"))


def test_every_provider_authsome_bundles_is_here_under_its_name(bundled):
    kinds = {p.name: p.kind for p in bundled}
    assert {n: kinds.get(n) for n in AUTHSOME_OAUTH} == dict.fromkeys(AUTHSOME_OAUTH, "OAuth 2.0")
    assert {n: kinds.get(n) for n in AUTHSOME_API_KEY} == dict.fromkeys(AUTHSOME_API_KEY, "API key")
    assert Counter(kinds.values()) == {"OAuth 2.0": 40, "API key": 47}


def _urls(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)
    elif isinstance(value, str) and "://" in value:
        yield value


@pytest.mark.parametrize("path", sorted(BUNDLED_DIR.glob("*.jsonc")), ids=lambda p: p.stem)
def test_each_file_is_https_only_has_a_comment_and_loads(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("//"), "every bundled file says in a comment what it is for"
    data = _jsonc.loads(text)
    assert data["name"] == path.stem and data.get("schema_version") == 1
    assert all(u.startswith("https://") for u in _urls(data)), list(_urls(data))
    provider = load_provider(path.stem, tmp_path)
    assert provider.description and provider.export_names.get("access_token")
    if provider.auth_type == "api_key":
        assert provider.api_key is not None and provider.api_hosts
    else:
        assert provider.sign_in_flows


@pytest.mark.parametrize(("name", "key", "header"), [
    ("openai", "sk-" + "a" * 24, ("Authorization", "Bearer sk-" + "a" * 24)),
    ("anthropic", "sk-ant-abc", ("x-api-key", "sk-ant-abc")),
    ("brevo", "xkeysib-1", ("api-key", "xkeysib-1")),
    ("klaviyo", "pk_1", ("Authorization", "Klaviyo-API-Key pk_1")),
    ("ashby", "k", ("Authorization", "Basic azo=")),  # base64("k:")
    ("lemlist", "k", ("Authorization", "Basic Oms=")),  # base64(":k")
])
def test_each_api_key_goes_in_the_header_its_provider_names(bundled, name, key, header):
    provider = next(p for p in bundled if p.name == name)
    assert provider.credential_header(key) == header


def test_the_oauth_providers_a_newcomer_expects_sign_in_the_way_their_servers_want(bundled):
    by_name = {p.name: p for p in bundled}
    assert by_name["notion-mcp"].registers_clients and not by_name["notion-mcp"].needs_client_id
    assert by_name["postiz"].sign_in_flows == ("device code",)
    assert by_name["google-drive"].client_id_variable == "GOOGLE_OAUTH_CLIENT_ID"
    assert by_name["google-drive"].sign_in_flows == ("pkce",)  # Google's device flow: not drive
    assert by_name["google-youtube"].offers_device_code
    assert by_name["microsoft-outlook"].is_microsoft
    assert by_name["jira"].oauth.authorize_params["audience"] == "api.atlassian.com"
    assert by_name["reddit"].oauth.token_auth_method == "client_secret_basic"  # authsome's "basic"


def test_docs_and_the_readme_list_the_catalogue_as_the_files_say(bundled):
    regenerate = "python -m authsome_nb._providers._catalogue docs/providers.md README.md"
    docs = (ROOT / "docs" / "providers.md").read_text(encoding="utf-8")
    assert docs == catalogue_markdown(bundled) + "\n", f"docs/providers.md is stale: {regenerate}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_readme_list(readme, bundled), f"the README's list is stale: {regenerate}"
    for p in bundled:
        assert f"`{p.name}`" in readme


def test_an_authsome_file_keeps_its_meaning_here(tmp_path):
    # authsome's own spellings: a top-level registration block, authorization_method/params,
    # and the API_TOKEN export of an API key.
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "acme.json").write_text(json.dumps({
        "name": "acme", "auth_type": "oauth2", "flow": "dcr_pkce",
        "oauth": {"authorization_url": "https://acme.example/authorize",
                  "token_url": "https://acme.example/token", "authorization_method": "basic",
                  "authorization_params": {"duration": "permanent"}, "supports_dcr": True},
        "registration": {"registration_endpoint": "https://acme.example/register"},
        "export": {"ACME_TOKEN": "ACCESS_TOKEN"}}))
    acme = load_provider("acme", tmp_path)
    assert acme.oauth.registration_endpoint == "https://acme.example/register"
    assert acme.oauth.token_auth_method == "client_secret_basic"
    assert acme.oauth.authorize_params == {"duration": "permanent"}
