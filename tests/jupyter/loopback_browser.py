"""Debian's Chromium, driven by Playwright, that may talk to loopback hosts only.

Shared by the JupyterLab browser tests: no ``playwright install`` (Chromium comes from apt),
the flags a headless root session needs, and a resolver that answers "not found" for every host
but loopback, with every request to another host recorded — a test then fails if the page tried
to reach the internet.

Requests are watched, not intercepted: a ``route`` handler makes Playwright hold each request
until the handler answers, and a tab closed while its form post was held that way once hung
``page.close()`` for the whole test timeout on a loaded CI machine.  Chromium's resolver rule
blocks just as surely and leaves nothing in flight for Playwright to wait on.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only loopback names resolve; IP literals need no resolver and are recorded below.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # urlsplit().hostname drops the brackets


def require_chromium() -> None:
    """Fail on CI (it installs Chromium), skip on a developer's machine without it."""
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"no Chromium at {CHROMIUM} (python3 dev.py test installs Debian's)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class LoopbackBrowser:
    context: Any
    blocked: list[str] = field(default_factory=list)


@contextmanager
def loopback_browser(**context_options: Any) -> Iterator[LoopbackBrowser]:
    """A browser context whose requests to non-loopback hosts fail and are recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(**context_options)
        found = LoopbackBrowser(context)

        def record_other_hosts(request) -> None:
            host = urlsplit(request.url).hostname or ""
            if not request.url.startswith(("data:", "blob:")) and host not in LOOPBACK:
                found.blocked.append(request.url)

        context.on("request", record_other_hosts)
        try:
            yield found
        finally:
            context.close()
            browser.close()
