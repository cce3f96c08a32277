"""名单公告: what a notice lists, a 公示 and the decision that follows it, and the level of the
body that accredits a base."""

from __future__ import annotations

from collections.abc import Iterator

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import KIND_TITLES, Record
from generator.rules.context import Context

# What a notice of each 公告事项 lists, by the kind of its items.
LISTS = {"拟认定公示": "bases", "认定": "bases", "评估结果": "evaluations", "取消资格": "revocations"}
# Real 公示 of proposed bases run 5 to 7 working days; fewer gives the public no fair chance to object.
PUBLICITY_MIN_WORKING_DAYS = 5


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): a notice's act, dates and
# 公示, and the level of the body that accredits a base.
READS = frozenset({"act", "evaluated_on", "written_on", "publicity", "follows", "withdrawn", "issuer", "level",
                   "name"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    for record in ctx.records.valid():
        if record.is_member:
            yield from _membership(ctx, record)
    for notice in ctx.records.valid("notices"):
        yield from _listed(ctx, notice)
        if notice.data["act"] == "拟认定公示":
            yield from _publicity_length(notice)
        if "follows" in notice.data:
            yield from _follows(ctx, notice)
    for base in ctx.records.valid("bases"):
        if ctx.records.identity(base.id) == base.id:
            yield from _level(ctx, base)


def _membership(ctx: Context, record: Record) -> Iterator[Diagnostic]:
    notice = ctx.records.notice_of(record)
    if notice is None:
        return  # a missing or wrong reference: ref-missing / ref-kind
    act = notice.data["act"]
    if LISTS[act] != record.kind:
        fits = "、".join(f"「{a}」" for a, kind in LISTS.items() if kind == record.kind)
        yield record.diag(("notice",), "notice-act",
                          f"「所属公告」「{notice.id}」是「{act}」公告，列的是{KIND_TITLES[LISTS[act]]}；"
                          f"{KIND_TITLES[record.kind]}记录只能属于{fits}公告")
    if record.kind == "evaluations":
        evaluated, written = dates.parse(record.data["evaluated_on"]), dates.parse(notice.data["written_on"])
        if evaluated is not None and written is not None and evaluated > written:
            yield record.diag(("evaluated_on",), "date-order",
                              f"「评估日期」{evaluated} 晚于所属公告「{notice.id}」的成文日期 {written}")


def _listed(ctx: Context, notice: Record) -> Iterator[Diagnostic]:
    if ctx.records.members(notice.id):
        return
    if "follows" in notice.data:
        return  # it accredits the bases of its 公示 (checked in _follows)
    kind = LISTS[notice.data["act"]]
    yield notice.diag(("act",), "notice-empty",
                      f"没有{KIND_TITLES[kind]}记录指向本公告：名单中的每一项应是一条{KIND_TITLES[kind]}记录，"
                      f"其「所属公告」填写 {notice.id}（Excel 名单可用 jxjy import 导入）")


def _publicity_length(notice: Record) -> Iterator[Diagnostic]:
    period = notice.data["publicity"]
    start, end = dates.parse(period["start"]), dates.parse(period["end"])
    if start is None or end is None or end < start:
        return  # date-order says so
    days, exact = dates.working_days(start, end)
    if days < PUBLICITY_MIN_WORKING_DAYS:
        note = "" if exact else "（节假日安排未收录该年份，按周一至周五计算）"
        yield notice.diag(("publicity", "end"), "publicity-short",
                          f"公示期 {start} 至 {end} 只有 {days} 个工作日{note}，"
                          f"拟认定名单的公示不得少于 {PUBLICITY_MIN_WORKING_DAYS} 个工作日")


def _follows(ctx: Context, decision: Record) -> Iterator[Diagnostic]:
    publicity = ctx.records.get(decision.data["follows"])
    if publicity is None or publicity.kind != "notices" or not publicity.valid:
        return  # ref-missing / ref-kind
    if publicity.data["act"] != "拟认定公示":
        yield decision.diag(("follows",), "publicity-follows",
                            f"「依据公示」「{publicity.id}」是「{publicity.data['act']}」公告，不是拟认定公示")
        return
    others = [d for d in ctx.records.decisions(publicity.id) if d is not decision]
    if others and decision is not ctx.records.decisions(publicity.id)[0]:
        yield decision.diag(("follows",), "publicity-follows",
                            f"公示「{publicity.id}」已有认定决定「{others[0].id}」；同一公示只能作出一次认定决定"
                            "（更正或替代那一份）")
    end = dates.parse(publicity.data["publicity"]["end"])
    written = dates.parse(decision.data["written_on"])
    if end is not None and written is not None and written <= end:
        yield decision.diag(("written_on",), "publicity-decision-date",
                            f"「成文日期」{written} 不晚于公示「{publicity.id}」的截止日期 {end}："
                            "认定决定须在公示期满之后作出")
    listed = {ctx.records.identity(b.id) for b in ctx.records.members(publicity.id)}
    for i, base_id in enumerate(decision.data.get("withdrawn", [])):
        if ctx.records.identity(base_id) not in listed and ctx.records.get(base_id) is not None:
            yield decision.diag(("withdrawn", i), "publicity-follows",
                                f"「未予认定」中的「{base_id}」不在公示「{publicity.id}」的名单中")
    if listed and listed <= {ctx.records.identity(b) for b in decision.data.get("withdrawn", [])}:
        yield decision.diag(("withdrawn",), "notice-empty",
                            f"公示「{publicity.id}」名单中的基地全部「未予认定」，本决定没有认定任何基地")


def _level(ctx: Context, base: Record) -> Iterator[Diagnostic]:
    """A base's level is the level of the bureau that accredited it (国家级: 人社部, 省级: 省人社厅 …)."""
    life = ctx.life(base.id)
    decision = life.decision
    if decision is None:
        decision = life.publicity
    if decision is None:
        return
    current = life.base
    issuer = ctx.records.get(decision.data["issuer"])
    if issuer is None or not issuer.valid:
        return
    level = issuer.data.get("level")
    if level is not None and level != current.data["level"]:
        yield current.diag(("level",), "base-level",
                           f"「基地级别」为「{current.data['level']}」，但认定机关「{issuer.data['name']}」是{level}"
                           f"（{decision.id}）；基地级别应与认定机关的层级相同")
