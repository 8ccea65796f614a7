"""``python3 dev.py demo``: the whole product in a terminal, no Microsoft account needed.

It needs both distributions of this repository (``dev.py`` installs them): ``authsome-nb`` and
``authsome-nb-emulator``.  It starts the emulator of the Microsoft identity platform and Graph,
points a fresh home folder at it (your own ``~/.authsome_nb`` is not touched), signs in with a
device code — the emulator approves it after a few seconds, as if you had typed the code in a
browser — and pulls the last 50 messages into a pandas DataFrame, with mail per day as a bar chart.

``--lab`` opens JupyterLab on ``notebooks/quickstart.ipynb`` instead, with the same setup.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: notebooks/ is there


def _point_at_emulator(emu, home: Path) -> None:
    os.environ.update(emu.environ(home))
    emu.write_provider_override(home)


def run_terminal_demo(emu) -> None:
    import authsome_nb as an

    print(f"Emulator of login.microsoftonline.com and graph.microsoft.com at {emu.url}\n")
    connection = an.login("microsoft", flow="device")
    print(f"\n{connection!r}")
    print(f"Token (masked, as every repr shows it): {an.token()!r}\n")

    me = an.graph().get("/me")
    print(f"/me → {me['displayName']} <{me['userPrincipalName']}>\n")

    frame = an.graph().frame(
        "/me/messages",
        select=["subject", "from", "receivedDateTime", "isRead"],
        orderby="receivedDateTime desc",
        top=50,
        max_items=50,
    )
    print(f"The last {len(frame)} messages (dtypes: received = {frame['receivedDateTime'].dtype}):")
    print(
        frame[["receivedDateTime", "from.emailAddress.name", "subject"]]
        .head(10)
        .to_string(index=False)
    )

    per_day = frame.groupby(frame["receivedDateTime"].dt.date).size()
    print("\nMail per day:")
    widest = max(per_day.max(), 1)
    for day, count in per_day.items():
        print(f"  {day}  {'█' * max(1, round(30 * count / widest))} {count}")
    print(
        "\nDone. In a notebook the same is `%load_ext authsome_nb` and `%authsome login microsoft`;"
        " try `python3 dev.py demo --lab`."
    )


def run_lab(home: Path) -> int:
    notebook = ROOT / "notebooks" / "quickstart.ipynb"
    command = [sys.executable, "-m", "jupyter", "lab", str(notebook), f"--notebook-dir={ROOT}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    print("Starting JupyterLab; the notebook's first cell starts its own emulator.")
    env = dict(os.environ)
    for name in ("AUTHSOME_NB_CA_BUNDLE", "MICROSOFT_OAUTH_CLIENT_ID"):
        env.pop(name, None)  # let the notebook decide: no client id → the emulator
    env["AUTHSOME_NB_HOME"] = str(home)
    return subprocess.call(command, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 dev.py demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--lab", action="store_true", help="open JupyterLab on notebooks/quickstart.ipynb"
    )
    parser.add_argument(
        "--approve-after",
        type=int,
        default=3,
        help="polls before the emulator approves the device code (default 3)",
    )
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="authsome-nb-demo-"))
    if args.lab:
        return run_lab(home)
    from authsome_nb_emulator import Emulator

    with Emulator(auto_approve_after=args.approve_after, messages_per_user=3000) as emu:
        _point_at_emulator(emu, home)
        try:
            run_terminal_demo(emu)
        except KeyboardInterrupt:
            print("\nStopped.")
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
