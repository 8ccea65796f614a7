"""The ``%authsome`` subcommands: their names, one-line summaries, help and parsing.

The parsers themselves are declared with ``magic_arguments`` in ``arguments``, imported at
the first parse or help (not at ``%load_ext``).  A parse error raises ``UsageError``: IPython
shows it as one line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from IPython.core.error import UsageError

FLOWS = ("auto", "pkce", "device")
TENANT_HINTS = ("common", "organizations", "consumers")


@dataclass(frozen=True)
class Subcommand:
    name: str
    summary: str
    takes_provider: bool = False

    @property
    def arguments(self):
        """The ``magic_arguments`` function that declares this subcommand."""
        from . import arguments

        return getattr(arguments, f"_{self.name}")

    @property
    def parser(self):
        return self.arguments.parser

    @property
    def help(self) -> str:
        """The parser's help, formatted once by ``magic_arguments`` when it built the parser."""
        # IPython's formatter starts with "::" (reST, for docstrings); not wanted when printed.
        return self.arguments.__doc__.removeprefix("::").strip()


SUBCOMMANDS: dict[str, Subcommand] = {
    s.name: s
    for s in (
        Subcommand("login", "Sign in (PKCE in a browser tab, or a device code); show the account.",
                   takes_provider=True),
        Subcommand("logout", "Sign out: remove a connection and its tokens from the store.",
                   takes_provider=True),
        Subcommand("list", "Every connection: account, tenant, scopes, token expiry.",
                   takes_provider=True),
        Subcommand("get", "One connection's status: account, tenant, scopes, expiry, key source.",
                   takes_provider=True),
        Subcommand("token", "The access token as a masked object: tok = %authsome token microsoft",
                   takes_provider=True),
        Subcommand("export", "Set MICROSOFT_ACCESS_TOKEN (the provider's env vars) in this kernel.",
                   takes_provider=True),
        Subcommand("providers", "The provider definitions known here."),
        Subcommand("setup", "The app-registration guide: redirect URIs and permissions to add.",
                   takes_provider=True),
        Subcommand("reset", "Move an unreadable store aside (kept, not deleted); start empty."),
        Subcommand("graph", "Graph into pandas: df = %authsome graph /me/messages --top 50"),
        Subcommand("sync", "A collection kept current: only changes after the first run."),
        Subcommand("run", "A command whose requests get the tokens, never seeing one: "
                   "%authsome run microsoft -- curl …", takes_provider=True),
        Subcommand("help", "This overview, or a subcommand's options: %authsome help login"),
    )
}

def overview() -> str:
    width = max(len(n) for n in SUBCOMMANDS)
    lines = ["%authsome SUBCOMMAND [options]: sign in to Microsoft, GitHub, Google or any OAuth "
             "provider, call Graph from this notebook.",
             ""]
    lines += [f"  {name.ljust(width)}  {sub.summary}" for name, sub in SUBCOMMANDS.items()]
    lines += [
        "",
        "%authsome help SUBCOMMAND shows its options. Defaults are configurable, e.g.",
        '%config AuthsomeMagics.default_flow = "device"  (%config AuthsomeMagics lists them).',
    ]
    return "\n".join(lines)


def help_text(name: str | None = None) -> str:
    if not name:
        return overview()
    sub = find(name)
    return sub.help


def full_help() -> str:
    """The docstring of the magic (``%authsome?``): the overview and every subcommand's help."""
    parts = [overview()]
    parts += [help_text(name) for name in SUBCOMMANDS if name != "help"]
    return "\n\n".join(parts)


def find(name: str) -> Subcommand:
    sub = SUBCOMMANDS.get(name)
    if sub is not None:
        return sub
    import difflib  # only for a typo: not worth its import time at %load_ext

    close = difflib.get_close_matches(name, list(SUBCOMMANDS), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise UsageError(f"%authsome: unknown subcommand '{name}'.{hint} "
                     f"Subcommands: {', '.join(SUBCOMMANDS)} (%authsome help).")


def parse(name: str, rest: str):
    """Parse ``rest`` with the subcommand's parser; every problem is one-line ``UsageError``."""
    sub = find(name)
    try:
        from .arguments import parse_words

        args = parse_words(sub.parser, rest)
    except UsageError as exc:
        raise UsageError(f"%authsome {name}: {exc}. See %authsome help {name}.") from None
    except ValueError as exc:  # unbalanced quotes, from the shell-like splitter
        raise UsageError(f"%authsome {name}: {exc}.") from None
    args.command = name
    return args


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment``, as Python reads the rest of a cell.

    IPython hands a line magic everything after its name, comment included.  A ``#`` starts a
    comment where it starts a word outside quotes (``# my work account``); inside a word or a
    quoted value it is kept (``--search "C# jobs"``, ``/me/drive/items/x#y``).
    """
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line


def split_words(values: list[str] | None) -> list[str] | None:
    """``["outlook,teams", "tasks"]`` → ``["outlook", "teams", "tasks"]``; None when empty."""
    from .._scopes import split_scopes

    return split_scopes(values) or None
