"""Record values are untrusted: injected markup reaches pages, feeds and data only as text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from generator.site.build import build

from conftest import AS_OF
from site_fixtures import copy_build_inputs, html_files, soup_of

PAYLOADS = {
    "script": '<script>alert("x1")</script>',
    "breakout": '"><img src=x onerror=alert(2)>',
    "md-link": "[点我](javascript:alert(3))",
    "attr-list": '标题 {: onclick="alert(4)" }',
    "title-breakout": "</title><script>alert(5)</script>",
    "entities": "&lt;script&gt;alert(6)&lt;/script&gt;",
    "template": "{{ config.extra }}{% raw %}",
}
ALL = " ".join(PAYLOADS.values())
BASE = "records/bases/base-2020-002.yaml"


def _set(root: Path, rel: str, line_start: str, value: str) -> None:
    """Replace the line starting with `line_start` by `key: "<value>"` (JSON quoting is valid YAML)."""
    path = root / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    key = line_start.split(":")[0]
    lines[index] = f"{key}: {json.dumps(value, ensure_ascii=False)}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    copy_build_inputs(root)
    _set(root, BASE, "name:", PAYLOADS["script"] + PAYLOADS["title-breakout"])
    _set(root, BASE, "title:", PAYLOADS["title-breakout"] + PAYLOADS["breakout"])
    _set(root, BASE, "address:", PAYLOADS["breakout"] + PAYLOADS["md-link"])
    body = root / BASE
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("body: |\n", "body: |\n" + "".join(f"  {p}\n\n" for p in PAYLOADS.values()), 1),
                    encoding="utf-8")
    _set(root, "records/organizations/org-zl-jsfz.yaml", "name:", PAYLOADS["attr-list"] + PAYLOADS["script"])
    _set(root, "records/revocations/rev-2025-001.yaml", "  medium:", PAYLOADS["breakout"])
    return build(root, as_of=AS_OF).site


def test_hostile_records_still_validate_and_build(hostile_site: Path) -> None:
    assert (hostile_site / "bases" / "base-2020-002" / "index.html").is_file()


def test_no_injected_markup_in_any_page(hostile_site: Path) -> None:
    for path in html_files(hostile_site):
        page = soup_of(path)
        for script in page.find_all("script"):
            assert "alert(" not in script.get_text(), path
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
    assert page.find("meta", attrs={"name": "ArticleTitle"})["content"] == PAYLOADS["title-breakout"] + PAYLOADS["breakout"]


def test_feeds_and_data_carry_the_text_not_the_markup(hostile_site: Path) -> None:
    atom = (hostile_site / "atom.xml").read_text(encoding="utf-8")
    assert "<script>" not in atom and "&lt;script&gt;" in atom
    rows = list(csv.reader(io.StringIO((hostile_site / "data" / "bases.csv").read_text(encoding="utf-8-sig"))))
    assert any(PAYLOADS["script"] in cell for row in rows for cell in row)  # data keeps the exact text
    assert not re.search(r"<script>alert", (hostile_site / "data" / "index.html").read_text(encoding="utf-8"))
