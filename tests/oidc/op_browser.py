"""A person at a browser, for oidc-provider's development pages: no JavaScript needed.

Every page of the device and authorization flows there is an HTML form (enter the code,
confirm the device, log in with any name and password, consent; and the ``form_post``
answer to the app).  ``submit_pages`` fills each form the way a person would — the code, the
login, never "Abort" — posts it with the hidden fields and cookies, and follows redirects,
until a page without a form (the device flow's "Sign-in Success") or the app's loopback
redirect.  Errors the provider shows are raised with their text.
"""

from __future__ import annotations

import ssl
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""),
                               "method": attributes.get("method", "get").lower(), "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def _is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in ("localhost", "127.0.0.1") and url.startswith("http://")


def submit_pages(url: str, *, ca_path: str, login: str, user_code: str | None = None,
                 max_pages: int = 12) -> str:
    """Walk the pages from ``url``; returns the last page's text (or the loopback's answer)."""
    with httpx.Client(verify=ssl.create_default_context(cafile=ca_path), trust_env=False,
                      follow_redirects=False,
                      timeout=30) as browser:
        response = browser.get(url)
        for _ in range(max_pages):
            while response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                response = _plain_get(target) if _is_loopback(target) else browser.get(target)
                if _is_loopback(target):
                    return response.text
            page = _Forms()
            page.feed(response.text)
            if response.status_code >= 400:
                raise AssertionError(f"the provider refused: {' '.join(page.text)[:400]}")
            if not page.forms:
                return " ".join(page.text)
            form = page.forms[0]
            fields = dict(form["fields"])
            if "user_code" in fields:
                fields["user_code"] = user_code or ""
            if "login" in fields:
                fields["login"], fields["password"] = login, "any password"
            fields.pop("abort", None)
            action = urljoin(str(response.url), form["action"])
            if _is_loopback(action):  # response_mode=form_post: the answer goes to the app
                return httpx.post(action, data=fields, trust_env=False).text
            response = browser.post(action, data=fields) if form["method"] == "post" else \
                browser.get(action, params=fields)
    raise AssertionError("the sign-in pages did not end")


def _plain_get(url: str) -> httpx.Response:
    return httpx.get(url, trust_env=False, timeout=30)
