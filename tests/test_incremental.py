"""The run cache (generator.runcache): after any sequence of edits, `jxjy validate` reports exactly
what a cold run reports, and an edit no cross-record rule can see is checked alone."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_cli import run
from test_rules import FAILING, _apply

from generator import runcache, status
from generator.diagnostics import Report
from generator.examine import examine
from generator.fields import date_fields
from generator.records import KINDS, RecordSet
from generator.rules import CHECKS, cross_fields
from generator.rules.context import Context
from generator.schemas import SchemaSet
from generator.validate import check_report, check_repository

from helpers import AS_OF, Repo

# Lines whose value another record's may take: duplicate numbers and ids, references to the wrong
# or a missing record, dates out of order, two plans for one department and year, ...
CROSS_FIELDS = ("id", "doc_number", "index_number", "issuer", "base", "notice", "written_on", "evaluated_on",
                "department", "year", "follows", "corrects", "host", "level", "result", "type", "act")


def _texts(report: Report) -> list[tuple[Any, ...]]:
    return [(d.location, d.rule, d.message, d.hint, d.severity) for d in report.diagnostics]


class Editor:
    """Random edits to a copy of the sample, each undoable by restoring the original text."""

    def __init__(self, repo: Repo, rng: random.Random) -> None:
        self.repo, self.rng = repo, rng
        self.original = {p.relative_to(repo.root).as_posix(): p.read_text(encoding="utf-8")
                         for p in sorted((repo.root / "records").glob("*/*.yaml"))}
        self.added = 0

    def present(self) -> list[str]:
        return sorted(p.relative_to(self.repo.root).as_posix() for p in (self.repo.root / "records").glob("*/*.yaml"))

    def step(self) -> tuple[str, bool]:
        """One edit: what it was, and whether it can only shift positions or free text."""
        rel = self.rng.choice(self.present())
        text = self.repo.text(rel)
        action = self.rng.choice(["comment", "prose", "touch", "swap", "swap", "swap", "clone", "rehome", "delete",
                                  "restore", "restore", "break", "dangle"])
        if action == "comment":  # every position below moves; nothing a rule reads changes
            self.repo.write(rel, f"# 备注 {self.rng.randrange(1000)}\n{text}")
        elif action == "prose" and "\nbody: |\n" in text:
            self.repo.write(rel, text.replace("\nbody: |\n", "\nbody: |\n  补充说明。\n\n", 1))
        elif action == "touch":
            self.repo.write(rel, text)
        elif action == "swap":
            self._swap(rel, text)
        elif action == "clone":  # a second plan of a department and year, a second decision, ...
            self.added += 1
            if self.rng.random() < .3:
                rel = self.rng.choice([r for r in self.present() if r.startswith("records/plans/")] or [rel])
                text = self.repo.text(rel)
            kind, name = rel.split("/")[1:]
            new_id = f"{name.removesuffix('.yaml')}-x{self.added}"
            copy = text.replace(f"id: {name.removesuffix('.yaml')}\n", f"id: {new_id}\n") if self.rng.random() < .7 else text
            self.repo.write(f"records/{kind}/{new_id}.yaml", copy)
        elif action == "rehome":  # the same id in another kind
            kind, name = rel.split("/")[1:]
            self.repo.write(f"records/{self.rng.choice([k for k in KINDS if k != kind])}/{name}", text)
        elif action == "delete":
            (self.repo.root / rel).unlink()
        elif action == "restore":
            gone = [r for r in self.original if not (self.repo.root / r).exists()]
            target = self.rng.choice(gone or [rel])
            if target in self.original:
                self.repo.write(target, self.original[target])
            else:
                (self.repo.root / target).unlink()
        elif action == "break":
            self.repo.write(rel, text + "name: [\n")
        elif action == "dangle":
            self.repo.write(rel, text.replace("\nbase: ", "\nbase: base-2099-404\nx_old_base: ", 1)
                            if "\nbase: " in text else text.replace("\nissuer: ", "\nissuer: org-nowhere\nx_: ", 1))
        return action, action in ("comment", "prose", "touch")

    def _swap(self, rel: str, text: str) -> None:
        """Give `rel` the value another record has for one field both have."""
        kind = rel.split("/")[1]
        others = [r for r in self.present() if r.split("/")[1] == kind and r != rel] or [rel]
        other = self.repo.text(self.rng.choice(others))
        mine = {line.split(":", 1)[0]: line for line in text.splitlines() if ":" in line and not line[0].isspace()}
        theirs = {line.split(":", 1)[0]: line for line in other.splitlines() if ":" in line and not line[0].isspace()}
        shared = [f for f in CROSS_FIELDS if f in mine and f in theirs]
        if shared:
            field = self.rng.choice(shared)
            self.repo.write(rel, text.replace(mine[field] + "\n", theirs[field] + "\n", 1))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_report_what_a_cold_run_reports(repo: Repo, tmp_path: Path, seed: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After each edit, the run from the cache equals a run without any cache on the same tree."""
    monkeypatch.setattr(runcache, "RACY_SECONDS", 0)  # trust each stat at once: the tests edit faster than 2 s
    served = []
    replay = runcache.replay

    def spy(*args: Any) -> Any:
        result = replay(*args)
        served.append(result is not None)
        return result

    monkeypatch.setattr(runcache, "replay", spy)
    cache = tmp_path / "cache"
    editor = Editor(repo, random.Random(seed))
    fast = 0
    for number in range(30):
        action, shifts_only = editor.step() if number else ("start", False)
        cold = check_repository(repo.root, as_of=AS_OF)
        report, files = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
        assert (_texts(report), files) == (_texts(cold.report), cold.files), f"step {number}: {action}"
        again, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
        assert _texts(again) == _texts(cold.report) and served[-1], f"step {number}: {action}, unchanged"
        fast += shifts_only and served[-2]
    assert fast, "no edit took the fast path"


def test_an_edit_to_free_text_is_checked_alone_and_keeps_every_finding(repo: Repo, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A base listed by a notice, with cross-record problems located in it: a comment and a sentence
    above them move them; the run cache examines that one file and locates them again."""
    monkeypatch.setattr(runcache, "RACY_SECONDS", 0)
    rel = "records/evaluations/eval-2024-001.yaml"
    repo.edit(rel, "base: base-2013-001", "base: base-2099-404")
    cache = tmp_path / "cache"
    before, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    assert any(d.location.path == rel and d.rule == "ref-missing" for d in before.diagnostics)
    repo.write(rel, "# 说明\n# 第二行\n" + repo.text(rel))
    examined: list[Path] = []
    monkeypatch.setattr("generator.validate.examine", lambda root, *a: examined.append(root) or examine(root, *a))
    after, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    assert not examined, "the whole repository was examined again"
    assert _texts(after) == _texts(check_repository(repo.root, as_of=AS_OF).report)
    moved = [d.location.line for d in after.diagnostics if d.location.path == rel and d.rule == "ref-missing"]
    assert moved == [d.location.line + 2 for d in before.diagnostics if d.location.path == rel
                     and d.rule == "ref-missing"]


def test_an_edit_a_cross_record_rule_reads_runs_them_all(repo: Repo, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runcache, "RACY_SECONDS", 0)
    cache = tmp_path / "cache"
    check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    repo.edit("records/evaluations/eval-2024-001.yaml", "base: base-2013-001", "base: base-2099-404")
    report, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    assert any(d.rule == "ref-missing" for d in report.diagnostics)


def test_another_day_is_not_served_from_the_cache(repo: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    check_report(repo.root, as_of=date(2013, 7, 1), cache_dir=cache)
    later, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    assert _texts(later) == _texts(check_repository(repo.root, as_of=AS_OF).report)


def test_a_file_edited_within_the_racy_window_is_read_again(repo: Repo, tmp_path: Path) -> None:
    """Same size, times put back: only its bytes tell the edit apart, and a fresh file is never trusted by its stat."""
    cache = tmp_path / "cache"
    check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    path = repo.root / "records/bases/base-2013-001.yaml"
    before = path.stat()
    repo.edit("records/bases/base-2013-001.yaml", "level: 市级", "level: 省外")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    assert any(d.rule == "schema-enum" and d.location.path.endswith("base-2013-001.yaml") for d in report.diagnostics)


def test_a_damaged_run_cache_is_ignored(repo: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected, _ = check_report(repo.root, as_of=AS_OF, cache_dir=cache)
    (run_file,) = cache.glob("*.run.marshal")
    run_file.write_bytes(b"\x00garbage")
    assert _texts(check_report(repo.root, as_of=AS_OF, cache_dir=cache)[0]) == _texts(expected)


def test_validate_prints_the_same_cold_hot_and_after_an_edit(repo: Repo, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte: the report, the summary line and the exit code."""
    monkeypatch.setenv("JXJY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(runcache, "RACY_SECONDS", 0)
    repo.edit("records/evaluations/eval-2024-001.yaml", "base: base-2013-001", "base: base-2099-404")
    args = ("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    cold = run(*args, "--no-cache")
    assert cold[0] == 1 and "ref-missing" in cold[1]
    assert run(*args) == cold  # fills both caches
    assert run(*args) == cold  # served from the run cache
    repo.write("records/evaluations/eval-2024-001.yaml", "# 注\n" + repo.text("records/evaluations/eval-2024-001.yaml"))
    edited = run(*args, "--no-cache")
    assert run(*args) == edited != cold  # the same lines, one line further down


class _Reading(dict[str, Any]):
    """A record's data that notes which top-level fields are read."""

    read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        _Reading.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        _Reading.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        _Reading.read.add(str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        _Reading.read.add("(every field)")
        return super().__iter__()

    def keys(self) -> Any:
        _Reading.read.add("(every field)")
        return super().keys()

    def items(self) -> Any:
        _Reading.read.add("(every field)")
        return super().items()

    def values(self) -> Any:
        _Reading.read.add("(every field)")
        return super().values()


def _reads(root: Path, schemas: SchemaSet) -> dict[str, set[str]]:
    """The fields each module of CHECKS read, run over the records under `root`."""
    examined = examine(root, schemas)
    for record in examined.records:
        record.doc.data = _Reading(record.doc.data)
    read: dict[str, set[str]] = {}
    for check in CHECKS:
        _Reading.read = set()
        list(check(Context(RecordSet(examined.records, examined.attachments), AS_OF, schemas)))
        read.setdefault(check.__module__, set()).update(_Reading.read)
    return read


def test_every_field_a_cross_record_rule_reads_is_declared(repo: Repo) -> None:
    """Over the sample and every failing case of tests/test_rules.py (whose messages name what the
    rules read), each module reads only what its READS, the record set and the lifecycle fold
    declare: a field left out would let the run cache keep a stale finding."""
    schemas = SchemaSet()
    dated = {pattern[0] for kind in KINDS for pattern in date_fields(schemas, kind)}
    common = RecordSet.READS | status.READS | dated
    assert cross_fields(schemas) >= common
    original = {p: p.read_bytes() for p in (repo.root / "records").rglob("*") if p.is_file()}
    undeclared: dict[str, set[str]] = {}
    for case in [None, *FAILING]:
        for path in [p for p in (repo.root / "records").rglob("*") if p.is_file() and p not in original]:
            path.unlink()
        for path, raw in original.items():
            path.write_bytes(raw)
        if case is not None:
            _apply(repo, case)
        for module, read in _reads(repo.root, schemas).items():
            extra = read - sys.modules[module].READS - common
            if extra:
                undeclared.setdefault(module, set()).update(extra)
    assert not undeclared

