"""Record values are untrusted: injected markup reaches pages, feeds and data only as text."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from site_fixtures import PAYLOADS, html_files, soup_of


def test_hostile_records_still_validate_and_build(hostile_site: Path) -> None:
    assert (hostile_site / "bases" / "base-2020-002" / "index.html").is_file()


def test_no_injected_markup_in_any_page(hostile_site: Path) -> None:
    for path in html_files(hostile_site):
        page = soup_of(path)
        for script in page.find_all("script"):
            assert "__pwned" not in script.get_text(), path
        for tag in page.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, (path, tag.name, handlers)
            for attr in ("href", "src", "action", "formaction"):
                value = str(tag.get(attr, "")).strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, attr, value)
        assert not page.find("img", src="x"), path


def test_injected_text_reads_back_exactly(hostile_site: Path) -> None:
    page = soup_of(hostile_site / "bases" / "base-2020-002" / "index.html")
    expected_name = PAYLOADS["script"] + PAYLOADS["title-breakout"]
    assert page.find("h1").get_text() == expected_name
    assert page.title.get_text().startswith(expected_name)  # the escaped front-matter title, shown as text
    body = page.select_one(".jxjy-body").get_text("\n")
    for payload in PAYLOADS.values():
        assert payload in body
    assert page.find("meta", attrs={"name": "ArticleTitle"})["content"] == PAYLOADS["title-breakout"] + PAYLOADS["breakout"] + PAYLOADS["slot"]


def test_feeds_and_data_carry_the_text_not_the_markup(hostile_site: Path) -> None:
    atom = (hostile_site / "atom.xml").read_text(encoding="utf-8")
    assert "<script>" not in atom and "&lt;script&gt;" in atom
    rows = list(csv.reader(io.StringIO((hostile_site / "data" / "bases.csv").read_text(encoding="utf-8-sig"))))
    assert any(PAYLOADS["script"] in cell for row in rows for cell in row)  # data keeps the exact text
    assert not re.search(r"<script>window", (hostile_site / "data" / "index.html").read_text(encoding="utf-8"))
