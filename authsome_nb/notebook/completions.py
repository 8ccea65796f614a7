"""Tab completion for ``%authsome``: subcommands, options, providers, connections, services.

Registered as an IPython completion matcher, for a line that starts with ``%authsome`` and
for an assignment (``tok = %authsome token mi<TAB>``).  :func:`candidates` returns every word
that fits the position; the matcher keeps those that start with the text under the cursor.
Candidates that need the store (connection names) are read on demand; a completion never
raises.
"""

from __future__ import annotations

import re

from IPython.core.completer import SimpleCompletion, completion_matcher

from . import subcommands

# The line up to the cursor, when it is an %authsome line (possibly assigned: x = %authsome ...).
_LINE = re.compile(r"^\s*(?:[\w.\[\]'\", ]+=\s*)?%authsome(?:\s+(?P<rest>.*))?$", re.S)
#: subcommands whose second positional is the connection (``login microsoft work``)
CONNECTION_POSITIONAL = {"login", "logout", "get", "token", "export"}
VALUE_OPTIONS = {"--connection", "-c", "--flow", "--service", "--services", "--tenant",
                 "--client-id", "--scopes", "--timeout"}


def candidates(text_until_cursor: str) -> list[str]:
    """Every word that may come at the cursor of an ``%authsome`` line (empty if not one)."""
    match = _LINE.match(text_until_cursor)
    if match is None:
        return []
    rest = match.group("rest")
    if rest is None:  # "%authsome" with no space yet: IPython's own magic matcher handles it
        return []
    words = rest.split()
    if rest and not rest[-1].isspace():
        current, before = words[-1], words[:-1]
    else:
        current, before = "", words
    if not before:
        return list(subcommands.SUBCOMMANDS)
    name, args = before[0], before[1:]
    sub = subcommands.SUBCOMMANDS.get(name)
    if sub is None:
        return []
    last = args[-1] if args else None
    if last in VALUE_OPTIONS:
        return _values_for(last, name, _provider_in(args))
    if current.startswith("-"):
        return _options_of(sub)
    if name == "help":
        return [] if args else list(subcommands.SUBCOMMANDS)
    if sub.takes_provider and not _positionals(args):
        return provider_names()
    if name in CONNECTION_POSITIONAL and len(_positionals(args)) == 1:
        return connection_names(_provider_in(args)) + _options_of(sub)
    return _options_of(sub)


def _positionals(args: list[str]) -> list[str]:
    found, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word in VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            found.append(word)
    return found


def _provider_in(args: list[str]) -> str | None:
    positionals = _positionals(args)
    return positionals[0] if positionals else None


def _options_of(sub) -> list[str]:
    found: list[str] = []
    for action in sub.parser._actions:
        found.extend(s for s in action.option_strings if s.startswith("--"))
    return found


def _values_for(option: str, name: str, provider: str | None) -> list[str]:
    if option == "--flow":
        return list(subcommands.FLOWS)
    if option == "--tenant":
        return list(subcommands.TENANT_HINTS)
    if option in ("--service", "--services"):
        return service_names(provider)
    if option in ("--connection", "-c"):
        return connection_names(provider)
    return []


def provider_names() -> list[str]:
    try:
        from .._providers import provider_names as names  # the file names: nothing parsed

        return names()
    except Exception:
        return ["microsoft"]


def service_names(provider: str | None) -> list[str]:
    try:
        from .._providers import load_provider

        return sorted(load_provider(provider or "microsoft").services)
    except Exception:
        return []


def connection_names(provider: str | None) -> list[str]:
    """Connection names in the store (of ``provider`` if given); ``default`` always offered."""
    names = {"default"}
    try:
        from .. import _api

        names.update(c.connection for c in _api.connections(provider))
    except Exception:  # a locked or unreadable store must not break typing
        pass
    return sorted(names)


@completion_matcher(identifier="authsome_nb.notebook.completions", api_version=2)
def authsome_matcher(context):
    """IPython matcher (API v2): our words for an ``%authsome`` line, and only ours there."""
    token = context.token
    found = [c for c in candidates(context.text_until_cursor) if c.startswith(token)]
    return {
        "completions": [SimpleCompletion(text=c, type="authsome") for c in found],
        "suppress": bool(found),  # Jedi would offer Python names ("--fl" → "--float")
        "ordered": True,
    }


def register(shell) -> None:
    matchers = shell.Completer.custom_matchers
    if authsome_matcher not in matchers:
        matchers.append(authsome_matcher)


def unregister(shell) -> None:
    matchers = shell.Completer.custom_matchers
    while authsome_matcher in matchers:
        matchers.remove(authsome_matcher)
