"""Every page type of the sample site (browsing.PAGE_TYPES) at phone and laptop widths, in Chromium.

Each page is opened once per size; the tests then read what that visit measured: no sideways scrolling
(naming the elements that stick out), no console error, uncaught exception or failed request, no axe
violation of any impact under WCAG 2.1 A and AA, and, printed, a notice keeps its body, its
政府信息公开要素 and the 示例数据 banner while the header, navigation and footer drop out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from browsing import PAGE_TYPES, SIZES, PageType, open_tab, viewport

pytestmark = pytest.mark.browser

# axe at a phone and a laptop width: 320 and 390 get the same layout (Material's breakpoints are at
# 600 px and up), and the colour-contrast rule takes seconds on a long page.
AXE_WIDTHS = (390, 1366)
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}

# What a printed notice keeps, and what it drops (CSS selectors).
PRINTED = {"正文": ".jxjy-page", "政府信息公开要素": ".jxjy-disclosure", "示例数据横幅": ".jxjy-sample-banner"}
NOT_PRINTED = {"页眉": ".md-header", "栏目导航": ".md-tabs", "侧栏导航": ".md-sidebar", "页脚": ".md-footer"}

# What sticks out past the viewport, outside any scrolling or clipping box: each element that does
# while its parent does not (outermost first), and each line of text that does (an unbreakable word,
# a trailing 「　」). Named by a short CSS path (up to four levels) with the right edge in CSS pixels.
_OVERFLOW = r"""() => {
  const vw = window.innerWidth, width = document.scrollingElement.scrollWidth;
  if (width <= vw) return {width, vw, culprits: []};
  const out = el => el.getBoundingClientRect().right > vw + 0.5;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== "visible") return true;
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].slice(0, 2).map(c => "." + c).join("");
  const path = el => {
    const parts = [];
    for (let a = el; a && a !== document.body && parts.length < 4; a = a.parentElement) parts.unshift(name(a));
    return parts.join(" > ");
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*"))
    if (el.getClientRects().length && out(el) && !clipped(el) && !(el.parentElement !== document.body && out(el.parentElement)))
      found.push([el.getBoundingClientRect().right, path(el)]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > vw + 0.5 && !out(node.parentElement) && !clipped(node))
      found.push([right, `${path(node.parentElement)} text ${JSON.stringify(node.textContent.trim().slice(-12))}`]);
  }
  found.sort((a, b) => b[0] - a[0]);
  return {width, vw, culprits: found.slice(0, 5).map(([right, what]) => `${what} (right ${Math.round(right)} px)`)};
}"""

_SHOWN = """selector => [...document.querySelectorAll(selector)]
  .some(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden")"""


@dataclass
class Visit:
    """What one page at one size showed."""

    status: int
    errors: list[str]
    overflow: dict[str, Any]
    violations: list[dict[str, Any]]
    printed: dict[str, bool]  # label -> displayed under print media (notice pages only)

    def failed_to_load(self) -> str:
        if self.status == 0:
            return "not a page of the site (a folder without index.html?)"
        return f"HTTP {self.status}" if self.status >= 400 else ""


def _visit(browser: Browser, server: str, page_type: PageType, width: int) -> Visit:
    with open_tab(browser, server, viewport=viewport(width)) as tab:
        response = tab.page.goto(server + page_type.path, wait_until="load")
        status = response.status if response else 0
        page = tab.page
        page.wait_for_load_state("networkidle")
        if page_type.ready and status < 400:
            page.locator(page_type.ready).first.wait_for()
        page.evaluate("document.fonts.ready.then(() => true)")
        if status < 400 and not page.locator(".md-content").count():
            status = 0  # not one of the site's pages: http.server's listing of a folder without index.html
        errors = list(tab.errors)
        overflow = page.evaluate(_OVERFLOW)
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"] if width in AXE_WIDTHS else []
        printed: dict[str, bool] = {}
        if page_type.notice:
            page.emulate_media(media="print")
            printed = {label: page.evaluate(_SHOWN, selector) for label, selector in {**PRINTED, **NOT_PRINTED}.items()}
        return Visit(status, errors, overflow, violations, printed)


@pytest.fixture(scope="module")
def visit(browser: Browser, server: str) -> Callable[[str, int], Visit]:
    """The Visit of a page type at a width, made at its first use and shared by the tests after it."""
    done: dict[tuple[str, int], Visit] = {}

    def get(name: str, width: int) -> Visit:
        if (name, width) not in done:
            done[name, width] = _visit(browser, server, PAGE_TYPES[name], width)
        return done[name, width]

    return get


def _cases(widths: Iterable[int] = SIZES, *, notices_only: bool = False) -> list[Any]:
    return [pytest.param(name, width, id=f"{name}-{width}")
            for name, page_type in PAGE_TYPES.items() if page_type.notice or not notices_only for width in widths]


def _loaded(visit: Visit, name: str) -> None:
    if failure := visit.failed_to_load():
        pytest.fail(f"{PAGE_TYPES[name].path or '/'}: {failure}", pytrace=False)


@pytest.mark.parametrize("name, width", _cases())
def test_no_horizontal_scrolling(visit: Callable[[str, int], Visit], name: str, width: int) -> None:
    seen = visit(name, width)
    _loaded(seen, name)
    overflow = seen.overflow
    if overflow["width"] > overflow["vw"]:
        pytest.fail(f"{PAGE_TYPES[name].path or '/'} at {width} px is {overflow['width']} px wide; sticking out:\n    "
                    + "\n    ".join(overflow["culprits"] or ["(no element: a margin, a shadow or a transform)"]),
                    pytrace=False)


@pytest.mark.parametrize("name, width", _cases())
def test_no_console_error_or_failed_request(visit: Callable[[str, int], Visit], name: str, width: int) -> None:
    seen = visit(name, width)
    _loaded(seen, name)
    if seen.errors:
        pytest.fail("\n".join(seen.errors), pytrace=False)


@pytest.mark.parametrize("name, width", _cases(AXE_WIDTHS))
def test_no_accessibility_violation(visit: Callable[[str, int], Visit], name: str, width: int) -> None:
    seen = visit(name, width)
    _loaded(seen, name)
    if seen.violations:
        pytest.fail(f"{PAGE_TYPES[name].path or '/'} at {width} px:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
                f"    {', '.join(map(str, n['target']))}: {n['html'][:160]}" for n in v["nodes"])
            for v in seen.violations), pytrace=False)


@pytest.mark.parametrize("name, width", _cases(notices_only=True))
def test_printed_notice_keeps_the_notice_and_drops_the_navigation(visit: Callable[[str, int], Visit], name: str,
                                                                  width: int) -> None:
    seen = visit(name, width)
    _loaded(seen, name)
    missing = [label for label in PRINTED if not seen.printed[label]]
    kept = [label for label in NOT_PRINTED if seen.printed[label]]
    if missing or kept:
        pytest.fail(f"{PAGE_TYPES[name].path} printed: missing {missing}, still shown {kept}", pytrace=False)
