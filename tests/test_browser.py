"""The built site in a real browser: Debian's chromium driven by Playwright, served from loopback.

The machine has no network and Playwright never downloads a browser: `make test` installs Debian's
chromium, and these tests fail (they do not skip) when it is missing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from browsing import CHROMIUM, TIMEOUT_MS, QuietHandler, Tab, open_tab, serving, visible_rows
from helpers import AS_OF, copy_from_repo
from site_fixtures import BUILD_INPUTS, SITE_NAME, SUBPATH, nginx_serving, records

pytestmark = pytest.mark.browser

class _SubpathHandler(QuietHandler):
    """The site under SUBPATH only, with its 404.html for anything missing (as nginx's error_page)."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUBPATH):
            return str(Path(self.directory) / "missing" / "\0")  # no such file: 404
        return super().translate_path("/" + path[len(SUBPATH):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        page = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


def serving_under_subpath(folder: Path) -> contextlib.AbstractContextManager[str]:
    """`folder` at http://127.0.0.1:<port>/jxjy/ by a threaded http.server."""
    return serving(folder, _SubpathHandler, SUBPATH)


# -- pages and behaviour ---------------------------------------------------------------------------

def test_debian_chromium_is_installed() -> None:
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)"


def test_home_page(tab: Tab) -> None:
    page = tab.open("")
    assert SITE_NAME in page.title()
    assert page.locator(".jxjy-home").is_visible()
    assert page.locator("html").get_attribute("lang").startswith("zh")
    tab.assert_no_errors()


def test_directory_filters_by_district_and_status(tab: Tab) -> None:
    page = tab.open("bases/")
    page.wait_for_selector("#base-table[data-loaded]", state="attached")  # bases/directory.json is in
    count = page.locator("#filter-count")
    total = page.locator("#base-table tbody tr").count()
    bases = [r for r in records().values() if r.kind == "bases"]
    assert total == len(bases)
    assert count.inner_text() == f"显示 {total} / {total} 个基地"
    assert len(visible_rows(page)) == total

    page.select_option("#filter-district", "武进区")
    rows = visible_rows(page)
    assert rows and {r["district"] for r in rows} == {"武进区"}
    wujin = sum(b.data["district"] == "320412" for b in bases)
    assert len(rows) == page.locator('#base-table tbody tr[data-district="武进区"]').count() == wujin
    assert count.inner_text() == f"显示 {len(rows)} / {total} 个基地"

    page.select_option("#filter-district", "")
    page.select_option("#filter-status", "已取消")
    rows = visible_rows(page)
    assert {r["status"] for r in rows} == {"已取消"}
    assert {r["name"] for r in rows} == {"常州市数字技术专业技术人员继续教育基地", "常州市建设工程专业技术人员继续教育基地"}
    assert count.inner_text() == f"显示 2 / {total} 个基地"

    page.select_option("#filter-district", "武进区")
    assert [r["name"] for r in visible_rows(page)] == ["常州市建设工程专业技术人员继续教育基地"]
    assert count.inner_text() == f"显示 1 / {total} 个基地"

    # The bases in Changzhou at every level: the province's and the nation's are listed too.
    page.select_option("#filter-district", index=0)
    page.select_option("#filter-status", index=0)
    page.select_option("#filter-level", "省级")
    assert {r["name"] for r in visible_rows(page)} == {b.data["name"] for b in bases if b.data["level"] == "省级"} == {
        "江苏省卫生专业技术人员继续教育基地（常州市龙城卫生进修学校）", "江苏省工程技术人员继续教育基地（常州龙城理工学院）"}
    tab.assert_no_errors()


def test_directory_level_comes_from_the_address(tab: Tab) -> None:
    page = tab.open("bases/?level=国家级")
    page.wait_for_selector("#base-table[data-loaded]", state="attached")
    assert [r["name"] for r in visible_rows(page)] == ["国家级专业技术人员继续教育基地（常州龙城理工学院）"]
    assert page.locator("#filter-level").input_value() == "国家级"
    tab.assert_no_errors()


def search(tab: Tab, query: str) -> Page:
    page = tab.open("search/")
    box = page.locator("input.pagefind-ui__search-input")
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for()
    return page


def test_search_finds_a_district_and_opens_the_result(tab: Tab) -> None:
    page = search(tab, "武进")
    first = page.locator(".pagefind-ui__result-link").first
    href = first.get_attribute("href")
    with page.expect_navigation(wait_until="load"):
        first.click()
    assert page.url != tab.base + "search/" and page.url.endswith(href)
    assert "武进" in page.locator("article.md-content__inner").inner_text()
    tab.assert_no_errors()


def test_search_finds_a_document_number(tab: Tab) -> None:
    page = search(tab, "常人社发〔2025〕23号")
    found = page.locator('.pagefind-ui__result-link[href$="revocations/rev-2025-001/"]')
    found.first.wait_for()  # results fill in as their fragments load
    assert found.count() == 1
    assert "常州市数字技术专业技术人员继续教育基地" in found.inner_text()
    tab.assert_no_errors()


def test_search_finds_an_evaluation_through_its_base(tab: Tab) -> None:
    """Evaluation pages stay out of the index (generator.kinds: searchable=False); their base lists them."""
    page = search(tab, "常人社函〔2024〕118号")
    found = page.locator('.pagefind-ui__result-link[href$="bases/base-2013-001/"]')
    found.first.wait_for()
    with page.expect_navigation(wait_until="load"):
        found.first.click()
    page.locator('.jxjy-timeline a[href$="evaluations/eval-2024-001/"]').wait_for()
    tab.assert_no_errors()


# -- payloads in records never run -------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_server(hostile_site: Path) -> Iterator[str]:
    with serving(hostile_site) as url:
        yield url


def test_no_payload_runs_on_any_page(browser: Browser, hostile_site: Path, hostile_server: str) -> None:
    """Every generated page of a site whose records carry script payloads, opened in Chromium."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    ran: list[str] = []
    page.on("dialog", lambda d: (ran.append(f"{page.url}: dialog {d.message!r}"), d.dismiss()))
    try:
        pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
        assert len(pages) > 40
        for rel in pages:
            page.goto(hostile_server + rel, wait_until="load")
            if page.evaluate("window.__pwned !== undefined"):
                ran.append(f"{rel}: window.__pwned = {page.evaluate('window.__pwned')}")
            links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"
                                  ".filter(h => /^\\s*(javascript|data|vbscript):/i.test(h))")
            if links:
                ran.append(f"{rel}: dangerous links {links}")
    finally:
        context.close()
    assert not ran, "\n".join(ran)


# -- a directory longer than one screen ------------------------------------------------------------

@pytest.fixture(scope="module")
def large_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of a synthetic registry of 130 bases (tests/benchmarks/synth.py)."""
    from benchmarks.synth import write_repository

    from generator.site.build import build

    root = tmp_path_factory.mktemp("large")
    copy_from_repo(root, *(name for name in BUILD_INPUTS if name != "records"))
    write_repository(root, 130)
    with serving(build(root, as_of=AS_OF).site) as url:
        yield url


def test_directory_shows_fifty_rows_at_a_time(browser: Browser, large_server: str) -> None:
    with open_tab(browser, large_server) as tab:
        page = tab.open("bases/")
        total = int(page.locator("#base-table").get_attribute("data-total"))
        assert total > 100 and page.locator("#base-table tbody tr").count() == 50  # as built
        page.wait_for_selector("#base-table[data-loaded]", state="attached")
        count, more = page.locator("#filter-count"), page.locator("#show-more")
        assert count.inner_text() == f"显示 50 / {total} 个基地" and more.is_visible()
        more.click()
        assert len(visible_rows(page)) == 100 and count.inner_text() == f"显示 100 / {total} 个基地"

        page.select_option("#sort-by", "date")
        dates = page.eval_on_selector_all("#base-table tbody tr", "rows => rows.map(r => r.dataset.date)")
        assert len(dates) == 50 and dates == sorted(dates, reverse=True)

        options = page.eval_on_selector_all("#filter-status option", "options => options.map(o => o.value)")
        rare = next(o for o in options if o not in ("", "有效"))  # 整改中, 已取消 …: a few of 130
        page.select_option("#filter-status", rare)
        revoked = visible_rows(page)
        assert revoked and {r["status"] for r in revoked} == {rare} and len(revoked) < 50
        assert count.inner_text() == f"显示 {len(revoked)} / {total} 个基地" and not more.is_visible()
        tab.assert_no_errors()


# -- published under a subpath ---------------------------------------------------------------------

@pytest.fixture(scope="module", params=["http.server", "nginx"])
def subpath_server(request: pytest.FixtureRequest, subpath_site: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built with site_url under /jxjy/, served there by Python, and by docs/deploy.md's nginx."""
    if request.param == "nginx":
        with nginx_serving(subpath_site, tmp_path_factory.mktemp("nginx")) as url:
            yield url
    else:
        with serving_under_subpath(subpath_site) as url:
            yield url


# The page that must not be found, and the pages that must.
SUBPATH_PAGES = {"home": ("", 200), "record": ("bases/base-2021-001/", 200), "search": ("search/", 200),
                 "missing": ("bases/no-such-base/", 404)}


@pytest.mark.parametrize("path, status", list(SUBPATH_PAGES.values()), ids=list(SUBPATH_PAGES))
def test_pages_under_a_subpath_load_with_their_styles(browser: Browser, subpath_server: str, path: str,
                                                      status: int) -> None:
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    assets: list[str] = []  # every response but the page's own
    page.on("response", lambda r: assets.append(f"HTTP {r.status} {r.url}") if r.url != subpath_server + path else None)
    try:
        response = page.goto(subpath_server + path, wait_until="load")
        assert response is not None and response.status == status
        if path == "search/":
            page.locator("input.pagefind-ui__search-input").wait_for()
        page.wait_for_load_state("networkidle")
        assert assets and all(a.startswith("HTTP 200 ") and SUBPATH in a for a in assets), assets
        # Material's stylesheet laid the page out, and every stylesheet (site.css too) was applied.
        assert page.eval_on_selector(".md-main__inner", "e => getComputedStyle(e).display") == "flex"
        assert page.eval_on_selector(".jxjy-nav", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        sheets = page.evaluate("""[...document.querySelectorAll('link[rel=stylesheet]')]
            .map(l => [l.getAttribute('href'), l.sheet ? l.sheet.cssRules.length : 0])""")
        assert any(href.endswith("assets/site.css") for href, _ in sheets)
        assert all(rules > 0 for _, rules in sheets), sheets
        # The site's own links stay under the subpath: the home link, and 404.html's root-absolute ones.
        home = page.eval_on_selector("a.jxjy-header__home", "a => a.href")
        assert home.rstrip(".") == subpath_server, home
        assert SITE_NAME in page.title()
        if status == 404:  # the site's own page, in Chinese, leading back into the site
            assert page.locator("article h1").inner_text() == "404 - 找不到页面"
            with page.expect_navigation(wait_until="load"):
                page.locator("article a", has_text="搜索").click()
            assert page.url == subpath_server + "search/"
    finally:
        context.close()


def test_search_under_a_subpath_opens_the_result(browser: Browser, subpath_server: str) -> None:
    with open_tab(browser, subpath_server) as tab:
        page = tab.open("search/")
        page.locator("input.pagefind-ui__search-input").fill("常人社发〔2025〕23号")
        found = page.locator('.pagefind-ui__result-link[href$="revocations/rev-2025-001/"]')
        found.first.wait_for()
        assert found.first.get_attribute("href").startswith(SUBPATH)
        with page.expect_navigation(wait_until="load"):
            found.first.click()
        assert page.url == subpath_server + "revocations/rev-2025-001/"
        assert "常人社发〔2025〕23号" in page.locator("article.md-content__inner").inner_text()
        tab.assert_no_errors()
