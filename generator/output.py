"""Render diagnostics as text, GitHub annotations or JSON, chosen from FORMATS."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from generator.changes import md_text
from generator.diagnostics import Diagnostic


def render_text(diags: Sequence[Diagnostic]) -> str:
    # records/bases/b-001.yaml:12:3: error: 「所在地区」取值无效 [base-district]
    return "".join(
        f"{d.location.path}:{d.location.line}:{d.location.col}: "
        f"{d.severity}: {_one_line(d.text)} [{d.rule}]\n"
        for d in diags
    )


# GitHub shows at most 10 error and 10 warning annotations of one step and drops the rest unseen.
ANNOTATIONS_PER_LEVEL = 10


def render_github(diags: Sequence[Diagnostic]) -> str:
    """Workflow commands, at most ANNOTATIONS_PER_LEVEL a level in the order given (put the pull
    request's own files first), and one notice saying how many more there are and where."""
    lines, counts = [], {"error": 0, "warning": 0}
    for d in diags:
        counts[d.severity] += 1
        if counts[d.severity] <= ANNOTATIONS_PER_LEVEL:
            lines.append(f"::{d.severity} file={_prop(d.location.path)},line={d.location.line},"
                         f"col={d.location.col},title={_prop(d.rule)}::{_data(d.text)}\n")
    rest = len(diags) - len(lines)
    if rest:
        lines.append(f"::notice title=jxjy validate::另有 {rest} 个问题未在代码行上标注（GitHub 每步每级最多显示 "
                     f"{ANNOTATIONS_PER_LEVEL} 个），全部问题见任务摘要。\n")
    return "".join(lines)


def render_summary(diags: Sequence[Diagnostic], files: int) -> str:
    """Every problem as a Markdown table, for a CI job summary (nothing is cut)."""
    lines = ["### 记录校验", "", summary(diags, files).strip(), ""]
    if diags:
        lines += ["| 位置 | 级别 | 问题 | 规则 |", "|---|---|---|---|"]
        lines += [f"| {md_text(f'{d.location.path}:{d.location.line}:{d.location.col}', None)} | "
                  f"{'错误' if d.severity == 'error' else '警告'} | {md_text(d.text, None)} | {md_text(d.rule, None)} |"
                  for d in diags]
        lines.append("")
    return "\n".join(lines) + "\n"


def render_json(diags: Sequence[Diagnostic]) -> str:
    rows = [
        {
            "path": d.location.path,
            "line": d.location.line,
            "col": d.location.col,
            "severity": d.severity,
            "rule": d.rule,
            "message": d.message,
            "hint": d.hint,
        }
        for d in diags
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def summary(diags: Sequence[Diagnostic], files: int) -> str:
    """One Chinese line for the end of a text report."""
    errors = sum(d.severity == "error" for d in diags)
    warnings = len(diags) - errors
    return f"已检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。\n"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _data(text: str) -> str:
    # actions/toolkit packages/core/src/command.ts escapeData
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    # actions/toolkit packages/core/src/command.ts escapeProperty
    return _data(text).replace(":", "%3A").replace(",", "%2C")


FORMATS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": render_text,
    "github": render_github,
    "json": render_json,
}
