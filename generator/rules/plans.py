"""年度专业科目培训计划 (Art. 16): filed in the first quarter, once, by every department due, and
offering at least the professional-subject hours the year requires."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.refdata import hours_for_year
from generator.rules.context import Context, each_with_others

# A department that filed nothing is accounted for when a circular of that year names it so.
MISSING_FINDINGS = frozenset({"未制定培训计划", "未报送备案"})


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): plans by department and year,
# the departments due, and the circulars that name one missing.
READS = frozenset({"year", "department", "filed_on", "courses", "type", "name", "scope", "subjects"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    filed: dict[tuple[str, int], list[Record]] = defaultdict(list)
    for plan in ctx.records.current("plans"):
        year = plan.data["year"]
        filed[(plan.data["department"], year)].append(plan)
        on = dates.parse(plan.data["filed_on"])
        if on is not None and on > date(year, 3, 31):
            yield plan.diag(("filed_on",), "plan-late",
                            f"「报送日期」{on} 晚于 {year} 年第一季度；第十六条要求每年年初报送")
        yield from _hours(ctx, plan)
    for (department, year), plans in filed.items():
        for plan, others in each_with_others(plans):
            yield plan.diag(("department",), "plan-duplicate",
                            f"「{_name(ctx, department)}」{year} 年度的培训计划同时见于 {others}；"
                            "每年只备案一份；后报送的如是修改，请用 corrects 或 supersedes 指向先报送的那份")
    # A plan the schema rejected was still filed: do not also call its department missing.
    filed_keys = set(filed) | {
        (p.data.get("department"), p.data.get("year")) for p in ctx.records.all
        if p.kind == "plans" and isinstance(p.data.get("department"), str) and isinstance(p.data.get("year"), int)
    }
    yield from _missing(ctx, filed_keys)


def _missing(ctx: Context, filed: set[tuple[object, object]]) -> Iterator[Diagnostic]:
    # Only years the schema would accept start the count: a rejected plan dated 0 or 1e9 must not.
    years = [year for _, year in filed if isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100]
    if not years:
        return
    listed = {
        (subject["organization"], circular.data["year"])
        for circular in ctx.records.current("circulars")
        if circular.data["scope"] == "行业主管部门"
        for subject in circular.data["subjects"]
        if MISSING_FINDINGS & set(subject.get("findings", []))
    }
    first = min(years)
    due_years = [y for y in range(first, ctx.as_of.year + 1) if ctx.as_of > date(y, 3, 31)]
    for department in ctx.records.valid("organizations"):
        if department.data["type"] != "行业主管部门":
            continue
        for year in due_years:
            key = (department.id, year)
            if key not in filed and key not in listed:
                yield department.diag(("type",), "plan-missing",
                                      f"「{_name(ctx, department.id)}」{year} 年度未备案专业科目培训计划，"
                                      "也未在当年考核通报中列为未报送（第十六、十九条）")


def _hours(ctx: Context, plan: Record) -> Iterator[Diagnostic]:
    """All the plan's courses together offer fewer hours than one professional must take in
    professional subjects that year: nobody can meet the requirement through this plan alone."""
    requirement = hours_for_year(plan.data["year"])
    if requirement is None:
        return
    total = sum(course["hours"] for course in plan.data["courses"])
    if total < requirement.professional_minimum:
        yield plan.diag(("courses",), "plan-hours",
                        f"「{ctx.title(plan, 'courses')}」合计 {total:g} 学时，少于 {plan.data['year']} 年度"
                        f"专业科目要求的 {requirement.professional_minimum} 学时（{requirement.cited}："
                        f"{requirement.summary()}）；请核对计划是否完整，或在拉取请求中说明其余学时的来源")


def _name(ctx: Context, org_id: str) -> str:
    org = ctx.records.get(org_id)
    return str(org.data.get("name", org_id)) if org is not None else org_id
