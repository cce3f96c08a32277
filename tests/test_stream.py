"""Record pages poured into their kind's shell are the pages the engine renders itself."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from generator.site import stream
from generator.site.build import _render_share as _RENDER_SHARE
from generator.site.build import build
from generator.site.stream import SHELL

from helpers import AS_OF
from site_fixtures import copy_build_inputs, write_hostile_records


def _files(site: Path) -> dict[str, bytes]:
    # The search index differs by design: poured pages are indexed as their words, grouped
    # (generator.site.stream.SEARCH), engine pages whole.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.relative_to(site).as_posix().startswith("pagefind/")}


@pytest.mark.parametrize("inputs", ["sample", "hostile"])
def test_poured_pages_equal_engine_pages(tmp_path: Path, inputs: str) -> None:
    root = tmp_path / "repo"
    (write_hostile_records if inputs == "hostile" else copy_build_inputs)(root)
    poured = _files(build(root, as_of=AS_OF, site_dir=tmp_path / "poured").site)
    engine = _files(build(root, as_of=AS_OF, site_dir=tmp_path / "engine", stream=False).site)
    assert sorted(poured) == sorted(engine)
    differing = [path for path in engine if poured[path] != engine[path]]
    assert not differing
    record_pages = [p for p in engine if p.startswith(("bases/base-", "evaluations/eval-")) and p.endswith(".html")]
    assert len(record_pages) >= 10
    assert not any(SHELL in p for p in poured)


def _noted_share(*args: Any) -> object:
    """generator.site.build._render_share, noting in $JXJY_TEST_SHARES which share a child rendered."""
    notes = Path(os.environ["JXJY_TEST_SHARES"])
    notes.mkdir(exist_ok=True)
    (notes / f"{args[-1][0]}-{os.getpid()}").touch()
    return _RENDER_SHARE(*args)


@pytest.mark.parametrize("inputs", ["sample", "hostile"])
@pytest.mark.parametrize("streamed", [True, False], ids=["poured", "engine"])
def test_record_pages_rendered_on_every_core_make_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                inputs: str, streamed: bool) -> None:
    """Forked children render the record pages of a registry past RENDER_FROM; the sample is smaller,
    so the threshold is lowered: the site, search index included, is the one a single process makes."""
    from generator.site import build as build_module

    root = tmp_path / "repo"
    (write_hostile_records if inputs == "hostile" else copy_build_inputs)(root)
    one = build(root, as_of=AS_OF, site_dir=tmp_path / "one", stream=streamed).site
    monkeypatch.setattr(build_module, "RENDER_FROM", 0)
    monkeypatch.setattr(build_module.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("JXJY_TEST_SHARES", str(tmp_path / "shares"))
    monkeypatch.setattr(build_module, "_render_share", _noted_share)
    both = build(root, as_of=AS_OF, site_dir=tmp_path / "both", stream=streamed).site
    assert len(list((tmp_path / "shares").iterdir())) == 8  # 2 cores, 4 shares each, each in a child
    every = {p.relative_to(one).as_posix(): p.read_bytes() for p in sorted(one.rglob("*")) if p.is_file()}
    assert every == {p.relative_to(both).as_posix(): p.read_bytes() for p in sorted(both.rglob("*")) if p.is_file()}
    assert len([p for p in every if p.startswith("bases/base-")]) >= 3


def test_the_engine_sees_one_shell_per_kind(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    copy_build_inputs(root)
    build(root, as_of=AS_OF, site_dir=tmp_path / "site")
    bases = sorted(p.name for p in (root / "build" / "docs" / "bases").iterdir())
    assert bases == [f"{SHELL}.md", "directory.json", "index.md"]
    streamed = sorted(p.stem for p in (root / "build" / "stream" / "bases").iterdir())
    pages = sorted(p.parent.name for p in (tmp_path / "site" / "bases").glob("*/index.html"))
    assert streamed == pages and "base-2013-001" in pages


def test_a_sitemap_of_more_pages_than_the_protocol_allows_becomes_an_index(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "SITEMAP_URLS", 3)
    urls = [f"https://jxjy.example.gov.cn/jxjy/{path}" for path in ("", *(f"bases/base-{n}/" for n in range(6)))]

    def sitemap(listed: list[str]) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"\n    <url>\n         <loc>{url}</loc>\n    </url>" for url in listed) + "\n</urlset>")

    index = stream._split_sitemap(tmp_path, sitemap(urls))
    parts = [f"https://jxjy.example.gov.cn/jxjy/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert re.findall("<loc>([^<]*)</loc>", index) == parts
    assert index.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex ')
    written = [(tmp_path / f"sitemap-{n}.xml").read_text(encoding="utf-8") for n in (1, 2, 3)]
    assert written == [sitemap(urls[0:3]), sitemap(urls[3:6]), sitemap(urls[6:7])]
    # at the limit it stays one file
    assert stream._split_sitemap(tmp_path, sitemap(urls[:3])) == sitemap(urls[:3])
