"""Device-code sign-in against the emulator, driven by MSAL itself."""

from __future__ import annotations

import re
import threading

import httpx
import pytest
from authsome_nb_emulator import MSA_TENANT_ID, Emulator, EmulatorError, UnknownUserCodeError

from .helpers import device_sign_in, msal_app

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def test_a_person_approves_the_code_from_another_thread(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_device_flow(scopes=["User.Read", "Mail.Read"])
    approver = threading.Thread(target=lambda: emu.approve(emu.wait_for_user_code(), "megan"))
    approver.start()

    result = app.acquire_token_by_device_flow(flow)
    approver.join()

    assert result["id_token_claims"]["preferred_username"] == "MeganB@contoso.example"
    assert set(result["scope"].split()) == {"User.Read", "Mail.Read"}  # MSAL sends a set
    assert result["token_type"] == "Bearer" and result["refresh_token"]
    assert app.get_accounts()[0]["username"] == "MeganB@contoso.example"
    assert emu.count("token", grant_type=DEVICE_GRANT) >= 1
    assert emu.pending_user_codes() == []


def test_the_code_approves_itself_after_n_polls(emu: Emulator) -> None:
    emu.auto_approve_after = 1
    app = msal_app(emu)
    result = app.acquire_token_by_device_flow(app.initiate_device_flow(scopes=["User.Read"]))

    assert "access_token" in result
    assert emu.count("token", grant_type=DEVICE_GRANT, status=400) == 1
    assert emu.count("token", grant_type=DEVICE_GRANT, status=200) == 1


def test_a_declined_code_ends_polling(emu: Emulator) -> None:
    app = msal_app(emu)
    flow = app.initiate_device_flow(scopes=["User.Read"])
    emu.deny(flow["user_code"])

    result = app.acquire_token_by_device_flow(flow)

    assert result["error"] == "authorization_declined"
    assert result["error_codes"] == [65004]


def test_an_expired_code_ends_polling(emu: Emulator) -> None:
    app = msal_app(emu)
    first, second = (app.initiate_device_flow(scopes=["User.Read"]) for _ in range(2))
    emu.expire(first["user_code"])

    assert app.acquire_token_by_device_flow(first)["error"] == "expired_token"
    emu.advance_clock(emu.device_code_lifetime + 1)  # the second one simply times out
    result = app.acquire_token_by_device_flow(second)
    assert result["error"] == "expired_token" and result["error_codes"] == [70020]
    with pytest.raises(UnknownUserCodeError):
        emu.approve(second["user_code"])


def test_the_device_code_answer_looks_like_microsofts(emu: Emulator, identity: httpx.Client,
                                                      ) -> None:
    emu.device_interval = 0  # never sent as 0: MSAL would busy-poll
    answer = identity.post("/organizations/oauth2/v2.0/devicecode",
                           data={"client_id": emu.client_id, "scope": "User.Read"}).json()

    assert re.fullmatch(r"[A-Z0-9]{9}", answer["user_code"])
    assert answer["verification_uri"] == f"{emu.url}/devicelogin"
    assert answer["interval"] == 1 and answer["expires_in"] == 900
    assert answer["message"] == (f"To sign in, use a web browser to open the page "
                                 f"{emu.url}/devicelogin and enter the code "
                                 f"{answer['user_code']} to authenticate.")
    assert emu.last_user_code == answer["user_code"] == emu.wait_for_user_code(timeout=1)


def test_slow_down_then_pending(emu: Emulator, identity: httpx.Client) -> None:
    code = identity.post("/common/oauth2/v2.0/devicecode",
                         data={"client_id": emu.client_id, "scope": "User.Read"}).json()
    emu.slow_down_polls = 1
    poll = {"grant_type": DEVICE_GRANT, "client_id": emu.client_id,
            "device_code": code["device_code"]}

    assert identity.post("/common/oauth2/v2.0/token", data=poll).json()["error"] == "slow_down"
    pending = identity.post("/common/oauth2/v2.0/token", data=poll).json()
    assert pending["error"] == "authorization_pending" and pending["error_codes"] == [70016]
    bad = identity.post("/common/oauth2/v2.0/token", data={**poll, "device_code": "nope"})
    assert bad.json()["error"] == "bad_verification_code"


def test_a_person_types_the_code_on_the_devicelogin_page(emu: Emulator,
                                                         identity: httpx.Client) -> None:
    app = msal_app(emu)
    flow = app.initiate_device_flow(scopes=["User.Read"])
    assert "Enter code" in identity.get("/devicelogin").text

    page = identity.post("/devicelogin", data={"otc": flow["user_code"].lower(),
                                               "user": "DiegoS@fabrikam.example",
                                               "action": "accept"})

    assert page.status_code == 200 and "signed in" in page.text
    assert app.acquire_token_by_device_flow(flow)["id_token_claims"]["tid"] == \
        emu.user("diego").tenant_id
    again = identity.post("/devicelogin", data={"otc": flow["user_code"], "action": "accept"})
    assert again.status_code == 400 and "didn&#x27;t work" in again.text


def test_tenants_accept_only_their_own_users(emu: Emulator) -> None:
    consumers = msal_app(emu, "consumers")
    with pytest.raises(EmulatorError, match="AADSTS50020"):
        emu.approve(consumers.initiate_device_flow(scopes=["User.Read"])["user_code"], "adele")

    sam = device_sign_in(emu, ["User.Read"], "sam", app=consumers)
    assert sam["id_token_claims"]["tid"] == MSA_TENANT_ID

    organizations = msal_app(emu, "organizations")
    with pytest.raises(EmulatorError):
        emu.approve(organizations.initiate_device_flow(scopes=["User.Read"])["user_code"], "sam")

    by_domain = msal_app(emu, "fabrikam.example")
    assert device_sign_in(emu, ["User.Read"], "diego", app=by_domain)["id_token_claims"][
        "preferred_username"] == "DiegoS@fabrikam.example"
    by_guid = msal_app(emu, emu.user("adele").tenant_id)
    with pytest.raises(EmulatorError):
        emu.approve(by_guid.initiate_device_flow(scopes=["User.Read"])["user_code"], "diego")


def test_unknown_client_and_unknown_tenant_are_refused(emu: Emulator,
                                                      identity: httpx.Client) -> None:
    unknown = identity.post("/common/oauth2/v2.0/devicecode",
                            data={"client_id": "00000000-0000-0000-0000-000000000001",
                                  "scope": "User.Read"})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unauthorized_client"
    assert unknown.json()["error_codes"] == [700016]
    metadata = identity.get("/nowhere.example/v2.0/.well-known/openid-configuration")
    assert metadata.status_code == 400 and metadata.json()["error_codes"] == [90002]


def test_waiting_for_a_code_that_never_comes_times_out(emu: Emulator) -> None:
    with pytest.raises(TimeoutError):
        emu.wait_for_user_code(timeout=0.05)


def _new_code(identity: httpx.Client, emu: Emulator) -> str:
    answer = identity.post("/common/oauth2/v2.0/devicecode",
                           data={"client_id": emu.client_id, "scope": "User.Read"})
    return answer.json()["user_code"]


def test_a_wait_skips_a_sign_in_already_waited_for_and_left_pending(
        emu: Emulator, identity: httpx.Client) -> None:
    abandoned = _new_code(identity, emu)
    assert emu.wait_for_user_code(timeout=1) == abandoned  # then the sign-in is interrupted
    found: list[str] = []
    waiter = threading.Thread(target=lambda: found.append(emu.wait_for_user_code(timeout=10)))
    waiter.start()  # before the next sign-in asks for its code
    waiter.join(0.3)
    assert waiter.is_alive()  # not satisfied by the older code still pending
    newest = _new_code(identity, emu)
    waiter.join(10)
    assert found == [newest] and abandoned in emu.pending_user_codes()


def test_a_wait_after_a_named_code_returns_only_a_later_one(
        emu: Emulator, identity: httpx.Client) -> None:
    older = _new_code(identity, emu)  # never waited for
    with pytest.raises(TimeoutError):
        emu.wait_for_user_code(timeout=0.1, after=older)
    newer = _new_code(identity, emu)
    assert emu.wait_for_user_code(timeout=1, after=older) == newer
    assert emu.wait_for_user_code(timeout=1, after=older) == newer  # named: asked again, same
    with pytest.raises(UnknownUserCodeError):
        emu.wait_for_user_code(timeout=0.1, after="NOSUCHCOD")
