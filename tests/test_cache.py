"""The verdict cache: the same report as a cold run, and no way for a stale entry to hide an error."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from generator import examine
from generator.diagnostics import Report
from generator.validate import check_repository

from helpers import AS_OF, Repo

BASE = "records/bases/base-2013-001.yaml"
EVAL = "records/evaluations/eval-2024-001.yaml"


def _texts(report: Report) -> list[str]:
    return [f"{d.location.path}:{d.location.line}:{d.location.col}: {d.rule}: {d.text}" for d in report.diagnostics]


def _age(root: Path) -> None:
    """Date every record a minute back, so the stat index trusts them (new files it never does)."""
    past = time.time() - 60
    for path in (root / "records").rglob("*.yaml"):
        os.utime(path, (past, past))


def _run(repo: Repo, cache: Path) -> list[str]:
    return _texts(check_repository(repo.root, as_of=AS_OF, cache_dir=cache).report)


@pytest.fixture
def broken(repo: Repo) -> Repo:
    """The sample with a load error, a schema error and a cross-record error (located in a record
    that otherwise loads cleanly, so its position must come from re-reading the file)."""
    repo.write("records/bases/bad-yaml.yaml", "id: bad-yaml\nname: [\n")
    repo.edit(BASE, "level: 市级", "level: 部级")
    repo.edit(EVAL, "base: base-2013-001", "base: base-2099-404")
    _age(repo.root)
    return repo


def test_warm_and_cold_runs_report_the_same(broken: Repo, tmp_path: Path) -> None:
    cold = _texts(check_repository(broken.root, as_of=AS_OF).report)
    assert any("yaml-syntax" in t for t in cold) and any("schema-enum" in t for t in cold)
    assert any(t.startswith(EVAL) and "ref-missing" in t for t in cold)
    cache = tmp_path / "cache"
    assert _run(broken, cache) == cold  # fills the cache
    assert list(cache.iterdir())
    assert _run(broken, cache) == cold  # every file from the cache


def test_parallel_examination_reports_the_same(broken: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _run(broken, tmp_path / "a")
    monkeypatch.setattr(examine, "PARALLEL_FROM", 1)
    assert _run(broken, tmp_path / "b") == serial


@pytest.mark.parametrize("keep_time", [False, True])
def test_an_edit_after_caching_is_seen(repo: Repo, tmp_path: Path, keep_time: bool) -> None:
    _age(repo.root)
    cache = tmp_path / "cache"
    assert _run(repo, cache) == _texts(check_repository(repo.root, as_of=AS_OF).report)
    path = repo.root / BASE
    before = path.stat()
    repo.edit(BASE, "level: 市级", "level: 省外")  # same length in bytes: size unchanged
    if keep_time:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    after = _run(repo, cache)
    assert any(t.startswith(BASE) and "schema-enum" in t for t in after), after


def test_a_new_file_with_cached_content_is_checked_as_itself(repo: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(repo, cache)
    repo.write("records/bases/base-2013-009.yaml", repo.text(BASE))  # same bytes, other id
    assert any(t.startswith("records/bases/base-2013-009.yaml") and "id-filename" in t for t in _run(repo, cache))


def test_a_damaged_cache_is_ignored(broken: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _run(broken, cache)
    for file in cache.iterdir():
        file.write_bytes(b"\x00garbage")
    assert _run(broken, cache) == expected


def test_verdicts_of_another_program_version_are_not_used(broken: Repo, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache that calls the broken base valid (as an older program might have) is trusted only
    by the program that wrote it: any change to the code or the schemas drops it."""
    cache = tmp_path / "cache"
    _run(broken, cache)
    (file,) = cache.iterdir()
    version, salt, stats, digests, verdicts = marshal.loads(file.read_bytes())
    digest = digests[BASE]
    verdicts[digest] = ("ok", *verdicts[digest][1:4], (), (), verdicts[digest][6])
    file.write_bytes(marshal.dumps((version, salt, stats, digests, verdicts)))
    assert not any(t.startswith(BASE) and "schema-enum" in t for t in _run(broken, cache))  # the forgery works...
    file.write_bytes(marshal.dumps((version, salt, stats, digests, verdicts)))
    monkeypatch.setattr(examine, "_SALT", "another program")
    assert any(t.startswith(BASE) and "schema-enum" in t for t in _run(broken, cache))  # ...only for its writer


def test_the_cache_lives_outside_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JXJY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert examine.default_cache_dir() == tmp_path / "jxjy-registry"


def test_a_remembered_record_locates_problems_without_reading_its_file(broken: Repo, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The positions of every node are kept with the verdict: the warm run parses nothing."""
    cache = tmp_path / "cache"
    cold = _run(broken, cache)
    assert any(t.startswith(f"{EVAL}:") and "ref-missing" in t and not t.startswith(f"{EVAL}:1:1") for t in cold)

    def refuse(raw: bytes) -> None:
        raise AssertionError("a cached record was parsed again")

    monkeypatch.setattr(examine, "load_document", refuse)
    assert _run(broken, cache) == cold
