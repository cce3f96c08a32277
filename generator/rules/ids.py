"""Ids: unique across all kinds and equal to the file name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check(ctx: Context) -> Iterator[Diagnostic]:
    by_id: dict[str, list[Record]] = defaultdict(list)
    for record in ctx.records.all:
        by_id[record.id].append(record)
        declared = record.data.get("id")
        if not _ID.match(record.id) or len(record.id) > 64:
            yield record.diag((), "id-filename",
                              f"文件名「{record.id}.yaml」不能作为记录编号：只能用小写字母、数字和连字符")
        elif isinstance(declared, str) and declared != record.id:
            yield record.diag(("id",), "id-filename",
                              f"「记录编号」「{declared}」与文件名「{record.id}.yaml」不一致",
                              hint=f"改为 id: {record.id}，或把文件改名为 {declared}.yaml")
    for record_id, records in by_id.items():
        for record in records if len(records) > 1 else ():
            others = "、".join(r.path for r in records if r is not record)
            yield record.diag(("id",), "id-duplicate",
                              f"记录编号「{record_id}」同时用于 {others}；编号在所有类别中唯一")
