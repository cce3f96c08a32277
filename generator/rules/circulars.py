"""考核通报: findings from the right article, and the Art. 23 cut to a failed unit's 优秀 quota."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context

# Art. 19: what an inspection of an industry department can find.
DEPARTMENT_FINDINGS = frozenset({
    "未配备专兼职人员", "未制定培训计划", "未报送备案", "计划未执行",
    "工作不力", "证书管理不规范", "登记失实", "把关不严",
})
# Art. 22: what a spot check of an enterprise or institution looks at.
UNIT_FINDINGS = frozenset({
    "负责人不重视", "管理部门和责任人不明确", "单位培训计划未制定或未实施",
    "未组织参加公共科目培训", "登记考核不规范", "经费未落实",
})
QUOTA_CUT = (1, 2)  # Art. 23: 核减1%—2%


# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): who was inspected and what was
# found.
READS = frozenset({"scope", "subjects"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    for circular in ctx.records.valid("circulars"):
        units = circular.data["scope"] == "企事业单位"
        allowed, article = (UNIT_FINDINGS, "第二十二条") if units else (DEPARTMENT_FINDINGS, "第十九条")
        for i, subject in enumerate(circular.data["subjects"]):
            for j, finding in enumerate(subject.get("findings", [])):
                if finding not in allowed:
                    yield circular.diag(("subjects", i, "findings", j), "circular-findings",
                                        f"「{finding}」不是{article}对{circular.data['scope']}所列的问题",
                                        hint="可选：" + "、".join(sorted(allowed)))
            yield from _quota(circular, i, subject, units)


def _quota(circular: Record, i: int, subject: dict[str, Any], units: bool) -> Iterator[Diagnostic]:
    cut = subject.get("quota_cut")
    failed_unit = units and subject["result"] == "不合格"
    low, high = QUOTA_CUT
    if failed_unit and cut is None:
        yield circular.diag(("subjects", i), "circular-quota-cut",
                            "抽查不合格的单位须填写「优秀比例核减」（第二十三条：核减 1%—2%）")
    elif cut is not None and not failed_unit:
        yield circular.diag(("subjects", i, "quota_cut"), "circular-quota-cut",
                            "「优秀比例核减」只适用于抽查不合格的企事业单位（第二十三条）")
    elif cut is not None and not low <= cut <= high:
        yield circular.diag(("subjects", i, "quota_cut"), "circular-quota-cut",
                            f"「优秀比例核减」{cut} 超出第二十三条规定的 {low}%—{high}%")
