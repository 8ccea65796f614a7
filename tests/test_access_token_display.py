"""An AccessToken shows no token characters to people — repr, str, print, logging, %whos —
while code that builds a header from it gets the whole value."""

from __future__ import annotations

import logging

import httpx
from IPython.core.interactiveshell import InteractiveShell

from authsome_nb._connection import AccessToken

VALUE = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "Z" * 120 + ".signature-part-QQQQ"


def token() -> AccessToken:
    return AccessToken(VALUE, provider="microsoft", connection="work", expires_at=0)


def shows_no_token(text: str) -> bool:
    return not any(VALUE[i:i + 8] in text for i in range(len(VALUE) - 8))


def test_whos_shows_the_label_not_25_plus_25_characters(capsys):
    shell = InteractiveShell.instance()
    shell.user_ns["tok"] = token()
    shell.run_line_magic("whos", "")
    shell.run_line_magic("who", "")
    shown = capsys.readouterr().out
    assert "AccessToken" in shown and "tok" in shown
    assert shows_no_token(shown)


def test_print_str_and_logging_show_the_label(capsys, caplog):
    tok = token()
    print(tok)
    with caplog.at_level(logging.INFO):
        logging.getLogger("a.library").info("using %s", tok)
    shown = capsys.readouterr().out + caplog.text + str(tok) + repr(tok) + "%s" % tok  # noqa: UP031
    assert shows_no_token(shown) and "masked" in shown


def test_headers_built_from_it_carry_the_whole_token():
    tok = token()
    assert f"Bearer {tok}" == "Bearer " + VALUE
    assert "Bearer " + tok == "Bearer " + VALUE
    assert "Bearer " + format(tok) == "Bearer " + VALUE
    headers = httpx.Headers({"Authorization": tok})
    assert headers["authorization"] == VALUE
    request = httpx.Request("GET", "https://graph.example/me",
                            headers={"Authorization": f"Bearer {tok}"})
    assert request.headers["authorization"] == "Bearer " + VALUE
    assert tok.value == VALUE and type(tok.value) is str
