"""Ids: unique across all kinds and equal to the file name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.diagnostics import Diagnostic
from generator.rules.context import Context

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check(ctx: Context) -> Iterator[Diagnostic]:
    first_path: dict[str, str] = {}
    for record in ctx.records.all:
        if not _ID.match(record.id) or len(record.id) > 64:
            yield record.diag((), "id-filename",
                              f"文件名「{record.id}.yaml」不能作为记录编号：只能用小写字母、数字和连字符")
        elif record.data.get("id") not in (None, record.id) and isinstance(record.data.get("id"), str):
            yield record.diag(("id",), "id-filename",
                              f"「记录编号」「{record.data['id']}」与文件名「{record.id}.yaml」不一致",
                              hint=f"改为 id: {record.id}，或把文件改名为 {record.data['id']}.yaml")
        if record.id in first_path:
            yield record.diag(("id",), "id-duplicate",
                              f"记录编号「{record.id}」已被 {first_path[record.id]} 使用；编号在所有类别中唯一")
        else:
            first_path[record.id] = record.path
