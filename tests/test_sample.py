"""The shipped sample: it covers every path of the lifecycle, and an outside tool agrees it is valid."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from generator.records import KINDS
from generator.status import lifecycle
from generator.validate import check_repository

from helpers import AS_OF, REPO

CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]


@pytest.fixture(scope="module")
def sample():
    return check_repository(REPO, as_of=AS_OF)


def test_sample_has_no_error_and_only_the_accepted_warning(sample) -> None:
    assert [(d.rule, d.location.path) for d in sample.report.diagnostics] == [
        ("plan-late", "records/plans/plan-2026-cz-zjj.yaml"),
        # the 2011 rule is 试行 and still marked 现行有效: the reviewer is to confirm it (the record says so)
        ("policy-trial-lapsed", "records/policies/pol-2011-001.yaml"),
    ]


def test_every_record_is_marked_as_sample(sample) -> None:
    # The policy text is the real 常人社发〔2011〕11号, not sample data.
    assert all(r.data.get("sample") is True for r in sample.records.all if r.kind != "policies")


@pytest.mark.parametrize("base, on, status", [
    ("base-2013-001", AS_OF, "有效"),  # retained after 合格
    ("base-2020-001", AS_OF, "有效"),  # rectified in time
    ("base-2020-001", date(2024, 12, 1), "整改中"),
    ("base-2020-002", AS_OF, "逾期未整改"),  # deadline passed, no re-inspection
    ("base-2020-002", date(2026, 9, 30), "整改中"),  # the corrected deadline counts, not the misprint
    ("base-2021-001", AS_OF, "已取消"),  # revoked after an overdue rectification
    ("base-2021-001", date(2025, 1, 15), "逾期未整改"),
    ("base-2019-001", AS_OF, "已取消"),  # revoked after failing re-inspection
    ("base-2022-001", AS_OF, "整改中"),
    ("base-2026-001", AS_OF, "公示中"),
    ("base-2026-001", date(2026, 12, 5), "公示中"),  # the 公示 has ended, but no decision has been made
    ("base-2025-101", date(2025, 9, 20), "公示中"),  # after its 公示 ended, before the decision
    ("base-2025-101", date(2025, 9, 26), "有效"),  # the decision's 成文日期
    ("base-2025-108", AS_OF, "未予认定"),  # named in the 公示, withdrawn after an objection
    ("base-2025-103", AS_OF, "整改中"),  # ordered to rectify in a batch of results
    ("base-2024-101", AS_OF, "有效"),  # 省级, accredited by the province
    ("base-2024-101", date(2029, 1, 1), "已到期"),  # the batch's validity ends 2028-12-31
    ("base-2024-003", date(2027, 7, 9), "已到期"),
])
def test_status_as_of(sample, base: str, on: date, status: str) -> None:
    life = lifecycle(base, sample.records, on)
    step = life.status_on(on)
    assert step is not None and step.status == status
    assert life.violations == []


def test_revoked_base_points_at_its_revocation_and_announcement(sample) -> None:
    step = lifecycle("base-2021-001", sample.records, AS_OF).status_on(AS_OF)
    assert step.record.kind == "revocations"
    assert step.record.data["announcement"]["medium"]


def test_sample_covers_the_issue_scenarios(sample) -> None:
    records = sample.records
    bases = list(records.valid("bases"))
    assert len(bases) >= 12
    assert {b.data["district"] for b in bases} >= {"320402", "320404", "320411", "320412", "320413", "320481", "320405"}
    reasons = Counter(r.data["reason"] for r in records.valid("revocations"))
    assert reasons["逾期不整改"] >= 1 and reasons["整改后仍不符合要求"] >= 1
    circulars = list(records.valid("circulars"))
    assert {c.data["scope"] for c in circulars} == {"行业主管部门", "企事业单位"}
    assert any(s.get("quota_cut") == 1.5 for c in circulars for s in c.data["subjects"])
    kinds = {r["type"] for c in records.valid("commendations") for r in c.data["recipients"]}
    assert kinds == {"单位", "个人"}
    assert len({p.data["year"] for p in records.valid("plans")}) >= 2
    assert any(r.data.get("corrects") for r in records.valid())
    assert any(r.data.get("publicity") and r.data["publicity"]["end"] >= AS_OF.isoformat() for r in records.valid())


def test_schemas_pass_the_metaschema() -> None:
    schemas = sorted(str(p) for p in (REPO / "schema").glob("*.schema.json"))
    result = subprocess.run([*CHECK_JSONSCHEMA, "--check-metaschema", *schemas],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_check_jsonschema_agrees_the_sample_is_valid(kind: str) -> None:
    files = sorted(str(p) for p in (REPO / "records" / kind).glob("*.yaml"))
    schema = REPO / "schema" / f"{KINDS[kind]}.schema.json"
    result = subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(schema), *files],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("corpus_file", ["date-impossible.yaml", "docnumber-ascii-brackets.yaml", "enum-invalid.yaml"])
def test_check_jsonschema_agrees_on_invalid_records(tmp_path: Path, corpus_file: str) -> None:
    target = tmp_path / "corpus-case.yaml"
    shutil.copy(REPO / "tests" / "corpus" / corpus_file, target)
    result = subprocess.run([*CHECK_JSONSCHEMA, "--schemafile", str(REPO / "schema" / "base.schema.json"), str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1


def test_records_load_in_path_order() -> None:
    result = check_repository(REPO, as_of=AS_OF)
    records = result.records.all
    assert not result.report.errors and result.files == len(records)
    assert [r.path for r in records] == sorted(r.path for r in records)
