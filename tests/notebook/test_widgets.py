"""The widgets on their own: what each shows, how it ends, and that it holds no secret."""

from __future__ import annotations

import time

import pytest

import authsome_nb as an
from authsome_nb._connection import Connection
from authsome_nb.errors import SignInCancelled, SignInDeclined, SignInError, SignInTimeout
from authsome_nb.events import AuthorizeUrl, DeviceCode, FlowChosen, SignedIn
from authsome_nb.notebook.text import countdown, outcome_of
from authsome_nb.notebook.widgets import (
    AccountCard,
    ConnectionsTable,
    DeviceCodePanel,
    LoginButton,
    SignInView,
)
from authsome_nb.notebook.widgets.device_code_panel import code_html


def device_code(code: str = "ABCD1234", seconds: float = 900) -> DeviceCode:
    return DeviceCode(user_code=code, verification_uri="https://microsoft.com/devicelogin",
                      message="", expires_at=time.time() + seconds, interval=5)


def adele(**changes) -> Connection:
    fields = dict(provider="microsoft", connection="work", username="adele@contoso.example",
                  display_name="Adele Vance", tenant_id="tenant-1",
                  scopes=("User.Read", "Mail.Read"), expires_at=time.time() + 3600)
    fields.update(changes)
    return Connection(**fields)


def shown(widget) -> str:
    """The HTML values and captions of a widget tree, as one string."""
    parts = [getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else "",
             getattr(widget, "description", "")]
    for child in getattr(widget, "children", ()):
        if child.layout.display != "none":
            parts.append(shown(child))
    return " ".join(p for p in parts if p)


def test_the_device_code_panel_shows_where_to_go_and_the_code_with_a_copy_button():
    panel = DeviceCodePanel(device_code())
    try:
        text = shown(panel)
        assert "href='https://microsoft.com/devicelogin' target='_blank'" in text
        assert ">ABCD1234</span>" in text and ">Copy</button>" in text
        assert ">waiting</span>" in text and "Code expires in <b>14:5" in text
        assert "Kernel → Interrupt (■) cancels" in text and "[Cancel]" not in text  # blocking
    finally:
        panel.close()


def test_a_final_state_stops_the_countdown_hides_the_code_and_sticks():
    cancelled = []
    panel = DeviceCodePanel(device_code(), on_cancel=lambda: cancelled.append(True))
    panel._cancel.click()
    panel.set_state("approved", "Approved: signed in as adele.")
    panel.set_state("cancelled", "too late")  # a late click must not undo the outcome
    panel._thread.join(timeout=5)
    assert cancelled == [True] and panel.state == "approved" and not panel._thread.is_alive()
    assert "ABCD1234" not in shown(panel) and "Approved: signed in as adele." in shown(panel)


def test_a_code_with_odd_characters_gets_no_copy_button():
    assert "<button" not in code_html("AB'CD") and "AB&#x27;CD" in code_html("AB'CD")


def test_the_account_card_shows_the_account_and_signs_out():
    signed_out = []
    card = AccountCard(adele(), on_sign_out=signed_out.append)
    text = shown(card)
    for expected in ("Adele Vance", "adele@contoso.example", "tenant-1", "microsoft/work",
                     ">Mail.Read</span>", "expires in 59 min", ">AV</div>", "Sign out"):
        assert expected in text
    card._button.click()
    assert [c.key for c in signed_out] == ["microsoft/work"]
    assert ">signed out</span>" in shown(card) and "Sign out" not in shown(card)
    assert card._repr_mimebundle_()["text/plain"] == "Signed out of microsoft/work."


def test_a_failed_sign_out_is_shown_on_the_card():
    def refuse(_connection):
        raise SignInError("store is locked")

    card = AccountCard(adele(), on_sign_out=refuse)
    card._button.click()
    assert "store is locked" in shown(card) and not card.signed_out and not card._button.disabled


def test_the_sign_in_view_keeps_a_text_fallback_of_every_step():
    view = SignInView("microsoft", "work")
    view.starting()
    view.event(FlowChosen("pkce", "Signing in in your browser (PKCE)."))
    view.event(AuthorizeUrl("https://login.example/authorize?x=1", "http://localhost:5000/callback",
                            opened_browser=False))
    assert "Sign in with Microsoft &#8599;" in shown(view)
    view.event(SignedIn("microsoft", "work", "adele@contoso.example", "Adele Vance"))
    view.signed_in(adele())
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].splitlines() == [
        "Signing in to Microsoft (connection microsoft/work)…",
        "Signing in in your browser (PKCE).",
        "Open this link in your browser to sign in:",
        "  https://login.example/authorize?x=1",
        "Signed in to microsoft as adele@contoso.example (connection 'work').",
        "Connection microsoft/work: Adele Vance <adele@contoso.example>",
        *bundle["text/plain"].splitlines()[6:],
    ]
    assert ">approved</span>" in shown(view.panel)


def test_html_reprs_escape_what_the_directory_says():
    table = ConnectionsTable([adele(display_name="<script>alert(1)</script>")])
    assert "<script>" not in table._repr_html_() and "&lt;script&gt;" in table._repr_html_()
    assert "<script>" not in shown(AccountCard(adele(display_name="<script>x</script>")))


@pytest.mark.parametrize(("error", "outcome"), [
    (SignInCancelled("x"), "cancelled"),
    (KeyboardInterrupt(), "cancelled"),
    (SignInDeclined("x"), "declined"),
    (SignInTimeout("x", aadsts=70020), "expired"),
    (SignInTimeout("x", error="expired_token"), "expired"),
    (SignInTimeout("nobody came back"), "timeout"),
    (SignInError("x"), "error"),
])
def test_how_a_sign_in_ended(error, outcome):
    assert outcome_of(error) == outcome


def test_countdown():
    shown_as = [countdown(s) for s in (900, 61, 59.9, 0, -5)]
    assert shown_as == ["15:00", "1:01", "0:59", "0:00", "0:00"]


def test_a_login_button_shows_the_account_when_signed_in_and_the_button_otherwise(world):
    world.emulator.auto_approve_after = 0
    an.login("microsoft", connection="work", flow="device", on_event=lambda e: None)
    signed_in = LoginButton("microsoft", connection="work")
    assert signed_in.card is not None and "AdeleV@contoso.example" in shown(signed_in)
    other = LoginButton("microsoft", connection="other")
    assert other.card is None and other.children == (other.button,)
    assert other.button.description == "Sign in with Microsoft"
    assert other._repr_mimebundle_()["text/plain"] == (
        "Sign in to Microsoft (microsoft/other): run %authsome login microsoft --connection other")
