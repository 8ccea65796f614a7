"""A sign-in again for an existing connection must come back as the same account.

MSAL's ``login_hint`` only pre-fills the account picker: the person at the browser can pick
another account, and whoever sees a pending authorize URL can sign in as *their own* account
with its ``state``, challenge and nonce and hand that code to the listener first (RFC 8252
§8.1 names the risk of loopback redirects).  Either way the connection would silently become
someone else's.  The account is compared by the id the provider issues — MSAL's home account
id (the ``uid.utid`` of ``client_info``), OpenID Connect's issuer and ``sub``, a profile's
``id`` — not by a name anyone can type.  A sign-in that names no account at all (a provider
with neither a profile nor userinfo) cannot be compared, so it replaces a connection only when
asked to (``force=True``).
"""

from __future__ import annotations

from ..errors import AccountMismatchError, Step
from ..store import Account, ConnectionRecord


def require_same_account(existing: ConnectionRecord | None, account: Account, *, key: str,
                         force: bool) -> None:
    """Raise :class:`AccountMismatchError` if ``account`` is not ``existing``'s, or names no
    account to compare (unless ``force``, or there is no earlier connection)."""
    if force or existing is None:
        return
    before = existing.account.id
    after = account.id
    was = existing.account.username or "the account it was signed in with"
    provider, _, connection = key.partition("/")
    if not after:
        raise AccountMismatchError(
            f"The sign-in for {key} came back without saying which account signed in (the "
            f"provider offers no profile or userinfo), so it cannot be checked against {was}: "
            "refused, nothing was changed",
            remedy=f"if you signed in as {was}, or mean to replace {key} with whoever did: "
            "{step}",
            step=Step.of("login", provider, connection, force=True),
        )
    if not before or before == after:
        return
    came = account.username or "another account"
    raise AccountMismatchError(
        f"The sign-in for {key} came back as {came}, but {key} is {was}'s: refused, "
        "nothing was changed",
        remedy=f"sign in again and pick {was} in the browser. If you did not just sign in as "
        f"{came}, someone else may have answered this sign-in: close the sign-in tab and try "
        f"again. For {came}, use another connection name; to replace {key} with it: {{step}}",
        step=Step.of("login", provider, connection, force=True),
    )
