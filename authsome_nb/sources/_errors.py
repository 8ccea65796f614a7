"""What a failed token request tells the user: which connection, why, and what to run.

Each error names the sign-in that fixes it as a :class:`~authsome_nb.errors.Step`, so it reads
``an.login('microsoft', connection='work')`` in Python and ``%authsome login microsoft work`` in a
magic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ConsentRequiredError, NotSignedInError, ReauthenticationRequired, Step

if TYPE_CHECKING:
    from ..errors import TokenError
    from ..flows import Engine


def not_signed_in(provider: str, connection: str) -> NotSignedInError:
    return NotSignedInError(
        f"Not signed in: no connection {provider}/{connection} in this store",
        remedy="sign in with {step}", step=Step.of("login", provider, connection),
    )


def refresh_error(engine: Engine, result: dict[str, Any], provider: str, connection: str,
                   scopes: list[str]) -> TokenError:
    login = Step.of("login", provider, connection)
    if result.get("error") in ("no_account", "no_refresh_token"):
        return ReauthenticationRequired(
            f"Token refresh failed for {provider}/{connection}: {result['error_description']}",
            remedy="sign in again: {step}", step=login,
        )
    base = engine.error_of(result, f"Token refresh failed for {provider}/{connection}")
    if isinstance(base, ConsentRequiredError):
        return ConsentRequiredError(
            base.message,
            aadsts=base.aadsts,
            error=base.error,
            remedy="sign in again to consent to the new scopes: {step}",
            step=Step.of("login", provider, connection, scopes=list(scopes)),
        )
    # The catalog's remedy often starts with "sign in again" too: say it once.
    extra = (base.remedy or "").removeprefix("sign in again").strip(" :;,")
    if extra and not extra.startswith("("):
        extra = f"({extra})"
    remedy = "sign in again: {step}" + (f" {extra}" if extra else "")
    return ReauthenticationRequired(
        base.message, aadsts=base.aadsts, error=base.error, remedy=remedy, step=login
    )
