"""``python -m authsome_nb_emulator``: run an emulator in the foreground, or script one.

Serving writes the provider override into a home folder (a new temporary one by default),
prints the ``export`` lines that point authsome_nb at it, and serves until Ctrl+C.  The verbs
``approve``, ``deny``, ``expire`` and ``pending`` talk to a running emulator from another
shell; ``--url``/``--ca`` default to what the exported environment describes.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ._client import EmulatorClient
from ._emulator import Emulator
from ._errors import EmulatorError

_VERBS = ("approve", "deny", "expire", "pending")


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m authsome_nb_emulator",
        description="Run a local Microsoft identity platform + Graph emulator over HTTPS. "
                    f"Other commands: {', '.join(_VERBS)} (see `python -m "
                    "authsome_nb_emulator approve --help`).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    parser.add_argument("--home", type=Path, help="AUTHSOME_NB_HOME to configure "
                        "(default: a new temporary folder)")
    parser.add_argument("--auto-approve-after", type=int, metavar="N",
                        help="approve device codes by themselves after N polls")
    parser.add_argument("--auto-consent-user", metavar="USER",
                        help="sign in as USER at once on /authorize (no page)")
    parser.add_argument("--access-token-lifetime", type=int, default=3600, metavar="SECONDS")
    parser.add_argument("--messages-per-user", type=int, default=120, metavar="N")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    return parser


def _verb_parser(verb: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m authsome_nb_emulator {verb}")
    if verb != "pending":
        parser.add_argument("code", help="the user code shown by the device-code flow")
    if verb == "approve":
        parser.add_argument("--user", help="sign in as this user (UPN or name)")
    parser.add_argument("--url", help="the emulator's URL (default: from the provider "
                        "override in $AUTHSOME_NB_HOME)")
    parser.add_argument("--ca", help="the emulator's CA file (default: $AUTHSOME_NB_CA_BUNDLE)")
    return parser


def _url_from_home() -> str | None:
    home = os.environ.get("AUTHSOME_NB_HOME")
    if not home:
        return None
    try:
        override = json.loads((Path(home) / "providers" / "microsoft.json").read_text())
    except (OSError, ValueError):
        return None
    base = override.get("api_base", "")
    return base.removesuffix("/v1.0") or None


def _run_verb(verb: str, argv: Sequence[str]) -> int:
    args = _verb_parser(verb).parse_args(argv)
    url, ca = args.url or _url_from_home(), args.ca or os.environ.get("AUTHSOME_NB_CA_BUNDLE")
    if not url or not ca:
        print("error: give --url and --ca (or export the emulator's environment)",
              file=sys.stderr)
        return 2
    client = EmulatorClient(url, ca)
    try:
        if verb == "approve":
            print(f"Approved {args.code} as {client.approve(args.code, args.user)}.")
        elif verb == "pending":
            print("\n".join(client.pending_user_codes()) or "No device code is waiting.")
        else:
            getattr(client, verb)(args.code)
            print(f"{verb.capitalize()}d {args.code}." if verb == "expire"
                  else f"Denied {args.code}.")
    except EmulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _banner(emulator: Emulator, home: Path) -> str:
    exports = "\n".join(f"export {name}={shlex.quote(value)}"
                        for name, value in emulator.environ(home).items())
    users = "\n".join(f"  {u.display_name:<18} {u.upn:<30} {u.kind}" for u in emulator.users)
    return (f"authsome_nb emulator running at {emulator.url}\n\n"
            "Point authsome_nb at it (in another shell, or before starting Jupyter):\n"
            f"{exports}\n\n"
            f"Users:\n{users}\n\n"
            f"Approve a device code from another shell:\n"
            f"  python -m authsome_nb_emulator approve CODE --url {emulator.url} "
            f"--ca {shlex.quote(emulator.ca_path)}\n"
            f"or open {emulator.url}/devicelogin in a browser (its certificate comes from the CA "
            "above: trust it, or accept the warning).\n\n"
            "Press Ctrl+C to stop.")


def _serve(argv: Sequence[str]) -> int:
    args = _serve_parser().parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="authsome-nb-home-"))
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    knobs = {"auto_consent_user": args.auto_consent_user} if args.auto_consent_user else {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        emulator = Emulator(port=args.port, auto_approve_after=args.auto_approve_after,
                            access_token_lifetime=args.access_token_lifetime,
                            messages_per_user=args.messages_per_user, seed=args.seed,
                            state_dir=home / "emulator", **knobs)
        with emulator:
            emulator.write_provider_override(home)
            print(_banner(emulator, home), flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    except EmulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _VERBS:
        return _run_verb(argv[0], argv[1:])
    return _serve(argv)


if __name__ == "__main__":
    sys.exit(main())
