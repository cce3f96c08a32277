"""Organizations and places: credit-code check character, district codes valid on the date."""

from __future__ import annotations

from collections.abc import Iterator

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.refdata import division, home_current, label, periods
from generator.rules.context import Context
from generator.uscc import check_char

# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): the credit code, the district
# and the day it is judged on.
READS = frozenset({"uscc", "district", "written_on"})


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
    title = ctx.title(record, "district")
    known = periods(code)
    if not known:
        yield record.diag(("district",), "district-unknown",
                          f"「{title}」{code} 不是县级以上行政区划代码（GB/T 2260）",
                          hint="可在民政部「全国行政区划信息查询平台」查询；常州市各区："
                               + "、".join(f"{d.code} {d.name}" for d in home_current()))
        return
    # A notice, and an item of a notice (a base a batch lists), is judged on the notice's date; an
    # organization describes a body as it is today.
    written = dates.parse(ctx.records.envelope(record).get("written_on"))
    when = "成文日期" if "written_on" in record.data else "所在公告的成文日期"
    day, when = (written, when) if written is not None else (ctx.as_of, "今天")
    if division(code, day) is not None:
        return
    # the period the day comes after (the code was abolished), or the first one (not yet in use)
    nearest = next((d for d in reversed(known) if d.valid_from is None or d.valid_from <= day), known[0])
    ended = nearest.valid_to is not None and day > nearest.valid_to
    successors = [f"{s}（{label(s)}）" for s in nearest.successors if ended and s != code]
    hint = "应为 " + " 或 ".join(successors) if successors else None
    yield record.diag(("district",), "district-expired",
                      f"「{title}」{code}（{nearest.name}）在{when} {day} 无效（有效期 {nearest.span}）", hint=hint)
