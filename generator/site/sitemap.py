"""网站地图 (sitemap/, for readers) and robots.txt (for crawlers, naming sitemap.xml).

sitemap.xml itself is the engine's, listing every page with site_url; the record pages poured into
their kind's shell are added to it by generator.site.stream. The human sitemap lists every column
and service page the build has written, grouped as government portals group them; a page another
part of the site does not (yet) write is left out, never linked to a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.kinds import KIND
from generator.site.context import SiteContext, href
from generator.site.pages import meta
from generator.site.render import page

PAGE = "sitemap.md"
ROBOTS = "robots.txt"
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("首页", (("首页", "index.md"),)),
    ("信息公开", (
        ("培训基地名录", "bases/index.md"),
        *((kind.listing.title, f"{kind.folder}/index.md") for kind in KIND.values() if kind.listing),
        ("年度培训计划备案", "plans/index.md"),
        ("机构", "organizations/index.md"),
        ("统计", "stats.md"),
        ("最近更新", "updates.md"),
    )),
    ("查询与订阅", (("搜索", "search.md"), ("订阅", "feeds/index.md"), ("开放数据", "data/index.md"))),
    ("办事指南（机构入口）", (("办事指南", "guide.md"), ("提交记录", "submitting.md"), ("校验规则", "rules.md"))),
)


def sitemap_page(site: SiteContext, exists: Callable[[str], bool]) -> str:
    """The 网站地图 page: each group's pages that `exists` says the build wrote."""
    groups = [{"title": title, "pages": [{"title": name, "href": href(PAGE, path)} for name, path in pages
                                         if exists(path)]} for title, pages in GROUPS]
    return page("sitemap.html", meta=meta(site, "网站地图", "网站地图", keywords=("网站地图",),
                                          description="本平台全部栏目和服务页面的目录。"),
                groups=[g for g in groups if g["pages"]], xml=href(PAGE, "sitemap.xml"))


def robots(site: SiteContext) -> bytes:
    """Every page may be crawled; the sitemap lists them. Crawlers read /robots.txt at the host's
    root only: a site under a subpath has its web server (or the host's robots.txt) name this sitemap."""
    return f"User-agent: *\nAllow: /\nSitemap: {site.absolute('sitemap.xml')}\n".encode()
