"""Ids: unique across all kinds, equal to the file name, and usable as a file name everywhere."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context, each_with_others
from generator.yamlio import clip

# Windows cannot create or check out a file named after a device, in any case and with any
# extension: records/bases/con.yaml breaks every Windows clone of the repository.
_RESERVED = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))}


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): the declared id beside the file name.
READS = frozenset({"id"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    spec = ctx.schemas.documents["defs.schema.json"]["$defs"]["id"]
    pattern, limit = re.compile(spec["pattern"]), spec["maxLength"]

    def valid(name: str) -> bool:  # fullmatch: in Python, $ also matches before a final newline
        return len(name) <= limit and pattern.fullmatch(name) is not None

    by_id: dict[str, list[Record]] = defaultdict(list)
    for record in ctx.records.all:
        by_id[record.id].append(record)
        declared = record.data.get("id")
        if not valid(record.id):
            yield record.diag((), "id-filename", f"文件名「{clip(record.id)}.yaml」不能作为记录编号："
                                                 f"只能用小写字母、数字和连字符，最长 {limit} 个字符")
        elif _reserved(record.id):
            rename = isinstance(declared, str) and valid(declared) and not _reserved(declared)
            yield record.diag(("id",) if declared == record.id else (), "id-reserved",
                              f"文件名「{record.id}.yaml」是 Windows 的保留设备名，在 Windows 上无法检出",
                              hint=f"把文件改名为 {declared}.yaml" if rename else "另取编号，并以它命名文件")
        elif isinstance(declared, str) and declared != record.id:
            if _reserved(declared):
                yield record.diag(("id",), "id-reserved",
                                  f"「记录编号」「{clip(declared)}」是 Windows 的保留设备名（不区分大小写），"
                                  "不能用作文件名", hint=f"改为 id: {record.id}")
            elif valid(declared):
                yield record.diag(("id",), "id-filename",
                                  f"「记录编号」「{clip(declared)}」与文件名「{clip(record.id)}.yaml」不一致",
                                  hint=f"改为 id: {record.id}，或把文件改名为 {declared}.yaml")
            elif record.valid:  # an id the schema let through (a final newline): report it here
                yield record.diag(("id",), "id-filename",
                                  f"「记录编号」{clip(repr(declared))} 不是有效编号：只能用小写字母、数字和连字符",
                                  hint=f"改为 id: {record.id}")
            # else the schema reports the id itself: renaming the file to it would not help
    for record_id, records in by_id.items():
        for record, others in each_with_others(records):
            yield record.diag(("id",), "id-duplicate",
                              f"记录编号「{record_id}」同时用于 {others}；编号在所有类别中唯一")


def _reserved(name: str) -> bool:
    """Whether Windows reads `name` as a device: CON, con, con.txt, con. (before any dot, any case)."""
    return name.split(".", 1)[0].lower() in _RESERVED
