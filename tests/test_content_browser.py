"""Record pages and list tables on a phone, in a real browser: nothing scrolls sideways at 320 or 390 px,
no table needs a swipe to show its last columns, and a base's status line is printed (issue 14, part 4).

The all-pages sweep is tests/test_browser.py's; this file checks the pages of the content templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, serving

pytestmark = pytest.mark.browser

CONTENT_PAGES = ["bases/base-2021-001/", "bases/base-2026-001/", "notices/notice-2025-012/", "revocations/",
                 "revocations/rev-2025-001/", "evaluations/", "circulars/circ-2025-002/", "commendations/comm-2026-001/",
                 "plans/", "plans/plan-2026-cz-zjj/", "stats/", "organizations/", "organizations/org-czrsj/",
                 "organizations/org-cz-wsjk/", "updates/", ""]

# Elements of the content that reach past the viewport, outside any box that clips or scrolls them, and
# every scrolling box (.jxjy-scroll) whose content is wider than itself (a table hiding columns).
_OVERFLOW = """(width) => {
  const content = document.querySelector('.md-content');
  const clipped = (el) => { for (let p = el.parentElement; p && p !== content; p = p.parentElement)
    if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
  const wide = [...content.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.right > width + 0.5 && !clipped(el); });
  const scrolling = [...content.querySelectorAll('.jxjy-scroll')].filter(el => el.scrollWidth > el.clientWidth + 1);
  return [...wide, ...scrolling].map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.scrollWidth));
}"""


@pytest.fixture(scope="module")
def content_server(site_dir: Path) -> Iterator[str]:
    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: Browser, url: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="zh-CN")
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    return page


@pytest.mark.parametrize("width", [320, 390])
def test_content_pages_do_not_scroll_sideways_on_a_phone(chromium: Browser, content_server: str, width: int) -> None:
    found = {}
    widest = 0
    for path in CONTENT_PAGES:
        page = _open(chromium, content_server + path, width)
        try:
            if overflow := page.evaluate(_OVERFLOW, width):
                found[path] = overflow[:5]
            widest = max(widest, page.evaluate("document.querySelector('.md-content').scrollWidth"))
        finally:
            page.close()
    assert not found
    assert widest <= width


def test_at_320_px_no_content_page_is_wider_than_the_screen(chromium: Browser, content_server: str) -> None:
    for path in CONTENT_PAGES:
        page = _open(chromium, content_server + path, 320)
        try:
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        finally:
            page.close()


def test_a_list_table_is_one_card_per_row_on_a_phone(chromium: Browser, content_server: str) -> None:
    page = _open(chromium, content_server + "revocations/", 390)
    try:
        header = page.locator("table.jxjy-stack thead").first.bounding_box()
        assert header is not None and header["height"] <= 1  # the header is read by screen readers only
        label = page.evaluate("""() => getComputedStyle(
            document.querySelector('table.jxjy-stack td[data-label="取消原因"]'), '::before').content""")
        assert label == '"取消原因："'
    finally:
        page.close()


def test_the_status_line_with_its_date_and_cause_is_printed(chromium: Browser, content_server: str) -> None:
    page = _open(chromium, content_server + "bases/base-2021-001/", 1366)
    try:
        page.emulate_media(media="print")
        assert page.locator(".jxjy-current .jxjy-status-line").is_visible()
        assert page.locator(".jxjy-current .jxjy-cause").is_visible()
    finally:
        page.close()
