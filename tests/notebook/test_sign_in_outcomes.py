"""How a sign-in ends in a real kernel: declined, expired, interrupted, in the background, PKCE."""

from __future__ import annotations

from notebook_harness import CONNECTION_MIME, WIDGET_VIEW, badge_history, models_with_class

import authsome_nb as an

LOGIN = "%authsome login microsoft --flow device"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def test_a_declined_code_ends_as_declined_and_the_error_says_it_once(world):
    with world.notebook("%load_ext authsome_nb", LOGIN) as run:
        run.cell(0)
        denier = world.deny_when_shown(run)
        run.cell(1)
        denier.join()
        assert badge_history(run, 1) == ["waiting", "declined"]
        [display, error] = run.outputs(1)
        assert WIDGET_VIEW not in display["data"]  # the panel was replaced by the outcome
        assert display["data"]["text/plain"] == "Sign-in declined (microsoft/default)."
        assert error["ename"] == "SignInDeclined"
        assert "AADSTS65004" in error["traceback"][0]
        assert "What to do: sign in again and click Accept" in error["traceback"][0]
        world.assert_no_secrets(run)
    assert an.connections() == []


def test_an_expired_code_ends_as_expired_and_the_dead_code_is_gone(world):
    with world.notebook("%load_ext authsome_nb", LOGIN) as run:
        run.cell(0)
        expirer = world.expire_when_shown(run)
        run.cell(1)
        expirer.join()
        assert badge_history(run, 1) == ["waiting", "expired"]
        assert "Sign-in expired" in run.text(1) and "enter the new code" in run.text(1)
        assert run.outputs(1)[-1]["ename"] == "SignInTimeout"
        run.save()
        assert world.emulator.last_user_code not in run.path.read_text()
        assert run.widget_state() == {}  # the panel's widgets were closed with it


def test_kernel_interrupt_cancels_calmly_and_leaves_the_kernel_usable(world):
    emu = world.emulator
    with world.notebook(
        "%load_ext authsome_nb",
        LOGIN,
        "import time\ntime.sleep(2.5)\n%authsome list",
        LOGIN,
    ) as run:
        run.cell(0)
        interrupter = world.interrupt_when_shown(run)
        run.cell(1)
        interrupter.join()
        assert badge_history(run, 1) == ["waiting", "cancelled"]
        [display] = run.outputs(1)  # no error box: a cancel is not a failure
        assert display["data"]["text/plain"] == (
            "Sign-in cancelled (microsoft/default): nothing was stored.")
        polls = emu.count("token", grant_type=DEVICE_GRANT)
        run.cell(2)  # the kernel answers, and no longer polls for the abandoned code
        assert "No connections yet" in run.text(2)
        assert emu.count("token", grant_type=DEVICE_GRANT) == polls
        approver = world.approve_when_shown(run)
        run.cell(3)
        approver.join()
        assert badge_history(run, 3) == ["waiting", "approved"]
    assert [c.key for c in an.connections()] == ["microsoft/default"]


def test_background_sign_in_returns_at_once_and_the_widget_updates_when_approved(world):
    with world.notebook(
        "%load_ext authsome_nb\nfrom authsome_nb.notebook.sign_in import latest_sign_in",
        LOGIN + " --background\nprint('still signing in:', not latest_sign_in().done.is_set())",
        "print(latest_sign_in().wait(60))",
    ) as run:
        run.cells(0, 1)
        assert "still signing in: True" in run.text(1)  # the cell did not wait
        approver = world.approve_when_shown(run)
        run.cell(2)
        approver.join()
        assert "<Connection microsoft/default" in run.text(2)
        assert badge_history(run) == ["waiting", "approved"]
        # the first cell's output was replaced in place by the card, which needs no kernel
        [card] = [o for o in run.outputs(1) if o["output_type"] == "display_data"]
        assert WIDGET_VIEW not in card["data"]
        assert card["data"][CONNECTION_MIME]["connection"]["display_name"] == "Adele Vance"
        assert "Connection microsoft/default: Adele Vance" in run.text(1)
        world.assert_no_secrets(run)


def test_the_cancel_button_stops_a_background_sign_in(world):
    with world.notebook(
        "%load_ext authsome_nb\nfrom authsome_nb.notebook.sign_in import latest_sign_in",
        LOGIN + " --background",
        "import time\nwhile latest_sign_in().observer.panel is None:\n    time.sleep(0.05)",
        "sign_in = latest_sign_in()\nsign_in.wait(60)\n"
        "print(type(sign_in.error).__name__, sign_in.observer.text())",
    ) as run:
        run.cells(0, 1, 2)
        states = run.widget_state()
        [cancel] = [m for m, s in states.items()
                    if s.get("_model_name") == "ButtonModel" and s.get("description") == "Cancel"]
        run.click(cancel)  # what the frontend sends when the button is pressed
        run.cell(3)
        assert run.text(3).strip() == (
            "SignInCancelled Sign-in cancelled (microsoft/default): nothing was stored.")
        assert badge_history(run) == ["waiting", "cancelled"]
    assert an.connections() == []


def test_pkce_shows_a_sign_in_link_that_opens_in_a_new_tab(world):
    with world.notebook("%load_ext authsome_nb", "%authsome login microsoft --flow pkce") as run:
        run.cell(0)
        browser = world.browse_when_shown(run, user="megan")
        run.cell(1)
        browser.join()
        link = run.wait_for_match(r"<a href='(https://[^']+)' target='_blank' "
                                  r"rel='noopener noreferrer'[^>]*>Sign in with Microsoft").group(1)
        assert "code_challenge_method=S256" in link
        assert badge_history(run, 1) == ["waiting", "approved"]
        assert "Connection microsoft/default: Megan Bowen" in run.text(1)
        world.assert_no_secrets(run)


def test_a_login_button_signs_in_and_out_in_the_background(world):
    with world.notebook(
        "%load_ext authsome_nb\nimport authsome_nb as an\n"
        "button = an.LoginButton('microsoft', connection='work', flow='device')\nbutton",
        "sign_in = button.click()",
        "print(sign_in.wait(60))\nbutton.sign_out()\nprint(button.button.description)",
    ) as run:
        run.cells(0, 1)
        approver = world.approve_when_shown(run)
        run.cell(2)
        approver.join()
        assert [line for line in run.text(2).splitlines() if line] == [
            "<Connection microsoft/work: AdeleV@contoso.example, expires in 59 min>",
            "Sign in with Microsoft",
        ]
        states = run.widget_state()
        [button] = models_with_class(states, "authsome-login-button")
        assert states[button]["description"] == "Sign in with Microsoft"
        world.assert_no_secrets(run)
    assert an.connections() == []


def test_a_login_button_that_fails_shows_why_and_offers_itself_again(world):
    with world.notebook(
        "%load_ext authsome_nb\nimport authsome_nb as an\n"
        "button = an.LoginButton('microsoft', connection='work', flow='device')\nbutton",
        "sign_in = button.click()",
        "sign_in.wait(60)\nprint(button.button.description, button.button.disabled)",
    ) as run:
        run.cells(0, 1)
        denier = world.deny_when_shown(run)
        run.cell(2)
        denier.join()
        assert run.text(2).strip() == "Sign in with Microsoft again False"
        [display] = run.outputs(0)
        assert WIDGET_VIEW in display["data"]  # a button waiting to be pressed is a widget
        states = run.widget_state()
        [button] = models_with_class(states, "authsome-login-button")
        shown = " ".join(str(s.get("value", "")) for s in states.values())
        assert "Sign-in declined" in shown and "AADSTS65004" in shown
        world.assert_no_secrets(run)
