"""panva's oidc-provider in a Node process, over TLS on loopback, for one test module.

The certificate comes from a throw-away CA (the emulator's helper) that the tests trust
through ``AUTHSOME_NB_CA_BUNDLE``, as users trust a corporate CA.  ``definition()`` is the
provider file a user would write for it: just the issuer, the scopes, and ``prompt=consent``
(without which an OpenID Connect server drops ``offline_access``, OIDC Core §11).
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
from authsome_nb_emulator._certs import _leaf, create_ca

HERE = Path(__file__).resolve().parent
PUBLIC_CLIENT = "authsome-nb-public"
CONFIDENTIAL_CLIENT = "authsome-nb-confidential"
CONFIDENTIAL_SECRET = "a-test-client-secret"
INITIAL_ACCESS_TOKEN = "an-initial-access-token-for-tests"  # server.mjs's, for /op-iat


def ensure_installed() -> None:
    """``npm ci`` here when oidc-provider is missing (dev.py does it before the tests)."""
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the oidc-provider tests need Node.js and npm on PATH")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True,
                   capture_output=True)


class OidcProvider:
    def __init__(self, workdir: Path) -> None:
        ensure_installed()
        ca = create_ca()
        cert, key = _leaf(ca)
        workdir.mkdir(parents=True, exist_ok=True)
        self.ca_path = str(workdir / "op-ca.pem")
        Path(self.ca_path).write_bytes(ca.cert_pem)
        (workdir / "op-cert.pem").write_bytes(cert)
        (workdir / "op-key.pem").write_bytes(key)
        self._log = open(workdir / "op.log", "wb")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            ["node", str(HERE / "server.mjs"), str(workdir / "op-cert.pem"),
             str(workdir / "op-key.pem")],
            cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"oidc-provider did not start: see {workdir / 'op.log'}")
        started = json.loads(line)
        self.issuer: str = started["issuer"]
        self.origin = self.issuer.rsplit("/op", 1)[0]
        self.tls = ssl.create_default_context(cafile=self.ca_path)
        self._control = httpx.Client(base_url=self.origin, verify=self.tls, trust_env=False)

    def definition(self, name: str = "testoidc", **changes) -> dict:
        definition = {
            "schema_version": 1,
            "name": name,
            "display_name": "Test OIDC",
            "auth_type": "oauth2",
            "flow": "pkce",
            "api_url": self.origin.removeprefix("https://"),
            "api_base": self.issuer,
            "client_id": PUBLIC_CLIENT,
            "oauth": {
                "issuer": self.issuer,
                "scopes": ["openid", "profile", "email", "offline_access"],
                "supports_device_code": True,
                "authorize_params": {"prompt": "consent"},
            },
            "export": {"TESTOIDC_ACCESS_TOKEN": "ACCESS_TOKEN",
                       "TESTOIDC_REFRESH_TOKEN": "REFRESH_TOKEN"},
        }
        definition.update(changes)
        return definition

    def write_definition(self, home: Path, name: str = "testoidc", **changes) -> Path:
        folder = home / "providers"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        path.write_text(json.dumps(self.definition(name, **changes), indent=2))
        return path

    def counts(self) -> dict:
        return self._control.get("/_control/counts").json()

    def refreshes(self) -> int:
        return self.counts()["grants"].get("refresh_token", 0)

    def set_access_token_ttl(self, seconds: int) -> None:
        self._control.post("/_control/ttl", params={"seconds": seconds}).raise_for_status()

    def reset_counts(self) -> None:
        self._control.post("/_control/reset").raise_for_status()

    def forget_client(self, client_id: str) -> None:
        """The server forgets a client it registered (as one that purges stale clients)."""
        self._control.post("/_control/forget-client",
                           params={"client_id": client_id}).raise_for_status()

    def misbehave(self, what: str) -> None:
        """From now on (until reset_counts) answer as a broken or hostile server would."""
        self._control.post("/_control/misbehave", params={"what": what}).raise_for_status()

    @property
    def iat_issuer(self) -> str:
        """The second provider, whose registration wants an initial access token."""
        return self.issuer + "-iat"

    def userinfo(self, access_token: str) -> httpx.Response:
        return httpx.get(f"{self.issuer}/me", headers={"Authorization": f"Bearer {access_token}"},
                         verify=self.tls, trust_env=False)

    def stop(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if hasattr(self, "_control"):
            self._control.close()
        self._log.close()
