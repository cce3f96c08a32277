"""References: each resolves to a record of the right kind, and correction chains are sound."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.records import KIND_TITLES, NOTICE_KINDS, Record
from generator.rules.context import Context, walk

BUREAU = frozenset({"人社部门"})
DEPARTMENT = frozenset({"行业主管部门"})
SUPERVISOR = frozenset({"行业主管部门", "人社部门", "部委"})
HOST = frozenset({"施教机构", "企事业单位", "高等院校", "行业协会学会"})
# Who issues rules and joint notices: ministries, governments' offices and legislatures too.
GOVERNMENT = frozenset({"人社部门", "行业主管部门", "部委", "政府办公室", "人大常委会"})
ISSUERS = {"plans": SUPERVISOR, "policies": GOVERNMENT}
ITEMS = ("bases", "evaluations", "revocations")  # the kinds a notice lists (`notice`)

# (kind of the referring record, field pattern) -> (kind referred to, allowed organization types)
Types = frozenset[str] | Callable[[dict[str, Any]], frozenset[str]] | None
REFERENCES: list[tuple[str, tuple[str, ...], str, Types]] = [
    ("organizations", ("parent",), "organizations", SUPERVISOR),
    ("bases", ("host",), "organizations", HOST),
    ("bases", ("supervisor",), "organizations", SUPERVISOR),
    ("evaluations", ("base",), "bases", None),
    ("revocations", ("base",), "bases", None),
    ("revocations", ("evaluation",), "evaluations", None),
    ("circulars", ("subjects", "*", "organization"), "organizations",
     lambda data: DEPARTMENT if data.get("scope") == "行业主管部门" else HOST),
    ("commendations", ("recipients", "*", "organization"), "organizations", None),
    ("plans", ("department",), "organizations", DEPARTMENT),
    *[(kind, ("issuer",), "organizations", ISSUERS.get(kind, BUREAU)) for kind in NOTICE_KINDS],
    *[(kind, ("co_issuers", "*"), "organizations", GOVERNMENT) for kind in NOTICE_KINDS],
    *[(kind, ("notice",), "notices", None) for kind in ITEMS],
    ("notices", ("follows",), "notices", None),
    ("notices", ("withdrawn", "*"), "bases", None),
    *[(kind, ("publisher",), "organizations", None) for kind in NOTICE_KINDS],
]


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): each reference, the kind,
# type and name of what it names, and the dates of a correction.
READS = frozenset({"parent", "host", "supervisor", "base", "evaluation", "subjects", "recipients", "department",
                   "issuer", "co_issuers", "notice", "follows", "withdrawn", "publisher", "scope", "type", "name",
                   "written_on"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    for kind, pattern, target_kind, types in REFERENCES:
        for record in ctx.records.valid(kind):
            for path, target_id in walk(record.data, pattern):
                yield from _resolve(ctx, record, path, target_id, target_kind, types)
    for record in ctx.records.notices():
        yield from _correction(ctx, record)
    yield from _revocation_grounds(ctx)


def _resolve(ctx: Context, record: Record, path: tuple[str | int, ...], target_id: str,
             target_kind: str, types: Types) -> Iterator[Diagnostic]:
    title = ctx.title(record, *path)
    target = ctx.records.get(target_id)
    if target is None:
        yield record.diag(path, "ref-missing",
                          f"「{title}」引用的记录「{target_id}」不存在（应为{KIND_TITLES[target_kind]}记录）")
        return
    if target.kind != target_kind:
        yield record.diag(path, "ref-kind",
                          f"「{title}」应引用{KIND_TITLES[target_kind]}记录，"
                          f"「{target_id}」是{KIND_TITLES[target.kind]}记录")
        return
    allowed = types(record.data) if callable(types) else types
    org_type = target.data.get("type")
    if allowed and target.valid and org_type not in allowed:
        yield record.diag(path, "ref-kind",
                          f"「{title}」应为{'或'.join(sorted(allowed))}，"
                          f"「{target.data.get('name', target_id)}」是{org_type}")


def _correction(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    for field in ("corrects", "supersedes"):
        target_id = record.data.get(field)
        if target_id is None:
            continue
        title = ctx.title(record, field)
        target = ctx.records.get(target_id)
        if target is None:
            yield record.diag((field,), "ref-missing", f"「{title}」引用的记录「{target_id}」不存在")
            continue
        if target_id == record.id or target.kind != record.kind:
            yield record.diag((field,), "ref-correction",
                              f"「{title}」只能指向另一条{KIND_TITLES[record.kind]}记录，"
                              f"「{target_id}」是{'本记录' if target is record else KIND_TITLES[target.kind] + '记录'}")
            continue
        # An item of a notice is dated by its notice (it carries no 成文日期 of its own).
        ours = ctx.records.envelope(record).get("written_on")
        theirs = ctx.records.envelope(target).get("written_on")
        if target.valid and isinstance(ours, str) and isinstance(theirs, str) and theirs > ours:
            where = ("written_on",) if "written_on" in record.data else ("notice",)
            yield record.diag(where, "ref-correction",
                              f"「成文日期」{ours} 早于被{title}记录「{target_id}」的 {theirs}")
        successors = ctx.records.successors(target_id)
        if len(successors) > 1 and successors[0] is not record:
            yield record.diag((field,), "ref-correction",
                              f"记录「{target_id}」已被「{successors[0].id}」更正或替代，"
                              "不能再有第二个；请更正最新的那一条")
        if _in_cycle(ctx, record):
            yield record.diag((field,), "ref-correction", "更正／替代关系形成了循环")


def _in_cycle(ctx: Context, record: Record) -> bool:
    seen: set[str] = set()
    current = ctx.records.predecessor(record)
    while current is not None and current.id not in seen:
        if current is record:
            return True
        seen.add(current.id)
        current = ctx.records.predecessor(current)
    return False


def _revocation_grounds(ctx: Context) -> Iterator[Diagnostic]:
    for record in ctx.records.valid("revocations"):
        evaluation = ctx.records.get(record.data.get("evaluation", ""))
        if evaluation is None or evaluation.kind != "evaluations" or not evaluation.valid:
            continue
        same = ctx.records.identity(evaluation.data["base"]) == ctx.records.identity(record.data["base"])
        if not same:
            yield record.diag(("evaluation",), "ref-kind",
                              f"「依据评估」「{evaluation.id}」评估的是另一个基地（{evaluation.data['base']}）")
