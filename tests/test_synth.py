"""The benchmarks' synthetic registry (tests/benchmarks/synth.py): valid under every rule, the same bytes for
the same seed, and `touch_one` changes one record without breaking it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.validate import check_repository

from helpers import AS_OF

SIZE = 60


@pytest.fixture(scope="module")
def synth():
    from benchmarks import synth

    return synth


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "records").rglob("*")) if p.is_file()}


def records(root: Path, kind: str) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "records" / kind).glob("*.yaml"))]


def test_a_synthetic_registry_passes_every_rule_without_warnings(tmp_path: Path, synth) -> None:
    counts = synth.write_repository(tmp_path, SIZE, seed=3)
    assert counts["bases"] >= SIZE
    assert counts["evaluations"] > SIZE  # about two per base
    for kind in ("organizations", "notices", "circulars", "commendations", "plans", "policies"):
        assert counts[kind] > 0, kind
    assert sum(counts.values()) == len(list((tmp_path / "records").glob("*/*.yaml")))
    touched = synth.touch_one(tmp_path)
    before = touched.read_bytes()
    assert synth.touch_one(tmp_path) == touched and touched.read_bytes() != before  # every call changes it
    linked = synth.touch_linked(tmp_path)
    before = linked.read_bytes()
    assert synth.touch_linked(tmp_path) == linked and linked.read_bytes() != before
    report = check_repository(tmp_path, as_of=AS_OF).report
    assert not report.diagnostics, "\n".join(f"{d.location.path}:{d.location.line}: {d.rule} {d.message}"
                                             for d in report.diagnostics[:20])


def test_it_follows_the_batch_notices_of_real_practice(tmp_path: Path, synth) -> None:
    synth.write_repository(tmp_path, SIZE, seed=3)
    notices, bases = records(tmp_path, "notices"), records(tmp_path, "bases")
    acts = {n["id"]: n["act"] for n in notices}
    publicities = {n["id"]: n for n in notices if n["act"] == "拟认定公示"}
    decided = {n["follows"] for n in notices if "follows" in n}
    assert decided and decided < set(publicities)  # one 公示 still open, waiting for its decision
    pending = set(publicities) - decided
    assert all(publicities[p]["publicity"]["end"] >= AS_OF for p in pending)
    listed = [b for b in bases if "notice" in b]
    assert any(acts[b["notice"]] == "拟认定公示" and b["notice"] in pending for b in listed)  # 公示中 bases
    assert {b["level"] for b in bases} == {"国家级", "省级", "市级", "辖市区级"}
    assert any(acts.get(e.get("notice")) == "评估结果" for e in records(tmp_path, "evaluations"))
    types = {o["type"] for o in records(tmp_path, "organizations")}
    assert {"人社部门", "行业主管部门", "部委", "政府办公室", "人大常委会", "高等院校", "行业协会学会"} <= types


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path, synth) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synth.write_repository(first, SIZE, seed=7)
    synth.write_repository(second, SIZE, seed=7)
    assert files(first) == files(second)
    synth.write_repository(other, SIZE, seed=8)
    assert files(first) != files(other)
    synth.write_repository(other, SIZE, seed=7)  # rewriting its own output replaces it
    assert files(first) == files(other)


def test_records_it_did_not_write_are_never_replaced(tmp_path: Path, synth) -> None:
    (tmp_path / "records" / "bases").mkdir(parents=True)
    (tmp_path / "records" / "bases" / "base-2019-001.yaml").write_text("id: base-2019-001\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        synth.write_repository(tmp_path, 2)
    assert (tmp_path / "records" / "bases" / "base-2019-001.yaml").is_file()
