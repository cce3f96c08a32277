"""The run cache: a whole run's findings, so that `jxjy validate` redoes only what an edit requires.

Beside the verdict cache (generator.examine: same directory, same salt, marshal only, written
atomically) it keeps, for one repository and one day (as_of): the stat of every entry under
records/, each record file's content digest and projection (what the cross-record rules can see of
it, generator.rules.projection), the problems found in each file alone, and the cross-record
problems with the field each was located at.

- Nothing changed (the same entries with the same stat): the stored findings are the report; no
  record is read.
- Record files changed, each keeping its projection (an edit to free text, contacts, positions):
  those files alone are examined again; no other finding can differ, and those located in them
  are located again at the same fields of the new text.
- Anything else (a file added, removed or renamed, an attachment, a field some cross-record rule
  reads, a file that no longer loads, another day, another program): None, and the caller runs
  everything, writing a new cache.

A file modified (or its times set) within RACY_SECONDS of the run that saw it is never trusted by
its stat: its bytes are read again, as the verdict cache does.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic
from generator.examine import RACY_SECONDS, Examined, content_digest, examine_one, salt, verdict_problems
from generator.records import read_record, walk
from generator.schemas import SchemaSet
from generator.yamlio import Document, size_problem

FORMAT = 1

Stat = tuple[int, ...]  # size, mtime, ctime, inode, device, mode
# A cross-record problem: path, line, col, rule, message, hint, anchor (the field it is located at, or None).
CrossRow = tuple[Any, ...]


class Scan:
    """The stat of every entry under records/ (as generator.records.walk lists them), taken before
    any file is read: an edit after it is seen by the next run."""

    def __init__(self, root: Path) -> None:
        self.started = time.time_ns()
        self.stats: dict[str, Stat] = {}
        records = root / "records"
        self.usable = records.is_dir() and not records.is_symlink()  # else the full run says what is wrong
        if self.usable:
            for entry, rel in walk(str(records), "records"):
                st = entry.stat(follow_symlinks=False)
                self.stats[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode)

    def trusted(self) -> dict[str, Stat | None]:
        """The stats, None for a file modified too recently to be told apart from an edit to come."""
        recent = self.started - RACY_SECONDS * 10**9
        return {rel: st if max(st[1], st[2]) < recent else None for rel, st in self.stats.items()}


def remember(cache_dir: Path, root: Path, as_of: date, scan: Scan, examined: Examined,
             cross: Iterable[Diagnostic]) -> None:
    """Keep a full run's findings: `scan` taken before `examined` read the files, `cross` the
    cross-record problems."""
    alone: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for d in examined.diagnostics:
        alone[d.location.path].append(d.row())
    rows = [_cross_row(d) for d in cross]
    _save(cache_dir, root, (FORMAT, salt(), str(root.resolve()), as_of.isoformat(), scan.trusted(), examined.digests,
                            dict(alone), rows, examined.files))


def replay(cache_dir: Path, root: Path, as_of: date) -> tuple[list[Diagnostic], int] | None:
    """Every problem of `root` as of `as_of` and the number of record files, from the cache and the
    record files edited since it was written; None when a full run is needed."""
    stored = _load(cache_dir, root)
    if stored is None:
        return None
    _, _, _, day, stats, digests, alone, rows, files = stored
    scan = Scan(root)
    if not scan.usable or day != as_of.isoformat() or scan.stats.keys() != stats.keys():
        return None
    changed = [rel for rel, st in scan.stats.items() if stats[rel] != st]
    schemas: SchemaSet | None = None
    by_path: dict[str, list[CrossRow]] = defaultdict(list)
    for row in rows:
        by_path[row[0]].append(row)
    for rel in changed:
        st = scan.stats[rel]
        if rel not in digests or not stat.S_ISREG(st[5]) or size_problem(st[0]) is not None:
            return None  # not a record file that loads, or no longer one
        kind = rel.split("/")[1]
        raw = read_record(root / rel, rel)
        digest = content_digest(kind, raw)
        if digest == digests[rel][0]:
            continue  # touched, not edited
        schemas = schemas or SchemaSet()
        verdict = examine_one((rel, kind, raw), schemas)
        if verdict[0] != "ok" or digests[rel][1] is None or verdict[6] != digests[rel][1]:
            return None  # it no longer loads, did not load, or shows the cross-record rules something new
        moved = _relocate(by_path.get(rel, []), Document(*verdict[1:4]))
        if moved is None:
            return None
        by_path[rel] = moved
        alone[rel] = [d.row() for d in verdict_problems(rel, verdict)]
        digests[rel] = (digest, verdict[6])
    rows = [row for path_rows in by_path.values() for row in path_rows]
    if changed:
        _save(cache_dir, root, (FORMAT, salt(), str(root.resolve()), day, scan.trusted(), digests, alone, rows, files))
    diagnostics = [Diagnostic.from_row(path, row) for path, path_rows in alone.items() for row in path_rows]
    diagnostics += [Diagnostic.from_row(row[0], row[1:6]) for row in rows]
    return diagnostics, files


def _cross_row(d: Diagnostic) -> CrossRow:
    return (d.location.path, *d.row(), d.anchor)


def _relocate(rows: list[CrossRow], doc: Document) -> list[CrossRow] | None:
    """The problems located again at their fields in the edited file; None if one has no field."""
    moved = []
    for path, _, _, rule, message, hint, anchor in rows:
        if anchor is None:
            return None
        line, col = doc.locate(tuple(anchor[0]), key=anchor[1])
        moved.append((path, line, col, rule, message, hint, anchor))
    return moved


def _file(cache_dir: Path, root: Path) -> Path:
    return cache_dir / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]}.run.marshal"


def _load(cache_dir: Path, root: Path) -> tuple[Any, ...] | None:
    try:
        stored = marshal.loads(_file(cache_dir, root).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None  # no cache, or a damaged one
    if not isinstance(stored, tuple) or len(stored) != 9 or stored[:3] != (FORMAT, salt(), str(root.resolve())):
        return None
    return stored


def _save(cache_dir: Path, root: Path, content: tuple[Any, ...]) -> None:
    file = _file(cache_dir, root)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as out:
            out.write(marshal.dumps(content))
        os.replace(out.name, file)
    except OSError:
        pass  # a cache that cannot be written costs time, never correctness
