"""Two versions of records/ side by side: what differs field by field, which deleted and added
files are one record renamed, and which ids both sides took since they forked.

`compare` walks two loaded records: mappings key by key, lists of mappings item by item. A deleted
record and an added one are one record renamed or moved when they keep the id (in another folder),
or are of one kind and hold the same content apart from the id, or are notices with the same 发文字号.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from generator import git
from generator.attachments import owner_of
from generator.new import id_series, next_id
from generator.records import NOTICE_KINDS, Record, RecordSet
from generator.schemas import SchemaSet
from generator.validate import Result, check_repository, records_at

FieldPath = tuple[str | int, ...]


class _Missing:
    """A field that is absent on one side of a comparison."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class RecordRef:
    """A record as the report names it."""

    kind: str
    id: str
    path: str
    label: str  # a base's or organization's name, else the notice's title
    published_on: str | None = None  # notices only


@dataclass(frozen=True)
class Collision:
    """Both sides added a record under one id since they forked: the head's is another record."""

    id: str
    path: str  # the head's file
    theirs: RecordRef  # what the base side added under the id
    suggestion: str | None  # a free id of the same series (None: the id is not numbered)



def compare(old: Any, new: Any, path: FieldPath = ()) -> list[tuple[FieldPath, Any, Any]]:
    """The differing leaves of two loaded records: mappings key by key, lists of mappings item by
    item, anything else (scalars, lists of scalars) as one value."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in [*old, *(k for k in new if k not in old)]:
            found += compare(old.get(key, MISSING), new.get(key, MISSING), (*path, key))
        return found
    if isinstance(old, list) and isinstance(new, list) and any(isinstance(v, dict) for v in old + new):
        found = []
        for i in range(max(len(old), len(new))):
            found += compare(old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING, (*path, i))
        return found
    if _same(old, new):
        return []
    return [(path, old, new)]


def _same(a: Any, b: Any) -> bool:
    # 1 == 1.0 == True in Python; a record that changes 1 to true has changed
    return type(a) is type(b) and a == b


def field_title(schemas: SchemaSet, kind: str, path: FieldPath) -> str:
    """A field's Chinese title with its parents: 媒体公告 › 公告媒体, 通报对象第 2 项 › 考核结果."""
    parts: list[str] = []
    for i, step in enumerate(path):
        if isinstance(step, int):
            if parts:
                parts[-1] += f"第 {step + 1} 项"
        else:
            parts.append(schemas.title(kind, path[: i + 1]))
    return " › ".join(parts) or "记录"


def code(path: FieldPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def ref_of(record: Record) -> RecordRef:
    """How the report names `record`."""
    data = record.data
    label = data.get("name") if record.kind in ("bases", "organizations") else data.get("title")
    published = data.get("published_on") if record.kind in NOTICE_KINDS else None
    return RecordRef(record.kind, record.id, record.path, str(label or record.id),
                     published if isinstance(published, str) else None)


def by_path(records: RecordSet) -> dict[str, Record]:
    return {r.path: r for r in records.all}


def _renames(files: dict[str, str], old: dict[str, Record], new: dict[str, Record]) -> list[tuple[Record, Record]]:
    """(deleted, added) pairs that are one record renamed or moved: the same id in another
    folder, or one kind and the same content apart from the id, or notices with the same 发文字号."""
    added = [new[p] for p, s in files.items() if s == "A" and p in new]
    pairs = []
    for gone in (old[p] for p, s in files.items() if s == "D" and p in old):
        came = next((r for r in added if _same_record(gone, r)), None)
        if came is not None:
            added.remove(came)
            pairs.append((gone, came))
    return pairs


def _same_record(a: Record, b: Record) -> bool:
    if a.id == b.id:
        return True
    if a.kind != b.kind:
        return False
    number = a.data.get("doc_number")
    if a.kind in NOTICE_KINDS and isinstance(number, str) and number and number == b.data.get("doc_number"):
        return True
    return all(path == ("id",) for path, _, _ in compare(a.data, b.data))


@dataclass
class Versions:
    """The records of both versions, the records/ files that differ between them, the records
    renamed and the ids both sides added."""

    files: dict[str, str]  # as changed_files
    before: Result
    after: Result
    renames: list[tuple[Record, Record]]  # (deleted, added), as _renames pairs them
    collisions: dict[str, Collision]  # by the head's path


def versions(repo: Path, base: str, head: str | None, files: dict[str, str], *, as_of: date,
             schemas: SchemaSet) -> Versions:
    """Both versions of records/ and how their changed files pair up."""
    before = records_at(repo, base, as_of=as_of, schemas=schemas)
    after = (records_at(repo, head, as_of=as_of, schemas=schemas) if head is not None
             else check_repository(repo, as_of=as_of, schemas=schemas))
    renames = _renames(files, by_path(before.records), by_path(after.records))
    collisions = _collisions(repo, base, head, files, before.records, after.records)
    return Versions(files, before, after, renames, {c.path: c for c in collisions})


def _collisions(repo: Path, base: str, head: str | None, files: dict[str, str], before: RecordSet,
                after: RecordSet) -> list[Collision]:
    """Files of the head whose id the base side added too since the two forked (git merge-base):
    two branches that each ran `jxjy new` and took the same id. The head's file is then another
    record, not an edit of the base's; it changed (is in `files`), so its content differs."""
    theirs = {r.id: r for r in before.all}
    candidates = {p: PurePosixPath(p).stem for p, s in files.items()
                  if s != "D" and PurePosixPath(p).stem in theirs and owner_of(p) is None}
    if not candidates:
        return []
    fork = git.merge_base(repo, base, head)
    if fork is None:
        return []
    forked = git.record_ids(repo, fork)
    colliding = {path: stem for path, stem in candidates.items() if stem not in forked}
    if not colliding:
        return []
    used = {r.id for r in before.all} | {r.id for r in after.all} | git.deleted_ids(repo, base, head or "HEAD").keys()
    found = []
    for path, stem in colliding.items():
        series = id_series(stem)
        found.append(Collision(stem, path, ref_of(theirs[stem]), next_id(series, used) if series else None))
    return found
