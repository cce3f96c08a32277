"""Search as a reader uses it: real queries typed on /search/, and what each must find.

Chinese is indexed and queried as pairs of characters, record pages up to GROUP to an indexed page
(generator/site/search.py says why); the QUERIES table is run through the search page in Debian's
chromium, as a reader would, and every result opens a record page of its own.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import test_browser
from playwright.sync_api import Browser, Page

from generator.site.search import GROUP, LANG, Section, groups, section, words

from browsing import TIMEOUT_MS, Tab, open_tab, serving
from site_fixtures import SUBPATH

# the site built for /jxjy/ and served there (`browser`, `server` and `tab` are in conftest.py)
subpath_server = test_browser.subpath_server

B, N, R = "bases/base-", "notices/notice-", "revocations/rev-"

# (query, pages it must return, the page that must rank first or None). The sample as of AS_OF.
QUERIES = [
    # statuses (已到期: no base of the sample has expired)
    ("有效", {f"{B}2020-001/", f"{B}2013-001/", f"{B}2024-101/"}, None),
    ("公示中", {f"{B}2026-001/", f"{N}2026-503/"}, f"{B}2026-001/"),
    ("整改中", {f"{B}2022-001/", f"{B}2025-103/"}, None),
    ("逾期未整改", {f"{B}2020-002/"}, f"{B}2020-002/"),
    ("复查不合格", {f"{B}2019-001/"}, f"{B}2019-001/"),
    ("已取消", {f"{B}2019-001/", f"{B}2021-001/"}, None),
    ("未予认定", {f"{B}2025-108/", f"{N}2025-012/"}, f"{B}2025-108/"),
    ("有效期至", {f"{B}2025-129/"}, None),
    # rectification
    ("整改", {f"{B}2022-001/", f"{B}2025-103/", f"{B}2020-002/", f"{B}2019-001/", f"{B}2021-001/", f"{B}2020-001/"}, None),
    ("限期整改", {f"{B}2022-001/", f"{B}2025-103/", f"{N}2026-031/"}, None),
    ("整改复查", {f"{B}2020-001/", f"{B}2019-001/"}, None),
    ("逾期不整改", {f"{R}2025-001/", f"{B}2021-001/"}, None),
    ("整改后仍不符合要求", {f"{R}2025-002/", f"{B}2019-001/"}, None),
    # districts, the abolished 戚墅堰区 too
    ("武进", {f"{B}2024-003/", f"{B}2019-001/", f"{B}2025-104/"}, f"{B}2024-003/"),
    ("天宁", {f"{B}2020-001/", f"{B}2024-101/", f"{B}2023-001/"}, None),
    ("溧阳", {f"{B}2023-002/", f"{B}2025-106/", f"{B}2026-001/"}, None),
    ("戚墅堰", {f"{B}2013-001/"}, f"{B}2013-001/"),
    ("新北区", {f"{B}2021-001/", f"{B}2024-001/"}, None),
    ("金坛", {f"{B}2022-001/", f"{B}2024-002/"}, None),
    ("钟楼区", {f"{B}2020-002/", f"{B}2025-102/"}, None),
    # institutions, whole and in part
    ("常州市龙城卫生进修学校", {f"{B}2024-101/"}, f"{B}2024-101/"),
    ("龙城", {f"{B}2024-101/", f"{B}2024-102/", f"{B}2022-101/"}, None),
    ("龙城理工学院", {f"{B}2024-102/", f"{B}2022-101/"}, None),
    ("天一信息", {f"{B}2025-103/"}, f"{B}2025-103/"),
    ("常州天一信息技术有限公司", {f"{B}2025-103/"}, f"{B}2025-103/"),
    ("恒远教师发展中心", {f"{B}2025-104/"}, f"{B}2025-104/"),
    ("工业和信息化局", {"plans/plan-2025-cz-gxj/", "plans/plan-2026-cz-gxj/"}, None),
    ("财政局", {"plans/plan-2026-cz-czj/", "plans/plan-2025-cz-czj/"}, None),
    # 发文字号 with 〔〕, with [] and with neither
    ("常人社发〔2025〕23号", {f"{R}2025-001/"}, f"{R}2025-001/"),
    ("常人社发[2025]23号", {f"{R}2025-001/"}, f"{R}2025-001/"),
    ("常人社发2025 23号", {f"{R}2025-001/"}, f"{R}2025-001/"),
    ("常人社发（2025）78号", {f"{R}2025-002/"}, f"{R}2025-002/"),
    ("常人社发〔2025〕96号", {f"{N}2025-012/", f"{B}2025-101/"}, f"{N}2025-012/"),
    ("苏人社函〔2024〕58号", {f"{N}2024-021/", f"{B}2024-101/"}, f"{N}2024-021/"),
    ("人社部函〔2022〕158号", {f"{N}2022-031/", f"{B}2022-101/"}, f"{N}2022-031/"),
    ("常工信发〔2026〕10号", {"plans/plan-2026-cz-gxj/"}, "plans/plan-2026-cz-gxj/"),
    # 索引号 and record ids
    ("113204000141523630/2025-00047", {f"{R}2025-001/"}, f"{R}2025-001/"),
    ("113204000141539134/2026-00016", {"plans/plan-2026-cz-gxj/"}, "plans/plan-2026-cz-gxj/"),
    ("base-2021-001", {f"{B}2021-001/"}, f"{B}2021-001/"),
    # people's awards
    ("林知远", {"commendations/comm-2026-002/"}, "commendations/comm-2026-002/"),
    ("苏沐清", {"commendations/comm-2026-002/"}, "commendations/comm-2026-002/"),
    ("顾言川", {"commendations/comm-2026-002/"}, "commendations/comm-2026-002/"),
    ("先进个人", {"commendations/comm-2026-002/"}, "commendations/comm-2026-002/"),
    # base names in part
    ("轨道交通", {f"{B}2013-001/"}, f"{B}2013-001/"),
    ("康复医学", {f"{B}2023-002/"}, f"{B}2023-002/"),
    ("电子商务", {f"{B}2024-003/"}, f"{B}2024-003/"),
    ("新能源", {f"{B}2024-002/"}, f"{B}2024-002/"),
    # batches and other notice words
    ("第二批", {f"{N}2025-011/", f"{N}2025-012/", f"{B}2025-101/"}, None),
    ("第十一批", {f"{N}2022-031/", f"{B}2022-101/"}, f"{N}2022-031/"),
    ("拟认定", {f"{N}2025-011/", f"{N}2026-503/"}, None),
    ("通报批评", {"circulars/circ-2025-002/", "circulars/circ-2026-001/"}, None),
    ("通报表扬", {"circulars/circ-2025-001/"}, "circulars/circ-2025-001/"),
]


def results(page: Page) -> list[str]:
    """Every result the search page lists for its query, in order, as site-relative paths.

    Waits for the result message, then presses 加载更多结果 until every result is shown.
    """
    page.wait_for_function("() => /^未?找到/.test(document.querySelector('.pagefind-ui__message')?.textContent.trim())")
    text = page.locator(".pagefind-ui__message").inner_text()
    if text.startswith("未找到"):
        return []
    total = int(text.split(" ")[1])
    links = page.locator(".pagefind-ui__result-link")
    while True:
        more = page.locator("button.pagefind-ui__button")
        shown = page.locator(".pagefind-ui__result").count()
        page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result-link').length >= n", arg=shown)
        if not more.count():
            break
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result').length > n", arg=shown)
    hrefs = [href.split("/", 3)[3] if href.startswith("http") else href.lstrip("/") for href in
             (links.nth(i).get_attribute("href") or "" for i in range(links.count()))]
    assert len(hrefs) == total, text
    return hrefs


def test_the_query_list_has_forty_real_queries() -> None:
    assert len(QUERIES) >= 40
    assert len({query for query, _, _ in QUERIES}) == len(QUERIES)
    assert all(first is None or first in must for _, must, first in QUERIES)


@pytest.mark.browser
@pytest.mark.parametrize("query, must, first", QUERIES, ids=[q for q, _, _ in QUERIES])
def test_a_reader_finds(tab: Tab, query: str, must: set[str], first: str | None) -> None:
    found = results(tab.open(f"search/?q={quote(query)}"))
    assert tab.page.locator("input.pagefind-ui__search-input").input_value() == query
    assert must <= set(found), f"{query}: missing {sorted(must - set(found))}; found {found}"
    if first:
        assert found[0] == first, f"{query}: {found[:5]}"
    tab.assert_no_errors()


@pytest.mark.browser
def test_typing_in_the_box_searches(tab: Tab) -> None:
    page = tab.open("search/")
    page.locator("input.pagefind-ui__search-input").fill("整改中")
    assert {f"{B}2022-001/", f"{B}2025-103/"} <= set(results(page))
    tab.assert_no_errors()


@pytest.mark.browser
def test_results_show_the_type_and_the_status_of_a_base(tab: Tab) -> None:
    page = tab.open(f"search/?q={quote('天一信息')}")
    results(page)
    first = page.locator(".pagefind-ui__result").first
    tags = first.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert sorted(tags) == ["状态: 整改中", "类别: 培训基地"], tags
    assert "天一信息" in first.locator(".pagefind-ui__result-excerpt").inner_text()  # readable, not pairs
    notice = page.locator(".pagefind-ui__result", has=page.locator(f'a[href$="{N}2025-011/"]'))
    assert notice.locator(".pagefind-ui__result-tag").all_inner_texts() == ["类别: 名单公告"]
    assert first.locator(".pagefind-ui__result-excerpt mark").first.inner_text() == "天一信息"
    tab.assert_no_errors()


# a query for each kind of page, and the page that is its first result
OPENED = [("天一信息", f"{B}2025-103/"), ("常人社发〔2025〕96号", f"{N}2025-012/"), ("常人社发〔2025〕23号", f"{R}2025-001/"),
          ("通报表扬", "circulars/circ-2025-001/"), ("林知远", "commendations/comm-2026-002/"),
          ("常工信发〔2026〕10号", "plans/plan-2026-cz-gxj/")]


@pytest.mark.browser
@pytest.mark.parametrize("query, opened", OPENED, ids=[q for q, _ in OPENED])
def test_a_result_opens_its_own_page(tab: Tab, query: str, opened: str) -> None:
    """Clicking a result opens the record page it names, never an indexed page of several."""
    page = tab.open(f"search/?q={quote(query)}")
    assert results(page)[0] == opened
    link = page.locator(".pagefind-ui__result-link").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(f"**/{opened}")
    assert page.locator("h1").first.inner_text().strip() == title.strip()
    tab.assert_no_errors()


@pytest.mark.browser
def test_the_page_cuts_a_query_as_the_index_cuts_the_text(tab: Tab) -> None:
    """site.js's searchWords against generator.site.search.words: the same words, less each run's
    last character (indexed for a query of one character)."""
    samples = ["常人社发〔2025〕23号", "当前状态：整改中", "base-2021-001", "龙", "113204000141523630/2025-00047",
               "ABC 武进区Ｘ", "𠀀𠀁 a_b", "江苏省卫生专业技术人员继续教育基地（常州市龙城卫生进修学校）"]
    page = tab.open("search/")
    for text in samples:
        query = page.evaluate("t => window.jxjySearchWords(t)", text).split()
        indexed = words(text)
        assert set(query) <= set(indexed), text
        assert all(len(word) == 1 for word in set(indexed) - set(query)), text


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(390, 844), (320, 640)])
def test_facets_are_compact_on_a_phone(browser: Browser, server: str, width: int, height: int) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{server}search/?q={quote('武进')}", wait_until="load")
        results(page)
        facets = page.locator("details.pagefind-ui__filter-block")
        assert facets.count() >= 3 and not page.locator("details.pagefind-ui__filter-block[open]").count()
        # plain disclosure rows, not the theme's admonition boxes (no shadow, no icon)
        style = facets.first.evaluate("d => [getComputedStyle(d).boxShadow, "
                                      "getComputedStyle(d.querySelector('summary'), '::before').content]")
        assert style == ["none", "none"], style
        # the facets sit side by side, and the first result starts on the first screen
        tops = {round(facets.nth(i).bounding_box()["y"]) for i in range(facets.count())}
        assert len(tops) <= 2, tops
        first = page.locator(".pagefind-ui__result-link").first.bounding_box()
        assert first["y"] + first["height"] <= height
        facets.first.locator("summary").click()
        page.locator(".pagefind-ui__filter-checkbox").first.wait_for()
        assert page.eval_on_selector(".pagefind-ui", "e => e.getBoundingClientRect().right") <= width
        if width == 320:
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.browser
def test_search_under_a_subpath_reads_the_query(browser: Browser, subpath_server: str) -> None:
    with open_tab(browser, subpath_server) as tab:
        page = tab.open(f"search/?q={quote('逾期未整改')}")
        page.locator(".pagefind-ui__message").wait_for()
        link = page.locator(f'.pagefind-ui__result-link[href$="{B}2020-002/"]')
        link.wait_for()
        assert link.get_attribute("href").startswith(SUBPATH)
        tab.assert_no_errors()


@pytest.mark.browser
@pytest.mark.parametrize("query, partial", [("武进", False), ("有效", True)])
def test_a_note_says_when_not_every_result_is_listed(tab: Tab, query: str, partial: bool) -> None:
    """One search reads indexed pages until it has 50 results (docs/assets/search/pagefind.js)."""
    page = tab.open(f"search/?q={quote(query)}")
    found = results(page)
    assert page.locator("#search-partial").is_visible() == partial == (len(found) >= 50)
    tab.assert_no_errors()


@pytest.mark.browser
def test_record_text_in_results_is_text(browser: Browser, hostile_site: Path) -> None:
    """Titles, tags and excerpts of results come from the records: shown as text, never run."""
    with serving(hostile_site) as url, open_tab(browser, url) as tab:
        ran: list[str] = []
        tab.page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
        found = results(tab.open("search/?q=pwned"))
        assert found and not ran and tab.page.evaluate("window.__pwned === undefined")
        shown = tab.page.locator(".pagefind-ui__results")
        assert "<script>" in shown.inner_text()
        assert not shown.locator("script, img, svg").count()
        tab.assert_no_errors()


# -- the words themselves, without a browser ---------------------------------------------------------

def test_han_runs_become_pairs_and_other_runs_stay_whole() -> None:
    assert words("常人社发〔2025〕23号") == ["常人", "人社", "社发", "发", "2025", "23", "号"]
    assert words("当前状态：整改中") == ["当前", "前状", "状态", "态", "整改", "改中", "中"]
    assert words("Base-2021-001 龙") == ["base", "2021", "001", "龙"]
    assert words("整改 整改") == ["整改", "改"]


def test_a_section_holds_its_own_facts_weighted_then_its_text() -> None:
    body = ('<div data-pagefind-body><span hidden data-pagefind-filter="类别:培训基地" data-pagefind-meta="类别:培训基地">'
            '</span><h1>龙城学校</h1><p>当前状态：<span data-pagefind-meta="状态" data-pagefind-weight="2">整改中</span></p>'
            '<dd data-pagefind-filter="地区">武<b>进</b>区</dd><br><div data-pagefind-ignore><p>正文<b>不</b>索引</p></div>'
            '<p>依托&amp;单位</p><script>x="脚本"</script></div>')
    found = section("bases/base-1", body)
    assert found.filters == (("类别", "培训基地"), ("地区", "武进区"))
    anchor, key, text = re.fullmatch(r'<h2 id="bases/base-1" data-pagefind-title="([^"]*)"></h2>'
                                     r'<p data-pagefind-weight="10">([^<]*)</p><p>([^<]*)</p>', found.html).groups()
    assert key == "龙城 城学 学校 校 整改 改中 中"
    assert text == "龙城 城学 学校 校 当前 前状 状态 态 整改 改中 中 武进 进区 区 依托 托 单位 位"  # no pair across lines
    assert json.loads(html.unescape(anchor)) == {
        "title": "龙城学校", "tags": [["类别", "培训基地"], ["状态", "整改中"]], "key": 7,
        "text": "龙城学校 当前状态：整改中 武进区 依托&单位"}


def test_record_pages_share_an_indexed_page_only_with_the_same_filters() -> None:
    one, other = (("类别", "培训基地"), ("地区", "武进区")), (("类别", "培训基地"), ("地区", "溧阳区"))
    sections = [Section(one if i % 3 else other, f"<h2 id=\"b/{i}\"></h2>") for i in range(2 * GROUP + 9)]
    pages = list(groups(iter(sections)))
    held = [re.findall(r'id="b/(\d+)"', indexed) for indexed in pages]
    assert sorted(int(i) for ids in held for i in ids) == list(range(2 * GROUP + 9))
    assert all(len(ids) <= GROUP for ids in held) and len(pages) == 3  # 72 alike, 37 alike
    for indexed, ids in zip(pages, held, strict=True):
        filters = other if int(ids[0]) % 3 == 0 else one
        assert all((int(i) % 3 == 0) == (filters == other) for i in ids)
        assert f'<html lang="{LANG}">' in indexed
        assert "".join(f'<span data-pagefind-filter="{n}">{v}</span>' for n, v in filters) in indexed


def _fragments(site_dir: Path) -> list[dict]:
    return [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            for path in (site_dir / "pagefind" / "fragment").iterdir()]


def test_every_record_page_is_a_section_of_an_indexed_page_not_on_the_site(site_dir: Path) -> None:
    fragments = _fragments(site_dir)
    paths = [anchor["id"] for f in fragments for anchor in f["anchors"]]
    assert len(paths) == len(set(paths)) > 70  # the sample's searchable record pages
    assert len(fragments) < len(paths) / 2
    for fragment in fragments:
        assert not (site_dir / fragment["url"].strip("/")).exists(), fragment["url"]  # readers never land there
        for anchor in fragment["anchors"]:
            page = (site_dir / anchor["id"] / "index.html").read_text(encoding="utf-8")
            assert anchor["id"].split("/")[0] == fragment["url"].strip("/").split("/")[0]
            # each filter of the indexed page is true of each record page in it
            for name, (value,) in fragment["filters"].items():
                assert re.search(f'data-pagefind-filter="{name}(:{value}"|"[^>]*>{value}<)', page), (anchor["id"], name)
    base = next(f for f in fragments if any(a["id"] == f"{B}2025-103" for a in f["anchors"]))
    assert base["filters"]["类别"] == ["培训基地"] and base["filters"]["地区"] == ["新北区"]
    assert {"整改", "改中", "天一", "一信"} <= set(base["content"].split())
