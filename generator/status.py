"""A training base's status as of a date: the only place it is computed.

Status is never stored. It is a fold over the base's accreditation and the evaluations and
revocations that name it (corrected or superseded notices replaced by their successors),
in order of their decision dates (成文日期), following Art. 25 of 常人社发〔2011〕11号:

    认定 -> 有效 --评估验收 合格--> 有效
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

from generator import dates
from generator.records import Record, RecordSet

PUBLICITY = "公示中"
VALID = "有效"
RECTIFYING = "整改中"
OVERDUE = "逾期未整改"
FAILED = "复查不合格"
REVOKED = "已取消"
EXPIRED = "已到期"
STATUSES = (PUBLICITY, VALID, RECTIFYING, OVERDUE, FAILED, REVOKED, EXPIRED)
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
    base: Record  # the current version of the base's accreditation
    steps: list[Step] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

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
    accredited = dates.parse(base.data["written_on"])
    assert accredited is not None  # the schema guarantees a valid date on valid records
    first = PUBLICITY if base.data.get("publicity") else VALID
    life.steps.append(Step(accredited, first, base, "认定公示" if first == PUBLICITY else "认定为培训基地"))
    for event in _events(base_id, records):
        on = dates.parse(event.data["written_on"])
        assert on is not None
        _advance(life, through=on)
        if on < accredited:
            life.violations.append(Violation(
                event, ("written_on",), "base-event-order",
                f"成文日期 {on} 早于基地「{base.data['name']}」的认定日期 {accredited}"))
        elif event.kind == "evaluations":
            _evaluate(life, event, on)
        else:
            _revoke(life, event, on)
    _advance(life, through=as_of)
    return life


def _current_version(base_id: str, records: RecordSet) -> Record:
    record = records.get(base_id)
    assert record is not None
    seen = {record.id}
    while (successors := records.successors(record.id)) and successors[0].id not in seen:
        record = successors[0]  # a cycle is reported by ref-correction; stop at its first repeat
        seen.add(record.id)
    return record


def _events(base_id: str, records: RecordSet) -> list[Record]:
    return sorted(records.events(base_id), key=lambda r: (r.data["written_on"], r.kind, r.id))


def _advance(life: Lifecycle, *, through: date) -> None:
    """Apply the changes that time alone makes, in order, up to and including `through`."""
    while (step := _next_by_time(life)) is not None and step.on <= through:
        life.steps.append(step)


def _next_by_time(life: Lifecycle) -> Step | None:
    last, base = life.steps[-1], life.base
    if last.status == PUBLICITY:
        ends = dates.parse(base.data["publicity"]["end"])
        assert ends is not None
        return Step(ends + timedelta(days=1), VALID, base, "公示期满，认定生效")
    until = dates.parse(base.data.get("valid_until"))
    if until is not None and last.status not in (REVOKED, EXPIRED):
        expiry = Step(until + timedelta(days=1), EXPIRED, base, f"有效期至 {dates.cn_date(until)}，已届满")
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


def _revoke(life: Lifecycle, event: Record, on: date) -> None:
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
    announcement = event.data["announcement"]
    life.steps.append(Step(on, REVOKED, event, f"取消资格：{reason}；{announcement['medium']} "
                                                f"{dates.cn_date(announcement['published_on'])}公告"))
