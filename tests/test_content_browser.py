"""Record pages and list tables on a phone, in a real browser: a list table is one labelled card per
row, and a base's status line with its date and cause is printed.

That no page scrolls sideways at 320 or 390 px is tests/test_pages.py's sweep of every page type.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from browsing import open_tab, viewport

pytestmark = pytest.mark.browser


def test_a_list_table_is_one_card_per_row_on_a_phone(browser: Browser, server: str) -> None:
    with open_tab(browser, server, viewport=viewport(390)) as tab:
        page = tab.open("revocations/")
        header = page.locator("table.jxjy-stack thead").first.bounding_box()
        assert header is not None and header["height"] <= 1  # the header is read by screen readers only
        label = page.evaluate("""() => getComputedStyle(
            document.querySelector('table.jxjy-stack td[data-label="取消原因"]'), '::before').content""")
        assert label == '"取消原因："'


def test_the_status_line_with_its_date_and_cause_is_printed(browser: Browser, server: str) -> None:
    with open_tab(browser, server, viewport=viewport(1366)) as tab:
        page = tab.open("bases/base-2021-001/")
        page.emulate_media(media="print")
        assert page.locator(".jxjy-current .jxjy-status-line").is_visible()
        assert page.locator(".jxjy-current .jxjy-cause").is_visible()
