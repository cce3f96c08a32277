"""发文字号: every real form parses, the schema's pattern agrees with the parser, and each mistyped
form gets its corrected spelling with the 机关代字 kept whole."""

from __future__ import annotations

import json
import re

import pytest

from generator import docnumber
from generator.docnumber import DocNumber

from helpers import REPO, Repo, found

DEFS = json.loads((REPO / "schema" / "defs.schema.json").read_text(encoding="utf-8"))["$defs"]["doc_number"]
POLICY = "records/policies/pol-2011-001.yaml"

VALID = [
    ("常人社发〔2011〕11号", DocNumber("常人社发", 2011, 11)),
    ("苏人社字〔2021〕3号", DocNumber("苏人社字", 2021, 3)),
    ("苏人社（职）发〔2020〕1号", DocNumber("苏人社（职）发", 2020, 1)),
    ("钟政办发〔2020〕51号", DocNumber("钟政办发", 2020, 51)),
    ("人社部发〔2021〕73号", DocNumber("人社部发", 2021, 73)),
    ("人力资源社会保障部令第25号", DocNumber("人力资源社会保障部令", None, 25)),
    ("江苏省人民政府令第158号", DocNumber("江苏省人民政府令", None, 158)),
]
INVALID = [
    "常人社发[2011]11号", "常人社发(2011)11号", "常人社发（2011）11号", "常人社发【2011】11号",
    "常人社发〔2011〕011号", "常人社发〔2011〕第11号", "常人社发〔11〕11号", "常人社发〔2011〕11",
    "（职）苏人社发〔2020〕1号",  # a part in parentheses does not open a 代字
    "苏人社(职)发〔2020〕1号", "苏人社（）发〔2020〕1号", "苏人社（职1）发〔2020〕1号",
    "人力资源社会保障部令25号", "人力资源社会保障部令第025号", "令第25号",
    "常人社发〔２０１１〕11号", "常人社发〔٢٠١١〕11号",  # digits other than 0-9
]
MISTYPED = [
    ("常人社发[2011]011号", "常人社发〔2011〕11号"),
    ("常人社发（2011）11号", "常人社发〔2011〕11号"),
    ("常人社发【2011】第11号", "常人社发〔2011〕11号"),
    ("常人社发〔2011〕字第11号", "常人社发〔2011〕11号"),
    ("常人社发 〔2011〕 11", "常人社发〔2011〕11号"),
    ("苏人社字[2021]003号", "苏人社字〔2021〕3号"),
    ("苏人社字（2021）3号", "苏人社字〔2021〕3号"),
    ("苏人社(职)发[2020]1号", "苏人社（职）发〔2020〕1号"),
    ("苏人社【职】发（2020）01号", "苏人社（职）发〔2020〕1号"),
    ("人力资源社会保障部令25号", "人力资源社会保障部令第25号"),
    ("人力资源社会保障部令第025号", "人力资源社会保障部令第25号"),
]


def _schema_accepts(text: str) -> bool:
    return len(text) <= DEFS["maxLength"] and re.search(DEFS["pattern"], text) is not None


@pytest.mark.parametrize("text, parts", VALID)
def test_every_real_form_parses_and_the_schema_accepts_it(text: str, parts: DocNumber) -> None:
    assert docnumber.parse(text) == parts
    assert _schema_accepts(text)


@pytest.mark.parametrize("text", INVALID + [m for m, _ in MISTYPED])
def test_the_schema_and_the_parser_refuse_the_same_forms(text: str) -> None:
    assert docnumber.parse(text) is None
    assert not _schema_accepts(text)


def test_the_length_limits_agree() -> None:
    assert DEFS["maxLength"] == docnumber.MAX_LENGTH
    long = "常" * 50 + "〔2011〕1号"
    assert docnumber.parse(long) is None and not _schema_accepts(long)


@pytest.mark.parametrize("typed, fixed", MISTYPED)
def test_a_mistyped_number_gets_its_canonical_form(typed: str, fixed: str) -> None:
    assert docnumber.suggest(typed) == fixed
    assert docnumber.parse(fixed) is not None


@pytest.mark.parametrize("typed", ["常人社发[11]11号", "常人社发11号", "第11号"])
def test_what_cannot_be_corrected_safely_gets_no_suggestion(typed: str) -> None:
    assert docnumber.suggest(typed) is None


@pytest.mark.parametrize("typed, fixed", [("苏人社字[2011]003号", "苏人社字〔2011〕3号"),
                                          ("人力资源社会保障部令第025号", "人力资源社会保障部令第25号")])
def test_the_validator_shows_the_hint(repo: Repo, typed: str, fixed: str) -> None:
    repo.edit(POLICY, "doc_number: 常人社发〔2011〕11号", f"doc_number: {typed}")
    hits = found(repo.validate(), "docnumber-format")
    assert [(d.location.path, d.location.line) for d in hits] == [(POLICY, repo.line_of(POLICY, "doc_number:"))]
    assert f"应写作「{fixed}」" in hits[0].text


@pytest.mark.parametrize("number", ["苏人社字〔2011〕3号", "苏人社（职）发〔2011〕1号", "人力资源社会保障部令第25号"])
def test_each_form_validates_in_a_record(repo: Repo, number: str) -> None:
    repo.edit(POLICY, "doc_number: 常人社发〔2011〕11号", f"doc_number: {number}")
    repo.edit("records/organizations/org-czrsj.yaml", "  - 常人社函\n",
              "  - 常人社函\n  - 苏人社字\n  - 苏人社（职）发\n  - 人力资源社会保障部令\n")
    report = repo.validate()
    assert not report.errors, [(d.location, d.rule, d.message) for d in report.errors]
    assert not [d for d in report.diagnostics if d.rule.startswith("docnumber-")]


def test_an_order_has_no_year_to_compare(repo: Repo) -> None:
    """docnumber-year compares the bracketed year with 成文日期: an order has none, so no warning."""
    repo.edit(POLICY, "doc_number: 常人社发〔2011〕11号", "doc_number: 人力资源社会保障部令第25号")
    assert found(repo.validate(), "docnumber-year") == []


def test_a_policy_without_a_number_is_valid(repo: Repo) -> None:
    """A regulation (条例) carries no 发文字号: the policy leaves the field out."""
    repo.edit(POLICY, "doc_number: 常人社发〔2011〕11号\n", "")
    report = repo.validate()
    assert not report.errors, [(d.location, d.rule, d.message) for d in report.errors]
