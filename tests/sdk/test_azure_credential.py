"""an.credential(): an azure-core credential over the connection, for any consented resource."""

from __future__ import annotations

import asyncio
import threading

import pytest
from azure.core.credentials import AccessToken, AccessTokenInfo, SupportsTokenInfo, TokenCredential
from azure.core.credentials_async import AsyncTokenCredential
from azure_world import REFRESH, claims, consent_elsewhere

import authsome_nb as an
from authsome_nb.errors import ConsentRequiredError, NotSignedInError

STORAGE = "https://storage.azure.com/.default"
GRAPH = "https://graph.microsoft.com/.default"


def test_it_is_the_azure_core_credential_every_azure_sdk_takes(signed_in):
    credential = an.credential()
    assert isinstance(credential, TokenCredential) and isinstance(credential, SupportsTokenInfo)
    assert isinstance(an.credential(asynchronous=True), AsyncTokenCredential)


def test_msgraph_sdk_reads_me_with_it(signed_in, monkeypatch):
    """msgraph-sdk's own client, request adapter and auth provider, pointed at the emulator the
    way msgraph-sdk documents for other clouds (the adapter's base URL, its host allowed)."""
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient

    monkeypatch.setenv("SSL_CERT_FILE", signed_in.ca_path)  # msgraph's httpx trusts the env
    for asynchronous in (False, True):
        auth = AzureIdentityAuthenticationProvider(
            an.credential(asynchronous=asynchronous), scopes=[GRAPH], allowed_hosts=["127.0.0.1"])
        adapter = GraphRequestAdapter(auth)
        adapter.base_url = signed_in.graph_base
        me = asyncio.run(GraphServiceClient(request_adapter=adapter).me.get())
        assert me.user_principal_name == signed_in.user("adele").upn


def test_a_storage_token_comes_from_the_same_sign_in_and_is_found_again(signed_in):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")
    credential = an.credential()

    first = credential.get_token(STORAGE)

    assert isinstance(first, AccessToken)
    assert claims(first.token)["aud"] == "https://storage.azure.com"
    assert first.expires_on > 0
    assert credential.get_token(STORAGE).token == first.token
    assert an.credential().get_token_info(STORAGE).token == first.token
    assert signed_in.count("token", **REFRESH) == 1  # the first .default ask; then memory


def test_get_token_info_says_when_to_refresh(signed_in):
    info = an.credential().get_token_info(GRAPH)
    assert isinstance(info, AccessTokenInfo) and info.token_type == "Bearer"
    assert info.expires_on - 300 <= info.refresh_on < info.expires_on


def test_eight_threads_at_expiry_make_one_refresh(signed_in):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")
    credential = an.credential()
    signed_in.access_token_lifetime = 301  # < 5 min left counts as expired: valid for ~1 s
    credential.get_token(STORAGE)
    signed_in.access_token_lifetime = 3600
    threading.Event().wait(1.2)
    signed_in.reset_counters()
    barrier, tokens = threading.Barrier(8), []

    def ask() -> None:
        barrier.wait()
        tokens.append(credential.get_token(STORAGE).token)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(tokens)) == 1 and len(tokens) == 8
    assert signed_in.count("token", **REFRESH) == 1


def test_a_resource_never_consented_to_names_the_sign_in_that_grants_it(signed_in):
    with pytest.raises(ConsentRequiredError) as raised:
        an.credential().get_token("https://management.azure.com/.default")
    error = raised.value
    assert error.aadsts == 65001
    assert "an.login('microsoft', scopes=['https://management.azure.com/.default'])" in (
        error.remedy)
    assert error.remedy_in("magic").startswith("sign in again")


def test_the_async_twin_serves_the_same_tokens(signed_in):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")

    async def both():
        async with an.credential(asynchronous=True) as credential:
            return (await credential.get_token(STORAGE),
                    await credential.get_token_info(STORAGE))

    token, info = asyncio.run(both())
    assert token.token == info.token == an.credential().get_token(STORAGE).token


def test_a_connection_not_signed_in_is_named_at_once(signed_in):
    with pytest.raises(NotSignedInError) as raised:
        an.credential(connection="work")
    assert "an.login('microsoft', connection='work')" in raised.value.remedy


def test_no_token_in_what_people_see(signed_in):
    credential = an.credential()
    token = credential.get_token(GRAPH).token
    for shown in (repr(credential), str(credential), repr(an.credential(asynchronous=True))):
        assert token not in shown and "microsoft/default" in shown
    with pytest.raises(ConsentRequiredError) as raised:
        credential.get_token("https://management.azure.com/.default")
    assert token not in str(raised.value) and token not in repr(raised.value)


def test_the_sign_in_the_consent_error_names_grants_it_and_costs_no_refresh_later(signed_in):
    """Following the remedy adds Resource Manager to the connection; its own Graph token is
    still found in memory (the other API's scope is not part of what `an.token()` means), and
    Resource Manager's token too, by its `.default`."""
    with pytest.raises(ConsentRequiredError) as raised:
        an.credential().get_token("https://management.azure.com/.default")
    step = raised.value.step
    an.login(step.provider, **dict(step.options), flow="device", on_event=lambda event: None)
    signed_in.reset_counters()
    for _ in range(5):
        assert claims(an.token().value)["aud"] in ("https://graph.microsoft.com",
                                                   "00000003-0000-0000-c000-000000000000")
    assert signed_in.count("token", **REFRESH) == 0
    first = an.credential().get_token("https://management.azure.com/.default")
    again = an.credential().get_token("https://management.azure.com/.default")
    assert first.token == again.token and claims(first.token)["aud"].startswith(
        "https://management.azure.com")
    assert signed_in.count("token", **REFRESH) == 1
