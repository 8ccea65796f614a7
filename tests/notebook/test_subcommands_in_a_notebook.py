"""Every ``%authsome`` subcommand, run in a real kernel through nbclient against the emulator."""

from __future__ import annotations

from notebook_harness import CONNECTION_MIME, CONNECTIONS_MIME, WIDGET_VIEW, badge_history

import authsome_nb as an


def test_a_notebook_signs_in_with_a_device_code_and_uses_every_subcommand(world):
    emu = world.emulator
    with world.notebook(
        "%load_ext authsome_nb",
        "%authsome login microsoft --flow device",
        "%authsome login microsoft --flow device",
        "%authsome list",
        "%authsome get microsoft",
        "tok = %authsome token microsoft\ntok",
        "%authsome export microsoft\nimport os\nlen(os.environ['MICROSOFT_ACCESS_TOKEN']) > 100",
        "%authsome providers",
        "%authsome setup microsoft --service outlook,teams",
        "%authsome help login",
        "df = %authsome graph /me/messages --select subject --max 3\nlen(df)",
        "%authsome logout microsoft",
        "%authsome list",
    ) as run:
        run.cell(0)
        approver = world.approve_when_shown(run, user="megan")
        run.cell(1)
        approver.join()
        run.cells(*range(2, 13))

        megan = emu.user("megan")
        code = emu.last_user_code
        run.wait_for_output(f"/devicelogin and enter the code {code}")  # while it waited
        login_text = run.text(1)
        assert f"Connection microsoft/default: {megan.display_name} <{megan.upn}>" in login_text
        assert code not in login_text  # the used code is not kept
        assert badge_history(run, 1) == ["waiting", "approved"]
        [card] = run.outputs(1)
        assert WIDGET_VIEW not in card["data"] and megan.upn in card["data"]["text/html"]
        assert card["data"][CONNECTION_MIME]["connection"]["username"] == megan.upn

        # the stored sign-in still works: no second code
        assert "Already signed in to Microsoft (microsoft/default)" in run.text(2)
        assert emu.last_user_code == code and badge_history(run, 2) == []

        assert "microsoft/default" in run.text(3) and megan.upn in run.text(3)
        assert "<table>" in run.outputs(3)[0]["data"]["text/html"]
        listed = run.outputs(3)[0]["data"][CONNECTIONS_MIME]["connections"]
        assert [c["key"] for c in listed] == ["microsoft/default"]
        assert "key source" in run.text(4) and "key file" in run.text(4)
        assert "<AccessToken microsoft/default (masked" in run.text(5)
        assert "MICROSOFT_ACCESS_TOKEN" in run.text(6) and "True" in run.text(6)
        assert "device code" in run.text(7)
        assert "http://localhost/callback" in run.text(8) and "Mail.Send" in run.text(8)
        assert "--background" in run.text(9)
        assert run.text(10).strip() == "3"
        assert "Signed out of microsoft/default" in run.text(11)
        assert "No connections yet" in run.text(12)
        assert not [o for c in run.nb.cells for o in c.outputs if o["output_type"] == "error"]
        world.assert_no_secrets(run)
    assert an.connections() == []  # the kernel's logout emptied the store this process shares


def test_usage_errors_are_one_line_and_identity_errors_show_their_remedy(world):
    with world.notebook(
        "%load_ext authsome_nb",
        "%authsome logn",
        "%authsome login microsoft --flow sideways",
        "%authsome login microsoft --service fax",
        "%authsome get nosuchprovider",
        "%authsome token microsoft --connection nobody",
    ) as run:
        run.cells()
        for index in (1, 2, 3, 4):
            [out] = run.outputs(index)
            assert out["output_type"] == "stream" and out["name"] == "stderr"
            assert out["text"].startswith("UsageError: %authsome") and out["text"].count("\n") == 1
        assert "Did you mean 'login'?" in run.text(1)
        assert "invalid choice: 'sideways'" in run.text(2)
        assert "unknown service 'fax'" in run.text(3)
        [error] = run.outputs(5)
        assert error["ename"] == "NotSignedInError"
        assert error["traceback"] == [
            "NotSignedInError: Not signed in: no connection microsoft/nobody in this store\n"
            "  What to do: sign in with %authsome login microsoft nobody"  # the magic's syntax
        ]
