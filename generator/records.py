"""Records on disk: discovery under records/<kind>/<id>.yaml, loading, and the set they form."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator import attachments
from generator.attachments import Attachment
from generator.diagnostics import Diagnostic, Location
from generator.errors import JxjyError
from generator.files import ReadRefused, read_plain
from generator.kinds import KIND
from generator.yamlio import MAX_BYTES, Document, size_problem

# Views of the kind table (generator.kinds): folder -> schema name, folder -> title.
KINDS = {kind.folder: kind.schema for kind in KIND.values()}
KIND_TITLES = {kind.folder: kind.title for kind in KIND.values()}
NOTICE_KINDS = tuple(kind.folder for kind in KIND.values() if kind.is_notice)


class RepositoryError(JxjyError):
    """The repository cannot be read at all (exit 2)."""


@dataclass
class Record:
    kind: str  # folder name, e.g. "bases"
    id: str  # the file name without .yaml
    path: str  # POSIX, relative to the root
    doc: Document
    valid: bool = True  # False once the schema has rejected it: rules then skip it

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    def at(self, *path: str | int, key: bool = False) -> Location:
        line, col = self.doc.locate(path, key=key)
        return Location(self.path, line, col)

    @property
    def is_member(self) -> bool:
        """A base, evaluation or revocation listed by a notice (`notice`): its envelope is the notice's."""
        return "notice" in self.data

    @property
    def is_notice(self) -> bool:
        """A notice of its own: a notice kind that carries its own envelope (公文要素)."""
        return self.kind in NOTICE_KINDS and not self.is_member

    def diag(
        self,
        path: tuple[str | int, ...],
        rule: str,
        message: str,
        *,
        hint: str | None = None,
        key: bool = False,
    ) -> Diagnostic:
        return Diagnostic(self.at(*path, key=key), rule, message, hint, anchor=(path, key))


class RecordSet:
    """Every loaded record, by id, with the correction chains between notices."""

    # The top-level fields its indexes and lookups read (chains, notices and their items, events,
    # decisions, attachments): every rule reads them through it (see generator.rules.cross_fields).
    READS = frozenset({"corrects", "supersedes", "notice", "base", "follows", "attachments"})

    def __init__(self, records: list[Record], files: list[Attachment] | None = None) -> None:
        """Index records whose `valid` flags are final (the schema has judged them), and the
        attachment files found beside them."""
        self.all = sorted(records, key=lambda r: r.path)
        self._files: dict[str, dict[str, Attachment]] = defaultdict(dict)
        for file in files or ():
            self._files[attachments.owner_of(file.rel) or ""][file.name] = file
        self._by_id: dict[str, Record] = {}
        for record in self.all:
            self._by_id.setdefault(record.id, record)
        self._successors: dict[str, list[Record]] = defaultdict(list)
        for record in self.valid():
            target = self.predecessor(record)
            if target is not None:
                self._successors[target.id].append(record)
        self._events: dict[str, list[Record]] | None = None
        self._members: dict[str, list[Record]] | None = None
        self._decisions: dict[str, list[Record]] | None = None

    def replacing(self, records: list[Record]) -> RecordSet:
        """This set with `records` in place of those at their paths (or added), and the same attachment files."""
        by_path = {r.path: r for r in self.all} | {r.path: r for r in records}
        return RecordSet(list(by_path.values()), [file for files in self._files.values() for file in files.values()])

    def notices(self, kind: str | None = None) -> Iterator[Record]:
        """Valid records that are notices of their own (not items of a notice), in path order."""
        return (r for r in self.valid(kind) if r.is_notice)

    def notice_of(self, record: Record) -> Record | None:
        """The valid notice that lists `record` (its `notice`), or None."""
        target = self._by_id.get(record.data.get("notice", "")) if record.is_member else None
        return target if target is not None and target.valid and target.kind == "notices" else None

    def envelope(self, record: Record) -> dict[str, Any]:
        """The data that carries `record`'s envelope (公文要素): its notice's for an item of a notice."""
        notice = self.notice_of(record)
        return notice.data if notice is not None else record.data

    def members(self, notice_id: str) -> list[Record]:
        """Valid records whose `notice` is `notice_id`, in path order."""
        if self._members is None:
            self._members = defaultdict(list)
            for record in self.valid():
                if record.is_member and isinstance(record.data["notice"], str):
                    self._members[record.data["notice"]].append(record)
        return self._members.get(notice_id, [])

    def decisions(self, publicity_id: str) -> list[Record]:
        """Valid, current 认定 notices that follow the 公示 `publicity_id`, in path order."""
        if self._decisions is None:  # indexed once: every base of a batch asks (a scan each was quadratic)
            self._decisions = defaultdict(list)
            for record in self.current("notices"):
                if isinstance(record.data.get("follows"), str):
                    self._decisions[record.data["follows"]].append(record)
        return self._decisions.get(publicity_id, [])

    def predecessor(self, record: Record) -> Record | None:
        """The record that `record` corrects or supersedes, when that link is sound enough to follow.

        A link to itself or to another kind is an error (ref-correction), never a chain.
        """
        target_id = record.data.get("corrects") or record.data.get("supersedes")
        target = self._by_id.get(target_id) if isinstance(target_id, str) else None
        if target is None or target is record or target.kind != record.kind:
            return None
        return target

    def files(self, record: Record) -> dict[str, Attachment]:
        """The files in the record's folder (records/<kind>/<id>/), by name."""
        return self._files.get(record.path, {})

    def attachments(self, record: Record) -> list[Attachment]:
        """The files the record lists in 「附件」 and that are there, in its order."""
        listed = record.data.get("attachments") if record.valid else None
        files = self.files(record)
        return [files[item["file"]] for item in listed or () if item["file"] in files]

    def get(self, record_id: str) -> Record | None:
        return self._by_id.get(record_id)

    def valid(self, kind: str | None = None) -> Iterator[Record]:
        """Records that passed the schema, optionally of one kind, in path order."""
        return (r for r in self.all if r.valid and (kind is None or r.kind == kind))

    def successors(self, record_id: str) -> list[Record]:
        """Valid records that correct or supersede `record_id`."""
        return self._successors.get(record_id, [])

    def current(self, kind: str) -> Iterator[Record]:
        """Valid records of `kind` that no later record corrects or supersedes."""
        return (r for r in self.valid(kind) if not self.successors(r.id))

    def events(self, base_id: str) -> list[Record]:
        """Current evaluations and revocations of the base whose identity is `base_id`, in path order."""
        if self._events is None:
            self._events = defaultdict(list)
            for kind in ("evaluations", "revocations"):
                for record in self.current(kind):
                    if isinstance(record.data.get("base"), str):
                        self._events[self.identity(record.data["base"])].append(record)
        return self._events.get(base_id, [])

    def identity(self, record_id: str) -> str:
        """The first record of a correction chain: the id under which a base keeps its page."""
        record = self.get(record_id)
        seen = {record_id}
        while record is not None and record.valid:
            target = self.predecessor(record)
            if target is None or target.id in seen:
                break
            seen.add(target.id)
            record = target
        return record.id if record is not None else record_id


@dataclass(frozen=True)
class Found:
    """A well-placed record file: records/<kind>/<id>.yaml."""

    entry: os.DirEntry[str]  # its stat is taken once, from the directory listing
    rel: str  # POSIX, relative to the root

    @property
    def path(self) -> Path:
        return Path(self.entry.path)

    @property
    def kind(self) -> str:
        return self.rel.split("/")[1]

    @property
    def id(self) -> str:
        return self.rel.rsplit("/", 1)[1].removesuffix(".yaml")


def find_records(root: Path) -> tuple[list[Found], list[Attachment], list[Diagnostic], int]:
    """Every well-placed record file under `root`/records, the attachment files beside them
    (records/<kind>/<id>/<file>), a diagnostic for each misplaced, misnamed or oversized file, and
    the number of record files seen (hidden files aside)."""
    records_dir = root / "records"
    if records_dir.is_symlink():
        raise RepositoryError(f"{records_dir} 是符号链接，不跟随：记录目录须是仓库中的真实目录")
    if not records_dir.is_dir():
        raise RepositoryError(f"找不到记录目录：{records_dir}")
    found: list[Found] = []
    files_found: list[Attachment] = []
    diagnostics: list[Diagnostic] = []
    files = 0
    for entry, rel in walk(str(records_dir), "records"):
        problem = _path_problem(entry, rel)
        if problem is None and attachments.owner_of(rel) is not None:
            file_problem = _attachment_problem(root, entry, rel)
            if file_problem is not None:
                diagnostics.append(Diagnostic(Location(rel, 1, 1), *file_problem))
            if file_problem is None or file_problem[0] == "attachment-too-large":  # there, if unusable
                files_found.append(attachments.entry_attachment(entry, rel))
            continue
        files += 1
        too_large = None if problem else size_problem(entry.stat(follow_symlinks=False).st_size)
        if problem:
            diagnostics.append(Diagnostic(Location(rel, 1, 1), "record-path", problem))
        elif too_large:
            diagnostics.append(too_large.diagnostic(rel))
        else:
            found.append(Found(entry, rel))
    return found, files_found, diagnostics, files


def _attachment_problem(root: Path, entry: os.DirEntry[str], rel: str) -> tuple[str, str] | None:
    """(rule, message) for a file in a record's folder that cannot be published as it is."""
    folder = PurePosixPath(rel).parent
    if not os.path.lexists(root / f"{folder}.yaml"):
        return ("attachment-orphan", f"附件目录 {folder}/ 没有对应的记录 {folder}.yaml："
                                     "附件须放在它所属公告的同名目录中（编号写错了，还是记录已改名？）")
    problem = attachments.name_problem(entry.name)
    if problem is not None:
        return ("attachment-name", problem)
    too_large = attachments.size_problem(entry.stat(follow_symlinks=False).st_size)
    return ("attachment-too-large", too_large) if too_large is not None else None


def require_records(files: int, root: Path) -> None:
    """Raise RepositoryError when records/ holds no file at all: nothing to check, nothing to publish."""
    if files == 0:
        raise RepositoryError(f"{root / 'records'} 中没有任何记录文件，没有可检查的内容"
                              "（子模块未初始化，或 --root 指错了目录？）")


def read_record(path: Path, rel: str) -> bytes:
    """The file's bytes, at most MAX_BYTES + 1 of them (the loader refuses more), read as
    files.read_plain does: a file replaced by a FIFO or a device since it was listed is refused."""
    try:
        return read_plain(path, MAX_BYTES)
    except FileNotFoundError:
        raise RepositoryError(f"{rel}:1:1: 文件在读取前消失了，请重新运行") from None
    except ReadRefused as exc:
        raise RepositoryError(f"{rel}:1:1: {exc}，无法作为记录读取") from None


def walk(directory: str, rel: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Every entry but real directories (those are entered, hidden ones too), hidden ones aside, by name.

    A directory named like a record file (x.yaml) is not entered but listed, to be reported.
    """
    with os.scandir(directory) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and not (entry.name.endswith(".yaml") and entry.name[0] != "."):
            yield from walk(entry.path, f"{rel}/{entry.name}")
        elif not entry.name.startswith("."):
            yield entry, f"{rel}/{entry.name}"


def _path_problem(entry: os.DirEntry[str], rel: str) -> str | None:
    parts = rel.split("/")[1:]
    if entry.is_symlink():
        return "records/ 中不允许使用符号链接，请提交真实文件"
    mode = entry.stat(follow_symlinks=False).st_mode
    if not stat.S_ISREG(mode):
        return f"不是普通文件（{_FILE_TYPES.get(stat.S_IFMT(mode), '特殊文件')}），记录须是普通的 .yaml 文件"
    if len(parts) == 3 and parts[0] in KINDS and not entry.name.endswith(".yaml"):
        return None  # an attachment (a .yaml file there is a record one folder too deep): find_records judges it
    if len(parts) != 2:
        return ("记录文件须放在 records/<类别>/<编号>.yaml（附件放在 records/<类别>/<编号>/<文件名>），类别为："
                + "、".join(KINDS))
    if parts[0] not in KINDS:
        return f"未知的记录类别目录「{parts[0]}」，可用：" + "、".join(KINDS)
    if not entry.name.endswith(".yaml"):
        suffix = PurePosixPath(entry.name).suffix
        return f"记录文件扩展名须为 .yaml（现为「{suffix or '无'}」）"
    return None


_FILE_TYPES = {
    stat.S_IFDIR: "目录",
    stat.S_IFIFO: "命名管道",
    stat.S_IFCHR: "字符设备",
    stat.S_IFBLK: "块设备",
    stat.S_IFSOCK: "套接字",
}
