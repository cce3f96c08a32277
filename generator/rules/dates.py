"""Dates: in order, not in the future, and published within 20 working days."""

from __future__ import annotations

from collections.abc import Iterator

from generator import dates
from generator.diagnostics import Diagnostic
from generator.fields import date_fields
from generator.records import KINDS, NOTICE_KINDS, Record
from generator.rules.context import Context, walk
from generator.schemas import SchemaSet

# Dates that are meant to lie ahead: a deadline, the end of a 公示, the end of a validity period,
# and an effective date (a rule is often published before it applies).
FUTURE_ALLOWED = {("deadline",), ("publicity", "end"), ("valid_until",), ("effective_from",)}

# (earlier, later, strictly): reported at the later field
ORDERS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]] = {
    kind: (
        (("written_on",), ("published_on",), False),
        (("publicity", "start"), ("publicity", "end"), False),
        (("written_on",), ("repealed_on",), False),
    ) for kind in NOTICE_KINDS
}
ORDERS["bases"] += ((("written_on",), ("valid_until",), True),)
ORDERS["notices"] += (
    (("written_on",), ("valid_until",), True),
    (("written_on",), ("announcement", "published_on"), False),
)
ORDERS["evaluations"] += (
    (("evaluated_on",), ("written_on",), False),
    (("evaluated_on",), ("deadline",), True),
)
ORDERS["revocations"] += ((("written_on",), ("announcement", "published_on"), False),)
ORDERS["plans"] += ((("filed_on",), ("approved_on",), False),)

DISCLOSURE_DAYS = 20  # 《政府信息公开条例》第二十六条


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): every date field (date-future),
# which cross_fields adds itself.
READS: frozenset[str] = frozenset()


def check(ctx: Context) -> Iterator[Diagnostic]:
    for kind in KINDS:
        for record in ctx.records.valid(kind):
            yield from _future(ctx, record)


def check_record(record: Record, schemas: SchemaSet) -> Iterator[Diagnostic]:
    """The rules on one record's dates that do not depend on today."""
    yield from _order(schemas, record)
    if record.is_notice and record.data.get("cited") is not True:  # a cited document was published elsewhere
        yield from _disclosure(record)


def _future(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    for pattern in date_fields(ctx.schemas, record.kind):
        if pattern in FUTURE_ALLOWED:
            continue
        for path, value in walk(record.data, pattern):
            day = dates.parse(value)
            if day is not None and day > ctx.as_of:
                yield record.diag(path, "date-future",
                                  f"「{ctx.title(record, *path)}」{day} 晚于今天（{ctx.as_of}）；"
                                  "只有整改期限、公示截止日期和有效期可以是将来的日期")


def _order(schemas: SchemaSet, record: Record) -> Iterator[Diagnostic]:
    for earlier_path, later_path, strictly in ORDERS.get(record.kind, ()):
        earlier = dates.parse(_get(record, earlier_path))
        later = dates.parse(_get(record, later_path))
        if earlier is None or later is None:
            continue
        if later < earlier or (strictly and later == earlier):
            yield record.diag(later_path, "date-order",
                              f"「{schemas.title(record.kind, later_path)}」{later} "
                              f"{'须晚于' if strictly else '不能早于'}"
                              f"「{schemas.title(record.kind, earlier_path)}」{earlier}")


def _disclosure(record: Record) -> Iterator[Diagnostic]:
    written = dates.parse(record.data["written_on"])
    published = dates.parse(record.data.get("published_on"))
    if written is None or published is None:
        return
    limit, exact = dates.add_working_days(written, DISCLOSURE_DAYS)
    if published > limit:
        note = "" if exact else "（节假日安排未收录该年份，按周一至周五计算）"
        yield record.diag(("published_on",), "disclosure-deadline",
                          f"「发布日期」{published} 晚于成文日期后第 {DISCLOSURE_DAYS} 个工作日 {limit}"
                          f"{note}；《政府信息公开条例》第二十六条要求 20 个工作日内公开")


def _get(record: Record, path: tuple[str, ...]) -> object:
    value: object = record.data
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value
