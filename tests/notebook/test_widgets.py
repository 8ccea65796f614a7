"""The widgets and the finished cards on their own: what each shows, how it ends, no secret."""

from __future__ import annotations

import time

import pytest

import authsome_nb as an
from authsome_nb._connection import Connection
from authsome_nb.errors import SignInCancelled, SignInDeclined, SignInError, SignInTimeout
from authsome_nb.events import AuthorizeUrl, DeviceCode, FlowChosen, SignedIn
from authsome_nb.notebook.cards import CONNECTION_MIME, card_bundle
from authsome_nb.notebook.text import countdown, outcome_of
from authsome_nb.notebook.widgets import (
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
        # blocking: no widget button (a busy kernel cannot hear it) but one that interrupts
        assert "[Cancel]" not in text
        assert "authsome-interrupt" in text and ">Cancel</button>" in text
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


def test_the_account_card_is_plain_mime_with_the_account_and_no_widget():
    bundle = card_bundle(adele())
    assert set(bundle) == {CONNECTION_MIME, "text/html", "text/plain"}
    facts = bundle[CONNECTION_MIME]["connection"]
    assert facts["username"] == "adele@contoso.example" and facts["key"] == "microsoft/work"
    for expected in ("Adele Vance", "adele@contoso.example", "tenant-1", "microsoft/work",
                     ">Mail.Read</code>", "expires in 59 min", ">AV</div>",
                     "%authsome logout microsoft work"):
        assert expected in bundle["text/html"]
    assert bundle["text/plain"].startswith("Connection microsoft/work: Adele Vance")


def test_a_failing_refresh_says_so_instead_of_an_expiry():
    bundle = card_bundle(adele(refresh_error="AADSTS70008: expired"))
    assert ">refresh failed</span>" in bundle["text/html"]
    assert "expires in" not in bundle["text/html"] and "AADSTS70008" in bundle["text/html"]


def test_the_sign_in_view_ends_as_the_card_replacing_the_panel_and_its_link():
    view = SignInView("microsoft", "work")
    view.starting()
    view.event(FlowChosen("pkce", "Signing in in your browser (PKCE)."))
    view.event(AuthorizeUrl("https://login.example/authorize?x=1", "http://localhost:5000/callback",
                            opened_browser=False))
    assert "Sign in with Microsoft &#8599;" in shown(view.panel)
    waiting = view.bundle
    assert "application/vnd.jupyter.widget-view+json" in waiting
    assert waiting["text/plain"].splitlines() == [
        "Signing in to Microsoft (connection microsoft/work)…",
        "Signing in in your browser (PKCE).",
        "Open this link in your browser to sign in:",
        "  https://login.example/authorize?x=1",
    ]
    panel = view.panel
    view.event(SignedIn("microsoft", "work", "adele@contoso.example", "Adele Vance"))
    view.signed_in(adele())
    assert set(view.bundle) == {CONNECTION_MIME, "text/html", "text/plain"}
    assert "login.example" not in str(view.bundle) and view.panel is None
    assert panel.comm is None  # the replaced panel's widgets are closed


def test_a_cancelled_sign_in_ends_calmly_without_the_code():
    view = SignInView("microsoft", "work")
    view.starting()
    view.event(device_code())
    view.failed(SignInCancelled("Sign-in interrupted."), "cancelled")
    assert view.bundle["text/plain"] == "Sign-in cancelled (microsoft/work): nothing was stored."
    assert ">cancelled</span>" in view.bundle["text/html"] and "ABCD1234" not in str(view.bundle)


def test_a_failure_raised_to_the_cell_is_said_once():
    error = SignInDeclined("Device-code sign-in failed: AADSTS65004", remedy="sign in again")
    raised, background = SignInView("microsoft", "work"), SignInView("microsoft", "work")
    raised.failed(error, "declined", raised=True)
    background.failed(error, "declined")
    assert raised.bundle["text/plain"] == "Sign-in declined (microsoft/work)."
    assert "AADSTS65004" in background.bundle["text/plain"]
    assert "What to do: sign in again" in background.bundle["text/plain"]


def test_html_reprs_escape_what_the_directory_says():
    table = ConnectionsTable([adele(display_name="<script>alert(1)</script>")])
    assert "<script>" not in table._repr_html_() and "&lt;script&gt;" in table._repr_html_()
    assert "<script>" not in card_bundle(adele(display_name="<script>x</script>"))["text/html"]


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
    bundle = signed_in._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle  # a card, not a widget
    assert bundle[CONNECTION_MIME]["connection"]["username"] == "AdeleV@contoso.example"
    other = LoginButton("microsoft", connection="other")
    assert other.existing is None and other.children == (other.button,)
    assert other.button.description == "Sign in with Microsoft"
    assert other._repr_mimebundle_()["text/plain"] == (
        "Sign in to Microsoft (microsoft/other): run %authsome login microsoft other")
