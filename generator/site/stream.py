"""Record pages poured into one engine-rendered shell per kind, instead of one engine page each.

MkDocs with Material spends about 2 ms and keeps about 35 KB per page, for every page, until the
build ends; a province's registry has hundreds of thousands of record pages. Record pages all
share one layout per kind (same depth, not in the navigation, no table of contents), so the
engine renders a single shell per kind, `<kind>/JXJY-SLOT.md`, whose front matter and body are
slots, and `fill`, run by `jxjy build` once the engine is done (generator/site/build.py: whichever
engine rendered the shells), writes each page as a copy of it.

The slots are ASCII words that every escaping and URL-encoding in the theme leaves as they are,
and they are replaced in one pass, so text from a record can never be taken for a slot.
tests/test_stream.py builds the sample and the payload-laden sample both ways and compares every
page byte for byte with what the engine renders itself.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.site import search
from generator.site.render import Fragment, front_matter, meta_text

SHELL = "JXJY-SLOT"  # the shell's page name: not a valid record id (ids are lower case)
# Material adds an <h1> of the page title when the content has none; every record template has its
# own, and so does the shell, so the engine adds none to either.
BODY = f"<div><h1>{SHELL}-body</h1></div>"
STREAM = Path("build") / "stream"  # beside build/docs: one JSON file per record page
# What the search indexer reads: the words of the indexed record pages, GROUP to a page
# (generator.site.search). Pagefind's time and memory grow with the HTML it parses and the pages it
# indexes, and the theme's navigation is most of a page.
SEARCH = Path("build") / "search"
# The sitemap protocol's limit of pages per file (sitemaps.org): a national registry has more pages.
SITEMAP_URLS = 50_000
_SLOT = re.compile(rf"{SHELL}-([a-z_]+)")
_URL_SLOT = re.compile(rf"(/|&#x2f;){SHELL}(/|&#x2f;)")


def shell(parts: Fragment) -> str:
    """The shell page of the kind of `parts`: its front matter keys, every text value a slot."""
    meta = {key: f"{SHELL}-{key}" if isinstance(value, str) else value for key, value in parts.meta.items()}
    return front_matter(meta) + "\n" + BODY + "\n"


def encode(parts: Fragment, path: str) -> bytes:
    """The stored page at `path` (kind/id): its parts, and its search section when it is searchable
    (made here, where the page is rendered on every core, rather than when it is poured)."""
    stored = _stored(parts)
    if "data-pagefind-body" in parts.body:
        found = search.section(path, parts.body)
        stored["search"] = [found.filters, found.html]
    return json.dumps(stored, ensure_ascii=False).encode()


def _stored(parts: Fragment) -> dict[str, Any]:
    if "<h1" not in parts.body:
        raise ValueError("a record page poured into a shell must have its own <h1>")
    return {"meta": parts.meta, "body": parts.body}


def fill(site_dir: Path, stream_dir: Path, search_dir: Path) -> int:
    """Write every record page of `stream_dir` into `site_dir` from its kind's shell, and the
    searchable ones (data-pagefind-body) into `search_dir` as sections of indexed pages
    (generator.site.search: their words, GROUP at a time); remove the shells.

    Returns:
        The number of pages written.
    """
    shutil.rmtree(search_dir, ignore_errors=True)
    if not stream_dir.is_dir():
        return 0
    pages: dict[str, list[str]] = {}
    for kind_dir in sorted(p for p in stream_dir.iterdir() if p.is_dir()):
        shell_dir = site_dir / kind_dir.name / SHELL
        ids = pages.setdefault(kind_dir.name, [])
        sections = _pour_kind(kind_dir, site_dir, _split((shell_dir / "index.html").read_text(encoding="utf-8")), ids)
        for number, indexed in enumerate(search.groups(sections)):
            _write(search_dir / kind_dir.name / f"g{number}", indexed)
        # kept beside the stream for `jxjy serve`, which pours single pages between builds (see kept_shell)
        os.replace(shell_dir / "index.html", kept_shell(stream_dir, kind_dir.name))
        shutil.rmtree(shell_dir)
    _sitemap(site_dir, pages)
    return sum(len(ids) for ids in pages.values())


def _pour_kind(kind_dir: Path, site_dir: Path, template: list[str], ids: list[str]) -> Iterator[search.Section]:
    """Write the pages of one kind (adding their ids to `ids`); yield the sections of the searchable ones."""
    # in order of id, so the same records make the same indexed pages on every machine
    for name in sorted(entry.name for entry in os.scandir(kind_dir) if entry.name.endswith(".json")):
        page_id = name[:-5]
        ids.append(page_id)
        with open(kind_dir / name, encoding="utf-8") as source:
            stored = json.load(source)
        _write(site_dir / kind_dir.name / page_id, _pour(template, page_id, stored))
        if "search" in stored:
            filters, indexed = stored["search"]
            yield search.Section(tuple((name, value) for name, value in filters), indexed)


def _sitemap(site_dir: Path, pages: dict[str, list[str]]) -> None:
    """List each kind's record pages in sitemap.xml(.gz) where the engine listed its shell.

    In the engine's order (index first, then by file name) and with its gzip header time, so the
    files are the bytes the engine writes when it renders every record page itself.
    """
    path = site_dir / "sitemap.xml"
    if not path.is_file():
        return
    sitemap = path.read_text(encoding="utf-8")
    for kind, ids in pages.items():
        entry = re.search(rf"\n\s*<url>\s*<loc>[^<]*/{kind}/{SHELL}/</loc>.*?</url>", sitemap, re.DOTALL)
        if entry is None:
            continue
        in_order = sorted(ids, key=lambda page_id: f"{page_id}.md")
        listed = "".join(entry[0].replace(f"/{SHELL}/", f"/{page_id}/") for page_id in in_order)
        sitemap = sitemap[:entry.start()] + listed + sitemap[entry.end():]
    sitemap = _split_sitemap(site_dir, sitemap)
    path.write_text(sitemap, encoding="utf-8")
    packed = path.with_name(path.name + ".gz")
    if not packed.is_file():  # Zensical writes none
        return
    mtime = int.from_bytes(packed.read_bytes()[4:8], "little")  # the gzip header's MTIME field
    with open(packed, "wb") as out, gzip.GzipFile(fileobj=out, filename=str(packed), mode="wb", mtime=mtime) as gz:
        gz.write(sitemap.encode("utf-8"))


def _split_sitemap(site_dir: Path, sitemap: str) -> str:
    """`sitemap` itself when it lists at most SITEMAP_URLS pages; else, as the protocol requires, an
    index of sitemap-1.xml, sitemap-2.xml, … written beside it, each listing SITEMAP_URLS of them in order."""
    urls = re.findall(r"\n\s*<url>.*?</url>", sitemap, re.DOTALL)
    if len(urls) <= SITEMAP_URLS:
        return sitemap
    head, tail = sitemap[:sitemap.index(urls[0])], sitemap[sitemap.rindex(urls[-1]) + len(urls[-1]):]
    # the site's address: the home page's, of which every other page's is an extension
    root = min((found[1] for url in urls if (found := re.search(r"<loc>([^<]*)</loc>", url))), key=len)
    listed = []
    for number, start in enumerate(range(0, len(urls), SITEMAP_URLS), 1):
        name = f"sitemap-{number}.xml"
        (site_dir / name).write_text(head + "".join(urls[start:start + SITEMAP_URLS]) + tail, encoding="utf-8")
        listed.append(f"    <sitemap>\n        <loc>{root}{name}</loc>\n    </sitemap>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(listed) + "</sitemapindex>\n")


def _write(folder: Path, page: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, encoding="utf-8")


def _split(shell_html: str) -> list[str]:
    """The shell as text and slot names, alternately (once per kind, not once per page)."""
    # The shell's own URL (kind/JXJY-SLOT/) is the one slot without a name; its slashes as they are
    # or HTML-escaped (Zensical's template engine escapes "/" as &#x2f;).
    return _SLOT.split(_URL_SLOT.sub(rf"\1{SHELL}-id\2", shell_html.replace(BODY, f"{SHELL}-body")))


def _pour(template: list[str], page_id: str, stored: dict[str, Any]) -> str:
    """One page from its kind's split shell; filled in one pass, so no record text is taken for a slot."""
    values = {key: meta_text(value) for key, value in stored["meta"].items() if isinstance(value, str)}
    values["body"], values["id"] = stored["body"], page_id
    return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(template))


# -- single pages between builds (jxjy serve) ---------------------------------------------------

def kept_shell(stream_dir: Path, kind: str) -> Path:
    """Where `fill` keeps the shell of `kind` after the build: a file beside the kind's folder of
    the stream, which the next `generate` removes with every file it does not write again."""
    return stream_dir / f"{kind}.{SHELL}.html"


def pour(shell_html: str, page_id: str, parts: Fragment) -> str:
    """One record page, byte for byte as `fill` writes it, from its kind's kept shell."""
    # through JSON, as the stored page goes: meta values come back as `fill` reads them
    return _pour(_split(shell_html), page_id, json.loads(json.dumps(_stored(parts), ensure_ascii=False)))
