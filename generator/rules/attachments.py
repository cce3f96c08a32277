"""Attachments: every file a notice lists is in its folder, and every file in its folder is listed."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import Diagnostic, Location
from generator.records import KIND_TITLES, NOTICE_KINDS
from generator.rules.context import Context

# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): the files a notice lists (the
# files on disk are judged on each run).
READS = frozenset({"attachments"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    """Judged on each run from the files on disk: the validation cache remembers record files only."""
    for record in ctx.records.valid():
        files = ctx.records.files(record)
        listed = record.data.get("attachments") or []
        folder = record.path.removesuffix(".yaml")
        for i, item in enumerate(listed):
            if item["file"] not in files:
                yield record.diag(("attachments", i, "file"), "attachment-missing",
                                  f"「附件」第 {i + 1} 项的文件 {folder}/{item['file']} 不存在；"
                                  "请把文件放进记录旁的同名目录，或核对文件名")
        names = {item["file"] for item in listed}
        for name, file in sorted(files.items()):
            if name not in names:
                where = ("请在记录的「附件」中列出它（文件名和附件标题），或删除这个文件" if record.kind in NOTICE_KINDS
                         else f"{KIND_TITLES[record.kind]}记录不带附件，请删除这个文件")
                yield Diagnostic(Location(file.rel, 1, 1), "attachment-unlisted",
                                 f"文件 {file.rel} 未列在 {record.path} 的「附件」中；{where}")
