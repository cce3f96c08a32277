"""Organizations and places: credit-code check character, district codes valid on the date."""

from __future__ import annotations

from collections.abc import Iterator

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.refdata import divisions
from generator.rules.context import Context
from generator.uscc import check_char


def check(ctx: Context) -> Iterator[Diagnostic]:
    for org in ctx.records.valid("organizations"):
        code = org.data.get("uscc")
        if code is not None and (expected := check_char(code[:17])) != code[17]:
            # Some codes issued in the early years of GB 32100 fail the check and are still valid
            # on the national credit register: warn, never block.
            yield org.diag(("uscc",), "org-uscc-checksum",
                           f"统一社会信用代码「{code}」校验位应为「{expected}」；"
                           "请核对，确属早期赋码的可忽略此警告")
    for kind in ("organizations", "bases"):
        for record in ctx.records.valid(kind):
            yield from _district(ctx, record)


def _district(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    code = record.data["district"]
    division = divisions().get(code)
    title = ctx.title(record, "district")
    if division is None:
        known = "、".join(f"{d.code} {d.name}" for d in divisions().values() if d.valid_to is None)
        yield record.diag(("district",), "district-unknown",
                          f"「{title}」{code} 不是常州市的行政区划代码", hint=f"可用：{known}")
        return
    # A notice is judged on its own date; an organization describes a body as it is today.
    written = dates.parse(record.data.get("written_on"))
    day, when = (written, "成文日期") if written is not None else (ctx.as_of, "今天")
    if not division.valid_on(day):
        successor = divisions().get(division.successor or "")
        hint = f"应为 {successor.code}（{successor.name}）" if successor else None
        span = f"{division.valid_from} 至 {division.valid_to or '今'}"
        yield record.diag(("district",), "district-expired",
                          f"「{title}」{code}（{division.name}）在{when} {day} 无效（有效期 {span}）",
                          hint=hint)
