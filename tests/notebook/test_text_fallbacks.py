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
                      "table = %authsome list\nprint(table)\n")
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


def test_configured_off_widgets_a_kernel_prints_plain_lines(world):
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
        assert {o["output_type"] for o in run.outputs(1)} == {"stream"}
        printed = run.text(1)
        assert printed.splitlines()[:3] == [
            "Signing in to Microsoft (connection microsoft/work)…",
            "Signing in with a device code.",
            f"To sign in, open {emu.url}/devicelogin and enter the code {emu.last_user_code}"
            " (valid for 15 min).",
        ]
        assert "Connection microsoft/work: Adele Vance" in printed
        assert "widgets" not in run.nb.metadata
        world.assert_no_secrets(run)


def test_a_frontend_without_widgets_still_has_the_whole_story_in_text_plain(world):
    with world.notebook("%load_ext authsome_nb", "%authsome login microsoft --flow device") as run:
        run.cell(0)
        expirer = world.expire_when_shown(run)
        run.cell(1)
        expirer.join()
        [display, error] = run.outputs(1)
        shown = display["data"]["text/plain"].splitlines()
        assert shown[0] == "Signing in to Microsoft (connection microsoft/default)…"
        assert world.emulator.last_user_code in shown[2]
        assert shown[3].startswith("Sign-in expired: Device-code sign-in failed: AADSTS70020")
        assert shown[4].startswith("  What to do: run the sign-in again")
        assert os.linesep not in error["evalue"].splitlines()[0]
