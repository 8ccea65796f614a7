"""``%authsome graph``, ``%authsome sync`` and ``%%graph``: Graph into pandas from a line or cell.

The magics only parse and display; the work is :meth:`GraphClient.fetch`, ``.sync`` and
``.request``.  They parse their options with IPython's ``magic_arguments``, as every
``%authsome`` subcommand does; bad input is one short ``UsageError`` line.

* ``%authsome graph [GET] /path [--select a,b] [--top N] [--page-size N] [--connection C]``
  (``--filter``, ``--orderby``, ``--search``, ``--expand``, ``--backend`` too): a DataFrame
  for a collection (pandas, or polars/Arrow with ``--backend``), a dict for a single entity.
  A mistyped flag is refused with the nearest one (``--selct``: did you mean ``--select``?).
  ``--top`` (or ``--max``, or a ``$top`` in the path) is a number of rows.  The path ends at
  the first ``--option``, so a ``$filter`` with spaces in the query string needs no quotes.
* ``%authsome sync /path [--select a,b] [--filter F] [--reset] [--forget]``: the collection
  kept current by delta query (a full round the first time, only the changes afterwards).
* ``%%graph [VAR] [--connection C] [--top N] [--page-size N] [--sync [--reset]]``: the first
  line of the cell is ``METHOD /path?query`` (``GET`` may be left out), the rest an optional
  JSON body::

      %%graph sent
      POST /me/sendMail
      {"message": {"subject": "Hi", "toRecipients": [...]}}

  The result is displayed and stored in ``VAR``.

Nothing heavy is imported here: httpx and pandas load on the first call.
"""

from __future__ import annotations

import json
import re
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class, no_var_expand

from ..errors import AuthsomeError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_FIRST_OPTION = re.compile(r"(?:^|\s)--?[A-Za-z]")
_LINE_USAGE = ("%authsome graph [GET] /path [--select a,b] [--top N] [--page-size N] "
               "[--backend pandas|polars|arrow] [--connection C]")
_SYNC_USAGE = ("%authsome sync /path [--select a,b] [--filter F] [--reset] [--backend B] "
               "[--connection C]")
_CELL_USAGE = ("%%graph [VAR] [--connection C] [--top N] [--sync] [--backend B], then "
               "METHOD /path on the next line")
_UNRECOGNIZED = "unrecognized arguments: "


def _split_request(text: str, usage: str) -> tuple[str, str]:
    """``"GET /me/messages?$top=5"`` → ``("GET", "/me/messages?$top=5")``."""
    words = text.strip().split(None, 1)
    if not words:
        raise UsageError(f"Which Graph path? Usage: {usage}")
    method = "GET"
    if words[0].upper() in METHODS:
        method = words[0].upper()
        words = words[1:]
        if not words:
            raise UsageError(f"{method} needs a path, e.g. {method} /me/messages")
    elif words[0].isalpha() and words[0].isupper():
        raise UsageError(f"{words[0]} is not an HTTP method Graph takes ({', '.join(METHODS)})")
    path = " ".join(words).strip()
    if len(path) > 1 and path[0] == path[-1] and path[0] in "'\"":
        path = path[1:-1]
    if not path.startswith(("/", "https://")):
        raise UsageError(f"{path!r} is not a Graph path: start it with '/', e.g. /me/messages")
    return method, path


def _parse(function: Any, text: str, usage: str):
    """``magic_arguments`` parsing with every problem as one line that names the usage."""
    from .arguments import parse_words

    try:
        return parse_words(function.parser, text)
    except UsageError as exc:
        raise UsageError(f"{exc}{_nearest_flag(str(exc), function.parser)}. "
                         f"Usage: {usage}") from None
    except ValueError as exc:  # unbalanced quotes, from the shell-like splitter
        raise UsageError(f"{exc} in the options. Usage: {usage}") from None


def _nearest_flag(message: str, parser: Any) -> str:
    """``: did you mean --select?`` for the first mistyped ``--flag`` of an argparse error."""
    from .._graph import suggest_flag

    if _UNRECOGNIZED not in message:
        return ""
    words = message.split(_UNRECOGNIZED, 1)[1].split()
    flags = [o for action in parser._actions for o in action.option_strings]
    typed = next((w.split("=", 1)[0] for w in words if w.startswith("-")), None)
    near = suggest_flag(typed, flags) if typed else None
    return f" ({typed}: did you mean {near}?)" if near else ""


def parse_graph_line(line: str, *, usage: str = _LINE_USAGE, parser: str = "_graph",
                     ) -> tuple[str, Any]:
    """The path (query string and spaces in ``$filter`` kept) and the options of a line."""
    from . import arguments

    found = _FIRST_OPTION.search(line)
    head, tail = (line[: found.start()], line[found.start():]) if found else (line, "")
    method, path = _split_request(head, usage)
    if method != "GET":
        raise UsageError(f"%authsome {parser[1:]} only reads (GET); use the %%graph cell magic "
                         f"for {method}")
    args = _parse(getattr(arguments, parser), tail, usage)
    if args.request:
        raise UsageError(f"unrecognized arguments: {' '.join(args.request)}. Usage: {usage}")
    return path, args


def _rows(args: Any, usage: str) -> int | None:
    """``--top`` and its alias ``--max``, which must agree when both are given."""
    top, most = getattr(args, "top", None), getattr(args, "max_items", None)
    if top is not None and most is not None and top != most:
        raise UsageError(f"--top {top} and --max {most} disagree (both mean rows); give one. "
                         f"Usage: {usage}")
    return top if top is not None else most


def run_graph_line(line: str, *, default_connection: str = "default",
                   page_size: int | None = None, backend: str = "pandas") -> Any:
    """``%authsome graph …``: a frame for a collection, a dict for a single entity."""
    path, args = parse_graph_line(line)
    return _graph(args.connection or default_connection).fetch(
        path, select=args.select, top=_rows(args, _LINE_USAGE),
        page_size=args.page_size or page_size, filter=args.filter, orderby=args.orderby,
        search=args.search, expand=args.expand, backend=args.backend or backend)


def run_sync_line(line: str, *, default_connection: str = "default",
                  page_size: int | None = None, backend: str = "pandas") -> tuple[Any, str]:
    """``%authsome sync …``: ``(frame, summary)``, or ``(None, summary)`` for ``--forget``."""
    path, args = parse_graph_line(line, usage=_SYNC_USAGE, parser="_sync")
    client = _graph(args.connection or default_connection)
    if args.forget:
        gone = client.forget(path)
        return None, (f"Forgot the saved sync state of {path} ({gone} file"
                      f"{'s' if gone != 1 else ''} removed).")
    frame = client.sync(path, select=args.select, filter=args.filter, reset=args.reset,
                        page_size=args.page_size or page_size,
                        backend=args.backend or backend)
    return frame, _sync_summary(client)


def _sync_summary(client: Any) -> str:
    from .._graph import sync_summary

    return sync_summary(client.last_sync)


def parse_graph_cell(cell: str) -> tuple[str, str, Any]:
    """``(method, path, body)`` of a ``%%graph`` cell; ``body`` is None when there is none."""
    lines = cell.splitlines()
    index = next((i for i, text in enumerate(lines)
                  if text.strip() and not text.lstrip().startswith("#")), None)
    if index is None:
        raise UsageError(f"The cell is empty. Usage: {_CELL_USAGE}")
    method, path = _split_request(lines[index], _CELL_USAGE)
    text = "\n".join(lines[index + 1:])
    if not text.strip():
        return method, path, None
    if method in ("GET", "DELETE"):
        raise UsageError(f"{method} takes no body; put the JSON under a POST, PATCH or PUT line")
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"The body is not JSON: {exc.msg} (line {exc.lineno + index + 1} of "
                         f"the cell, column {exc.colno})") from None
    return method, path, body


def run_graph_cell(line: str, cell: str, *, default_connection: str = "default",
                   page_size: int | None = None, backend: str = "pandas",
                   ) -> tuple[str | None, Any, str]:
    """Run a ``%%graph`` cell: ``(var, result, summary)``; GETs follow every page."""
    from .arguments import _graph_cell

    args = _parse(_graph_cell, line, _CELL_USAGE)
    if args.var is not None and not args.var.isidentifier():
        raise UsageError(f"{args.var!r} is not a Python variable name. Usage: {_CELL_USAGE}")
    method, path, body = parse_graph_cell(cell)
    rows = _rows(args, _CELL_USAGE)
    if (args.sync or args.reset) and (method != "GET" or rows is not None):
        raise UsageError("--sync keeps a whole collection current: it takes a GET and no --top")
    client = _graph(args.connection or default_connection)
    backend = args.backend or backend
    if args.sync or args.reset:
        result = client.sync(path, reset=args.reset, page_size=args.page_size or page_size,
                             backend=backend)
        return args.var, result, _sync_summary(client)
    if method == "GET":
        result = client.fetch(path, top=rows, page_size=args.page_size or page_size,
                              backend=backend)
    else:
        result = client.request(method, path, json=body)
    summary = f"{method} {path.split('?', 1)[0]}: done" + ("" if result is not None else
                                                             " (no content)")
    return args.var, result, summary


def _graph(connection: str):
    from .. import _api

    return _api.graph(connection)


@magics_class
class GraphCellMagics(Magics):
    """The ``%%graph`` cell magic; defaults come from ``%config AuthsomeMagics`` when loaded."""

    def _defaults(self) -> tuple[str, int | None, str]:
        registry = getattr(getattr(self.shell, "magics_manager", None), "registry", {}) or {}
        owner = registry.get("AuthsomeMagics")
        connection = getattr(owner, "default_connection", None) or "default"
        page_size = getattr(owner, "graph_page_size", None) or None
        backend = (getattr(owner, "graph_backend", None) or "pandas").lower()
        return connection, page_size, backend

    @no_var_expand
    @cell_magic
    def graph(self, line: str, cell: str) -> Any:
        connection, page_size, backend = self._defaults()
        try:
            var, result, summary = run_graph_cell(line, cell, default_connection=connection,
                                                  page_size=page_size, backend=backend)
        except AuthsomeError as exc:
            exc.shown_in = "magic"  # its remedy in the syntax the user is typing
            raise
        if var is not None and self.shell is not None:
            self.shell.user_ns[var] = result
        if result is None or summary.startswith("Synced"):
            print(summary)
        return result


def _cell_help() -> str:
    from .arguments import _graph_cell

    return (_graph_cell.__doc__ or "").removeprefix("::").strip()


# ``%%graph?`` shows the parser's help, built (like every parser here) only when asked for: the
# parsers live in ``arguments``, which ``%load_ext`` does not import.
_magic: Any = GraphCellMagics.graph
_magic.__doc__ = "Call Microsoft Graph from a cell: %%graph [VAR] [--connection C] [--top N]"
_magic.getdoc = _cell_help
