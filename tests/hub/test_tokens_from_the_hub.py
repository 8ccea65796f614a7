"""Signed in once at the Hub: every user's notebook calls Graph as that user, with no sign-in.

A real JupyterHub runs examples/hub/jupyterhub_config.py against the emulator; Adele and
Megan log in to it in their browsers, and code runs in kernels of their own servers.
"""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest
from hub_world import RunningHub, kernel_lines, running_hub

from authsome_nb.hub import store_key


@pytest.fixture(scope="module")
def world(hub_workdir):
    with running_hub(hub_workdir) as world:
        world.log_in("adele")
        world.log_in("megan")
        world.adele = world.kernel("adele")  # type: ignore[attr-defined]
        world.megan = world.kernel("megan")  # type: ignore[attr-defined]
        yield world


def test_each_notebook_calls_graph_as_its_hub_user_with_no_sign_in(world: RunningHub):
    code = "import authsome_nb as an; print(an.graph().get('/me')['userPrincipalName'])"
    assert kernel_lines(world.adele, code) == [world.emu.user("adele").upn]
    assert kernel_lines(world.megan, code) == [world.emu.user("megan").upn]
    # Nobody signed in in a notebook: the only sign-ins are the two at the Hub.
    assert world.emu.count("devicecode") == 0
    assert world.emu.count("token", grant_type="authorization_code", status=200) == 2


def test_authsome_list_shows_the_hub_connection(world: RunningHub):
    shown = world.adele.run(
        "get_ipython().run_line_magic('load_ext', 'authsome_nb')\n"
        "print(repr(get_ipython().run_line_magic('authsome', 'list')))")
    row = next(line for line in shown.splitlines() if "microsoft/hub" in line)
    adele = world.emu.user("adele")
    assert adele.upn in row and adele.display_name in row and "jupyterhub" in row
    assert "Mail.Read" in row and adele.tenant_id in row
    said, found = kernel_lines(world.adele, "import authsome_nb as an; c = an.login()\n"
                                            "print(c.key, c.flow)")
    assert said == f"Signed in to microsoft as {adele.upn} (connection 'hub')."
    assert found == "microsoft/hub jupyterhub"  # flow="auto" takes the Hub's sign-in


def test_one_users_server_cannot_get_another_users_token(world: RunningHub):
    megan = world.users["megan"].name
    code = f"""
import hashlib, json, os, httpx, base64
import authsome_nb as an
headers = {{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]}}
api = os.environ["JUPYTERHUB_API_URL"]
print(httpx.get(f"{{api}}/users/{megan}", headers=headers).status_code)
print(httpx.get(f"{{api}}/users", headers=headers).status_code)
token = an.token().value
claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
print(claims["upn"], hashlib.sha256(token.encode()).hexdigest())
"""
    own_user, everyone, who = kernel_lines(world.adele, code)
    assert (own_user, everyone) == ("404", "403")
    upn, adele_digest = who.split()
    assert upn == world.emu.user("adele").upn
    megan_digest = kernel_lines(
        world.megan, "import hashlib, authsome_nb as an\n"
                     "print(hashlib.sha256(an.token().value.encode()).hexdigest())")[0]
    assert megan_digest != adele_digest


def test_a_scope_the_hub_did_not_ask_for_names_the_sign_in_that_gets_it(world: RunningHub):
    code = """
import authsome_nb as an
if "authsome" not in get_ipython().magics_manager.magics["line"]:
    get_ipython().run_line_magic("load_ext", "authsome_nb")
for attempt in (lambda: an.token(scopes=["Mail.Send"]),
                lambda: an.graph().post("/me/sendMail", json={"message": {"subject": "x"}}),
                lambda: get_ipython().run_line_magic("authsome", "token microsoft hub "
                                                                  "--scopes Mail.Send")):
    try:
        attempt()
    except an.AuthsomeError as exc:
        print(type(exc).__name__, "|", str(exc).replace(chr(10), " "))
"""
    lines = kernel_lines(world.adele, code)
    assert len(lines) == 3, lines
    consent, graph, in_magic = lines
    assert consent.startswith("ConsentRequiredError | JupyterHub's token (microsoft/hub) "
                              "does not include Mail.Send")
    # The remedy is spelled where the user is: Python for Python calls, the magic in a magic.
    assert "an.login('microsoft', services=['outlook'])" in consent
    assert graph.startswith("GraphError | Graph POST /v1.0/me/sendMail failed: HTTP 403")
    assert "JupyterHub" in graph and "an.login('microsoft', services=['outlook'])" in graph
    assert in_magic.startswith("ConsentRequiredError | JupyterHub's token")
    assert "%authsome login microsoft --service outlook" in in_magic


def test_jupyterlab_lists_the_hub_connection_and_leaves_signing_out_to_the_hub(world):
    adele = world.users["adele"]
    server = world.hub.spawn(adele.name)  # running already: its URL
    with httpx.Client(base_url=server, headers={"Authorization": f"token {adele.token}"},
                      timeout=30) as lab:
        listed = lab.get("authsome/api/connections")
        hub = next(c for c in listed.json()["connections"] if c["key"] == "microsoft/hub")
        assert (hub["username"], hub["flow"]) == (adele.upn, "jupyterhub")
        refused = lab.delete("authsome/api/connections/microsoft/hub")
    assert refused.status_code == 409 and "log out of the Hub" in refused.json()["message"]
    assert "microsoft/hub" in listed.text and "access_token" not in listed.text


def test_each_user_gets_a_store_key_derived_in_the_hub(world: RunningHub):
    secret = bytes.fromhex(world.hub.hub_secret)
    for who, kernel in (("adele", world.adele), ("megan", world.megan)):
        key, source = kernel_lines(kernel, "import os, authsome_nb as an\n"
                                           "print(os.environ['AUTHSOME_NB_KEY'])\n"
                                           "print(an.key_source())")
        assert key == store_key(world.users[who].name, secret)
        assert len(base64.b64decode(key)) == 32 and "AUTHSOME_NB_KEY" in source
        assert not list(world.users[who].home.rglob("store.key"))  # no key on the volume
    assert store_key(world.users["adele"].name, secret) != store_key(
        world.users["megan"].name, secret)


def test_the_service_hands_a_sign_in_to_its_own_user_only(world: RunningHub):
    service = f"{world.hub.url}/services/authsome/api"
    adele, megan = (httpx.Client(headers={"Authorization": f"token {world.users[w].token}"},
                                 timeout=30) for w in ("adele", "megan"))
    digest = hashlib.sha256(b"adele's state").hexdigest()
    with adele, megan:
        assert adele.get(f"{service}/info").json()["callback_url"] == (
            f"{world.hub.url}/services/authsome/callback")
        assert adele.post(f"{service}/sign-ins", json={"state_sha256": digest}).status_code == 201
        assert megan.get(f"{service}/sign-ins/{digest}").status_code == 404
        assert megan.delete(f"{service}/sign-ins/{digest}").status_code == 404
        assert adele.get(f"{service}/sign-ins/{digest}").json()["status"] == "waiting"
        assert adele.post(f"{service}/sign-ins", json={"state_sha256": "x"}).status_code == 400
        assert adele.delete(f"{service}/sign-ins/{digest}").status_code == 204
        assert adele.get(f"{service}/sign-ins/{digest}").status_code == 404
    anonymous = httpx.get(f"{service}/info", timeout=30)
    assert anonymous.status_code == 403  # a browser's cookie or no token: never the API


def test_no_token_or_code_in_any_output_or_log(world: RunningHub):
    with world.hub.api() as api:
        states = [api.get(f"/users/{u.name}").json()["auth_state"]
                  for u in world.users.values()]
    secrets = [s[k] for s in states for k in ("access_token", "refresh_token", "id_token")]
    assert len(secrets) == 6 and all(secrets)
    shown = "".join(k.transcript for k in world.kernels)
    logs = world.hub.log() + "".join(p.read_text(errors="replace")
                                    for p in world.hub.workdir.rglob("*.log"))
    for secret in secrets:
        assert secret not in shown and secret not in logs
    assert not re.search(r"[?&]code=(?!\[secret\])", logs)  # authorization codes neither


def test_the_setup_guide_names_the_hubs_one_callback(world: RunningHub):
    code = """
from authsome_nb.notebook.setup_guide import build_guide
from authsome_nb._providers import load_provider
print(repr(build_guide(load_provider("microsoft"), None)))
"""
    guide = world.adele.run(code)
    assert f"{world.hub.url}/services/authsome/callback: the one callback" in guide, guide
