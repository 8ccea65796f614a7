"""The few HTML pages a person (or ``play_browser``) sees: pick an account and consent, type
a device code, read an error.  Plain forms, no script needed (except the form_post bounce)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ._users import User

_STYLE = ("body{font-family:Segoe UI,system-ui,sans-serif;background:#f2f2f2;margin:0}"
          "main{background:#fff;max-width:440px;margin:48px auto;padding:32px 44px;"
          "box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:1.4em;font-weight:600}"
          "label{display:block;padding:8px;border-bottom:1px solid #eee;cursor:pointer}"
          "small{color:#666}button{margin:16px 8px 0 0;padding:6px 20px}"
          "#error{color:#a80000}.emulator{color:#888;font-size:.8em;margin-top:24px}")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
            f"</title><style>{_STYLE}</style></head><body><main>{body}"
            '<p class="emulator">Microsoft identity platform emulator (authsome_nb). No real '
            "account is used.</p></main></body></html>")


def _user_choices(users: Iterable[User], selected: str | None) -> str:
    rows = []
    for index, user in enumerate(users):
        checked = (selected is None and index == 0) or (
            selected is not None and user.upn.lower() == selected.lower())
        rows.append(f'<label><input type="radio" name="user" value="{escape(user.upn)}"'
                    f'{" checked" if checked else ""}> {escape(user.display_name)} '
                    f"<small>{escape(user.upn)}</small></label>")
    return "".join(rows)


def sign_in(*, action: str, context_id: str, users: list[User], selected: str | None,
            scopes: list[str]) -> str:
    permissions = "".join(f"<li>{escape(s)}</li>" for s in scopes) or "<li>Sign you in</li>"
    return _page("Sign in to your account", (
        '<h1>Pick an account</h1><form method="post" action="' + escape(action) + '">'
        f'<input type="hidden" name="ctx" value="{escape(context_id)}">'
        f"{_user_choices(users, selected)}"
        f"<p>authsome_nb wants to:</p><ul>{permissions}</ul>"
        '<button type="submit" name="action" value="accept">Accept</button>'
        '<button type="submit" name="action" value="cancel">Cancel</button></form>'))


def error(code: int, description: str, *, request_id: str, timestamp: str) -> str:
    return _page("Sign in to your account", (
        "<h1>Sorry, but we're having trouble signing you in.</h1>"
        f'<p id="error" data-aadsts="{code}">{escape(description)}</p>'
        f"<p><small>Request Id: {escape(request_id)}<br>Timestamp: {escape(timestamp)}"
        "</small></p>"))


def form_post(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                     for k, v in fields.items())
    return ('<!DOCTYPE html><html><head><title>Working...</title></head>'
            '<body onload="document.forms[0].submit()">'
            f'<form id="form_post" method="post" action="{escape(action)}">{inputs}'
            "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>")


def device_login(users: list[User], *, user_code: str = "", problem: str | None = None) -> str:
    note = f'<p id="error">{escape(problem)}</p>' if problem else ""
    return _page("Enter code", (
        f"<h1>Enter code</h1>{note}<p>Enter the code displayed on your app or device.</p>"
        '<form method="post" action="/devicelogin">'
        f'<input name="otc" value="{escape(user_code)}" placeholder="Code" autofocus>'
        f"<p>Sign in as:</p>{_user_choices(users, None)}"
        '<button type="submit" name="action" value="accept">Next</button>'
        '<button type="submit" name="action" value="deny">Deny</button></form>'))


def message(title: str, text: str) -> str:
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")
