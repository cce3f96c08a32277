"""What a change to records/ does: the change report of a pull request and the append-only check.

Two states of the repository are compared: a git ref (the base, e.g. origin/main) and another
ref or the working tree (the head). Files are matched by path, as `git diff --no-renames` does;
then a deleted record and an added one are paired as one record renamed or moved when they keep
the id (in another folder), or are of one kind and hold the same content apart from the id, or
are notices with the same 发文字号 (see `_renames`). A rename is shown with what else changed,
so it never hides an edit.

The report says what the public will see (base status, new notices, corrections, publicity
periods), then the field-by-field changes, every changed file outside records/, the append-only
verdict and the validation result of the head.

The append-only check enforces that published notices are never edited, renamed or deleted in
place: a published decision is corrected by a new record that `corrects` or `supersedes` it,
so the public record keeps both versions. Organizations are reference data and may be edited.
It also tells apart two branches that each took the same new id (see `_collisions`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from generator import append_only, config, dates, git
from generator.attachments import MAX_BYTES, owner_of
from generator.comparison import (
    Collision,
    FieldPath,
    RecordRef,
    by_path,
    code,
    compare,
    field_title,
    ref_of,
    versions,
)
from generator.diagnostics import Diagnostic
from generator.fields import envelope
from generator.records import NOTICE_KINDS, Record, RecordSet
from generator.schemas import SchemaSet
from generator.validate import Result

# Of the notice envelope, what a correction changes as such (left out of "what was corrected"):
# all of it but the publicity period and the legal basis, which say something about the decision.
_CORRECTED_ENVELOPE = frozenset({"publicity", "legal_basis"})

# What a changed file outside records/ does to the public site: the first entry whose path is
# the file's or one of its folders (ending in /) decides. "site": the site is built from it, so
# it changes what the public sees (the configuration with the footer's 主办单位, the hand-written
# pages, the schemas published as open data, the templates and theme). "program": the rest of
# the program and its dependencies, which may change the generated pages. Any other file
# (tests/, .github/, tools/, README.md, ...) is not published.
SITE_FILES: tuple[tuple[str, str], ...] = (
    ("mkdocs.yml", "site"),
    ("docs/", "site"),
    ("schema/", "site"),
    ("generator/site/", "site"),
    ("generator/", "program"),
    ("requirements/", "program"),
    ("pyproject.toml", "program"),
)
SITE_CONFIG = config.FILE  # its settings are compared one by one
SITE_EFFECTS = {"site": "改变公开网站", "program": "可能改变生成的网站", None: "不发布到网站"}
FILE_STATUS = {"A": "新增", "M": "修改", "D": "删除"}



# -- the report's parts ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    path: FieldPath  # e.g. ("announcement", "medium") or ("subjects", 0, "result")
    title: str  # Chinese, e.g. 媒体公告 › 公告媒体, or 通报对象第 1 项 › 考核结果
    old: Any  # MISSING when the field was added
    new: Any  # MISSING when the field was removed

    @property
    def code(self) -> str:
        """The path as written in YAML terms: subjects[0].result."""
        return code(self.path)


@dataclass
class RecordChange:
    record: RecordRef  # as in the head
    fields: list[FieldChange]  # empty when only comments or formatting changed


@dataclass
class Rename:
    old: RecordRef  # as in the base
    new: RecordRef  # as in the head
    fields: list[FieldChange]  # what else changed, the id aside


@dataclass(frozen=True)
class StatusChange:
    base_id: str  # the base's identity (first record of its correction chain)
    name: str
    old: str | None  # None: not listed at the base ref
    new: str | None  # None: not listed in the head


@dataclass(frozen=True)
class Correction:
    record: RecordRef  # the new record
    target: RecordRef | None  # the corrected or superseded record (None when the id is unknown)
    target_id: str
    how: str  # 更正 / 替代
    fields: list[FieldChange] = field(default_factory=list)  # what differs from the target, envelope aside


@dataclass(frozen=True)
class PublicityChange:
    record: RecordRef
    start: str | None
    end: str | None
    old_start: str | None
    old_end: str | None


@dataclass(frozen=True)
class OtherFile:
    """A changed file outside records/."""

    path: str
    status: str  # A, M or D
    effect: str | None  # "site", "program" or None, as SITE_FILES says

    @property
    def effect_title(self) -> str:
        return SITE_EFFECTS[self.effect]


def site_effect(path: str) -> str | None:
    """What a change to `path` (outside records/) does to the public site, as SITE_FILES says."""
    for prefix, effect in SITE_FILES:
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return effect
    return None


@dataclass(frozen=True)
class AttachmentChange:
    """A changed file among a notice's attachments (records/<kind>/<id>/<file>)."""

    path: str
    status: str  # A, M or D
    record: RecordRef | None  # its notice, as in the head (else the base); None when neither has one
    title: str | None  # the 附件标题 the notice lists it under (head, else base)
    size: int | None  # bytes in the head; None when deleted
    sha256: str | None  # in the head; None when deleted


@dataclass
class ChangeReport:
    base: str  # the ref as given
    head: str | None  # None: the working tree
    as_of: date
    added: list[RecordRef] = field(default_factory=list)
    removed: list[RecordRef] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # changed paths in records/ that are not loaded records
    attachments: list[AttachmentChange] = field(default_factory=list)  # published beside their notices
    outside: list[OtherFile] = field(default_factory=list)  # every changed file outside records/
    settings: list[FieldChange] = field(default_factory=list)  # of SITE_CONFIG, when both versions parse
    statuses: list[StatusChange] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    publicity: list[PublicityChange] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)  # on the changed files of the head
    append_only: list[Diagnostic] = field(default_factory=list)  # what `jxjy diff --check` reports

    @property
    def new_notices(self) -> list[RecordRef]:
        return [r for r in self.added if r.kind in NOTICE_KINDS]

    @property
    def withdrawn_notices(self) -> list[RecordRef]:
        return [r for r in self.removed if r.kind in NOTICE_KINDS]

    @property
    def renamed_notices(self) -> list[Rename]:
        return [r for r in self.renamed if r.old.kind in NOTICE_KINDS]

    def published(self, ref: RecordRef) -> bool:
        """Whether `ref` is a notice published on or before the report's day."""
        day = dates.parse(ref.published_on)
        return day is not None and day <= self.as_of

    def outside_by_effect(self, effect: str | None) -> list[OtherFile]:
        return [f for f in self.outside if f.effect == effect]


def diff(repo: Path, base: str, head: str | None, *, as_of: date) -> ChangeReport:
    """Compare records/ at `base` with `head` (a ref, or None for the working tree).

    Raises:
        GitError: a ref is unknown or git fails.
        RepositoryError: the working tree has no records/ or a file cannot be read.
    """
    schemas = SchemaSet()
    everything = git.changed_files(repo, base, head, ":/")
    pair = versions(repo, base, head, {p: s for p, s in everything.items() if p.startswith("records/")},
                    as_of=as_of, schemas=schemas)
    files, before, after = pair.files, pair.before, pair.after
    old, new = by_path(before.records), by_path(after.records)
    report = ChangeReport(base, head, as_of)
    report.outside = [OtherFile(p, s, site_effect(p)) for p, s in everything.items() if p not in files]
    if SITE_CONFIG in everything:
        report.settings = _settings(repo, base, head)
    for gone, came in pair.renames:
        fields = [FieldChange(p, field_title(schemas, came.kind, p), a, b)
                  for p, a, b in compare(gone.data, came.data) if p != ("id",)]
        report.renamed.append(Rename(ref_of(gone), ref_of(came), fields))
    paired = {r.path for pair in pair.renames for r in pair}
    report.collisions = list(pair.collisions.values())
    for path, status in files.items():
        if path in paired:
            continue
        if (owner := owner_of(path)) is not None:
            report.attachments.append(_attachment(repo, head, path, status, new.get(owner) or old.get(owner),
                                                  after.records))
        elif path in pair.collisions and path in new:  # another record, new to the base
            report.added.append(ref_of(new[path]))
        elif status != "D" and path in new and path in old:
            fields = [FieldChange(p, field_title(schemas, new[path].kind, p), a, b)
                      for p, a, b in compare(old[path].data, new[path].data)]
            report.changed.append(RecordChange(ref_of(new[path]), fields))
        elif status != "D" and path in new:
            report.added.append(ref_of(new[path]))
        elif path in old and path not in new:
            report.removed.append(ref_of(old[path]))
        else:  # unreadable, or outside records/<kind>/<id>.yaml: the validation section tells why
            report.other_files.append(path)
    report.statuses = _statuses(before, after, as_of)
    report.corrections = _corrections(before.records, after.records, schemas)
    report.publicity = _publicity(before.records, after.records)
    diags = after.report.diagnostics
    report.errors, report.warnings = len(after.report.errors), len(after.report.warnings)
    report.files = after.files
    touched = {p for p, s in files.items() if s != "D"}
    report.diagnostics = [d for d in diags if d.location.path in touched]
    report.append_only = append_only.verdict(repo, base, pair, as_of=as_of, schemas=schemas)
    return report


def _attachment(repo: Path, head: str | None, path: str, status: str, notice: Record | None,
                after: RecordSet) -> AttachmentChange:
    name = PurePosixPath(path).name
    file = after.files(notice).get(name) if notice is not None and status != "D" else None
    listed = notice.data.get("attachments") if notice is not None and notice.valid else None
    title = next((i["title"] for i in listed or () if i["file"] == name), None)
    # The head's files may be gone (records_at reads a version in a temporary folder): hash the
    # blob, within the size limit only (a larger file is refused by the validation anyway).
    blob = git.show(repo, head, path) if file is not None and file.size <= MAX_BYTES else None
    return AttachmentChange(path, status, ref_of(notice) if notice is not None else None, title,
                            file.size if file else None, hashlib.sha256(blob).hexdigest() if blob is not None else None)


def _settings(repo: Path, base: str, head: str | None) -> list[FieldChange]:
    """The settings of SITE_CONFIG that differ, such as extra.registry.host_unit (the footer's
    主办单位); none when a version does not parse as YAML (the build then fails on it)."""
    def load(ref: str | None) -> dict[str, Any]:
        text = (git.show(repo, ref, SITE_CONFIG) or b"").decode("utf-8", errors="replace")
        return config.parse(text, f"{ref or '工作区'}:{SITE_CONFIG}")

    try:
        old, new = load(base), load(head)
    except config.ConfigError:
        return []
    return [FieldChange(p, code(p), a, b) for p, a, b in compare(old, new)]


def _statuses(before: Result, after: Result, as_of: date) -> list[StatusChange]:
    old, new = _base_statuses(before, as_of), _base_statuses(after, as_of)
    found = []
    for base_id in sorted(old.keys() | new.keys()):
        was, now = old.get(base_id, (None, None)), new.get(base_id, (None, None))
        if was[1] != now[1]:
            found.append(StatusChange(base_id, now[0] or was[0] or base_id, was[1], now[1]))
    return found


def _base_statuses(result: Result, as_of: date) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for base_id, life in result.lifecycles.items():  # the validation folded each base once
        found[base_id] = (str(life.base.data.get("name", base_id)), life.state(as_of)[0])
    return found


def _links(records: RecordSet) -> dict[tuple[str, str, str], Record]:
    found = {}
    for record in records.valid():
        for key, how in (("corrects", "更正"), ("supersedes", "替代")):
            target = record.data.get(key)
            if isinstance(target, str):
                found[(record.id, target, how)] = record
    return found


def _corrections(before: RecordSet, after: RecordSet, schemas: SchemaSet) -> list[Correction]:
    old, new = _links(before), _links(after)
    routine = set(envelope(schemas)) - _CORRECTED_ENVELOPE
    found = []
    for (_, target_id, how), record in sorted(new.items()):
        if (record.id, target_id, how) in old:
            continue
        target = after.get(target_id) or before.get(target_id)
        fields = []
        if target is not None:
            fields = [FieldChange(p, field_title(schemas, record.kind, p), a, b)
                      for p, a, b in compare(target.data, record.data) if p[0] not in routine]
        found.append(Correction(ref_of(record), ref_of(target) if target else None, target_id, how, fields))
    return found


def _publicity(before: RecordSet, after: RecordSet) -> list[PublicityChange]:
    found = []
    for record in after.valid():
        now = record.data.get("publicity") or {}
        if not now:
            continue
        previous = before.get(record.id)
        was = (previous.data.get("publicity") or {}) if previous is not None else {}
        if (was.get("start"), was.get("end")) != (now.get("start"), now.get("end")):
            found.append(PublicityChange(ref_of(record), now.get("start"), now.get("end"),
                                         was.get("start"), was.get("end")))
    return found


# -- the append-only check ------------------------------------------------------------------
