"""JWT-shaped tokens: base64url JSON header and payload, signed ES256.

MSAL only decodes the id_token payload, and Graph validates our access tokens by lookup in
the emulator's registry; the signature is still real (published at ``jwks_uri``) so other
clients that do verify id_tokens can point at the emulator too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

_LOCK = threading.Lock()
_KEY: ec.EllipticCurvePrivateKey | None = None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signing_key() -> ec.EllipticCurvePrivateKey:
    global _KEY
    with _LOCK:
        if _KEY is None:
            _KEY = ec.generate_private_key(ec.SECP256R1())
        return _KEY


def key_id() -> str:
    numbers = _signing_key().public_key().public_numbers()
    return b64url(hashlib.sha256(numbers.x.to_bytes(32, "big")).digest()[:12])


def encode(payload: dict[str, Any]) -> str:
    """Sign ``payload`` as a compact JWS (ES256, raw r||s signature as JOSE wants)."""
    header = {"typ": "JWT", "alg": "ES256", "kid": key_id()}
    signing_input = f"{b64url_json(header)}.{b64url_json(payload)}"
    der = _signing_key().sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def decode_payload(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (for tests and diagnostics)."""
    return json.loads(b64url_decode(token.split(".")[1]))


def jwks() -> dict[str, Any]:
    numbers = _signing_key().public_key().public_numbers()
    return {"keys": [{
        "kty": "EC", "use": "sig", "alg": "ES256", "crv": "P-256", "kid": key_id(),
        "x": b64url(numbers.x.to_bytes(32, "big")), "y": b64url(numbers.y.to_bytes(32, "big")),
    }]}
