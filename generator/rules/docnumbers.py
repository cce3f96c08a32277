"""发文字号 and 索引号: unique, and a 发文字号's year and 机关代字 agree with the notice."""

from __future__ import annotations

from collections.abc import Iterator

from generator import docnumber
from generator.diagnostics import Diagnostic
from generator.records import NOTICE_KINDS, Record
from generator.rules.context import Context

# Fields that must agree when bases share the accreditation decision that founded them.
_SHARED = ("title", "written_on")


def check(ctx: Context) -> Iterator[Diagnostic]:
    notices = [r for kind in NOTICE_KINDS for r in ctx.records.valid(kind)]
    yield from _unique_doc_numbers(notices)
    yield from _unique_index_numbers(notices)
    for record in notices:
        yield from _agrees(ctx, record)


def _unique_doc_numbers(notices: list[Record]) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Record] = {}
    for record in notices:
        number = record.data.get("doc_number")
        if number is None:
            continue
        key = (record.data["issuer"], number)
        earlier = first.setdefault(key, record)
        if earlier is record:
            continue
        if earlier.kind == record.kind == "bases":
            # One decision may accredit several bases: then it is the same document.
            differs = [f for f in _SHARED if earlier.data.get(f) != record.data.get(f)]
            if differs:
                yield record.diag((differs[0],), "docnumber-unique",
                                  f"与「{earlier.id}」共用发文字号「{number}」，应为同一认定文件，"
                                  f"但{'、'.join(differs)}不一致")
            continue
        yield record.diag(("doc_number",), "docnumber-unique",
                          f"发文字号「{number}」已由 {earlier.path} 使用；同一发文机关的发文字号不得重复")


def _unique_index_numbers(notices: list[Record]) -> Iterator[Diagnostic]:
    first: dict[str, Record] = {}
    for record in notices:
        number = record.data["index_number"]
        earlier = first.setdefault(number, record)
        if earlier is not record and not (earlier.kind == record.kind == "bases"
                                          and earlier.data.get("doc_number") == record.data.get("doc_number")):
            yield record.diag(("index_number",), "index-duplicate",
                              f"索引号「{number}」已由 {earlier.path} 使用；索引号一经分配不得重复")


def _agrees(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    parsed = docnumber.parse(record.data.get("doc_number", ""))
    if parsed is None:
        return
    written = record.data["written_on"]
    if str(parsed.year) != written[:4]:
        yield record.diag(("doc_number",), "docnumber-year",
                          f"发文字号年份 {parsed.year} 与「成文日期」{written} 的年份不一致",
                          severity="warning")
    issuer = ctx.records.get(record.data["issuer"])
    prefixes = issuer.data.get("doc_prefixes") if issuer is not None and issuer.valid else None
    if prefixes and parsed.agency not in prefixes:
        yield record.diag(("doc_number",), "docnumber-issuer",
                          f"机关代字「{parsed.agency}」不属于发文机关「{issuer.data['name']}」"
                          f"（其机关代字：{'、'.join(prefixes)}）", severity="warning")
