"""A sign-in again for an existing connection must come back as the same account.

MSAL's ``login_hint`` only pre-fills the account picker: the person at the browser can pick
another account, and whoever sees a pending authorize URL can sign in as *their own* account
with its ``state``, challenge and nonce and hand that code to the listener first (RFC 8252
§8.1 names the risk of loopback redirects).  Either way the connection would silently become
someone else's.  The account is compared by MSAL's home account id (the ``uid.utid`` of
``client_info``), which the identity platform issues — not by a name anyone can type.
"""

from __future__ import annotations

from .errors import AccountMismatchError


def require_same_account(existing: dict | None, account: dict, *, key: str,
                         force: bool) -> None:
    """Raise :class:`AccountMismatchError` if ``account`` is not ``existing``'s (unless
    ``force``, or there is no earlier account to compare with)."""
    if force or not existing:
        return
    before, after = existing.get("home_account_id"), account.get("home_account_id")
    if not before or not after or before == after:
        return
    was = existing.get("username") or "the account it was signed in with"
    came = account.get("username") or "another account"
    provider, _, connection = key.partition("/")
    raise AccountMismatchError(
        f"The sign-in for {key} came back as {came}, but {key} is {was}'s: refused, "
        "nothing was changed",
        remedy=f"sign in again and pick {was} in the browser; for {came}, use another "
        f"connection name (an.login({provider!r}, connection='other')); to replace {key} with "
        f"it, pass force=True (`%authsome login {provider} --force`). If you did not just sign "
        f"in as {came}, someone else may have answered this sign-in: close the sign-in tab and "
        "try again",
    )
