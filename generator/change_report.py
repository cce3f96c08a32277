"""The change report as a reviewer reads it: Chinese Markdown for a pull-request comment or a job
summary, and JSON. Every value from a record is escaped (md_text): no HTML, links, emphasis, table
breaks or @mentions reach the page.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from generator import dates
from generator.changes import (
    FILE_STATUS,
    SITE_CONFIG,
    SITE_EFFECTS,
    SITE_FILES,
    ChangeReport,
    FieldChange,
)
from generator.comparison import MISSING, RecordRef
from generator.diagnostics import Diagnostic
from generator.kinds import KIND
from generator.output import md_inline
from generator.records import KIND_TITLES, NOTICE_KINDS

MAX_VALUE = 200  # characters of a value shown in the Markdown report
MAX_CORRECTED = 10  # corrected fields listed under one correction
def md_text(value: Any, limit: int | None = MAX_VALUE) -> str:
    """A record value as inline Markdown that shows as written (generator.output.md_inline)."""
    return md_inline(_plain(value), limit)


def _plain(value: Any) -> str:
    if value is MISSING:
        return "（无）"
    if value is None:
        return "（空）"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "、".join(_plain(v) for v in value) if value else "（空列表）"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _ref_md(ref: RecordRef) -> str:
    return f"「{md_text(ref.label, None)}」（{md_text(ref.id, None)}）"  # an id is a file name: anything


def _code_md(text: str) -> str:
    """A code span on one line: a path or ref can hold a backtick or a line break."""
    return "`" + re.sub(r"[\r\n]+", " ", text.replace("`", "'")) + "`"


def render_markdown(report: ChangeReport) -> str:
    """The change report as Chinese Markdown, for a pull-request comment."""
    head = _code_md(report.head) if report.head is not None else "工作区（未提交的改动）"
    lines = ["## 变更报告", "",
             f"{_code_md(report.base)} → {head}，以 {dates.cn_date(report.as_of)}为准。", ""]
    lines += ["### 公众将看到的变化", ""]
    public = _public_lines(report)
    lines += public or ["网站上公众可见的内容没有变化。"]
    lines.append("")
    lines += ["### 新增记录", ""]
    colliding = {c.path for c in report.collisions}
    lines += [f"- {KIND_TITLES[r.kind]}：{_ref_md(r)}，{_code_md(r.path)}"
              + ("（编号与目标分支撞号，须改号，见「只增检查」）" if r.path in colliding else "")
              for r in report.added] or ["无。"]
    lines.append("")
    lines += ["### 修改记录", ""]
    if not report.changed:
        lines += ["无。", ""]
    for change in report.changed:
        lines += [f"#### {KIND_TITLES[change.record.kind]}：{_ref_md(change.record)}", "",
                  _code_md(change.record.path), ""]
        if not change.fields:
            lines += ["只改动了注释或格式，内容不变。", ""]
            continue
        lines += ["| 字段 | 原值 | 新值 |", "|---|---|---|"]
        lines += [f"| {md_text(f.title, None)}（{_code_md(f.code)}） | {md_text(f.old)} | {md_text(f.new)} |"
                  for f in change.fields]
        lines.append("")
    lines += ["### 改名或移动的记录", ""]
    if not report.renamed:
        lines += ["无。", ""]
    for r in report.renamed:
        lines += [f"#### {KIND_TITLES[r.old.kind]}：{_ref_md(r.old)} → {md_text(r.new.id, None)}", "",
                  f"{_code_md(r.old.path)} → {_code_md(r.new.path)}", ""]
        if report.published(r.old):
            lines += ["公告的编号和文件位置就是它的永久网址；已发布的公告不能改名或移动（见「只增检查」）。", ""]
        if r.fields:
            lines += ["其余改动：", "", "| 字段 | 原值 | 新值 |", "|---|---|---|"]
            lines += [f"| {md_text(f.title, None)}（{_code_md(f.code)}） | {md_text(f.old)} | {md_text(f.new)} |"
                      for f in r.fields]
            lines.append("")
    lines += ["### 删除记录", ""]
    lines += [f"- {KIND_TITLES[r.kind]}：{_ref_md(r)}，{_code_md(r.path)}" for r in report.removed] or ["无。"]
    lines.append("")
    if report.other_files:
        lines += ["### 其他文件", "", "以下文件无法作为记录读取或不在记录目录结构内，见校验结果：", ""]
        lines += [f"- {_code_md(p)}" for p in report.other_files]
        lines.append("")
    lines += ["### 记录以外的文件", ""]
    if report.outside:
        lines += [_site_rule(), ""]
        lines += [f"- {FILE_STATUS[f.status]} {_code_md(f.path)}：{f.effect_title}" for f in report.outside]
        if report.settings:
            lines += ["", f"{_code_md(SITE_CONFIG)} 中改动的设置：", "", "| 设置 | 原值 | 新值 |", "|---|---|---|"]
            lines += [f"| {_code_md(f.code)} | {md_text(f.old)} | {md_text(f.new)} |" for f in report.settings]
    else:
        lines.append("无。")
    lines.append("")
    lines += ["### 只增检查", ""]
    if report.append_only:
        lines += [f"未通过：{len(report.append_only)} 处违反只增规则（`jxjy diff --check` 以 1 退出，不能合并）：", ""]
        lines += [_diagnostic_md(d) for d in report.append_only]
    else:
        lines.append("通过：已发布的公告只有新增，没有被修改、删除或改名，也没有重复使用编号。")
    lines.append("")
    lines += ["### 校验结果", "",
              f"已检查 {report.files} 个文件：{report.errors} 个错误，{report.warnings} 个警告。", ""]
    if report.diagnostics:
        lines += ["改动的文件上的问题：", ""]
        lines += [_diagnostic_md(d) for d in report.diagnostics]
        lines.append("")
    elif report.errors or report.warnings:
        lines += ["改动的文件上没有问题（其余问题在未改动的文件上）。", ""]
    return "\n".join(lines)


def _site_rule() -> str:
    """SITE_FILES in words: which files change the public site."""
    def paths(effect: str) -> str:
        return "、".join(_code_md(p) for p, e in SITE_FILES if e == effect)
    return (f"{paths('site')} 是网站的内容、配置、模板和公开的数据规范，改动即{SITE_EFFECTS['site']}；"
            f"其余的 {paths('program')} 是生成网站的程序及其依赖，改动{SITE_EFFECTS['program']}；"
            f"不在以上之列的文件（如 `tests/`、`.github/`）{SITE_EFFECTS[None]}。")


def _diagnostic_md(d: Diagnostic) -> str:
    level = "错误" if d.severity == "error" else "警告"
    where = f"{d.location.path}:{d.location.line}:{d.location.col}"
    return f"- {level} {_code_md(where)}：{md_text(d.text, None)}〔{_code_md(d.rule)}〕"


def _public_lines(report: ChangeReport) -> list[str]:
    lines = []
    for c in report.collisions:
        then = f"改用 {md_text(c.suggestion, None)}" if c.suggestion else "另取新编号"
        lines.append(f"- 编号撞号：本分支的 {_code_md(c.path)} 和目标分支上已有的{KIND_TITLES[c.theirs.kind]}"
                     f"{_ref_md(c.theirs)}都是两个分支分开后新建的，编号相同；照此合并会用本分支的记录覆盖它。"
                     f"请把本分支的记录{then}")
    for s in report.statuses:
        name = md_text(s.name, None)
        if s.old is None:
            lines.append(f"- 新增基地「{name}」：{s.new}")
        elif s.new is None:
            lines.append(f"- 基地「{name}」不再列出（原为{s.old}）")
        else:
            lines.append(f"- 基地「{name}」：{s.old} → {s.new}")
    notices = report.new_notices
    if notices:
        counts = Counter(r.kind for r in notices)
        summary = "、".join(f"{KIND[k].noun} {counts[k]} 份" for k in NOTICE_KINDS if counts[k])
        lines.append(f"- 新增{summary}：")
        for r in sorted(notices, key=lambda r: (NOTICE_KINDS.index(r.kind), r.id)):
            day = dates.parse(r.published_on)
            when = ""
            if day is not None:
                when = f"，{dates.cn_date(day)}发布" if day <= report.as_of else f"，将于 {dates.cn_date(day)}发布"
            lines.append(f"  - {KIND_TITLES[r.kind]}：{_ref_md(r)}{when}")
    for fix in report.corrections:
        target = _ref_md(fix.target) if fix.target else md_text(fix.target_id, None)
        lines.append(f"- {target}被{fix.how}，见{_ref_md(fix.record)}" + ("：" if fix.fields else ""))
        for f in fix.fields[:MAX_CORRECTED]:
            lines.append(f"  - {md_text(f.title, None)}：{md_text(f.old)} → {md_text(f.new)}")
        if len(fix.fields) > MAX_CORRECTED:
            lines.append(f"  - 另有 {len(fix.fields) - MAX_CORRECTED} 处改动")
    for p in report.publicity:
        period = f"公示期 {dates.cn_date(p.start)}至{dates.cn_date(p.end)}，公示截止 {dates.cn_date(p.end)}"
        if p.old_end is not None and p.old_end != p.end:
            period += f"（原截止 {dates.cn_date(p.old_end)}）"
        lines.append(f"- {_ref_md(p.record)}：{period}")
    for a in report.attachments:
        of = f"{KIND_TITLES[a.record.kind]}{_ref_md(a.record)}的" if a.record is not None else ""
        title = f"「{md_text(a.title, None)}」" if a.title else ""
        digest = f"，SHA-256 {_code_md(a.sha256)}" if a.sha256 else ""
        facts = f"（{a.size} 字节{digest}）" if a.size is not None else ""
        lines.append(f"- {FILE_STATUS[a.status]}{of}附件{title} {_code_md(a.path)}{facts}")
    for r in report.withdrawn_notices:
        lines.append(f"- {KIND_TITLES[r.kind]}{_ref_md(r)}将从网站撤下")
    for moved in report.renamed:
        how = (f"改名为 {md_text(moved.new.id, None)}" if moved.new.id != moved.old.id
               else f"移到 {_code_md(moved.new.path)}")
        lines.append(f"- {KIND_TITLES[moved.old.kind]}{_ref_md(moved.old)}{how}"
                     + ("，原网址将失效" if report.published(moved.old) else ""))
    # every record is published in the open data: a change the lines above do not tell is still seen
    for r in report.added:
        if r.kind == "organizations":
            lines.append(f"- 新增机构{_ref_md(r)}")
    for r in report.removed:
        if r.kind == "organizations":
            lines.append(f"- 机构{_ref_md(r)}不再列出")
    for change in report.changed:
        if change.fields:
            lines.append(f"- {KIND_TITLES[change.record.kind]}{_ref_md(change.record)}的内容有改动，"
                         "网页和开放数据随之更新（见「修改记录」）")
    if site := report.outside_by_effect("site"):
        lines.append("- 网站文件有改动，网站随之改变（见「记录以外的文件」）："
                     + "、".join(_code_md(f.path) for f in site))
    if program := report.outside_by_effect("program"):
        lines.append("- 生成网站的程序或依赖有改动，生成的页面可能改变，请查看预览网站："
                     + "、".join(_code_md(f.path) for f in program))
    return lines


def render_json(report: ChangeReport) -> str:
    """The change report as JSON (UTF-8 text, keys sorted)."""

    def ref(r: RecordRef | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {"kind": r.kind, "kind_title": KIND_TITLES[r.kind], "id": r.id, "path": r.path,
                "label": r.label, "published_on": r.published_on}

    def diagnostic(d: Diagnostic) -> dict[str, Any]:
        return {"path": d.location.path, "line": d.location.line, "col": d.location.col,
                "severity": d.severity, "rule": d.rule, "message": d.message, "hint": d.hint}

    def fieldchange(f: FieldChange) -> dict[str, Any]:
        return {"path": list(f.path), "field": f.code, "title": f.title,
                "old": None if f.old is MISSING else f.old, "new": None if f.new is MISSING else f.new,
                "change": "added" if f.old is MISSING else "removed" if f.new is MISSING else "changed"}

    data = {
        "base": report.base,
        "head": report.head,
        "as_of": report.as_of.isoformat(),
        "public": {
            "statuses": [{"base": s.base_id, "name": s.name, "old": s.old, "new": s.new} for s in report.statuses],
            "new_notices": [ref(r) for r in report.new_notices],
            "corrections": [{"record": ref(c.record), "target": c.target_id, "target_record": ref(c.target),
                             "how": c.how, "fields": [fieldchange(f) for f in c.fields]}
                            for c in report.corrections],
            "publicity": [{"record": ref(p.record), "start": p.start, "end": p.end,
                           "old_start": p.old_start, "old_end": p.old_end} for p in report.publicity],
            "withdrawn_notices": [ref(r) for r in report.withdrawn_notices],
            "attachments": [{"path": a.path, "status": a.status, "record": ref(a.record), "title": a.title,
                             "size": a.size, "sha256": a.sha256} for a in report.attachments],
            "renamed_notices": [{"old": ref(r.old), "new": ref(r.new)} for r in report.renamed_notices],
            "site_files": [f.path for f in report.outside_by_effect("site")],
            "program_files": [f.path for f in report.outside_by_effect("program")],
        },
        "added": [ref(r) for r in report.added],
        "removed": [ref(r) for r in report.removed],
        "changed": [
            {**(ref(c.record) or {}), "fields": [fieldchange(f) for f in c.fields]}
            for c in report.changed
        ],
        "renamed": [{"old": ref(r.old), "new": ref(r.new), "fields": [fieldchange(f) for f in r.fields]}
                    for r in report.renamed],
        "collisions": [{"id": c.id, "path": c.path, "theirs": ref(c.theirs), "suggestion": c.suggestion}
                       for c in report.collisions],
        "other_files": report.other_files,
        "settings": [fieldchange(f) for f in report.settings],
        "outside_records": [{"path": f.path, "status": f.status, "effect": f.effect, "effect_title": f.effect_title}
                            for f in report.outside],
        "validation": {
            "files": report.files,
            "errors": report.errors,
            "warnings": report.warnings,
            "diagnostics": [diagnostic(d) for d in report.diagnostics],
        },
        "append_only": {
            "passed": not report.append_only,
            "diagnostics": [diagnostic(d) for d in report.append_only],
        },
    }
    # default=str: a setting of mkdocs.yml may be a date, which JSON has no type for
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"

