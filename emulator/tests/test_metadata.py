"""OpenID metadata, instance discovery and signing keys: what clients fetch before signing in."""

from __future__ import annotations

import json

import httpx
import msal
import requests
from authsome_nb_emulator import Emulator
from authsome_nb_emulator._jwt import b64url_decode, decode_payload
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .helpers import device_sign_in


def test_openid_configuration_stays_under_the_tenant_asked_for(emu: Emulator,
                                                               identity: httpx.Client) -> None:
    tenant = emu.user("adele").tenant_id
    config = identity.get(f"/{tenant}/v2.0/.well-known/openid-configuration").json()
    assert config["issuer"] == f"{emu.url}/{tenant}/v2.0"
    for key in ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint",
                "end_session_endpoint", "jwks_uri"):
        assert config[key].startswith(f"{emu.url}/{tenant}/")
    common = identity.get("/common/v2.0/.well-known/openid-configuration").json()
    assert common["issuer"] == f"{emu.url}/{{tenantid}}/v2.0"
    assert emu.count("openid-configuration") == 2


def test_msal_can_use_the_emulators_instance_discovery(emu: Emulator) -> None:
    session = requests.Session()
    session.trust_env, session.verify = False, emu.ca_path
    app = msal.PublicClientApplication(
        emu.client_id, authority=emu.authority("organizations"), http_client=session,
        instance_discovery=f"{emu.url}/common/discovery/instance")
    device_sign_in(emu, ["User.Read"], app=app)
    assert emu.count("instance-discovery") == 1
    assert app.acquire_token_silent(["User.Read"], account=app.get_accounts()[0])


def test_id_tokens_are_rs256_and_verify_against_the_published_keys(emu: Emulator,
                                                                   identity: httpx.Client) -> None:
    config = identity.get("/common/v2.0/.well-known/openid-configuration").json()
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]  # as Microsoft's says
    id_token = device_sign_in(emu, ["User.Read"])["id_token"]
    header = json.loads(b64url_decode(id_token.split(".")[0]))
    key = identity.get("/common/discovery/v2.0/keys").json()["keys"][0]
    assert (header["alg"], header["kid"]) == ("RS256", key["kid"]) and key["kty"] == "RSA"
    public = rsa.RSAPublicNumbers(int.from_bytes(b64url_decode(key["e"]), "big"),
                                  int.from_bytes(b64url_decode(key["n"]), "big")).public_key()
    assert public.key_size == 2048
    signing_input, _, signature = id_token.rpartition(".")
    public.verify(b64url_decode(signature), signing_input.encode(), padding.PKCS1v15(),
                  hashes.SHA256())  # raises if forged


def test_tokens_carry_the_claims_clients_read(emu: Emulator) -> None:
    result = device_sign_in(emu, ["Mail.Read"], "megan")
    access = decode_payload(result["access_token"])
    megan = emu.user("megan")
    assert access["aud"] == "00000003-0000-0000-c000-000000000000"
    assert access["scp"] == "Mail.Read" and access["appid"] == emu.client_id
    assert (access["oid"], access["tid"], access["upn"]) == (megan.oid, megan.tenant_id,
                                                             megan.upn)
    assert access["exp"] - access["iat"] == 3600 and access["uti"]
    identity = decode_payload(result["id_token"])
    assert identity["aud"] == emu.client_id and identity["preferred_username"] == megan.upn
    assert json.loads(b64url_decode(result["client_info"])) == {"uid": megan.oid,
                                                               "utid": megan.tenant_id}
