"""A scripted person at a browser: open the authorize URL, pick an account, consent, follow
the redirect to the app's loopback listener.

It speaks real HTTP to the emulator (so counters and error pages are the ones a browser would
meet) and to the redirect target with a plain client that ignores proxy settings, the way a
browser reaches ``http://localhost``.
"""

from __future__ import annotations

import http.client
import ssl
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from ._errors import EmulatorBrowserError

_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class _Page(HTMLParser):
    """The forms of a page and the text of its ``id="error"`` element."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.error_text = ""
        self.error_code: int | None = None
        self._in_error = False
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""),
                               "id": attributes.get("id", ""), "inputs": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["inputs"].append(attributes | {"tag": tag})
        if attributes.get("id") == "error":
            self._in_error = True
            code = attributes.get("data-aadsts", "")
            self.error_code = int(code) if code.isdigit() else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_error = False

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._in_error:
            self.error_text += data

    @property
    def text(self) -> str:
        return " ".join(part.strip() for part in self.text_parts if part.strip())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _send(method: str, url: str, tls: ssl.SSLContext | None, body: str | None = None,
          ) -> tuple[int, dict[str, str], str]:
    split = urlsplit(url)
    port = split.port or (443 if split.scheme == "https" else 80)
    connection: http.client.HTTPConnection
    if split.scheme == "https":
        connection = http.client.HTTPSConnection(split.hostname or "", port, context=tls,
                                                 timeout=30)
    else:
        connection = http.client.HTTPConnection(split.hostname or "", port, timeout=30)
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    except OSError as exc:
        raise EmulatorBrowserError(f"the browser could not reach {split.scheme}://"
                                   f"{split.netloc}{split.path}: {exc}") from exc
    finally:
        connection.close()


def _refuse(status: int, html: str, where: str) -> EmulatorBrowserError:
    page = _parse(html)
    text = page.error_text.strip() or page.text
    return EmulatorBrowserError(f"the identity platform showed an error page at {where} "
                                f"(HTTP {status}): {text}", status=status,
                                aadsts=page.error_code, text=text)


def _submit_sign_in(page: _Page, authorize_url: str, tls: ssl.SSLContext, user: str | None,
                    consent: bool) -> tuple[int, dict[str, str], str]:
    form = next((f for f in page.forms if any(i.get("name") == "ctx" for i in f["inputs"])), None)
    if form is None:
        raise EmulatorBrowserError("the sign-in page has no account form", text=page.text)
    offered = [i.get("value", "") for i in form["inputs"] if i.get("name") == "user"]
    if user is None:
        chosen = next((i.get("value", "") for i in form["inputs"]
                       if i.get("name") == "user" and "checked" in i), offered[0] if offered
                      else "")
    else:
        chosen = next((o for o in offered if o.lower() == user.lower()), "")
        if not chosen:
            raise EmulatorBrowserError(f"{user} is not offered on the sign-in page of this "
                                       f"tenant; offered: {', '.join(offered) or 'nobody'}")
    fields = {i["name"]: i.get("value", "") for i in form["inputs"]
              if i.get("type") == "hidden" and i.get("name")}
    fields.update(user=chosen, action="accept" if consent else "cancel")
    return _send("POST", urljoin(authorize_url, form["action"]), tls, urlencode(fields))


def play_browser(authorize_url: str, *, tls: ssl.SSLContext, user: str | None = None,
                 consent: bool = True, follow: bool = True) -> str:
    """The redirect URL the identity platform sends the browser to (``follow=False``), or the
    body of the page the redirect target answers with (``follow=True``)."""
    status, headers, html = _send("GET", authorize_url, tls)
    if status == 200 and "name=\"ctx\"" in html:
        status, headers, html = _submit_sign_in(_parse(html), authorize_url, tls, user, consent)
    if status in (301, 302, 303, 307, 308) and headers.get("location"):
        target, post_body = headers["location"], None
    elif status == 200 and 'id="form_post"' in html:
        form = _parse(html).forms[0]
        fields = {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("name")}
        target, post_body = form["action"], urlencode(fields)
    else:
        raise _refuse(status, html, "/authorize")
    shown = target if post_body is None else f"{target}?{post_body}"
    if not follow:
        return shown
    split = urlsplit(target)
    if split.scheme not in ("http", "https") or (split.hostname or "") not in _LOOPBACK:
        return shown  # e.g. the nativeclient page: nothing a local browser could load
    _, _, body = _send("POST" if post_body is not None else "GET", target, tls, post_body)
    return body
