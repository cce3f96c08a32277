"""有效性: a 废止日期 only where a document has lost force, and a 试行 policy still 现行有效 long
after it began is worth a reviewer's look."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context
from generator.schemas import SchemaSet

IN_FORCE = frozenset({"现行有效", "已修改"})  # an amended document is still in force, as amended
ENDED = frozenset({"已废止", "已失效"})
# Normative documents are commonly given a validity of at most five years, trial (试行, 暂行) ones
# less; five years after it began, a trial document still marked 现行有效 has most likely been
# replaced or has lapsed without this record being updated. A warning: some trials do run on.
TRIAL_YEARS = 5


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): a trial policy's validity and
# start.
READS = frozenset({"trial", "validity", "effective_from", "written_on"})


def check_record(record: Record, schemas: SchemaSet) -> Iterator[Diagnostic]:
    """废止日期 and 有效性 agree (independent of today)."""
    if not record.is_notice:  # an item of a notice takes the notice's 有效性
        return
    validity = record.data["validity"]
    validity_title = schemas.title(record.kind, ("validity",))
    repealed_title = schemas.title(record.kind, ("repealed_on",))
    if "repealed_on" in record.data and validity in IN_FORCE:
        yield record.diag(("repealed_on",), "repealed-in-force",
                          f"「{validity_title}」为「{validity}」，不应填写「{repealed_title}」"
                          f"{record.data['repealed_on']}；文件已废止或失效时，把「{validity_title}」改为「已废止」或「已失效」")
    elif "repealed_on" not in record.data and validity in ENDED:
        yield record.diag(("validity",), "repealed-missing",
                          f"「{validity_title}」为「{validity}」，但未填写「{repealed_title}」；"
                          "请按废止或清理文件填写文件失去效力之日")


def check(ctx: Context) -> Iterator[Diagnostic]:
    for policy in ctx.records.valid("policies"):
        yield from _trial(ctx, policy)


def _trial(ctx: Context, policy: Record) -> Iterator[Diagnostic]:
    if policy.data.get("trial") is not True or policy.data["validity"] != "现行有效":
        return
    field = "effective_from" if "effective_from" in policy.data else "written_on"
    start = dates.parse(policy.data[field])
    if start is None:
        return
    due = _years_after(start, TRIAL_YEARS)
    if ctx.as_of >= due:
        yield policy.diag(("validity",), "policy-trial-lapsed",
                          f"试行文件自「{ctx.title(policy, field)}」{start} 起已满 {TRIAL_YEARS} 年（{due}），"
                          f"「{ctx.title(policy, 'validity')}」仍为「现行有效」；请核对制定机关的规范性文件清理结果"
                          "或现行有效文件目录：已被替代或失效的，改「有效性」并填写「废止日期」，确仍有效的在拉取请求中说明")


def _years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
