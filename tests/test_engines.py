"""The sample builds with every engine jxjy supports, into the same pages.

`jxjy build` runs no code inside the engine (no hooks or plugins): it fixes the theme's markup and
pours the record pages into their shells itself once the engine is done, so an engine that ignores
`hooks:` (Zensical) still gets every record page. Compared with MkDocs, page by page:

- the set of HTML pages: an engine that drops record pages (or any page) fails here;
- for the parts jxjy's theme draws (the header, the article and the footer), the visible text
  with whitespace left out (Zensical highlights code blocks, so their text comes in more pieces), and the set of links (href and src, resolved against the page's URL).
  Zensical's own base template differs in the chrome around them (its stylesheet and script
  bundles, a skip link, no Material search), so the rest of its pages is not compared;
  ProperDocs renders Material itself, so its pages are compared whole;
- the pages the sitemap lists (Zensical writes no <lastmod> and no sitemap.xml.gz).

The MkDocs site's HTML is checked in tests/test_html_valid.py; Zensical's, whose base template
differs, is checked here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from test_html_valid import run_vnu, to_message

from generator.site.build import ENGINES, build

from helpers import AS_OF
from site_fixtures import copy_build_inputs, html_files, soup_of

PARTS = ("header.jxjy-header", "article", "footer.jxjy-footer")
PAGE = "https://jxjy.example.gov.cn/"  # site_url: links resolve as on the published site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("engines")
    copy_build_inputs(root)
    return {engine: build(root, as_of=AS_OF, engine=engine, site_dir=root / f"site-{engine}").site
            for engine in ENGINES}


@cache
def _pages(site: Path) -> tuple[str, ...]:
    return tuple(p.relative_to(site).as_posix() for p in html_files(site))


def _url(rel: str) -> str:
    return urljoin(PAGE, rel.removesuffix("index.html"))


def _seen(part: BeautifulSoup | None, rel: str) -> tuple[str, frozenset[str]]:
    """What a reader gets of one part of a page: its text, and where its links and sources lead."""
    assert part is not None, rel
    links = frozenset(urljoin(_url(rel), str(tag.get("href", tag.get("src"))))
                      for tag in part.find_all(lambda t: t.has_attr("href") or t.has_attr("src")))
    return "".join(part.get_text().split()), links


def _differences(site: Path, other: Path, selectors: tuple[str, ...]) -> list[str]:
    found = []
    for rel in _pages(site):
        page, theirs = soup_of(site / rel), soup_of(other / rel)
        for selector in selectors:
            if _seen(page.select_one(selector), rel) != _seen(theirs.select_one(selector), rel):
                found.append(f"{rel} {selector}")
    return found


def _sitemap(site: Path) -> list[str]:
    return sorted(re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "mkdocs"])
def test_an_engine_builds_the_same_pages(sites: dict[str, Path], engine: str) -> None:
    site, other = sites["mkdocs"], sites[engine]
    assert _pages(other) == _pages(site)
    record_pages = [rel for rel in _pages(other) if rel.startswith(("bases/base-", "notices/", "plans/plan-"))]
    assert len(record_pages) >= 20
    assert "bases/base-2013-001/index.html" in record_pages
    selectors = ("html",) if engine == "properdocs" else PARTS
    assert not _differences(site, other, selectors)
    assert _sitemap(other) == _sitemap(site)
    assert f"{PAGE}bases/base-2013-001/" in _sitemap(other)


def test_the_comparison_sees_a_changed_page(sites: dict[str, Path]) -> None:
    """A record page whose heading or one link of its footer differs is found."""
    rel = "bases/base-2013-001/index.html"
    page = (sites["mkdocs"] / rel).read_text(encoding="utf-8")
    assert page.count("</h1>") == page.count('href="#jxjy-contact"') == 1
    for changed, selector in ((page.replace("</h1>", "改</h1>"), "article"),
                              (page.replace('href="#jxjy-contact"', 'href="#elsewhere"'), "footer.jxjy-footer")):
        seen = [_seen(BeautifulSoup(text, "html.parser").select_one(selector), rel) for text in (page, changed)]
        assert seen[0] != seen[1]


def test_the_zensical_site_is_valid_html(sites: dict[str, Path]) -> None:
    site = sites["zensical"]
    raw, checked = run_vnu(html_files(site))
    assert checked == set(html_files(site))
    assert [str(to_message(entry, {"zensical": site})[1]) for entry in raw] == []
