"""Small HTML and text builders shared by the widgets and the table reprs.

Everything that reaches HTML goes through :func:`esc`, and only an ``http(s)`` URL becomes a
link (a ``javascript:`` or ``data:`` one from a hostile server is shown as text, never made
clickable); colours use JupyterLab's theme variables with a fallback, so the widgets look at
home in light and dark themes and still readable in frontends that define none of them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

FONT = "var(--jp-ui-font-family, system-ui, sans-serif)"
MONO = "var(--jp-code-font-family, ui-monospace, monospace)"
TEXT = "var(--jp-ui-font-color1, #1f1f1f)"
MUTED = "var(--jp-ui-font-color2, #616161)"
BORDER = "var(--jp-border-color2, #d0d0d0)"
SURFACE = "var(--jp-layout-color1, #ffffff)"
BRAND = "#0f6cbd"  # Microsoft's blue: the sign-in button and links

#: state → (background, foreground) of its badge
BADGE_COLOURS = {
    "starting": ("#e0e0e0", "#424242"),
    "waiting": ("#deecf9", "#0f548c"),
    "approved": ("#dff6dd", "#107c10"),
    "signed in": ("#dff6dd", "#107c10"),
    "declined": ("#fde7e9", "#a4262c"),
    "expired": ("#fff4ce", "#8a5300"),
    "timed out": ("#fff4ce", "#8a5300"),
    "cancelled": ("#e0e0e0", "#424242"),
    "cancelling": ("#e0e0e0", "#424242"),
    "failed": ("#fde7e9", "#a4262c"),
    "signed out": ("#e0e0e0", "#424242"),
    "refresh failed": ("#fff4ce", "#8a5300"),
}


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def badge(state: str) -> str:
    background, colour = BADGE_COLOURS.get(state, ("#e0e0e0", "#424242"))
    return (f"<span style='background:{background};color:{colour};border-radius:10px;"
            f"padding:1px 10px;font-size:12px;font-weight:600'>{esc(state)}</span>")


def is_web_url(url: str) -> bool:
    """Whether ``url`` may become a link: http(s) with a host, nothing else."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(url: str, label: str | None = None) -> str:
    """A link that opens in a new tab of the user's browser (never the kernel's); anything
    but an http(s) URL is shown as text."""
    if not is_web_url(url):
        return f"<code>{esc(url)}</code>"
    return (f"<a href='{esc(url)}' target='_blank' rel='noopener noreferrer' "
            f"style='color:{BRAND};text-decoration:underline'>{esc(label or url)}</a>")


def button_link(url: str, label: str) -> str:
    """An ``<a target=_blank>`` styled as a button: the only way a built-in widget opens a tab.
    Anything but an http(s) URL gets no button: a note says the link was refused."""
    if not is_web_url(url):
        return (f"<span style='font-family:{FONT};color:#a4262c'>The sign-in link is not a web "
                f"address, so it is not offered: <code>{esc(url[:80])}</code></span>")
    return (f"<a href='{esc(url)}' target='_blank' rel='noopener noreferrer' "
            f"style='display:inline-block;background:{BRAND};color:#ffffff;font-weight:600;"
            f"font-family:{FONT};font-size:14px;padding:7px 16px;border-radius:4px;"
            f"text-decoration:none'>{esc(label)} &#8599;</a>")


def table_html(headers: Sequence[str], rows: Sequence[Sequence[object]], *,
               caption: str = "") -> str:
    head = "".join(f"<th style='text-align:left;padding:4px 8px'>{esc(h)}</th>" for h in headers)
    cell = "<td style='text-align:left;padding:4px 8px;vertical-align:top'>"
    body = "".join("<tr>" + "".join(f"{cell}{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = (f"<caption style='text-align:left;color:{MUTED};caption-side:bottom;padding:4px 8px'>"
           f"{esc(caption)}</caption>") if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def record_html(pairs: Sequence[tuple[str, object]]) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left;padding:3px 12px 3px 0;color:{MUTED};font-weight:normal'>"
        f"{esc(k)}</th><td style='text-align:left;padding:3px 0'>{esc(v)}</td></tr>"
        for k, v in pairs
    )
    return f"<table>{rows}</table>"


def table_text(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Aligned columns, for terminals and ``text/plain``."""
    cells = [[str(h) for h in headers]]
    cells += [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def record_text(pairs: Sequence[tuple[str, object]]) -> str:
    width = max((len(k) for k, _ in pairs), default=0)
    return "\n".join(f"{k.ljust(width)}  {'' if v is None else v}" for k, v in pairs)
