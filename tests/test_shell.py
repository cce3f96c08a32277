"""The government-site shell in a real browser: the header's search box, 关怀模式, the skip link,
the 404 page under a subpath and printing (Debian's chromium, as in tests/test_browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page
from test_browser import serving_under_subpath

from browsing import TIMEOUT_MS, Tab

pytestmark = pytest.mark.browser

RECORD = "revocations/rev-2025-001/"


def body_font_px(page: Page) -> float:
    return float(page.eval_on_selector("article.md-content__inner", "e => parseFloat(getComputedStyle(e).fontSize)"))


@pytest.mark.parametrize("width", [320, 390, 1366])
def test_the_header_search_box_opens_the_search_page_with_the_query(tab: Tab, width: int) -> None:
    tab.page.set_viewport_size({"width": width, "height": 800})
    page = tab.open(RECORD)
    box = page.locator("header.jxjy-header input[name=q]")
    assert box.is_visible() and page.get_by_label("搜索本站").count() == 1  # on a phone too, not behind a menu
    box.fill("龙城")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    assert page.url == f"{tab.base}search/?q={quote('龙城')}"
    page.locator("input.pagefind-ui__search-input").wait_for()
    assert page.locator("input.pagefind-ui__search-input").input_value() == "龙城"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    tab.assert_no_errors()


def test_care_mode_enlarges_the_text_and_is_remembered(tab: Tab) -> None:
    page = tab.open(RECORD)
    switch = page.locator("button.jxjy-care-switch")
    assert switch.is_visible() and switch.inner_text() == "关怀模式" and switch.get_attribute("aria-pressed") == "false"
    normal = body_font_px(page)
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    larger = body_font_px(page)
    assert larger >= normal * 1.15
    page.reload(wait_until="load")
    assert page.locator("button.jxjy-care-switch").get_attribute("aria-pressed") == "true"
    assert body_font_px(page) == larger
    page = tab.open("bases/")  # every page
    assert page.locator("button.jxjy-care-switch").get_attribute("aria-pressed") == "true"
    page.locator("button.jxjy-care-switch").click()
    page.reload(wait_until="load")
    assert page.locator("button.jxjy-care-switch").get_attribute("aria-pressed") == "false"
    assert body_font_px(tab.open(RECORD)) == normal
    tab.assert_no_errors()


@pytest.mark.parametrize("path", ["", RECORD, "bases/", "guide/"])
def test_the_skip_link_is_first_in_tab_order_and_skips_to_the_content(tab: Tab, path: str) -> None:
    page = tab.open(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.classList.contains('jxjy-skip'), document.activeElement.textContent.trim()]")
    assert focused == [True, "跳到正文"]
    assert page.locator("a.jxjy-skip").is_visible()  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "jxjy-main"
    page.keyboard.press("Tab")  # the next stop is in the content, past the header and nav bar
    assert page.evaluate("!!document.activeElement.closest('article')")


@pytest.fixture(scope="module")
def subpath_url(subpath_site: Path) -> Iterator[str]:
    with serving_under_subpath(subpath_site) as url:
        yield url


def test_the_404_page_under_a_subpath_is_styled_chinese_and_searchable(browser: Browser, subpath_url: str) -> None:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    missing = subpath_url + "bases/no-such-base/"
    failed: list[str] = []  # every failed response but the page's own 404
    page.on("response", lambda r: failed.append(f"HTTP {r.status} {r.url}") if r.status >= 400 and r.url != missing else None)
    # the console's "Failed to load resource" repeats a failed response, which is checked above
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text
            else None)
    try:
        response = page.goto(missing, wait_until="load")
        assert response is not None and response.status == 404
        assert page.locator("article h1").inner_text() == "404 - 找不到页面"
        assert "示例数据" in page.locator(".jxjy-sample-banner").inner_text()
        assert page.eval_on_selector(".jxjy-nav", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        assert page.eval_on_selector("a.jxjy-header__home", "a => a.href").rstrip(".") == subpath_url
        page.locator("header input[name=q]").fill("常人社发〔2025〕23号")
        with page.expect_navigation(wait_until="load"):
            page.locator("header button[type=submit]").click()
        assert page.url.startswith(subpath_url + "search/?q=")
        page.wait_for_load_state("networkidle")
        assert not failed, failed
    finally:
        context.close()


@pytest.mark.parametrize("path", [RECORD, "bases/base-2021-001/"])
def test_printing_keeps_the_notice_disclosure_banner_and_qr_and_drops_navigation(tab: Tab, path: str) -> None:
    page = tab.open(path)
    assert page.locator("button.jxjy-print").is_visible()
    page.emulate_media(media="print")
    for shown in (".jxjy-sample-banner", ".jxjy-disclosure", "h1.jxjy-title", "svg.jxjy-qr-code", ".jxjy-permalink"):
        assert page.locator(shown).first.is_visible(), shown
    for hidden in ("header.jxjy-header", ".jxjy-nav", "form.jxjy-header-search", "footer.jxjy-footer", "button.jxjy-print",
                   "button.jxjy-care-switch"):
        assert not page.locator(hidden).first.is_visible(), hidden
    tab.assert_no_errors()
