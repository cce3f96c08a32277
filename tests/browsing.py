"""What the browser tests share (tests/test_browser.py, tests/test_directory.py): Debian's chromium,
a loopback server for a built site, and a tab that records what went wrong. The fixtures that use
them (`browser`, `server`, `tab`) are in conftest.py."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler, path: str = "/") -> Iterator[str]:
    """`folder` on a free loopback port, served by a threaded http.server; the URL of `path`."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, name=f"server-{folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@dataclass
class Tab:
    """A page in a fresh browser context that records what went wrong while it was used."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
        return self.page

    def assert_no_errors(self) -> None:
        """No console error, uncaught exception, failed response or outside request so far.

        Waits for the network to settle first: scripts fetch after `load` (Material's bundle does).
        """
        self.page.wait_for_load_state("networkidle")
        assert not self.errors, "\n".join(self.errors)

    def watch(self) -> None:
        page = self.page
        page.on("console", lambda m: self.errors.append(f"{page.url}: console.error: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: uncaught {e}"))
        page.on("response", lambda r: self.errors.append(f"{page.url}: HTTP {r.status} for {r.url}")
                if r.status >= 400 else None)


@contextmanager
def open_tab(browser: Browser, server: str, **options: Any) -> Iterator[Tab]:
    """A watched tab on `server` that may not reach any other host; `options` go to the browser context
    (viewport, say)."""
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    tab = Tab(context.new_page(), server)

    def only_this_site(route: Route) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            tab.errors.append(f"{tab.page.url}: request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", only_this_site)
    tab.watch()
    try:
        yield tab
    finally:
        context.close()


def visible_rows(page: Page) -> list[dict[str, str]]:
    """The directory rows a reader sees (laid out, not hidden), in table order."""
    return page.eval_on_selector_all("#base-table tbody tr", """rows => rows
        .filter(r => r.getClientRects().length > 0)
        .map(r => ({district: r.dataset.district, status: r.dataset.status, name: r.dataset.name}))""")


# -- the page types --------------------------------------------------------------------------------
# The one list of pages that tests/test_pages.py checks and `make screenshots` (tools/screenshots/shoot.py)
# photographs.

@dataclass(frozen=True)
class PageType:
    """One kind of page a reader meets, by a sample page of that kind."""

    path: str  # site-relative URL
    notice: bool = False  # a record's page: printed as a notice (body and 政府信息公开要素, no navigation)
    ready: str = ""  # a selector that shows once the page's scripts have drawn it (besides network idle)


PAGE_TYPES: dict[str, PageType] = {
    "home": PageType(""),
    "directory": PageType("bases/"),
    "base-valid": PageType("bases/base-2013-001/", notice=True),  # 有效, with its evaluations
    "base-revoked": PageType("bases/base-2021-001/", notice=True),  # 已取消
    "base-publicity": PageType("bases/base-2026-001/", notice=True),  # 公示中 (拟认定)
    "base-withdrawn": PageType("bases/base-2025-108/", notice=True),  # 未予认定 after its 公示
    "notices": PageType("notices/"),
    "notice-publicity": PageType("notices/notice-2025-011/", notice=True),  # the 公示 of a batch, with its list
    "notice-batch": PageType("notices/notice-2025-012/", notice=True),  # the decision on that batch
    "evaluations": PageType("evaluations/"),
    "evaluation": PageType("evaluations/eval-2026-001/", notice=True),  # corrected by a later one
    "revocations": PageType("revocations/"),
    "revocation": PageType("revocations/rev-2025-001/", notice=True),
    "circulars": PageType("circulars/"),
    "circular": PageType("circulars/circ-2025-001/", notice=True),
    "commendations": PageType("commendations/"),
    "commendation": PageType("commendations/comm-2026-001/", notice=True),
    "plans": PageType("plans/"),
    "plan": PageType("plans/plan-2026-cz-zjj/", notice=True),
    "policies": PageType("policies/"),
    "policy": PageType("policies/pol-2021-001/", notice=True),
    "policy-cited": PageType("policies/pol-2015-001/", notice=True),  # a national rule this platform cites
    "stats": PageType("stats/"),
    "data": PageType("data/"),
    "search": PageType("search/?q=整改", ready=".pagefind-ui__message"),
    "organizations": PageType("organizations/"),
    "organization": PageType("organizations/org-czrsj/"),
    "updates": PageType("updates/"),
    "sitemap": PageType("sitemap/"),
    "feeds": PageType("feeds/"),
    "guide": PageType("guide/"),
    "404": PageType("404.html"),
    "submitting": PageType("submitting/"),
    "rules": PageType("rules/"),
}

# Viewports (width, height): the narrowest phones, a common phone, a laptop.
SIZES: dict[int, tuple[int, int]] = {320: (320, 640), 390: (390, 844), 1366: (1366, 900)}


def viewport(width: int) -> dict[str, int]:
    """The `viewport` option of open_tab for a width of SIZES."""
    return {"width": SIZES[width][0], "height": SIZES[width][1]}

