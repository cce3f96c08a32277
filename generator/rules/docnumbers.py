"""发文字号 and 索引号: unique, a 发文字号's year and 机关代字 agree with the notice, and a 索引号's
prefix and year agree with the body that published it and the day it did."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from generator import docnumber
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context, each_with_others

# Fields that must agree when bases share the accreditation decision that founded them.
_SHARED = ("title", "written_on")


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): the numbers, their issuer's
# 机关代字 and code, and the fields bases sharing a decision agree on.
READS = frozenset({"doc_number", "index_number", "issuer", "publisher", "doc_prefixes", "uscc", "name",
                   "published_on", *_SHARED})


def check(ctx: Context) -> Iterator[Diagnostic]:
    notices = list(ctx.records.notices())  # items of a notice carry no numbers of their own
    yield from _unique_doc_numbers(ctx, notices)
    yield from _unique_index_numbers(notices)
    for record in notices:
        yield from _agrees(ctx, record)
        yield from _index_agrees(ctx, record)


def _unique_doc_numbers(ctx: Context, notices: list[Record]) -> Iterator[Diagnostic]:
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in notices:
        if "doc_number" in record.data:
            groups[(record.data["issuer"], record.data["doc_number"])].append(record)
    for (_, number), records in groups.items():
        if len(records) < 2:
            continue
        if all(r.kind == "bases" for r in records):
            # One decision may accredit several bases: then it is the same document. The first
            # record of each version of the shared fields, in path order: a list of thousands of
            # bases that agree is passed in one look (comparing each with every other took minutes).
            versions: dict[tuple[Any, ...], Record] = {}
            for record in records:
                versions.setdefault(_shared(record), record)
            for record in records:
                other = next((r for key, r in versions.items() if key != _shared(record)), None)
                if other is not None:
                    differs = _differs(other, record)
                    titles = "、".join(f"「{ctx.title(record, f)}」" for f in differs)
                    yield record.diag((differs[0],), "docnumber-unique",
                                      f"与 {other.path} 共用发文字号「{number}」，应为同一认定文件，但{titles}不一致")
            continue
        for record, others in each_with_others(records):
            yield record.diag(("doc_number",), "docnumber-unique",
                              f"发文字号「{number}」同时用于 {others}；同一发文机关的发文字号不得重复")


def _shared(record: Record) -> tuple[Any, ...]:
    return tuple(record.data.get(f) for f in _SHARED)


def _differs(a: Record, b: Record) -> list[str]:
    return [f for f in _SHARED if a.data.get(f) != b.data.get(f)]


def _unique_index_numbers(notices: list[Record]) -> Iterator[Diagnostic]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in notices:
        if "index_number" in record.data:  # a cited document has none of this platform's
            groups[record.data["index_number"]].append(record)
    for number, records in groups.items():
        same_document = len({(r.kind, r.data.get("doc_number")) for r in records}) == 1 and records[0].kind == "bases"
        if len(records) < 2 or same_document:
            continue
        for record, others in each_with_others(records):
            yield record.diag(("index_number",), "index-duplicate",
                              f"索引号「{number}」同时用于 {others}；索引号一经分配不得重复")


def _agrees(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    parsed = docnumber.parse(record.data.get("doc_number", ""))
    if parsed is None:
        return
    written = record.data["written_on"]
    if parsed.year is not None and str(parsed.year) != written[:4]:  # an order (令) has no year
        yield record.diag(("doc_number",), "docnumber-year",
                          f"发文字号年份 {parsed.year} 与「成文日期」{written} 的年份不一致")
    issuer = ctx.records.get(record.data["issuer"])
    if issuer is None or not issuer.valid:
        return
    prefixes = issuer.data.get("doc_prefixes")
    if prefixes and parsed.agency not in prefixes:
        yield record.diag(("doc_number",), "docnumber-issuer",
                          f"机关代字「{parsed.agency}」不属于发文机关「{issuer.data['name']}」"
                          f"（其机关代字：{'、'.join(prefixes)}）")


def _index_agrees(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    """索引号 = the publishing body's code / the year of publication - serial. The body is the
    发布机构 where the record names one (it assigns the number in its disclosure catalogue), else the
    发文机关; a record without a 索引号 (a document this platform only cites) is not checked."""
    number = record.data.get("index_number")
    if number is None:
        return
    prefix, _, rest = number.partition("/")
    body_id = record.data.get("publisher", record.data["issuer"])
    body = ctx.records.get(body_id)
    uscc = body.data.get("uscc") if body is not None and body.valid and body.kind == "organizations" else None
    if body is not None and isinstance(uscc, str) and prefix not in (uscc, uscc[8:17]):
        role = ctx.title(record, "publisher" if "publisher" in record.data else "issuer")
        yield record.diag(("index_number",), "index-issuer",
                          f"「{ctx.title(record, 'index_number')}」前缀「{prefix}」既不是「{role}」{body.data['name']}"
                          f"的统一社会信用代码「{uscc}」，也不是其组织机构代码「{uscc[8:17]}」")
    published = record.data.get("published_on")
    if isinstance(published, str) and rest[:4] != published[:4]:
        yield record.diag(("index_number",), "index-year",
                          f"「{ctx.title(record, 'index_number')}」中的年份 {rest[:4]} 与"
                          f"「{ctx.title(record, 'published_on')}」{published} 的年份不一致；索引号按发布年份编号")
