"""Clients nobody here wrote, in child processes under an.run, reach the emulator's Graph with
the connection's token — and never see it: curl, requests, httpx, azure-identity, MSAL and
msgraph-sdk (the last three through the managed-identity endpoint)."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest
from azure_world import claims, consent_elsewhere

import authsome_nb as an

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
PYTHON = sys.executable


def child(code: str, emulator, **kwargs):
    """``python -c code`` under an.run, with the emulator's Graph base in ``$GRAPH``."""
    return an.run([PYTHON, "-c", code], env={"GRAPH": emulator.graph_base}, capture_output=True,
                  text=True, timeout=60, **kwargs)


def test_curl_reads_me_with_the_placeholder_as_its_token(signed_in):
    assert shutil.which("curl"), "curl comes from apt (dev.py installs it)"
    done = an.run(["curl", "-sS", "--fail-with-body", "-H",
                   "Authorization: Bearer $MICROSOFT_ACCESS_TOKEN",
                   f"{signed_in.graph_base}/me?$select=userPrincipalName"],
                  capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["userPrincipalName"] == signed_in.user("adele").upn
    assert signed_in.count("graph", path="/v1.0/me", has_authorization=True, status=200) == 1


def test_requests_and_httpx_read_me_through_the_environment_alone(signed_in):
    code = """
import os, requests, httpx
print(requests.get(os.environ["GRAPH"] + "/me").json()["displayName"])
with httpx.Client() as client:  # trust_env: HTTPS_PROXY and SSL_CERT_FILE
    print(client.get(os.environ["GRAPH"] + "/me").json()["displayName"])
"""
    done = child(code, signed_in)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["Adele Vance", "Adele Vance"]


def test_azure_identity_and_msal_get_tokens_from_the_managed_identity_endpoint(signed_in):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")
    code = """
import json, msal, requests
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential
tokens = {
    "mi": ManagedIdentityCredential().get_token("https://storage.azure.com/.default").token,
    "default": DefaultAzureCredential().get_token("https://graph.microsoft.com/.default").token,
    "msal": msal.ManagedIdentityClient(msal.SystemAssignedManagedIdentity(),
        http_client=requests.Session()).acquire_token_for_client(
        resource="https://management.azure.com/")["error_description"],
}
print(json.dumps(tokens))
"""
    done = child(code, signed_in)
    assert done.returncode == 0, done.stderr
    tokens = json.loads(done.stdout)
    assert claims(tokens["mi"])["aud"] == "https://storage.azure.com"
    assert claims(tokens["default"])["aud"] == "00000003-0000-0000-c000-000000000000"
    # Resource Manager was never consented to: the answer names the sign-in that grants it.
    assert "an.login('microsoft', scopes=['https://management.azure.com/.default'])" in (
        tokens["msal"])


def test_msal_gets_a_storage_token_with_a_trailing_slash_resource(signed_in):
    consent_elsewhere(signed_in, "https://storage.azure.com/user_impersonation")
    code = """
import msal, requests
client = msal.ManagedIdentityClient(msal.SystemAssignedManagedIdentity(),
                                    http_client=requests.Session())
print(client.acquire_token_for_client(resource="https://storage.azure.com/")["access_token"])
"""
    done = child(code, signed_in)
    assert done.returncode == 0, done.stderr
    assert claims(done.stdout.strip())["aud"] == "https://storage.azure.com"


def test_msgraph_sdk_in_a_child_reads_me_with_default_azure_credential(signed_in):
    """msgraph-sdk's own client, its token from the managed-identity endpoint, its requests
    through the proxy (pointed at the emulator as msgraph documents for other clouds)."""
    code = """
import asyncio, os
from azure.identity import DefaultAzureCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider)
from msgraph import GraphRequestAdapter, GraphServiceClient
auth = AzureIdentityAuthenticationProvider(DefaultAzureCredential(),
    scopes=["https://graph.microsoft.com/.default"], allowed_hosts=["127.0.0.1"])
adapter = GraphRequestAdapter(auth)
adapter.base_url = os.environ["GRAPH"]
print(asyncio.run(GraphServiceClient(request_adapter=adapter).me.get()).user_principal_name)
"""
    done = child(code, signed_in)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == signed_in.user("adele").upn


def test_the_childs_environment_holds_no_token(signed_in):
    token = an.token().value
    done = child("print(open('/proc/self/environ', 'rb').read().decode())", signed_in)
    environ = dict(v.split("=", 1) for v in done.stdout.rstrip("\n").split("\0") if "=" in v)
    assert token not in done.stdout and not JWT.search(done.stdout)
    assert environ["MICROSOFT_ACCESS_TOKEN"] == "authsome-proxy-managed"
    assert environ["MICROSOFT_REFRESH_TOKEN"] == "authsome-proxy-managed"
    assert environ["HTTPS_PROXY"].startswith("http://authsome:")
    assert environ["HTTPS_PROXY"] == environ["HTTP_PROXY"]
    assert environ["IDENTITY_ENDPOINT"].startswith("http://127.0.0.1:")
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
                 "GIT_SSL_CAINFO"):
        assert environ[name].endswith("ca-bundle.pem")


def test_a_callers_env_is_merged_and_the_brokers_variables_win(signed_in):
    code = ("import os; print(os.environ['MINE'], 'PATH' in os.environ, "
            "os.environ['HTTPS_PROXY'].startswith('http://authsome:'))")
    done = an.run([PYTHON, "-c", code],
                  env={"MINE": "kept", "HTTPS_PROXY": "http://elsewhere:1"},
                  capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["kept", "True", "True"]


def test_a_command_that_cannot_start_is_a_clear_error(signed_in):
    from authsome_nb.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="Cannot start 'no-such-command-here'"):
        an.run(["no-such-command-here", "--version"])
