"""The append-only check: published notices are never edited, renamed or deleted in place.

A published decision is corrected by a new record that `corrects` or `supersedes` it, so the public
record keeps both versions. Organizations are reference data and may be edited. An id that both
sides added since they forked is an id collision (the later record is renumbered), not an edit.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

from generator import dates, git
from generator.attachments import owner_of
from generator.comparison import Collision, Versions, by_path, compare, field_title, versions
from generator.diagnostics import Diagnostic, Location
from generator.records import KIND_TITLES, NOTICE_KINDS, Record, RecordSet
from generator.schemas import SchemaSet
from generator.yamlio import clip

# Fields of a published notice that may be fixed in place, as paths into the record. Only the
# objection contact of a publicity period: it is how to reach the office (a phone number, an
# address), not part of the decision, and a wrong number must be fixable while the period
# runs, when a correcting notice would come too late. Everything else (title, 发文字号,
# 索引号, dates, body, validity, ...) is the legal content of the notice and changes only
# through a new record with `corrects` or `supersedes`.
IN_PLACE_FIELDS: frozenset[tuple[str | int, ...]] = frozenset({("publicity", "contact")})


def published_on(record: Record, records: RecordSet, as_of: date) -> date | None:
    """The day a notice was published when that is on or before `as_of`, else None. An item of a
    名单公告 is published with its notice; a cited document, which this platform did not publish,
    counts from its 成文日期 (it is public, and shown here, once added)."""
    if record.kind not in NOTICE_KINDS:
        return None
    envelope = records.envelope(record)
    day = dates.parse(envelope.get("published_on") or (envelope.get("written_on") if envelope.get("cited") else None))
    return day if day is not None and day <= as_of else None


def check_append_only(repo: Path, base: str, head: str | None, *, as_of: date) -> list[Diagnostic]:
    """Published notices at `base` stay as they are in `head`; ids are never reused.

    A notice is published when it is in `base` with 发布日期 on or before `as_of`. Its file may
    not be modified (except IN_PLACE_FIELDS), deleted or renamed. A notice added in `head` may not
    be published before `as_of`, nor may a notice unpublished at `base` be moved there
    (append-only-backdated): 发布日期 is the day it appears here.
    A record added in `head` may not take an id that `base` holds at another path or that was
    deleted in `base`'s history.
    An id that both sides added since they forked is an id-collision (the head's record is
    another one, to be renumbered), not an edit nor a reuse.

    Returns:
        The diagnostics, located in the head's files (a deleted file at 1:1).

    Raises:
        GitError: a ref is unknown or git fails.
        RepositoryError: the working tree has no records/ or a file cannot be read.
    """
    files = git.changed_files(repo, base, head)
    if not files:
        return []
    schemas = SchemaSet()
    return verdict(repo, base, versions(repo, base, head, files, as_of=as_of, schemas=schemas), as_of=as_of,
                   schemas=schemas)


def verdict(repo: Path, base: str, pair: Versions, *, as_of: date, schemas: SchemaSet) -> list[Diagnostic]:
    """The append-only diagnostics of two versions already loaded (see check_append_only)."""
    files = pair.files
    old, new = by_path(pair.before.records), by_path(pair.after.records)
    old_ids = {r.id: r for r in pair.before.records.all}
    renamed = {gone.path: came for gone, came in pair.renames}
    moved_here = {came.path for came in renamed.values()}
    found: list[Diagnostic] = []
    history: dict[str, str] | None = None
    for path, status in files.items():
        owner = owner_of(path)
        if owner is not None:  # an attachment's file: judged with the notice it belongs to
            record = old.get(owner)
            day = published_on(record, pair.before.records, as_of) if record is not None else None
            if record is not None and day is not None:
                found.append(_attachment(record, new.get(owner), path, status, day))
            continue
        if path in pair.collisions:
            found.append(_collision(pair.collisions[path], new.get(path)))
            continue
        record = old.get(path)
        day = published_on(record, pair.before.records, as_of) if record is not None else None
        if status == "D" and record is not None and day is not None:
            fix = f"撤销或更改请新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 {record.id}"
            what = f"{KIND_TITLES[record.kind]}记录 {record.id} 已于 {dates.cn_date(day)}发布"
            if path in renamed:
                message = (f"已发布的公告不能改名或移动：{what}，本次被改为 {renamed[path].path}；"
                           f"请恢复原文件名和编号，{fix}")
            else:
                message = f"已发布的公告不能删除或改名：{what}；请恢复该文件，{fix}"
            found.append(Diagnostic(Location(path, 1, 1), "append-only-deleted", message))
        elif status == "M" and record is not None and day is not None:
            found += _modified(record, new.get(path), path, day, schemas)
        elif status == "M":  # not yet published at the base: its new day may not be in the past either
            found += _backdated(new.get(path), as_of, "尚未发布的公告")
        elif status == "A":
            stem = PurePosixPath(path).stem
            earlier = old_ids.get(stem)
            if earlier is not None and earlier.path != path:
                found.append(Diagnostic(
                    _id_location(new.get(path), path), "id-reused",
                    f"编号 {stem} 已被 {earlier.path} 使用；编号一经使用不再更换位置或重复使用，请另取新编号"))
                continue
            if history is None:
                history = git.deleted_ids(repo, base)
            if stem in history and stem not in old_ids:
                found.append(Diagnostic(
                    _id_location(new.get(path), path), "id-reused",
                    f"编号 {stem} 曾用于已删除的 {history[stem]}；编号一经使用不再重复使用，请另取新编号"))
            if path not in moved_here:  # a moved notice keeps its day; append-only-deleted speaks for it
                found += _backdated(new.get(path), as_of, "新增公告")
            found += _added_to_published(new.get(path), pair.before.records, as_of)
    return sorted(found)


def _added_to_published(record: Record | None, before: RecordSet, as_of: date) -> list[Diagnostic]:
    """An item added to the list of a 名单公告 that was already published: the list is part of it."""
    if record is None or not record.is_member:
        return []
    notice = before.get(str(record.data["notice"]))
    day = published_on(notice, before, as_of) if notice is not None and notice.kind == "notices" else None
    if notice is None or day is None:
        return []
    return [Diagnostic(
        record.at("notice"), "append-only-modified",
        f"名单公告 {notice.id} 已于 {dates.cn_date(day)}发布，其名单不能再增加{KIND_TITLES[record.kind]}记录；"
        f"请另发一份名单公告，或发布更正公告（corrects 指向 {notice.id}）后列入")]


def _backdated(record: Record | None, as_of: date, what: str) -> list[Diagnostic]:
    """A notice not yet published (added, or unpublished at the base) whose 发布日期 is before
    `as_of`: the day it appears on this platform cannot be in the past, or the public record would
    show a notice as public on days nobody could see it. `what` names it in the message."""
    if record is None or not record.is_notice:
        return []
    day = dates.parse(record.data.get("published_on"))
    if day is None or day >= as_of:
        return []
    return [Diagnostic(
        record.at("published_on"), "append-only-backdated",
        f"{what}的「发布日期」（{dates.cn_date(day)}）早于今天（{dates.cn_date(as_of)}）：发布日期是公告在本平台公开之日，"
        f"不能倒填；请改为 {as_of.isoformat()} 或之后的日期（文件成文的日子写在「成文日期」中）")]


def _modified(record: Record, head: Record | None, path: str, day: date, schemas: SchemaSet) -> list[Diagnostic]:
    fix = f"请新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 {record.id}"
    if head is None:  # the head file no longer loads: the validation reports why
        return [Diagnostic(Location(path, 1, 1), "append-only-modified",
                           f"已发布的公告（{dates.cn_date(day)}发布）不能直接修改；{fix}")]
    found = []
    allowed = "、".join(f"「{field_title(schemas, record.kind, p)}」" for p in sorted(IN_PLACE_FIELDS, key=str))
    for field_path, _, _ in compare(record.data, head.data):
        if any(field_path[: len(p)] == p for p in IN_PLACE_FIELDS):
            continue
        title = field_title(schemas, record.kind, field_path)
        lead = "索引号一经发布永不改变，" if field_path[:1] == ("index_number",) else ""
        found.append(Diagnostic(
            head.at(*field_path), "append-only-modified",
            f"{lead}已发布的公告（{dates.cn_date(day)}发布）不能直接修改「{title}」；{fix}",
            f"可直接修改的只有{allowed}"))
    return found


def _attachment(record: Record, head: Record | None, path: str, status: str, day: date) -> Diagnostic:
    """A file of a published notice's attachments added, changed or deleted: located at the head's
    「附件」 entry for it, else at 「附件」, else at the record."""
    name = PurePosixPath(path).name
    what = {"A": "不能增加附件", "M": "的附件不能修改（文件内容已改变）", "D": "的附件不能删除"}[status]
    where = Location(record.path, 1, 1)
    if head is not None:
        listed = head.data.get("attachments")
        items = [i for i, item in enumerate(listed or ()) if isinstance(item, dict) and item.get("file") == name]
        where = head.at("attachments", items[0]) if items else head.at("attachments", key=True) if listed else head.at()
    return Diagnostic(where, "append-only-attachment",
                      f"已发布的公告（{dates.cn_date(day)}发布）{what}：{path}；附件与公告一同发布，"
                      "公众下载的须始终是同一文件；请恢复原文件，需要更正时新建一条同类记录，"
                      f"用 corrects（更正）或 supersedes（替代）指向 {record.id}")


def _collision(c: Collision, head: Record | None) -> Diagnostic:
    renumber = (f"请把本分支的记录改用新编号 {c.suggestion}（文件名和 id 一起改，引用它的记录也要改）"
                if c.suggestion else "请把本分支的记录另取新编号（文件名和 id 一起改，引用它的记录也要改）")
    return Diagnostic(
        _id_location(head, c.path), "id-collision",
        f"编号 {c.id} 撞号：目标分支在两个分支分开之后也新增了编号 {c.id}（{KIND_TITLES[c.theirs.kind]}"
        f"「{clip(c.theirs.label)}」，{c.theirs.path}）；本分支的记录是另一条新记录，不是对它的修改；{renumber}")


def _id_location(record: Record | None, path: str) -> Location:
    return record.at("id") if record is not None and "id" in record.data else Location(path, 1, 1)
