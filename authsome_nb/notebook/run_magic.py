"""``%authsome run [PROVIDER [CONNECTION]] -- COMMAND …`` and ``%authsome run --kernel [off]``.

The command is a shell line (as in a ``!`` cell: pipes and ``$VAR`` are the shell's), run
under a broker of its own; its output streams into the cell as it comes and the last line
says its exit code.  Kernel → Interrupt stops the command and the broker.
"""

from __future__ import annotations

import sys

from IPython.core.error import UsageError

from . import subcommands

SEPARATOR = "--"


def split_command(rest: str) -> tuple[str, str | None]:
    """``"microsoft work -- curl -s URL"`` → ``("microsoft work", "curl -s URL")``; the command
    is None when there is no ``--``."""
    words = rest.split(" ")
    for index, word in enumerate(words):
        if word == SEPARATOR:
            return " ".join(words[:index]), " ".join(words[index + 1:]).strip()
    if rest.strip() == SEPARATOR or rest.strip().startswith(SEPARATOR + " "):
        return "", rest.strip()[2:].strip()
    return rest, None


def run_line(rest: str, *, default_connection: str = "default") -> None:
    options, command = split_command(rest)
    args = subcommands.parse("run", options)
    if args.kernel is not None:
        if command is not None:
            raise UsageError("%authsome run --kernel takes no command: `!` cells and "
                             "subprocess children of this kernel are routed until --kernel off.")
        _kernel(args, default_connection)
        return
    if not command:
        raise UsageError("%authsome run: give the command after --, e.g. %authsome run "
                         "microsoft -- curl -s https://graph.microsoft.com/v1.0/me")
    from .. import _api
    from ..broker import run_streaming

    try:
        code = run_streaming(_api.session(), command, write=_write, shell=True,
                             provider=args.provider,
                             connection=args.connection_name or (
                                 default_connection if args.provider else None))
    except KeyboardInterrupt:  # Kernel → Interrupt: said calmly, as a cancelled sign-in is
        print("\n[interrupted: the command and its broker were stopped]")
        return
    hint = ": command not found" if code == 127 else ""
    print(f"[exit code {code}{hint}]")


def _kernel(args, default_connection: str) -> None:
    from .. import _api
    from ..broker import turn_off, turn_on

    if args.kernel == "off":
        print("Kernel-wide broker off: the proxy and identity variables are restored."
              if turn_off() else "The kernel-wide broker was not on.")
        return
    broker = turn_on(_api.session(), args.provider,
                     args.connection_name or (default_connection if args.provider else None))
    names = ", ".join(f"{p}/{c}" for p, c in broker.connections)
    print(f"Kernel-wide broker on (127.0.0.1:{broker.port}) for {names}: `!` cells and "
          "subprocess children reach their APIs with the token injected; their environment "
          "holds placeholders, never a token. %authsome run --kernel off ends it.")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
