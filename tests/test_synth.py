"""The benchmarks' synthetic registry (tests/benchmarks/synth.py): valid under every rule, the same bytes for
the same seed, and `touch_one` changes one record without breaking it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import check_repository

from helpers import AS_OF

SIZE = 60


@pytest.fixture(scope="module")
def synth():
    from benchmarks import synth

    return synth


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "records").rglob("*")) if p.is_file()}


def test_a_synthetic_registry_passes_every_rule_without_warnings(tmp_path: Path, synth) -> None:
    counts = synth.write_repository(tmp_path, SIZE, seed=3)
    assert counts["bases"] >= SIZE
    assert counts["evaluations"] > SIZE  # about two per base
    for kind in ("organizations", "circulars", "commendations", "plans", "policies"):
        assert counts[kind] > 0, kind
    assert sum(counts.values()) == len(list((tmp_path / "records").glob("*/*.yaml")))
    touched = synth.touch_one(tmp_path)
    before = touched.read_bytes()
    assert synth.touch_one(tmp_path) == touched and touched.read_bytes() != before  # every call changes it
    report = check_repository(tmp_path, as_of=AS_OF).report
    assert not report.diagnostics, "\n".join(f"{d.location.path}:{d.location.line}: {d.rule} {d.message}"
                                             for d in report.diagnostics[:20])


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
