"""Validating an OpenID Connect id_token (OpenID Connect Core 1.0 §3.1.3.7) with joserfc.

The signature is checked against the issuer's published keys (``jwks_uri``, fetched again
once when a token names a key we have not seen: providers rotate keys), with the algorithms
the issuer announces — never ``none`` and never an HMAC keyed by a secret we might not hold.
Then ``iss`` must be the issuer, ``aud`` must hold our client id (and ``azp`` name us when
there are several audiences), ``exp`` must lie ahead and ``nonce`` must be the one this
sign-in sent.  Only then are its claims trusted to name the account.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ...errors import SignInError
from ._http import get_json
from ._metadata import Endpoints

if TYPE_CHECKING:
    from joserfc.jwk import KeySet

    from ..._providers import Provider

ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                        "ES512", "EdDSA", "Ed25519"})
LEEWAY_SECONDS = 120  # clock skew between this machine and the provider

_keys: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _key_set(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    from joserfc.jwk import KeySet

    with _lock:
        document = None if fresh else _keys.get(jwks_uri)
    if document is None:
        status, document = get_json(jwks_uri)
        if status != 200 or not isinstance(document.get("keys"), list):
            raise _invalid(f"its keys ({jwks_uri}) could not be fetched (HTTP {status})")
        with _lock:
            _keys[jwks_uri] = document
    return KeySet.import_key_set(document)  # type: ignore[arg-type]  # a JWKS document


def validate_id_token(id_token: str, endpoints: Endpoints, *, client_id: str,
                      nonce: str | None) -> dict[str, Any]:
    """The id_token's claims once every check passed; raises :class:`SignInError` otherwise."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    if not endpoints.jwks or not endpoints.issuer:
        raise _invalid("the provider publishes no jwks_uri to check it with")
    algorithms = [a for a in endpoints.id_token_algorithms if a in ASYMMETRIC] or ["RS256"]
    try:
        try:
            token = jwt.decode(id_token, _key_set(endpoints.jwks), algorithms=algorithms)
        except JoseError:  # perhaps a key published since we fetched them
            token = jwt.decode(id_token, _key_set(endpoints.jwks, fresh=True),
                               algorithms=algorithms)
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": endpoints.issuer},
            "aud": {"essential": True, "value": client_id},
            "exp": {"essential": True},
            "sub": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, **options).validate(token.claims)
    except JoseError as exc:
        raise _invalid(f"{type(exc).__name__}: {exc}") from None
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise _invalid("it names several audiences and azp is not this app")
    return claims


def verified_claims(provider: Provider, endpoints: Endpoints, token: dict[str, Any],
                    scopes: list[str], *, client_id: str, nonce: str | None) -> dict[str, Any]:
    """The id_token's claims when ``openid`` was asked for: then it must be there and valid
    (a response without one would skip the signature, nonce and issuer checks)."""
    if "openid" not in scopes:
        return {}
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise SignInError(
            f"{provider.display_name} answered the sign-in without an id_token although "
            "'openid' was asked for: refused, nothing was stored",
            remedy="sign in again; if it persists, the token endpoint (oauth.token_url) may not "
            "be the OpenID Connect provider's, or take 'openid' out of the definition's scopes",
            error="missing_id_token",
        )
    return validate_id_token(id_token, endpoints, client_id=client_id, nonce=nonce)


def _invalid(reason: str) -> SignInError:
    return SignInError(
        f"The provider's id_token failed validation: {reason}",
        remedy="check oauth.issuer and the client id in the provider definition, and this "
        "machine's clock; then sign in again",
        error="invalid_id_token",
    )


def forget_keys() -> None:
    with _lock:
        _keys.clear()
