"""The schemas: every property is titled in Chinese, formats fail closed, titles reach messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.records import Record
from generator.schemas import SchemaSet, SchemaSetupError
from generator.yamlio import load_document

from helpers import REPO, Repo, found

SCHEMA_DIR = REPO / "schema"


def _properties(node, path=()):
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield (*path, name), sub
        for key, value in node.items():
            if key != "if":  # properties under `if` are conditions, not declarations
                yield from _properties(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _properties(item, (*path, i))


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json")))
def test_every_property_has_a_chinese_title_and_description(name: str) -> None:
    schemas = SchemaSet()
    doc = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for path, sub in _properties(doc):
        nodes = [sub] + ([schemas.registry.resolver(base_uri=name).lookup(sub["$ref"]).contents]
                         if "$ref" in sub else [])
        title = next((n["title"] for n in nodes if "title" in n), "")
        description = next((n["description"] for n in nodes if "description" in n), "")
        assert any("\u4e00" <= c <= "\u9fa5" for c in title), (path, title)
        assert any("\u4e00" <= c <= "\u9fa5" for c in description), (path, description)


def _copy_schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, target)
    return target


def test_an_unchecked_format_refuses_to_start(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    path = directory / "plan.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["properties"]["year"]["format"] = "no-such-format"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemaSetupError, match="无法校验 format：no-such-format"):
        SchemaSet(directory)


def test_every_format_used_is_checked() -> None:
    SchemaSet()  # raises when a format is not asserted


def test_a_keyword_without_its_own_message_is_still_located(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    path = directory / "organization.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["properties"]["name"]["not"] = {"const": "禁用名称"}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    raw = b'id: org-x\nname: \xe7\xa6\x81\xe7\x94\xa8\xe5\x90\x8d\xe7\xa7\xb0\ntype: \xe6\x96\xbd\xe6\x95\x99\xe6\x9c\xba\xe6\x9e\x84\ndistrict: "320402"\n'
    record = Record("organizations", "org-x", "records/organizations/org-x.yaml", load_document(raw))
    diags = SchemaSet(directory).check(record)
    assert [(d.location.line, d.location.col, d.rule) for d in diags] == [(2, 7, "schema-invalid")]
    assert diags[0].message.startswith("「机构名称」不符合要求")


def test_missing_schema_file_is_a_setup_error(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    (directory / "plan.schema.json").unlink()
    with pytest.raises(SchemaSetupError, match="plan.schema.json"):
        SchemaSet(directory)


def test_missing_nested_field_points_at_the_mapping(repo: Repo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    repo.edit(rel, "  medium: 常州日报\n", "")
    hits = found(repo.validate(), "schema-required")
    assert [(d.location.line, d.message) for d in hits] == [
        (repo.line_of(rel, "  published_on: 2025-03-22"), "缺少必填字段「公告媒体」（medium）")
    ]


def test_announcement_needs_a_link_or_a_page(repo: Repo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    repo.edit(rel, "  page: 第 A04 版\n", "")
    hits = found(repo.validate(), "schema-required")
    assert [d.message for d in hits] == ["「媒体公告」须至少填写以下之一：「公告链接」、「版面」"]


def test_a_link_takes_only_http_urls(repo: Repo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    repo.edit(rel, "  page: 第 A04 版\n", "  url: javascript:alert(1)\n")
    hits = found(repo.validate(), "schema-pattern")
    assert [d.location.line for d in hits] == [repo.line_of(rel, "url:")]
    assert "「公告链接」格式不正确" in hits[0].message


@pytest.mark.parametrize("value, problems", [
    ('"base-2013-001\\n"', ["schema-pattern"]),  # Python's `$` alone would let the newline through
    ('"base-2013-001"', []),
])
def test_a_pattern_must_match_to_the_end(repo: Repo, value: str, problems: list[str]) -> None:
    rel = "records/evaluations/eval-2024-001.yaml"
    repo.edit(rel, "base: base-2013-001", f"base: {value}")
    assert [d.rule for d in repo.validate(rel).diagnostics if d.rule.startswith("schema")] == problems


# Schema rules whose failing case is a schema, not a record (read by tests/test_docs.py).
RULE_TESTS = {"schema-invalid": test_a_keyword_without_its_own_message_is_still_located}
