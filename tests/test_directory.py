"""The base directory (/bases/) and the home page's 查询培训基地 box in a real browser: the keyword
filter, the filters kept in the address, the empty result, the orders, and cards on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from browsing import Tab, open_tab, visible_rows
from site_fixtures import records

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}
BATCH = "常人社发〔2025〕96号"  # the decision on a 公示 of 32 bases: 31 accredited, 1 not (未予认定)


def bases() -> list:
    return [r for r in records().values() if r.kind == "bases"]


def opened(tab: Tab, path: str) -> Page:
    """The directory (or a page) once bases/directory.json is in and the script has applied the address."""
    page = tab.open(path)
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    return page


def names(page: Page) -> list[str]:
    return [r["name"] for r in visible_rows(page)]


def query(page: Page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


@contextmanager
def phone_tab(browser: Browser, server: str, viewport: dict[str, int], **options: object) -> Iterator[Tab]:
    with open_tab(browser, server, viewport=viewport, is_mobile=True, has_touch=True, **options) as tab:
        yield tab


# -- the keyword filter ---------------------------------------------------------------------------

def test_the_keyword_filter_finds_a_base_by_any_part_of_its_name(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.fill("#filter-q", "轨道交通")
    assert names(page) == ["常州市轨道交通装备专业技术人员继续教育基地"]
    assert page.locator("#filter-count").inner_text() == f"显示 1 / {len(bases())} 个基地"
    page.fill("#filter-q", "龙城")  # in three names, and the host of 常州市卫生…基地 (常州市龙城卫生进修学校)
    assert names(page) == ["常州市卫生专业技术人员继续教育基地", "国家级专业技术人员继续教育基地（常州龙城理工学院）",
                           "江苏省工程技术人员继续教育基地（常州龙城理工学院）",
                           "江苏省卫生专业技术人员继续教育基地（常州市龙城卫生进修学校）"]
    page.fill("#filter-q", "")
    assert len(names(page)) == len(bases())
    tab.assert_no_errors()


def test_the_keyword_filter_finds_a_base_by_its_host_or_supervisor(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.fill("#filter-q", "武进建设职业")  # the host, 常州市武进建设职业培训学校, is not in the base's name
    assert names(page) == ["常州市建设工程专业技术人员继续教育基地"]
    page.fill("#filter-q", "财政局")  # the supervisor of every 会计 base
    found = names(page)
    assert found and all("会计" in name for name in found)
    assert len(found) == sum(b.data["supervisor"] == "org-cz-czj" for b in bases())
    tab.assert_no_errors()


def test_the_keyword_filter_finds_bases_by_their_document_number_in_any_brackets(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.fill("#filter-q", "人社部函〔2022〕158号")
    assert names(page) == ["国家级专业技术人员继续教育基地（常州龙城理工学院）"]
    for typed in (BATCH, "常人社发[2025]96号", "常人社发（2025）96", "常人社发 〔2025〕 96号"):
        page.fill("#filter-q", typed)
        assert len(names(page)) == 32, typed
    tab.assert_no_errors()


def test_the_keyword_filter_waits_for_the_ime_to_commit_chinese_text(tab: Tab) -> None:
    page = opened(tab, "bases/")
    box = page.locator("#filter-q")
    # What a pinyin IME sends: composition events, input events while composing, the text at the end
    box.dispatch_event("compositionstart")
    box.evaluate("""el => { el.value = "gui'dao";
        el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true})); }""")
    assert len(names(page)) == len(bases()) and "q" not in query(page)  # pinyin letters are not filtered on
    box.evaluate("""el => { el.value = "轨道";
        el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true}));
        el.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: "轨道"})); }""")
    assert names(page) == ["常州市轨道交通装备专业技术人员继续教育基地"] and query(page) == {"q": "轨道"}
    tab.assert_no_errors()


# -- the address ----------------------------------------------------------------------------------

def test_every_filter_is_written_to_the_address_and_removed_when_cleared(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.fill("#filter-q", "基地")
    page.select_option("#filter-district", "武进区")
    page.select_option("#filter-level", "市级")
    page.select_option("#filter-status", "有效")
    page.select_option("#filter-specialty", "工程技术")
    page.select_option("#sort-by", "date")
    assert query(page) == {"q": "基地", "district": "武进区", "level": "市级", "status": "有效", "specialty": "工程技术",
                           "sort": "date"}
    assert urlsplit(page.url).path.endswith("/bases/")
    page.select_option("#filter-district", "")
    page.select_option("#sort-by", "name")  # the default order is not written
    page.fill("#filter-q", "")
    assert query(page) == {"level": "市级", "status": "有效", "specialty": "工程技术"}
    tab.assert_no_errors()


def test_the_filters_are_restored_on_reload(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.fill("#filter-q", "建设")
    page.select_option("#filter-district", "武进区")
    expected = names(page)
    assert expected and len(expected) < len(bases())
    page.reload()
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    assert page.locator("#filter-q").input_value() == "建设"
    assert page.locator("#filter-district").input_value() == "武进区"
    assert names(page) == expected
    tab.assert_no_errors()


def test_a_shared_address_opens_the_same_list(tab: Tab) -> None:
    page = opened(tab, "bases/?q=%E4%BC%9A%E8%AE%A1&status=%E6%9C%89%E6%95%88&sort=date")  # q=会计, status=有效
    assert page.locator("#filter-q").input_value() == "会计"
    assert page.locator("#filter-status").input_value() == "有效"
    assert page.locator("#sort-by").input_value() == "date"
    rows = page.eval_on_selector_all("#base-table tbody tr", "rows => rows.map(r => [r.dataset.status, r.dataset.date])")
    assert rows and {status for status, _ in rows} == {"有效"}
    assert [day for _, day in rows] == sorted((day for _, day in rows), reverse=True)
    assert all("会计" in name for name in names(page))
    tab.assert_no_errors()


def test_back_from_a_base_returns_to_the_filtered_list(tab: Tab) -> None:
    page = opened(tab, "bases/")
    page.select_option("#filter-status", "已取消")
    expected = names(page)
    assert len(expected) == 2
    page.locator("#base-table tbody a").first.click()
    page.wait_for_url("**/bases/base-*/")
    page.go_back()
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    assert query(page) == {"status": "已取消"}
    assert page.locator("#filter-status").input_value() == "已取消"
    assert names(page) == expected
    page.go_forward()
    page.go_back()
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    assert names(page) == expected
    tab.assert_no_errors()


# -- nothing found --------------------------------------------------------------------------------

def test_nothing_found_says_so_and_one_button_clears_every_filter(tab: Tab) -> None:
    page = opened(tab, "bases/?q=%E6%B5%B7%E7%BB%B5&district=%E6%AD%A6%E8%BF%9B%E5%8C%BA&sort=district")  # q=海绵
    empty = page.locator("#no-match")
    assert empty.is_visible() and empty.locator("p").first.inner_text() == "没有符合条件的基地"
    assert not page.locator("#base-table").is_visible()
    assert page.locator("#filter-count").inner_text() == f"显示 0 / {len(bases())} 个基地"
    page.get_by_role("button", name="清除筛选条件").click()
    assert not empty.is_visible() and len(names(page)) == len(bases())
    assert urlsplit(page.url).query == "" and urlsplit(page.url).path.endswith("/bases/")
    assert [page.locator(s).input_value() for s in ("#filter-q", "#filter-district", "#sort-by")] == ["", "", "name"]
    tab.assert_no_errors()


# -- orders ---------------------------------------------------------------------------------------

def test_districts_are_in_official_code_order_with_the_abolished_one_marked(tab: Tab) -> None:
    page = opened(tab, "bases/")
    options = page.eval_on_selector_all("#filter-district option", "o => o.map(x => x.textContent)")
    assert options == ["全部", "天宁区", "钟楼区", "戚墅堰区（已撤销）", "新北区", "武进区", "金坛区", "溧阳市"]
    page.select_option("#filter-district", label="戚墅堰区（已撤销）")
    assert query(page) == {"district": "戚墅堰区"} and {r["district"] for r in visible_rows(page)} == {"戚墅堰区"}
    page.select_option("#filter-district", "")
    page.select_option("#sort-by", "district")
    seen = list(dict.fromkeys(r["district"] for r in visible_rows(page)))  # each district's first row
    assert seen == [o.removesuffix("（已撤销）") for o in options[1:]]
    tab.assert_no_errors()


def test_the_script_sorts_by_name_as_the_page_was_built(tab: Tab) -> None:
    built = tab.open("bases/").eval_on_selector_all("#base-table tbody tr", "rows => rows.map(r => r.dataset.name)")
    page = tab.page
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    page.select_option("#sort-by", "date")
    page.select_option("#sort-by", "name")
    assert names(page) == built  # 会计 after 经济, as pinyin orders them, not as Intl.Collator would guess
    assert built.index("常州市会计专业技术人员继续教育基地") > built.index("常州市经济专业技术人员继续教育基地")
    tab.assert_no_errors()


# -- on a phone -----------------------------------------------------------------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(".md-content *")].filter(e => e.getClientRects().length)
    .map(e => [e.tagName + "." + e.className, e.getBoundingClientRect().right])
    .filter(([, right]) => right > width + 0.5);
}"""

SMALL_TARGETS = """() => [...document.querySelectorAll(
    ".jxjy-directory a, .jxjy-directory select, .jxjy-directory input, .jxjy-directory button, .jxjy-lookup input, .jxjy-lookup button")]
  .filter(e => e.getClientRects().length)
  .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect().height])
  .filter(([, height]) => height < 44)"""


@pytest.mark.parametrize("script", [True, False], ids=["script", "as-built"])
def test_each_base_is_a_card_on_a_phone(browser: Browser, server: str, script: bool) -> None:
    with phone_tab(browser, server, PHONE, java_script_enabled=script) as tab:
        page = tab.open("bases/")
        if script:
            page.wait_for_selector("#base-table[data-loaded]", state="attached")
        cards = page.locator("#base-table tbody tr")
        assert cards.count() == len(bases())
        first = cards.nth(0)
        assert first.evaluate("r => getComputedStyle(r).display") == "block"
        assert not page.locator("#base-table thead").is_visible()
        box = first.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"] - 16
        text = first.inner_text()
        for label in ("级别：", "所在地区：", "专业领域：", "依托单位：", "主管部门：", "认定日期：2025年9月26日"):
            assert label in text
        name = first.locator("a")
        assert name.inner_text() == first.get_attribute("data-name")
        assert name.bounding_box()["height"] >= 44
        assert first.locator(".jxjy-status").is_visible()
        if script:
            tab.assert_no_errors()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320", "390"])
def test_the_directory_does_not_scroll_sideways_and_is_easy_to_tap(browser: Browser, server: str,
                                                                    viewport: dict[str, int]) -> None:
    with phone_tab(browser, server, viewport) as tab:
        page = opened(tab, "bases/")
        assert page.evaluate(OVERFLOW) == []
        assert page.evaluate(SMALL_TARGETS) == []
        page.fill("#filter-q", "海绵")
        assert page.locator("#no-match").is_visible()
        assert page.evaluate(OVERFLOW) == [] and page.evaluate(SMALL_TARGETS) == []
        tab.assert_no_errors()


def test_the_directory_is_a_table_on_a_wide_screen(tab: Tab) -> None:
    page = opened(tab, "bases/")
    assert page.locator("#base-table thead").is_visible()
    assert page.locator("#base-table tbody tr").first.evaluate("r => getComputedStyle(r).display") == "table-row"
    assert not page.locator(".jxjy-cell-label").first.is_visible()
    assert page.evaluate(SMALL_TARGETS) == []  # a tablet in landscape gets the table, and is tapped too
    tab.assert_no_errors()


# -- the home page's 查询培训基地 box -----------------------------------------------------------------

@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320", "390"])
def test_the_home_page_box_finds_a_base_in_the_directory(browser: Browser, server: str,
                                                         viewport: dict[str, int]) -> None:
    with phone_tab(browser, server, viewport) as tab:
        page = tab.open("")
        box = page.get_by_role("search", name="查询培训基地")
        assert page.evaluate(SMALL_TARGETS) == [] and page.evaluate(OVERFLOW) == []
        box.get_by_label("输入基地名称、依托单位或发文字号的任意一部分").fill("人社部函[2022]158")
        box.get_by_role("button", name="查询").click()
        page.wait_for_url("**/bases/?q=*")
        page.wait_for_selector("#base-table[data-loaded]", state="attached")
        assert page.locator("#filter-q").input_value() == "人社部函[2022]158"
        assert names(page) == ["国家级专业技术人员继续教育基地（常州龙城理工学院）"]
        tab.assert_no_errors()
