"""Every internal link of the built site leads somewhere: a file of the site, and an element for a #fragment.

Internal: relative and root-relative URLs in href, src, srcset and the other URL attributes. A directory URL
stands for its index.html; root-relative URLs resolve against the site's root (the site is served at the root
of its host, and 404.html, served at any depth, links that way). External links (another host, mailto:,
tel:) are collected, never fetched: the tests stay offline and deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from site_fixtures import html_files, registry_settings

# (tag or "*", attribute) holding one URL, fetched or navigated to by a browser.
URL_ATTRIBUTES = {
    ("*", "href"),  # a, area, link, base, and SVG's <a>/<use>/<image>
    ("*", "xlink:href"),
    ("*", "src"),  # img, script, iframe, embed, source, track, audio, video, input
    ("video", "poster"),
    ("object", "data"),
    ("form", "action"),
    ("*", "formaction"),
    ("*", "cite"),  # blockquote, q, del, ins
}
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass(frozen=True)
class Link:
    line: int
    tag: str
    attribute: str
    url: str

    def where(self, page: str) -> str:
        return f"{page}:{self.line}: <{self.tag} {self.attribute}={self.url!r}>"


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _Collector(HTMLParser):
    """The ids (and <a name>s) of a page and every URL it holds, with line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            if (tag, name) in URL_ATTRIBUTES or ("*", name) in URL_ATTRIBUTES:
                self.page.links.append(Link(line, tag, name, value.strip()))
            elif name in SRCSET_ATTRIBUTES:
                self.page.links.extend(Link(line, tag, name, url) for url in srcset_urls(value))
            elif tag == "meta" and name == "content" and dict(attrs).get("http-equiv", "").lower() == "refresh":
                if found := re.search(r"url\s*=\s*['\"]?([^'\"]+)", value, re.IGNORECASE):
                    self.page.links.append(Link(line, tag, "content", found[1].strip()))

    handle_startendtag = handle_starttag


def srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset (HTML's "parse a srcset attribute", without judging the descriptors)."""
    urls, at = [], 0
    while True:
        while at < len(srcset) and (srcset[at].isspace() or srcset[at] == ","):
            at += 1
        if at >= len(srcset):
            return urls
        end = at
        while end < len(srcset) and not srcset[end].isspace():
            end += 1
        url = srcset[at:end]
        if url.endswith(","):
            urls.append(url.rstrip(","))
            at = end
            continue
        urls.append(url)
        depth = 0  # skip the descriptors up to the next comma outside parentheses
        while end < len(srcset) and (depth or srcset[end] != ","):
            depth += {"(": 1, ")": -1}.get(srcset[end], 0)
            end += 1
        at = end


@cache
def _parse(path: Path, mtime_ns: int) -> Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def parse(path: Path) -> Page:
    return _parse(path, path.stat().st_mtime_ns)


def has_fragment(page: Page, fragment: str) -> bool:
    """Whether a page has the element a #fragment scrolls to (HTML's "find a potential indicated element")."""
    if fragment == "" or fragment.lower() == "top":
        return True
    return fragment in page.ids or unquote(fragment) in page.ids


@dataclass
class LinkReport:
    broken: list[str] = field(default_factory=list)
    external: dict[str, str] = field(default_factory=dict)  # URL -> first page linking it
    checked: int = 0


def check_links(site: Path) -> LinkReport:
    """Every URL of every page under `site`: internal ones resolved, external ones collected."""
    report = LinkReport()
    root = site.resolve()
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        for link in parse(path).links:
            report.checked += 1
            problem = _check(root, path.resolve(), link.url, report.external, rel)
            if problem:
                report.broken.append(f"{link.where(rel)}: {problem}")
    return report


def _check(root: Path, page: Path, url: str, external: dict[str, str], rel: str) -> str | None:
    """Why `url` on `page` is broken, or None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in EXTERNAL_SCHEMES or url.startswith("//"):
        if scheme in ("http", "https", "") and not parts.hostname:
            return "external URL without a host"
        external.setdefault(url, rel)
        return None
    if scheme == "data":
        return None
    if scheme:
        return f"{scheme}: URL"
    if not parts.path:  # "#fragment", "?query" or "": this very page
        return None if has_fragment(parse(page), parts.fragment) else f"no id={parts.fragment!r} on this page"
    path = unquote(parts.path)
    base = PurePosixPath("/") if path.startswith("/") else PurePosixPath("/", page.parent.relative_to(root).as_posix())
    segments: list[str] = []
    for segment in (base / path).parts[1:]:
        if segment == "..":
            if not segments:
                return "climbs above the site root"
            segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    target = root.joinpath(*segments)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"{target.relative_to(root).as_posix()} does not exist"
    if parts.fragment and target.suffix == ".html" and not has_fragment(parse(target), parts.fragment):
        return f"{target.relative_to(root).as_posix()} has no id={parts.fragment!r}"
    return None


# -- the built sites ---------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["site_dir", "hostile_site"])
def test_every_internal_link_and_fragment_resolves(which: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(which)
    report = check_links(site)
    assert report.checked > 1000, f"only {report.checked} links checked in {site}"
    assert not report.broken, f"{len(report.broken)} broken links:\n" + "\n".join(report.broken)


def test_external_links_are_collected_not_followed(site_dir: Path) -> None:
    external = check_links(site_dir).external
    assert any(url.startswith(registry_settings()["error_report"]) for url in external), sorted(external)
    odd = [url for url in external if urlsplit(url).scheme not in ("https", "http", "mailto", "tel")]
    assert not odd, odd


# -- the checker itself ------------------------------------------------------------------------------

FAKE_SITE = {
    "index.html": """<!doctype html><title>home</title>
<link rel="stylesheet" href="assets/site.css">
<h2 id="local">here</h2>
<a href="#local">ok: fragment on this page</a> <a href="#">ok: top</a> <a href="#top">ok: top</a>
<a href="docs/">ok: a directory</a> <a href="docs">ok: a directory without its slash</a>
<a href="docs/#part">ok: a fragment there</a> <a href="./docs/index.html?x=1#part">ok: query and fragment</a>
<a href="/docs/%E8%A7%84%E5%88%99.html">ok: escaped, root-relative</a>
<img src="assets/a.png" srcset="assets/a.png 1x, assets/a%402x.png 2x" alt="">
<a href="https://example.org/x">external</a> <a href="mailto:a@example.org">mail</a>
<a href="docs/missing/">BROKEN: no such page</a>
<a href="docs/#nowhere">BROKEN: no such id</a>
""",
    "docs/index.html": '<!doctype html><title>docs</title><section id="part"><a href="../#local">ok</a></section>\n',
    "docs/规则.html": "<!doctype html><title>规则</title>\n",
    "assets/site.css": "",
    "assets/a.png": "",
    "assets/a@2x.png": "",
}


def _fake_site(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


def test_checker_reports_a_broken_link_and_a_broken_fragment(tmp_path: Path) -> None:
    report = check_links(_fake_site(tmp_path, FAKE_SITE))
    assert report.broken == [
        "index.html:10: <a href='docs/missing/'>: docs/missing/index.html does not exist",
        "index.html:11: <a href='docs/#nowhere'>: docs/index.html has no id='nowhere'",
    ]
    assert report.external == {"https://example.org/x": "index.html", "mailto:a@example.org": "index.html"}


def test_checker_reports_srcset_fragment_and_root_escapes(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, {
        "a/index.html": '<img src="x.png" srcset="x.png 1x,y.png 2x" alt=""> <a href="#gone">x</a>\n'
                        '<a href="../../up.html">x</a> <a href="javascript:void(0)">x</a> <a href="https:x">x</a>\n',
        "a/x.png": "",
    })
    assert check_links(site).broken == [
        "a/index.html:1: <img srcset='y.png'>: a/y.png does not exist",
        "a/index.html:1: <a href='#gone'>: no id='gone' on this page",
        "a/index.html:2: <a href='../../up.html'>: climbs above the site root",
        "a/index.html:2: <a href='javascript:void(0)'>: javascript: URL",
        "a/index.html:2: <a href='https:x'>: external URL without a host",
    ]


@pytest.mark.parametrize(("srcset", "urls"), [
    ("a.png", ["a.png"]),
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png 100w,b.png 200w", ["a.png", "b.png"]),
    ("a,b.png 1x, c.png", ["a,b.png", "c.png"]),
    ("a.png, b.png 2x", ["a.png", "b.png"]),
    (" , a.png (x, y) 1x, b.png", ["a.png", "b.png"]),
])
def test_srcset_urls(srcset: str, urls: list[str]) -> None:
    assert srcset_urls(srcset) == urls
