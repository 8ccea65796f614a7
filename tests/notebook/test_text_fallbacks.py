"""Without a widget frontend, plain text carries the link, the code and the outcome."""

from __future__ import annotations

import os
import subprocess
import sys

from notebook_harness import REPO, kernel_env


def test_terminal_ipython_prints_where_to_go_the_code_and_the_outcome(world, tmp_path):
    emu = world.emulator
    emu.auto_approve_after = 1
    script = tmp_path / "sign_in.ipy"
    script.write_text("%load_ext authsome_nb\n%authsome login microsoft\n"
                      "%authsome list\n")
    env = kernel_env(emu.environ(world.home))
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "IPython", "--quick", "--no-banner", "--colors=nocolor",
         "--AuthsomeMagics.default_connection=terminal", str(script)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    code = emu.last_user_code
    assert "Signing in with a device code: this machine has no display" in out
    assert f"open {emu.url}/devicelogin and enter the code {code}" in out
    assert "Connection microsoft/terminal: Adele Vance <AdeleV@contoso.example>" in out
    assert "microsoft/terminal  AdeleV@contoso.example" in out  # the list, as a text table
    assert "VBox(" not in out and "Traceback" not in result.stderr


def test_configured_off_widgets_a_kernel_shows_plain_lines_and_keeps_no_code(world):
    emu = world.emulator
    with world.notebook(
        "%load_ext authsome_nb\n"
        "%config AuthsomeMagics.widgets = 'off'\n"
        "%config AuthsomeMagics.default_flow = 'device'\n"
        "%config AuthsomeMagics.default_connection = 'work'",
        "%authsome login microsoft",
    ) as run:
        run.cell(0)
        approver = world.approve_when_shown(run)
        run.cell(1)
        approver.join()
        code_line = (f"To sign in, open {emu.url}/devicelogin and enter the code "
                     f"{emu.last_user_code} (valid for 15 min).")
        run.wait_for_output(code_line)  # shown while the sign-in waited …
        [output] = run.outputs(1)
        assert output["output_type"] == "display_data" and set(output["data"]) == {"text/plain"}
        shown = run.text(1).splitlines()
        assert shown[:2] == ["Signing in to Microsoft (connection microsoft/work)…",
                             "Signing in with a device code."]
        assert code_line not in shown  # … and gone once it was used
        assert "Connection microsoft/work: Adele Vance" in run.text(1)
        assert "widgets" not in run.nb.metadata
        world.assert_no_secrets(run)


def test_a_frontend_without_widgets_has_the_code_while_waiting_and_the_outcome_after(world):
    with world.notebook("%load_ext authsome_nb", "%authsome login microsoft --flow device") as run:
        run.cell(0)
        expirer = world.expire_when_shown(run)
        run.cell(1)
        expirer.join()
        run.wait_for_output(world.emulator.last_user_code)  # the text/plain copy had the code
        [display, error] = run.outputs(1)
        assert display["data"]["text/plain"] == "Sign-in expired (microsoft/default)."
        assert error["evalue"].startswith("Device-code sign-in failed: AADSTS70020")
        assert "What to do: run the sign-in again" in error["traceback"][0]
        assert os.linesep not in error["evalue"].splitlines()[0]
