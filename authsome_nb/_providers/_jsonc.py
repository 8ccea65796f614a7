"""Read JSON with comments (JSONC), keeping line numbers true for error messages.

authsome ships its provider files as ``.jsonc``; users copy them.  Comments and trailing
commas are blanked out with spaces (newlines kept), so a ``json`` error's line and column
still point into the user's file.  No third-party parser: the grammar is tiny and a
dependency for it would be heavier than these forty lines.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def strip_comments(text: str) -> str:
    """Return ``text`` with ``//`` and ``/* */`` comments replaced by spaces, outside strings."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
        elif ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append("".join(c if c == "\n" else " " for c in text[i:end]))
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _blank_trailing_commas(text: str) -> str:
    # Safe after strip_comments only if no string contains ",}" — so we check strings first.
    result: list[str] = []
    last = 0
    for match in _TRAILING_COMMA.finditer(text):
        if _inside_string(text, match.start()):
            continue
        result.append(text[last : match.start()])
        result.append(" ")
        last = match.start() + 1
    result.append(text[last:])
    return "".join(result)


def _inside_string(text: str, pos: int) -> bool:
    in_string = False
    i = 0
    while i < pos:
        ch = text[i]
        if in_string and ch == "\\":
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        i += 1
    return in_string


def loads(text: str) -> Any:
    """Parse JSON or JSONC; raises ``json.JSONDecodeError`` with positions in ``text``."""
    cleaned = strip_comments(text)
    if "," in cleaned:
        cleaned = _blank_trailing_commas(cleaned)
    return json.loads(cleaned)


def line_of_key(text: str, dotted_field: str) -> int | None:
    """Best-effort line of the last key of ``dotted_field`` (``oauth.scopes`` → ``"scopes"``)."""
    key = dotted_field.rsplit(".", 1)[-1].split("[", 1)[0]
    match = re.search(r'"' + re.escape(key) + r'"\s*:', strip_comments(text))
    if not match:
        return None
    return text.count("\n", 0, match.start()) + 1
