"""JWT-shaped tokens: base64url JSON header and payload, signed RS256.

RS256 with an RSA key published as a JWKS is what both Microsoft's identity platform
(https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-tokens) and
Google (https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken)
sign with, and what their discovery documents announce.  MSAL only decodes the id_token payload,
and Graph validates our access tokens by lookup in the emulator's registry; the signature is
still real (published at ``jwks_uri``), so the generic engine's id_token check and any other
client that verifies can point at the emulator too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHM = "RS256"
_LOCK = threading.Lock()
_KEY: rsa.RSAPrivateKey | None = None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signing_key() -> rsa.RSAPrivateKey:
    global _KEY
    with _LOCK:
        if _KEY is None:  # one per process, made on first use (~0.1 s)
            _KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _KEY


def _uint(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def key_id() -> str:
    numbers = _signing_key().public_key().public_numbers()
    return b64url(hashlib.sha256(_uint(numbers.n)).digest()[:12])


def encode(payload: dict[str, Any]) -> str:
    """Sign ``payload`` as a compact JWS (RS256: RSASSA-PKCS1-v1_5 with SHA-256)."""
    header = {"typ": "JWT", "alg": ALGORITHM, "kid": key_id()}
    signing_input = f"{b64url_json(header)}.{b64url_json(payload)}"
    signature = _signing_key().sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                    hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def decode_payload(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (for tests and diagnostics)."""
    return json.loads(b64url_decode(token.split(".")[1]))


def jwks() -> dict[str, Any]:
    numbers = _signing_key().public_key().public_numbers()
    return {"keys": [{
        "kty": "RSA", "use": "sig", "alg": ALGORITHM, "kid": key_id(),
        "n": b64url(_uint(numbers.n)), "e": b64url(_uint(numbers.e)),
    }]}
