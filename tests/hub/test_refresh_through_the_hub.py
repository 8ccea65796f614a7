"""The Hub refreshes, once, for every kernel of a user: after expiry and before it.

Adele has three kernels: two in her server and one in a named server.  The emulator rotates
refresh tokens strictly (a second use of one fails), and the Hub checks tokens on any request
older than a second (``auth_refresh_age = 1``), so a refresh grant too many would show.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hub_world import RunningHub, kernel_lines, running_hub

ME = "import authsome_nb as an; print(an.graph().get('/me')['userPrincipalName'])"
DIGEST = ("import hashlib, authsome_nb as an\n"
          "print(hashlib.sha256(an.token().value.encode()).hexdigest())")


@pytest.fixture(scope="module")
def world(hub_workdir):
    with running_hub(hub_workdir, auth_refresh_age=1) as world:
        world.emu.strict_rotation = True
        world.log_in("adele")
        world.notebooks = [world.kernel("adele"), world.kernel("adele"),  # type: ignore[attr-defined]
                           world.kernel("adele", "analysis")]
        yield world


def _everywhere(world: RunningHub, code: str) -> list[str]:
    """``code`` in every kernel of Adele's at the same moment; each one's output."""
    kernels = world.notebooks  # type: ignore[attr-defined]
    with ThreadPoolExecutor(len(kernels)) as pool:
        return [out.strip() for out in pool.map(lambda k: k.run(code), kernels)]


def _refresh_grants(world: RunningHub) -> int:
    return world.emu.count("token", grant_type="refresh_token")


def test_named_servers_share_the_store_key(world: RunningHub):
    keys = _everywhere(world, "import os; print(os.environ['AUTHSOME_NB_KEY'])")
    assert len(set(keys)) == 1 and keys[0]


def test_after_expiry_the_hub_refreshes_once_for_all_kernels(world: RunningHub):
    adele = world.emu.user("adele").upn
    assert _everywhere(world, ME) == [adele] * 3
    for _ in range(2):  # two expiries, one refresh each
        before, old = _refresh_grants(world), set(_everywhere(world, DIGEST))
        world.emu.advance_clock(3700)  # every token issued so far is now expired at "Entra"
        time.sleep(1.2)  # older than the Hub's auth_refresh_age
        assert _everywhere(world, ME) == [adele] * 3
        assert _refresh_grants(world) - before == 1
        new = set(_everywhere(world, DIGEST))
        assert len(new) == 1 and new != old  # all kernels hold the one new token
    # The kernels never held a refresh token: their store is empty.
    assert kernel_lines(world.notebooks[0], "import authsome_nb as an\n"  # type: ignore[attr-defined]
                        "print(len(an.session().store.data()['connections']))") == ["0"]


def test_before_expiry_the_hub_refreshes_and_no_kernel_meets_a_401(world: RunningHub):
    adele = world.emu.user("adele").upn
    world.emu.access_token_lifetime = 16  # kernels ask again below 1.6 s left, the Hub 3.2 s
    world.emu.advance_clock(3700)
    time.sleep(1.2)
    assert _everywhere(world, ME) == [adele] * 3  # all on a fresh 16-second token now
    expires_at = float(kernel_lines(world.notebooks[0],  # type: ignore[attr-defined]
                                    "import authsome_nb as an; print(an.token().expires_at)")[0])
    before, refused = _refresh_grants(world), world.emu.count("graph", status=401)
    time.sleep(max(0.0, expires_at - 1.1 - time.time()))  # near expiry, still valid at "Entra"
    assert _everywhere(world, ME) == [adele] * 3
    assert _refresh_grants(world) - before == 1  # the Hub's hook refreshed before expiry
    assert world.emu.count("graph", status=401) == refused  # and no call was refused


def test_a_refresh_the_hub_cannot_make_is_explained(world: RunningHub):
    world.emu.revoke_refresh_tokens("adele")
    world.emu.advance_clock(3700)
    time.sleep(1.2)
    said = kernel_lines(world.notebooks[0], """
import authsome_nb as an
from authsome_nb.sources import HubSource
HubSource.patience = 3  # seconds to wait for the Hub to refresh, 20 by default
try:
    an.graph().get("/me")
except an.ReauthenticationRequired as exc:
    print(str(exc).replace(chr(10), " "))
""")  # type: ignore[attr-defined]
    assert said[0].startswith("JupyterHub still hands out the token Microsoft Graph refused")
    assert "log out of the Hub and in again" in said[0]
