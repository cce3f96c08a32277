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

import html
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator import dates
from generator.diagnostics import Diagnostic, Location
from generator.new import id_series, next_id
from generator.records import KIND_TITLES, NOTICE_KINDS, Record, RecordSet
from generator.schemas import SchemaSet
from generator.status import lifecycle
from generator.validate import Result, check_repository
from generator.yamlio import clip

# Fields of a published notice that may be fixed in place, as paths into the record. Only the
# objection contact of a publicity period: it is how to reach the office (a phone number, an
# address), not part of the decision, and a wrong number must be fixable while the period
# runs, when a correcting notice would come too late. Everything else (title, 发文字号,
# 索引号, dates, body, validity, ...) is the legal content of the notice and changes only
# through a new record with `corrects` or `supersedes`.
IN_PLACE_FIELDS: frozenset[tuple[str | int, ...]] = frozenset({("publicity", "contact")})

# What one new notice of a kind is called in the public summary: 新增取消资格公告 1 份
NOTICE_NOUNS = {
    "bases": "基地认定公告",
    "evaluations": "评估验收结果",
    "revocations": "取消资格公告",
    "circulars": "考核通报",
    "commendations": "表彰决定",
    "plans": "培训计划备案",
    "policies": "政策文件",
}

# Fields every notice has that a correction necessarily changes: left out of "what was corrected"
_ENVELOPE = frozenset({"id", "sample", "title", "doc_number", "issuer", "written_on", "published_on", "category",
                       "index_number", "validity", "body", "corrects", "supersedes"})

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
SITE_CONFIG = "mkdocs.yml"  # its settings are compared one by one
SITE_EFFECTS = {"site": "改变公开网站", "program": "可能改变生成的网站", None: "不发布到网站"}
FILE_STATUS = {"A": "新增", "M": "修改", "D": "删除"}

MAX_VALUE = 200  # characters of a value shown in the Markdown report
MAX_CORRECTED = 10  # corrected fields listed under one correction
GIT_TIMEOUT = 120  # seconds for one git command

FieldPath = tuple[str | int, ...]


class ChangesError(Exception):
    """A ref cannot be resolved or git fails (exit 2); the message is Chinese."""


class _Missing:
    """A field that is absent on one side of a comparison."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# -- the report's parts ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRef:
    """A record as the report names it."""

    kind: str
    id: str
    path: str
    label: str  # a base's or organization's name, else the notice's title
    published_on: str | None = None  # notices only


@dataclass(frozen=True)
class FieldChange:
    path: FieldPath  # e.g. ("announcement", "medium") or ("subjects", 0, "result")
    title: str  # Chinese, e.g. 媒体公告 › 公告媒体, or 通报对象第 1 项 › 考核结果
    old: Any  # MISSING when the field was added
    new: Any  # MISSING when the field was removed

    @property
    def code(self) -> str:
        """The path as written in YAML terms: subjects[0].result."""
        return _code(self.path)


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
class Collision:
    """Both sides added a record under one id since they forked: the head's is another record."""

    id: str
    path: str  # the head's file
    theirs: RecordRef  # what the base side added under the id
    suggestion: str | None  # a free id of the same series (None: the id is not numbered)


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


# -- git -------------------------------------------------------------------------------------


def _git(repo: Path, *args: str, binary: bool = False, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    if not repo.is_dir():
        raise ChangesError(f"找不到仓库目录：{repo}")
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
            capture_output=True, timeout=GIT_TIMEOUT, env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"},
            **({} if binary else {"encoding": "utf-8", "errors": "replace"}),
        )
    except FileNotFoundError:
        raise ChangesError("找不到 git 命令，请先安装 git") from None
    except subprocess.TimeoutExpired:
        raise ChangesError(f"git {args[0]} 超时（{GIT_TIMEOUT} 秒）") from None
    if result.returncode not in ok:
        stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode("utf-8", "replace")
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else f"退出码 {result.returncode}"
        raise ChangesError(f"git {args[0]} 失败：{detail}")
    return result


def resolve(repo: Path, ref: str) -> str:
    """The commit id of `ref`; ChangesError when it names no commit."""
    if not ref or ref.startswith("-"):
        raise ChangesError(f"无效的版本引用：「{ref}」")
    result = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", ok=(0, 1, 128))
    if "not a git repository" in result.stderr:
        raise ChangesError(f"{repo} 不是 git 仓库")
    if result.returncode != 0 or not result.stdout.strip():
        raise ChangesError(f"找不到版本「{ref}」（分支、标签或提交编号）；CI 中请先 git fetch 该分支")
    return result.stdout.strip()


def records_at(repo: Path, ref: str, *, as_of: date) -> Result:
    """Validate records/ as it is at `ref`.

    Args:
        repo: the repository (any folder inside its work tree).
        ref: a branch, tag or commit.
        as_of: the day that counts as today.

    Returns:
        check_repository's result; paths read records/<kind>/<id>.yaml. A ref without
        records/ gives zero records.

    Raises:
        ChangesError: the ref is unknown or git fails.
    """
    commit = resolve(repo, ref)
    tmp = Path(tempfile.mkdtemp(prefix="jxjy-ref-"))
    try:
        (tmp / "records").mkdir()
        listed = _git(repo, "ls-tree", "--name-only", commit, "--", "records").stdout.strip()
        if listed:
            archive = _git(repo, "archive", "--format=tar", commit, "--", "records", binary=True).stdout
            try:
                with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                    tar.extractall(tmp, filter=_no_links)
            except (tarfile.TarError, OSError) as exc:
                raise ChangesError(f"无法导出版本「{ref}」的 records/：{exc}") from None
        return check_repository(tmp, as_of=as_of)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _no_links(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """Extract as the "data" filter does, but keep every symlink inside the folder: it becomes a
    dangling symlink, which load_repository reports (record-path) as it does in a work tree.
    git archive writes no hard links; any other member is refused by the filter."""
    if member.islnk():
        return None
    if member.issym():
        member = member.replace(linkname=".link-not-followed", deep=False)
    return tarfile.data_filter(member, dest)


def changed_files(repo: Path, base: str, head: str | None, where: str = "records/") -> dict[str, str]:
    """Paths under `where` (":/" for the whole repository) that differ, each with A (added),
    M (modified) or D (deleted).

    Renames count as a deletion plus an addition. With `head` None the working tree is compared,
    untracked files (not ignored) included.
    """
    commits = [resolve(repo, base)] + ([resolve(repo, head)] if head is not None else [])
    out = _git(repo, "diff", "--name-status", "--no-renames", "-z", *commits, "--", where).stdout
    parts = out.split("\0")
    found: dict[str, str] = {}
    for status, path in zip(parts[0::2], parts[1::2], strict=False):
        if path:
            found[path] = {"A": "A", "D": "D"}.get(status[:1], "M")
    if head is None:
        untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "-z", "--", where).stdout
        for path in untracked.split("\0"):
            if path:
                found[path] = "A"
    return dict(sorted(found.items()))


def merge_base(repo: Path, base: str, head: str | None) -> str | None:
    """The commit `base` and `head` (None: the working tree's HEAD) forked from; None when unrelated."""
    result = _git(repo, "merge-base", resolve(repo, base), resolve(repo, head or "HEAD"), ok=(0, 1))
    return result.stdout.strip() or None


def record_ids(repo: Path, commit: str) -> set[str]:
    """The ids (file names) of the records at `commit`."""
    out = _git(repo, "ls-tree", "-r", "--name-only", "-z", commit, "--", "records/").stdout
    return {PurePosixPath(p).stem for p in out.split("\0") if p.endswith(".yaml")}


def deleted_ids(repo: Path, *refs: str) -> dict[str, str]:
    """Every record id whose file was deleted in the history of the `refs`, with the deleted path."""
    out = _git(repo, "log", "--no-renames", "--diff-filter=D", "--name-only", "--format=", "-z",
               *(resolve(repo, ref) for ref in refs), "--", "records/").stdout
    found: dict[str, str] = {}
    for path in out.replace("\n", "\0").split("\0"):
        if path.endswith(".yaml"):
            found.setdefault(PurePosixPath(path).stem, path)
    return found


def ids_elsewhere(repo: Path) -> set[str]:
    """The record ids `jxjy new` must not take besides those in the work tree: the records of every
    remote-tracking branch (origin/main and any fetched branch of another clerk) and every id
    deleted in their history or HEAD's. Empty outside a git repository."""
    try:
        remotes = set(_git(repo, "for-each-ref", "--format=%(objectname)", "refs/remotes/").stdout.split())
        head = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", ok=(0, 1)).stdout.split()
    except ChangesError:
        return set()
    found: set[str] = set()
    for commit in sorted(remotes):
        found |= record_ids(repo, commit)
    if remotes or head:
        found |= deleted_ids(repo, *sorted(remotes), *head).keys()
    return found


def is_fast_forward(repo: Path, old: str, new: str) -> bool:
    """Whether `new` descends from `old`, i.e. deploying `new` rewrites no published history."""
    result = _git(repo, "merge-base", "--is-ancestor", resolve(repo, old), resolve(repo, new), ok=(0, 1))
    return result.returncode == 0


# -- comparing records ----------------------------------------------------------------------


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


def _code(path: FieldPath) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _ref(record: Record) -> RecordRef:
    data = record.data
    label = data.get("name") if record.kind in ("bases", "organizations") else data.get("title")
    published = data.get("published_on") if record.kind in NOTICE_KINDS else None
    return RecordRef(record.kind, record.id, record.path, str(label or record.id),
                     published if isinstance(published, str) else None)


def _by_path(records: RecordSet) -> dict[str, Record]:
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
class _Versions:
    """The records of both versions, the records/ files that differ between them, the records
    renamed and the ids both sides added."""

    files: dict[str, str]  # as changed_files
    before: Result
    after: Result
    renames: list[tuple[Record, Record]]  # (deleted, added), as _renames pairs them
    collisions: dict[str, Collision]  # by the head's path


def _versions(repo: Path, base: str, head: str | None, files: dict[str, str], *, as_of: date) -> _Versions:
    before = records_at(repo, base, as_of=as_of)
    after = records_at(repo, head, as_of=as_of) if head is not None else check_repository(repo, as_of=as_of)
    renames = _renames(files, _by_path(before.records), _by_path(after.records))
    collisions = _collisions(repo, base, head, files, before.records, after.records)
    return _Versions(files, before, after, renames, {c.path: c for c in collisions})


def _collisions(repo: Path, base: str, head: str | None, files: dict[str, str], before: RecordSet,
                after: RecordSet) -> list[Collision]:
    """Files of the head whose id the base side added too since the two forked (git merge-base):
    two branches that each ran `jxjy new` and took the same id. The head's file is then another
    record, not an edit of the base's; it changed (is in `files`), so its content differs."""
    theirs = {r.id: r for r in before.all}
    candidates = {p: PurePosixPath(p).stem for p, s in files.items() if s != "D" and PurePosixPath(p).stem in theirs}
    if not candidates:
        return []
    fork = merge_base(repo, base, head)
    if fork is None:
        return []
    forked = record_ids(repo, fork)
    colliding = {path: stem for path, stem in candidates.items() if stem not in forked}
    if not colliding:
        return []
    used = {r.id for r in before.all} | {r.id for r in after.all} | deleted_ids(repo, base, head or "HEAD").keys()
    found = []
    for path, stem in colliding.items():
        series = id_series(stem)
        found.append(Collision(stem, path, _ref(theirs[stem]), next_id(series, used) if series else None))
    return found


def diff(repo: Path, base: str, head: str | None, *, as_of: date) -> ChangeReport:
    """Compare records/ at `base` with `head` (a ref, or None for the working tree).

    Raises:
        ChangesError: a ref is unknown or git fails.
        RepositoryError: the working tree has no records/ or a file cannot be read.
    """
    schemas = SchemaSet()
    everything = changed_files(repo, base, head, ":/")
    versions = _versions(repo, base, head, {p: s for p, s in everything.items() if p.startswith("records/")},
                         as_of=as_of)
    files, before, after = versions.files, versions.before, versions.after
    old, new = _by_path(before.records), _by_path(after.records)
    report = ChangeReport(base, head, as_of)
    report.outside = [OtherFile(p, s, site_effect(p)) for p, s in everything.items() if p not in files]
    if SITE_CONFIG in everything:
        report.settings = _settings(repo, base, head)
    for gone, came in versions.renames:
        fields = [FieldChange(p, field_title(schemas, came.kind, p), a, b)
                  for p, a, b in compare(gone.data, came.data) if p != ("id",)]
        report.renamed.append(Rename(_ref(gone), _ref(came), fields))
    paired = {r.path for pair in versions.renames for r in pair}
    report.collisions = list(versions.collisions.values())
    for path, status in files.items():
        if path in paired:
            continue
        if path in versions.collisions and path in new:  # another record, new to the base
            report.added.append(_ref(new[path]))
        elif status != "D" and path in new and path in old:
            fields = [FieldChange(p, field_title(schemas, new[path].kind, p), a, b)
                      for p, a, b in compare(old[path].data, new[path].data)]
            report.changed.append(RecordChange(_ref(new[path]), fields))
        elif status != "D" and path in new:
            report.added.append(_ref(new[path]))
        elif path in old and path not in new:
            report.removed.append(_ref(old[path]))
        else:  # unreadable, or outside records/<kind>/<id>.yaml: the validation section tells why
            report.other_files.append(path)
    report.statuses = _statuses(before.records, after.records, as_of)
    report.corrections = _corrections(before.records, after.records, schemas)
    report.publicity = _publicity(before.records, after.records)
    diags = after.report.diagnostics
    report.errors, report.warnings = len(after.report.errors), len(after.report.warnings)
    report.files = after.files
    touched = {p for p, s in files.items() if s != "D"}
    report.diagnostics = [d for d in diags if d.location.path in touched]
    report.append_only = _append_only(repo, base, versions, as_of=as_of)
    return report


def _settings(repo: Path, base: str, head: str | None) -> list[FieldChange]:
    """The settings of SITE_CONFIG that differ, such as extra.registry.host_unit (the footer's
    主办单位); none when a version does not parse as YAML (the build then fails on it)."""
    def load(ref: str | None) -> Any:
        if ref is None:
            path = repo / SITE_CONFIG
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        else:
            text = _git(repo, "show", f"{resolve(repo, ref)}:{SITE_CONFIG}", ok=(0, 128)).stdout
        return YAML(typ="safe").load(text) or {}

    try:
        old, new = load(base), load(head)
    except YAMLError:
        return []
    return [FieldChange(p, _code(p), a, b) for p, a, b in compare(old, new)]


def _statuses(before: RecordSet, after: RecordSet, as_of: date) -> list[StatusChange]:
    old, new = _base_statuses(before, as_of), _base_statuses(after, as_of)
    found = []
    for base_id in sorted(old.keys() | new.keys()):
        was, now = old.get(base_id, (None, None)), new.get(base_id, (None, None))
        if was[1] != now[1]:
            found.append(StatusChange(base_id, now[0] or was[0] or base_id, was[1], now[1]))
    return found


def _base_statuses(records: RecordSet, as_of: date) -> dict[str, tuple[str, str | None]]:
    found = {}
    for base in records.valid("bases"):
        if records.identity(base.id) != base.id:
            continue
        life = lifecycle(base.id, records, as_of)
        step = life.status_on(as_of)
        found[base.id] = (str(life.base.data.get("name", base.id)), step.status if step else "未生效")
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
    found = []
    for (_, target_id, how), record in sorted(new.items()):
        if (record.id, target_id, how) in old:
            continue
        target = after.get(target_id) or before.get(target_id)
        fields = []
        if target is not None:
            fields = [FieldChange(p, field_title(schemas, record.kind, p), a, b)
                      for p, a, b in compare(target.data, record.data) if p[0] not in _ENVELOPE]
        found.append(Correction(_ref(record), _ref(target) if target else None, target_id, how, fields))
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
            found.append(PublicityChange(_ref(record), now.get("start"), now.get("end"),
                                         was.get("start"), was.get("end")))
    return found


# -- the append-only check ------------------------------------------------------------------


def published_on(record: Record, as_of: date) -> date | None:
    """The day a notice was published when that is on or before `as_of`, else None."""
    if record.kind not in NOTICE_KINDS:
        return None
    day = dates.parse(record.data.get("published_on"))
    return day if day is not None and day <= as_of else None


def check_append_only(repo: Path, base: str, head: str | None, *, as_of: date) -> list[Diagnostic]:
    """Published notices at `base` stay as they are in `head`; ids are never reused.

    A notice is published when it is in `base` with 发布日期 on or before `as_of`. Its file may
    not be modified (except IN_PLACE_FIELDS), deleted or renamed. A notice added in `head` may not
    be published before `as_of` (append-only-backdated): 发布日期 is the day it appears here.
    A record added in `head` may not take an id that `base` holds at another path or that was
    deleted in `base`'s history.
    An id that both sides added since they forked is an id-collision (the head's record is
    another one, to be renumbered), not an edit nor a reuse.

    Returns:
        The diagnostics, located in the head's files (a deleted file at 1:1).

    Raises:
        ChangesError: a ref is unknown or git fails.
        RepositoryError: the working tree has no records/ or a file cannot be read.
    """
    files = changed_files(repo, base, head)
    if not files:
        return []
    return _append_only(repo, base, _versions(repo, base, head, files, as_of=as_of), as_of=as_of)


def _append_only(repo: Path, base: str, versions: _Versions, *, as_of: date) -> list[Diagnostic]:
    schemas = SchemaSet()
    files = versions.files
    old, new = _by_path(versions.before.records), _by_path(versions.after.records)
    old_ids = {r.id: r for r in versions.before.records.all}
    renamed = {gone.path: came for gone, came in versions.renames}
    moved_here = {came.path for came in renamed.values()}
    found: list[Diagnostic] = []
    history: dict[str, str] | None = None
    for path, status in files.items():
        if path in versions.collisions:
            found.append(_collision(versions.collisions[path], new.get(path)))
            continue
        record = old.get(path)
        day = published_on(record, as_of) if record is not None else None
        if status == "D" and record is not None and day is not None:
            fix = f"撤销或更改请新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 {record.id}"
            what = f"{KIND_TITLES[record.kind]}记录 {record.id} 已于 {dates.cn_date(day)}发布"
            if path in renamed:
                message = (f"已发布的公告不能改名或移动：{what}，本次被改为 {renamed[path].path}；"
                           f"请恢复原文件名和编号，{fix}")
            else:
                message = f"已发布的公告不能删除或改名：{what}；请恢复该文件，{fix}"
            found.append(Diagnostic(Location(path, 1, 1), "append-only-deleted", "error", message))
        elif status == "M" and record is not None and day is not None:
            found += _modified(record, new.get(path), path, day, schemas)
        elif status == "A":
            stem = PurePosixPath(path).stem
            earlier = old_ids.get(stem)
            if earlier is not None and earlier.path != path:
                found.append(Diagnostic(
                    _id_location(new.get(path), path), "id-reused", "error",
                    f"编号 {stem} 已被 {earlier.path} 使用；编号一经使用不再更换位置或重复使用，请另取新编号"))
                continue
            if history is None:
                history = deleted_ids(repo, base)
            if stem in history and stem not in old_ids:
                found.append(Diagnostic(
                    _id_location(new.get(path), path), "id-reused", "error",
                    f"编号 {stem} 曾用于已删除的 {history[stem]}；编号一经使用不再重复使用，请另取新编号"))
            if path not in moved_here:  # a moved notice keeps its day; append-only-deleted speaks for it
                found += _backdated(new.get(path), as_of)
    return sorted(found)


def _backdated(record: Record | None, as_of: date) -> list[Diagnostic]:
    """An added notice whose 发布日期 is before `as_of`: the day it appears on this platform cannot
    be in the past, or the public record would show a notice as public on days nobody could see it."""
    if record is None or record.kind not in NOTICE_KINDS:
        return []
    day = dates.parse(record.data.get("published_on"))
    if day is None or day >= as_of:
        return []
    return [Diagnostic(
        record.at("published_on"), "append-only-backdated", "error",
        f"新增公告的「发布日期」（{dates.cn_date(day)}）早于今天（{dates.cn_date(as_of)}）：发布日期是公告在本平台公开之日，"
        f"不能倒填；请改为 {as_of.isoformat()} 或之后的日期（文件成文的日子写在「成文日期」中）")]


def _modified(record: Record, head: Record | None, path: str, day: date, schemas: SchemaSet) -> list[Diagnostic]:
    fix = f"请新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 {record.id}"
    if head is None:  # the head file no longer loads: the validation reports why
        return [Diagnostic(Location(path, 1, 1), "append-only-modified", "error",
                           f"已发布的公告（{dates.cn_date(day)}发布）不能直接修改；{fix}")]
    found = []
    allowed = "、".join(f"「{field_title(schemas, record.kind, p)}」" for p in sorted(IN_PLACE_FIELDS, key=str))
    for field_path, _, _ in compare(record.data, head.data):
        if any(field_path[: len(p)] == p for p in IN_PLACE_FIELDS):
            continue
        title = field_title(schemas, record.kind, field_path)
        lead = "索引号一经发布永不改变，" if field_path[:1] == ("index_number",) else ""
        found.append(Diagnostic(
            head.at(*field_path), "append-only-modified", "error",
            f"{lead}已发布的公告（{dates.cn_date(day)}发布）不能直接修改「{title}」；{fix}",
            f"可直接修改的只有{allowed}"))
    return found


def _collision(c: Collision, head: Record | None) -> Diagnostic:
    renumber = (f"请把本分支的记录改用新编号 {c.suggestion}（文件名和 id 一起改，引用它的记录也要改）"
                if c.suggestion else "请把本分支的记录另取新编号（文件名和 id 一起改，引用它的记录也要改）")
    return Diagnostic(
        _id_location(head, c.path), "id-collision", "error",
        f"编号 {c.id} 撞号：目标分支在两个分支分开之后也新增了编号 {c.id}（{KIND_TITLES[c.theirs.kind]}"
        f"「{clip(c.theirs.label)}」，{c.theirs.path}）；本分支的记录是另一条新记录，不是对它的修改；{renumber}")


def _id_location(record: Record | None, path: str) -> Location:
    return record.at("id") if record is not None and "id" in record.data else Location(path, 1, 1)


# -- rendering ------------------------------------------------------------------------------

_MENTION = re.compile(r"@[A-Za-z0-9][\w./-]*")
_MARKDOWN = re.compile(r"([\\`*_\[\]~|#!])")


def md_text(value: Any, limit: int | None = MAX_VALUE) -> str:
    """A value as inline Markdown that shows as written on GitHub: no HTML, links, emphasis,
    table breaks or @mentions (an organization's submitters must not be pinged by a report)."""
    text = _plain(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    out = []
    last = 0
    for match in _MENTION.finditer(text):
        out.append(_escape(text[last: match.start()]))
        out.append(f"`{match.group()}`")  # code spans are never mentions
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _plain(value: Any) -> str:
    if value is MISSING:
        return "（无）"
    if value is None:
        return "（空）"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "、".join(_plain(v) for v in value) if value else "（空列表）"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _ref_md(ref: RecordRef) -> str:
    return f"「{md_text(ref.label, None)}」（{md_text(ref.id, None)}）"  # an id is a file name: anything


def _code_md(text: str) -> str:
    """A code span on one line: a path or ref can hold a backtick or a line break."""
    return "`" + re.sub(r"[\r\n]+", " ", text.replace("`", "'")) + "`"


def render_markdown(report: ChangeReport) -> str:
    """The change report as Chinese Markdown, for a pull-request comment."""
    head = _code_md(report.head) if report.head is not None else "工作区（未提交的改动）"
    lines = ["## 变更报告", "",
             f"{_code_md(report.base)} → {head}，以 {dates.cn_date(report.as_of)}为准。", ""]
    lines += ["### 公众将看到的变化", ""]
    public = _public_lines(report)
    lines += public or ["网站上公众可见的内容没有变化。"]
    lines.append("")
    lines += ["### 新增记录", ""]
    colliding = {c.path for c in report.collisions}
    lines += [f"- {KIND_TITLES[r.kind]}：{_ref_md(r)}，{_code_md(r.path)}"
              + ("（编号与目标分支撞号，须改号，见「只增检查」）" if r.path in colliding else "")
              for r in report.added] or ["无。"]
    lines.append("")
    lines += ["### 修改记录", ""]
    if not report.changed:
        lines += ["无。", ""]
    for change in report.changed:
        lines += [f"#### {KIND_TITLES[change.record.kind]}：{_ref_md(change.record)}", "",
                  _code_md(change.record.path), ""]
        if not change.fields:
            lines += ["只改动了注释或格式，内容不变。", ""]
            continue
        lines += ["| 字段 | 原值 | 新值 |", "|---|---|---|"]
        lines += [f"| {md_text(f.title, None)}（{_code_md(f.code)}） | {md_text(f.old)} | {md_text(f.new)} |"
                  for f in change.fields]
        lines.append("")
    lines += ["### 改名或移动的记录", ""]
    if not report.renamed:
        lines += ["无。", ""]
    for r in report.renamed:
        lines += [f"#### {KIND_TITLES[r.old.kind]}：{_ref_md(r.old)} → {md_text(r.new.id, None)}", "",
                  f"{_code_md(r.old.path)} → {_code_md(r.new.path)}", ""]
        if report.published(r.old):
            lines += ["公告的编号和文件位置就是它的永久网址；已发布的公告不能改名或移动（见「只增检查」）。", ""]
        if r.fields:
            lines += ["其余改动：", "", "| 字段 | 原值 | 新值 |", "|---|---|---|"]
            lines += [f"| {md_text(f.title, None)}（{_code_md(f.code)}） | {md_text(f.old)} | {md_text(f.new)} |"
                      for f in r.fields]
            lines.append("")
    lines += ["### 删除记录", ""]
    lines += [f"- {KIND_TITLES[r.kind]}：{_ref_md(r)}，{_code_md(r.path)}" for r in report.removed] or ["无。"]
    lines.append("")
    if report.other_files:
        lines += ["### 其他文件", "", "以下文件无法作为记录读取或不在记录目录结构内，见校验结果：", ""]
        lines += [f"- {_code_md(p)}" for p in report.other_files]
        lines.append("")
    lines += ["### 记录以外的文件", ""]
    if report.outside:
        lines += [_site_rule(), ""]
        lines += [f"- {FILE_STATUS[f.status]} {_code_md(f.path)}：{f.effect_title}" for f in report.outside]
        if report.settings:
            lines += ["", f"{_code_md(SITE_CONFIG)} 中改动的设置：", "", "| 设置 | 原值 | 新值 |", "|---|---|---|"]
            lines += [f"| {_code_md(f.code)} | {md_text(f.old)} | {md_text(f.new)} |" for f in report.settings]
    else:
        lines.append("无。")
    lines.append("")
    lines += ["### 只增检查", ""]
    if report.append_only:
        lines += [f"未通过：{len(report.append_only)} 处违反只增规则（`jxjy diff --check` 以 1 退出，不能合并）：", ""]
        lines += [_diagnostic_md(d) for d in report.append_only]
    else:
        lines.append("通过：已发布的公告只有新增，没有被修改、删除或改名，也没有重复使用编号。")
    lines.append("")
    lines += ["### 校验结果", "",
              f"已检查 {report.files} 个文件：{report.errors} 个错误，{report.warnings} 个警告。", ""]
    if report.diagnostics:
        lines += ["改动的文件上的问题：", ""]
        lines += [_diagnostic_md(d) for d in report.diagnostics]
        lines.append("")
    elif report.errors or report.warnings:
        lines += ["改动的文件上没有问题（其余问题在未改动的文件上）。", ""]
    return "\n".join(lines)


def _site_rule() -> str:
    """SITE_FILES in words: which files change the public site."""
    def paths(effect: str) -> str:
        return "、".join(_code_md(p) for p, e in SITE_FILES if e == effect)
    return (f"{paths('site')} 是网站的内容、配置、模板和公开的数据规范，改动即{SITE_EFFECTS['site']}；"
            f"其余的 {paths('program')} 是生成网站的程序及其依赖，改动{SITE_EFFECTS['program']}；"
            f"不在以上之列的文件（如 `tests/`、`.github/`）{SITE_EFFECTS[None]}。")


def _diagnostic_md(d: Diagnostic) -> str:
    level = "错误" if d.severity == "error" else "警告"
    where = f"{d.location.path}:{d.location.line}:{d.location.col}"
    return f"- {level} {_code_md(where)}：{md_text(d.text, None)}〔{_code_md(d.rule)}〕"


def _public_lines(report: ChangeReport) -> list[str]:
    lines = []
    for c in report.collisions:
        then = f"改用 {md_text(c.suggestion, None)}" if c.suggestion else "另取新编号"
        lines.append(f"- 编号撞号：本分支的 {_code_md(c.path)} 和目标分支上已有的{KIND_TITLES[c.theirs.kind]}"
                     f"{_ref_md(c.theirs)}都是两个分支分开后新建的，编号相同；照此合并会用本分支的记录覆盖它。"
                     f"请把本分支的记录{then}")
    for s in report.statuses:
        name = md_text(s.name, None)
        if s.old is None:
            lines.append(f"- 新增基地「{name}」：{s.new}")
        elif s.new is None:
            lines.append(f"- 基地「{name}」不再列出（原为{s.old}）")
        else:
            lines.append(f"- 基地「{name}」：{s.old} → {s.new}")
    notices = report.new_notices
    if notices:
        counts = Counter(r.kind for r in notices)
        summary = "、".join(f"{NOTICE_NOUNS[k]} {counts[k]} 份" for k in NOTICE_KINDS if counts[k])
        lines.append(f"- 新增{summary}：")
        for r in sorted(notices, key=lambda r: (NOTICE_KINDS.index(r.kind), r.id)):
            day = dates.parse(r.published_on)
            when = ""
            if day is not None:
                when = f"，{dates.cn_date(day)}发布" if day <= report.as_of else f"，将于 {dates.cn_date(day)}发布"
            lines.append(f"  - {KIND_TITLES[r.kind]}：{_ref_md(r)}{when}")
    for c in report.corrections:
        target = _ref_md(c.target) if c.target else md_text(c.target_id, None)
        lines.append(f"- {target}被{c.how}，见{_ref_md(c.record)}" + ("：" if c.fields else ""))
        for f in c.fields[:MAX_CORRECTED]:
            lines.append(f"  - {md_text(f.title, None)}：{md_text(f.old)} → {md_text(f.new)}")
        if len(c.fields) > MAX_CORRECTED:
            lines.append(f"  - 另有 {len(c.fields) - MAX_CORRECTED} 处改动")
    for p in report.publicity:
        period = f"公示期 {dates.cn_date(p.start)}至{dates.cn_date(p.end)}，公示截止 {dates.cn_date(p.end)}"
        if p.old_end is not None and p.old_end != p.end:
            period += f"（原截止 {dates.cn_date(p.old_end)}）"
        lines.append(f"- {_ref_md(p.record)}：{period}")
    for r in report.withdrawn_notices:
        lines.append(f"- {KIND_TITLES[r.kind]}{_ref_md(r)}将从网站撤下")
    for r in report.renamed:
        how = f"改名为 {md_text(r.new.id, None)}" if r.new.id != r.old.id else f"移到 {_code_md(r.new.path)}"
        lines.append(f"- {KIND_TITLES[r.old.kind]}{_ref_md(r.old)}{how}"
                     + ("，原网址将失效" if report.published(r.old) else ""))
    # every record is published in the open data: a change the lines above do not tell is still seen
    for r in report.added:
        if r.kind == "organizations":
            lines.append(f"- 新增机构{_ref_md(r)}")
    for r in report.removed:
        if r.kind == "organizations":
            lines.append(f"- 机构{_ref_md(r)}不再列出")
    for c in report.changed:
        if c.fields:
            lines.append(f"- {KIND_TITLES[c.record.kind]}{_ref_md(c.record)}的内容有改动，网页和开放数据随之更新"
                         "（见「修改记录」）")
    if site := report.outside_by_effect("site"):
        lines.append("- 网站文件有改动，网站随之改变（见「记录以外的文件」）："
                     + "、".join(_code_md(f.path) for f in site))
    if program := report.outside_by_effect("program"):
        lines.append("- 生成网站的程序或依赖有改动，生成的页面可能改变，请查看预览网站："
                     + "、".join(_code_md(f.path) for f in program))
    return lines


def render_json(report: ChangeReport) -> str:
    """The change report as JSON (UTF-8 text, keys sorted)."""

    def ref(r: RecordRef | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {"kind": r.kind, "kind_title": KIND_TITLES[r.kind], "id": r.id, "path": r.path,
                "label": r.label, "published_on": r.published_on}

    def diagnostic(d: Diagnostic) -> dict[str, Any]:
        return {"path": d.location.path, "line": d.location.line, "col": d.location.col,
                "severity": d.severity, "rule": d.rule, "message": d.message, "hint": d.hint}

    def fieldchange(f: FieldChange) -> dict[str, Any]:
        return {"path": list(f.path), "field": f.code, "title": f.title,
                "old": None if f.old is MISSING else f.old, "new": None if f.new is MISSING else f.new,
                "change": "added" if f.old is MISSING else "removed" if f.new is MISSING else "changed"}

    data = {
        "base": report.base,
        "head": report.head,
        "as_of": report.as_of.isoformat(),
        "public": {
            "statuses": [{"base": s.base_id, "name": s.name, "old": s.old, "new": s.new} for s in report.statuses],
            "new_notices": [ref(r) for r in report.new_notices],
            "corrections": [{"record": ref(c.record), "target": c.target_id, "target_record": ref(c.target),
                             "how": c.how, "fields": [fieldchange(f) for f in c.fields]}
                            for c in report.corrections],
            "publicity": [{"record": ref(p.record), "start": p.start, "end": p.end,
                           "old_start": p.old_start, "old_end": p.old_end} for p in report.publicity],
            "withdrawn_notices": [ref(r) for r in report.withdrawn_notices],
            "renamed_notices": [{"old": ref(r.old), "new": ref(r.new)} for r in report.renamed_notices],
            "site_files": [f.path for f in report.outside_by_effect("site")],
            "program_files": [f.path for f in report.outside_by_effect("program")],
        },
        "added": [ref(r) for r in report.added],
        "removed": [ref(r) for r in report.removed],
        "changed": [
            {**(ref(c.record) or {}), "fields": [fieldchange(f) for f in c.fields]}
            for c in report.changed
        ],
        "renamed": [{"old": ref(r.old), "new": ref(r.new), "fields": [fieldchange(f) for f in r.fields]}
                    for r in report.renamed],
        "collisions": [{"id": c.id, "path": c.path, "theirs": ref(c.theirs), "suggestion": c.suggestion}
                       for c in report.collisions],
        "other_files": report.other_files,
        "settings": [fieldchange(f) for f in report.settings],
        "outside_records": [{"path": f.path, "status": f.status, "effect": f.effect, "effect_title": f.effect_title}
                            for f in report.outside],
        "validation": {
            "files": report.files,
            "errors": report.errors,
            "warnings": report.warnings,
            "diagnostics": [diagnostic(d) for d in report.diagnostics],
        },
        "append_only": {
            "passed": not report.append_only,
            "diagnostics": [diagnostic(d) for d in report.append_only],
        },
    }
    # default=str: a setting of mkdocs.yml may be a date, which JSON has no type for
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"

