"""What users import: every public name from ``authsome_nb`` itself, typed, and nothing heavy."""

from __future__ import annotations

import inspect
import subprocess
import sys

import authsome_nb as an
from authsome_nb import errors, events
from authsome_nb._session import Session


def test_every_error_class_is_importable_from_the_package():
    classes = [n for n in errors.__all__ if issubclass(getattr(errors, n), Exception)]
    assert len(classes) >= 25
    for name in classes:
        assert getattr(an, name) is getattr(errors, name)
        assert name in an.__all__ and name in dir(an)
        assert issubclass(getattr(an, name), an.AuthsomeError)


def test_refresh_failures_are_all_token_errors():
    for name in ("NotSignedInError", "ReauthenticationRequired", "ConsentRequiredError"):
        assert issubclass(getattr(an, name), an.TokenError), name
    assert issubclass(an.ConsentRequiredError, an.SignInError)


def test_sign_in_events_are_public_and_handlers_are_typed():
    assert an.events is events
    for name in ("FlowChosen", "AuthorizeUrl", "DeviceCode", "Waiting", "SignedIn", "Failed"):
        assert inspect.isclass(getattr(events, name)) and name in events.__all__
    assert "on_event" in inspect.signature(an.login).parameters


def test_the_module_level_verbs_have_the_sessions_signatures():
    """``an.login`` is not ``(**kwargs)``: editors show the real parameters."""
    ours = inspect.signature(an.login).parameters
    sessions = inspect.signature(Session.login).parameters
    internal = {"self", "redirect"}  # the Jupyter server's own hook
    assert list(ours) == [p for p in sessions if p not in internal]
    for name in ours:
        assert ours[name].default == sessions[name].default, name
        assert ours[name].annotation != inspect.Parameter.empty, name


def test_the_package_is_cheap_to_import_and_has_no_emulator():
    code = ("import sys, authsome_nb; "
            "heavy = {'msal', 'httpx', 'pandas', 'ipywidgets', 'cryptography', 'typing', "
            "'authsome_nb_emulator'} & set(m.split('.')[0] for m in sys.modules); "
            "print(sorted(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
