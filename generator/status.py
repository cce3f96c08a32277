"""A training base's status as of a date: the only place it is computed.

Status is never stored. It is a fold over the base's accreditation and the evaluations and
revocations that name it (corrected or superseded notices replaced by their successors),
in order of their decision dates (成文日期), following Art. 25 of 常人社发〔2011〕11号:

    (拟认定公示 -> 公示中 ->) 认定 -> 有效 --评估验收 合格--> 有效
                 --评估验收 限期整改(期限)--> 整改中 --整改复查 合格--> 有效
                                             --期限届满未复查--> 逾期未整改
                                             --整改复查 不合格--> 复查不合格
    逾期未整改 / 复查不合格 --取消资格(媒体公告)--> 已取消

The same fold reports the steps that break this order, for the validator, and the timeline of
steps, for the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from generator import dates
from generator.records import Record, RecordSet

PUBLICITY = "公示中"
VALID = "有效"
RECTIFYING = "整改中"
OVERDUE = "逾期未整改"
FAILED = "复查不合格"
REVOKED = "已取消"
EXPIRED = "已到期"
WITHDRAWN = "未予认定"  # named in a 公示, then left out of the decision that followed it
STATUSES = (PUBLICITY, VALID, RECTIFYING, OVERDUE, FAILED, REVOKED, EXPIRED, WITHDRAWN)
ACCREDITED = (VALID, RECTIFYING, OVERDUE, FAILED)  # holding an accreditation (a 公示 does not count)
# Top-level fields of any record the fold reads, besides RecordSet.READS: generator.runcache trusts
# that an edit to none of them changes no lifecycle (the rules on it declare theirs beside them).
READS = frozenset({"act", "publicity", "withdrawn", "objection", "batch", "written_on", "valid_until", "name", "type",
                   "result", "deadline", "evaluated_on", "reason", "evaluation", "announcement"})
NOT_YET = "未生效"  # what a base is before its accreditation, on pages and in the open data
NOT_YET_NOTE = "尚未认定"


@dataclass(frozen=True)
class Step:
    """One change of status: when, to what, and the notice that caused it."""

    on: date
    status: str
    record: Record  # the notice behind the step (for a passed deadline: the order to rectify)
    note: str  # Chinese, e.g. 评估验收：限期整改（期限 2026-09-30）
    deadline: date | None = None  # the rectification deadline while one runs


@dataclass(frozen=True)
class Violation:
    """A step the lifecycle does not allow, located at a field of the offending record."""

    record: Record
    path: tuple[str, ...]
    rule: str
    message: str


@dataclass
class Lifecycle:
    base: Record  # the current version of the base record
    steps: list[Step] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    decision: Record | None = None  # what accredited it: the base itself, or a notice listing it
    publicity: Record | None = None  # the 公示 that named it before the decision, if any

    @property
    def accredited_on(self) -> date | None:
        """The decision's 成文日期; None while there is none (a 公示 awaiting its decision)."""
        return dates.parse(self.decision.data["written_on"]) if self.decision is not None else None

    def status_on(self, day: date) -> Step | None:
        """The step in force on `day`; None before the accreditation."""
        current = None
        for step in self.steps:
            if step.on <= day:
                current = step
        return current

    def state(self, day: date) -> tuple[str, str]:
        """The status in force on `day` and its note, NOT_YET before the accreditation."""
        step = self.status_on(day)
        return (step.status, step.note) if step else (NOT_YET, NOT_YET_NOTE)


def lifecycle(base_id: str, records: RecordSet, as_of: date) -> Lifecycle:
    """Fold a base's events up to `as_of`.

    Args:
        base_id: the base's identity (the first record of its correction chain).
        records: the whole record set (only valid, current notices count).
        as_of: the day whose status is wanted; deadlines that passed by then count.

    Returns:
        Its steps in date order and the violations found on the way.
    """
    base = _current_version(base_id, records)
    life = Lifecycle(base)
    _accredit(life, records)
    accredited = life.accredited_on
    for event in _events(base_id, records):
        on = _written(records, event)
        _advance(life, through=on)
        if accredited is None or on < accredited:
            life.violations.append(Violation(event, ("written_on",) if not event.is_member else ("notice",),
                                             "base-event-order", _too_early(life, on)))
        elif life.steps[-1].status == WITHDRAWN:
            life.violations.append(Violation(event, ("base",), "base-event-order",
                                             f"基地「{base.data['name']}」公示后未予认定，不能评估或取消"))
        elif event.kind == "evaluations":
            _evaluate(life, event, on)
        else:
            _revoke(life, event, on, event.data.get("announcement") or records.envelope(event).get("announcement"))
    _advance(life, through=as_of)
    return life


def _accredit(life: Lifecycle, records: RecordSet) -> None:
    """The base's 公示 and accreditation: its own decision, or the notice that lists it (and, for a
    公示, the decision that follows it). Without a decision the base stays 公示中 (拟认定)."""
    base = life.base
    notice = records.notice_of(base)
    if not base.is_member:
        life.decision = base
    elif notice is not None and notice.data["act"] == "认定":
        life.decision = notice
    elif notice is not None and notice.data["act"] == "拟认定公示":
        life.publicity = notice
        start, end = (dates.cn_date(notice.data["publicity"][k]) for k in ("start", "end"))
        life.steps.append(Step(_day(notice.data["publicity"]["start"]), PUBLICITY, notice,
                               f"拟认定公示（公示期 {start}至{end}）"))
        life.decision = next(iter(records.decisions(notice.id)), None)
    decision = life.decision
    if decision is None:
        return
    on = _day(decision.data["written_on"])
    if base.id in decision.data.get("withdrawn", ()) or records.identity(base.id) in decision.data.get("withdrawn", ()):
        life.steps.append(Step(on, WITHDRAWN, decision, f"公示后未予认定（{decision.data.get('objection', '')}）"))
        return
    batch = decision.data.get("batch") if decision is not base else base.data.get("batch")
    life.steps.append(Step(on, VALID, decision, "认定为培训基地" + (f"（第 {batch} 批）" if batch else "")))


def _too_early(life: Lifecycle, on: date) -> str:
    name = life.base.data["name"]
    if life.accredited_on is not None:
        return f"成文日期 {on} 早于基地「{name}」的认定日期 {life.accredited_on}"
    if life.publicity is not None:
        return f"基地「{name}」尚在公示中（拟认定），认定决定作出前不能评估或取消（成文日期 {on}）"
    return f"基地「{name}」没有认定决定，不能评估或取消（成文日期 {on}）"


def _written(records: RecordSet, record: Record) -> date:
    """The decision date (成文日期) of a notice or of the notice that lists it."""
    return _day(records.envelope(record)["written_on"])


def _day(value: str) -> date:
    day = dates.parse(value)
    assert day is not None  # the schema guarantees a valid date on valid records
    return day


def _current_version(base_id: str, records: RecordSet) -> Record:
    record = records.get(base_id)
    assert record is not None
    seen = {record.id}
    while (successors := records.successors(record.id)) and successors[0].id not in seen:
        record = successors[0]  # a cycle is reported by ref-correction; stop at its first repeat
        seen.add(record.id)
    return record


def _events(base_id: str, records: RecordSet) -> list[Record]:
    # An item whose notice is missing or invalid has no date: ref-missing or the schema says why.
    found = [r for r in records.events(base_id) if not r.is_member or records.notice_of(r) is not None]
    return sorted(found, key=lambda r: (_written(records, r), r.kind, r.id))


def _advance(life: Lifecycle, *, through: date) -> None:
    """Apply the changes that time alone makes, in order, up to and including `through`."""
    while (step := _next_by_time(life)) is not None and step.on <= through:
        life.steps.append(step)


def _next_by_time(life: Lifecycle) -> Step | None:
    if not life.steps:
        return None
    last, base = life.steps[-1], life.base
    if last.status in (PUBLICITY, WITHDRAWN):
        return None  # a 公示 ends in a decision, never by time alone
    decision = life.decision.data if life.decision is not None else {}
    until = dates.parse(base.data.get("valid_until") or decision.get("valid_until"))
    if until is not None and last.status not in (REVOKED, EXPIRED):
        expiry = Step(until + timedelta(days=1), EXPIRED, life.decision or base,
                      f"有效期至 {dates.cn_date(until)}，已届满")
    else:
        expiry = None
    if last.status == RECTIFYING and last.deadline is not None:
        overdue = Step(last.deadline + timedelta(days=1), OVERDUE, last.record,
                       f"整改期限 {dates.cn_date(last.deadline)} 已过，未经复查", last.deadline)
        if expiry is None or overdue.on <= expiry.on:
            return overdue
    return expiry


def _evaluate(life: Lifecycle, event: Record, on: date) -> None:
    state = life.steps[-1]
    kind, result = event.data["type"], event.data["result"]
    deadline = dates.parse(event.data.get("deadline"))
    if state.status in (REVOKED, EXPIRED):
        what = "取消资格" if state.status == REVOKED else "有效期届满"
        life.violations.append(Violation(event, ("base",), "base-after-revocation",
                                          f"基地已于 {state.on} {what}，其后不能再评估"))
        return
    if state.status == FAILED:
        life.violations.append(Violation(
            event, ("type",), "base-reinspection",
            f"基地已于 {state.on} 复查不合格，下一步应为取消资格（第二十五条），不能再评估"))
        return
    if kind == "评估验收":
        if state.status in (RECTIFYING, OVERDUE):
            life.violations.append(Violation(
                event, ("type",), "base-reinspection",
                f"基地当时为「{state.status}」，此次评估应为「整改复查」"))
            return
        if result == "不合格":
            life.violations.append(Violation(
                event, ("result",), "base-evaluation-result",
                "评估验收不符合要求的，应责令限期整改（第二十五条）：结果应为「限期整改」并填写整改期限"))
            return
    elif state.status not in (RECTIFYING, OVERDUE):
        life.violations.append(Violation(
            event, ("type",), "base-reinspection",
            f"基地当时为「{state.status}」，没有待复查的限期整改"))
        return
    elif result == "限期整改":
        life.violations.append(Violation(
            event, ("result",), "base-evaluation-result",
            "经整改仍不符合要求的，应取消资格（第二十五条），不能再次限期整改：复查结果应为「合格」或「不合格」"))
        return
    else:
        evaluated = dates.parse(event.data["evaluated_on"])
        if state.deadline is not None and evaluated is not None and evaluated > state.deadline:
            life.violations.append(Violation(
                event, ("evaluated_on",), "base-late-reinspection",
                f"复查日期 {evaluated} 晚于整改期限 {state.deadline}（逾期不整改的应取消资格）"))
    if result == "合格":
        note = f"{kind}：合格" + ("，整改完成" if kind == "整改复查" else "")
        life.steps.append(Step(on, VALID, event, note))
    elif result == "限期整改":
        life.steps.append(Step(on, RECTIFYING, event, f"{kind}：限期整改（期限 {dates.cn_date(deadline)}）", deadline))
    else:
        life.steps.append(Step(on, FAILED, event, "整改复查：不合格"))


_GROUNDS = {"逾期不整改": OVERDUE, "整改后仍不符合要求": FAILED}


def _revoke(life: Lifecycle, event: Record, on: date, announcement: dict[str, Any] | None) -> None:
    state = life.steps[-1]
    reason = event.data["reason"]
    if state.status in (REVOKED, EXPIRED):
        why = "取消资格，不能再次取消" if state.status == REVOKED else "有效期届满，资格已终止，无需取消"
        life.violations.append(Violation(event, ("base",), "base-after-revocation", f"基地已于 {state.on} {why}"))
        return
    if reason == "其他":
        life.violations.append(Violation(
            event, ("reason",), "base-revocation-other",
            "以「其他」原因取消资格，不属第二十五条所列情形，请审核人核对原因说明和法律依据"))
    elif state.status != _GROUNDS[reason]:
        life.violations.append(Violation(
            event, ("reason",), "base-revocation-grounds",
            f"取消原因为「{reason}」，但基地当时为「{state.status}」；"
            f"第二十五条只允许在「{_GROUNDS[reason]}」时以此原因取消"))
    elif event.data.get("evaluation") not in (None, state.record.id):
        life.violations.append(Violation(
            event, ("evaluation",), "base-revocation-grounds",
            f"依据评估应为导致「{state.status}」的评估 {state.record.id}"))
    told = (f"；{announcement['medium']} {dates.cn_date(announcement['published_on'])}公告"
            if announcement else "")
    life.steps.append(Step(on, REVOKED, event, f"取消资格：{reason}{told}"))
