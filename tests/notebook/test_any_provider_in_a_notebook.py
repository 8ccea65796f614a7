"""``%authsome login github`` in a real kernel: the panel, list, client and export, as for
Microsoft."""

from __future__ import annotations

import threading
import time

from authsome_nb._session import Session


def approve_github_when_shown(world, run) -> threading.Thread:
    github = world.emulator.github

    def work() -> None:
        deadline = time.monotonic() + 60
        while not github.pending_user_codes() and time.monotonic() < deadline:
            time.sleep(0.05)
        code = github.pending_user_codes()[0]
        run.wait_for_output(code)
        # While it waits the panel says why the device code (a GitHub app has no secret here);
        # once signed in, the cell keeps only the account card.
        run.wait_for_match(r"Signing in with a device code[^\"]{0,300}client secret")
        github.approve(code, user="megan")

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_a_notebook_signs_in_to_github_and_uses_it_like_microsoft(world):
    github = world.emulator.github
    github.configure(device_interval=1, expiring_tokens=False)
    github.write_provider_override(world.home)
    with world.notebook(
        "%load_ext authsome_nb",
        "%authsome login github",
        "%authsome list",
        "import authsome_nb as an\nan.client('github').get('user').json()['login']",
        "%authsome export github\nimport os\n"
        "os.environ['GH_TOKEN'] == os.environ['GITHUB_ACCESS_TOKEN']",
        "%authsome setup github",
    ) as run:
        run.cell(0)
        approver = approve_github_when_shown(world, run)
        run.cell(1)
        approver.join()
        run.cells(2, 3, 4, 5)
        login = run.text(1)
        assert "Signing in with a device code" not in login and "/login/device" not in login
        assert "Connection github/default: Megan" in login and github.login_of("megan") in login
        assert "does not expire" in run.text(2)
        assert github.login_of("megan") in run.text(3)
        assert run.text(4).strip().endswith("True")
        assert "Enable Device Flow" in run.text(5)
        run.save()
        token = Session(world.home).store.records()["github/default"].state.tokens
        assert token.access_token not in run.path.read_text()
