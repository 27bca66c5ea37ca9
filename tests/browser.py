"""A real browser for the page tests: Debian's Chromium driven by Playwright, held to the service.

`page_at(browser, base)` opens a tab in which every request leaving the service's origin is
aborted and recorded (`tab.offsite`, which a journey asserts empty), every page of the service is
held to the Content-Security-Policy of the team's contract (no inline script: `script-src 'self'`)
even before the service sends it, and the scripts or styles the policy refused are recorded
(`tab.refused`; an image refused is the policy at work: /redoc keeps its vendor's logo out);
`shoot(tab, name)` writes a
screenshot at desktop width and at 400 px to tests/screenshots/ (git-ignored), and
`serious_violations(tab)` runs axe-core, served by the service itself, in the page.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 400, "height": 860}
POLICY = "script-src 'self'"
"""The Content-Security-Policy every page must work under (TEAM.md: security headers)."""


@dataclass
class Tab:
    """A page of the browser, with the requests it tried to send elsewhere."""

    page: Page
    base: str
    offsite: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def chromium() -> Iterator[Browser]:
    """The browser, or a skip naming what is missing (scripts/ci-tools installs it as root)."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip("no /usr/bin/chromium: scripts/ci-tools installs Debian's chromium and fonts-noto-cjk")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_at(browser: Browser, base: str, **context: object) -> Iterator[Tab]:
    """A fresh context and tab on `base`; any request to another origin is aborted and recorded."""
    origin = urlsplit(base)[:2]
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True, **context)  # type: ignore[arg-type]
    tab = Tab(ctx.new_page(), base)

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url)[:2] == origin and route.request.resource_type == "document":
            response = route.fetch()
            headers = dict(response.headers)
            if "content-security-policy" not in headers:
                headers["content-security-policy"] = POLICY
            route.fulfill(response=response, headers=headers)
        elif urlsplit(url)[:2] == origin or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            tab.offsite.append(url)
            route.abort()

    ctx.route("**/*", guard)
    tab.page.on("console", lambda message: tab.refused.append(message.text)
                if "Content Security Policy" in message.text and "img-src" not in message.text else None)
    try:
        yield tab
    finally:
        ctx.close()


def shoot(tab: Tab, name: str) -> list[Path]:
    """Full-page screenshots of the current page at desktop width and at 400 px."""
    SHOTS.mkdir(exist_ok=True)
    page = tab.page
    written = []
    for label, size in (("desktop", DESKTOP), ("400px", NARROW)):
        page.set_viewport_size(size)
        path = SHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    page.set_viewport_size(DESKTOP)
    return written


def serious_violations(tab: Tab) -> list[str]:
    """axe-core's serious and critical violations on the current page, one line each."""
    page = tab.page
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=tab.url("/static/vendor/axe-core/axe.min.js"))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => v.id + ": " + v.help + " — "
                    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
    }""")
    return list(found)


def horizontal_overflow(tab: Tab) -> int:
    """Pixels by which the page is wider than the window (tables must scroll inside their box)."""
    return int(tab.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))
