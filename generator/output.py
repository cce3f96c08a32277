"""Render diagnostics as text, GitHub annotations, JSON, a GitLab Code Quality report or JUnit XML,
chosen from FORMATS."""

from __future__ import annotations

import hashlib
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from generator.diagnostics import Diagnostic


def render_text(diags: Sequence[Diagnostic]) -> str:
    # records/bases/b-001.yaml:12:3: error: 「所在地区」取值无效 [base-district]
    return "".join(_line(f"{d.location.path}:{d.location.line}:{d.location.col}", d) for d in diags)


def render_cells(diags: Sequence[Diagnostic]) -> str:
    """Problems of a sheet (jxjy import), each at a cell or, where the column is 0, a row:
    名单.xlsx:Sheet1!C7: error: … [sheet-name], 名单.xlsx:Sheet1!7: error: … [schema-enum]."""
    return "".join(_line(f"{d.location.path}!{cell_name(d.location.col, d.location.line)}", d) for d in diags)


def cell_name(column: int, row: int) -> str:
    """Excel's name of a cell, C7 (the column's letters: A … Z, AA …); the row alone, 7, for column 0."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def _line(where: str, d: Diagnostic) -> str:
    # A file name may hold a line break or a terminal escape: both are shown, never obeyed.
    return f"{visible(where)}: {d.severity}: {visible(_one_line(d.text))} [{d.rule}]\n"


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


_MENTION = re.compile(r"@[A-Za-z0-9][\w./-]*")
_MARKDOWN = re.compile(r"([\\`*_\[\]~|#!])")


def md_inline(text: str, limit: int | None = None) -> str:
    """Text as inline Markdown that shows as written on GitHub and GitLab: no HTML, links,
    emphasis, table breaks or @mentions (an organization's submitters must not be pinged)."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    out = []
    last = 0
    for match in _MENTION.finditer(text):
        out.append(_md_escape(text[last: match.start()]))
        out.append(f"`{match.group()}`")  # code spans are never mentions
        last = match.end()
    out.append(_md_escape(text[last:]))
    return "".join(out)


def _md_escape(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def render_summary(diags: Sequence[Diagnostic], files: int) -> str:
    """Every problem as a Markdown table, for a CI job summary (nothing is cut)."""
    lines = ["### 记录校验", "", summary(diags, files).strip(), ""]
    if diags:
        lines += ["| 位置 | 级别 | 问题 | 规则 |", "|---|---|---|---|"]
        lines += [f"| {md_inline(f'{d.location.path}:{d.location.line}:{d.location.col}')} | "
                  f"{'错误' if d.severity == 'error' else '警告'} | {md_inline(d.text)} | {md_inline(d.rule)} |"
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


def render_codeclimate(diags: Sequence[Diagnostic]) -> str:
    """GitLab's Code Quality report (a subset of Code Climate's issue format), for
    artifacts:reports:codequality. The merge request widget compares the target branch's report with
    this one by fingerprint, so the fingerprint leaves out the line: a problem that only moved keeps
    its identity."""
    issues = [
        {
            "description": _one_line(d.text),
            "check_name": d.rule,
            "fingerprint": _fingerprint(d, occurrence),
            "severity": _CODE_QUALITY_SEVERITY[d.severity],
            "location": {"path": d.location.path, "lines": {"begin": d.location.line}},
        }
        for d, occurrence in _occurrences(diags)
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def render_junit(diags: Sequence[Diagnostic]) -> str:
    """JUnit XML for artifacts:reports:junit (GitLab, Jenkins): one test case per problem, named by
    its file (classname) and rule and message (name). An error is a failed test case; a warning,
    which does not fail validation, passes and carries its message as output. GitLab tells test
    cases apart by classname and name, so the line stays out of both and a repeated problem is
    numbered."""
    errors = sum(d.severity == "error" for d in diags)
    suite = ET.Element("testsuite", name="jxjy validate", tests=str(len(diags)),
                       failures=str(errors), errors="0", skipped="0")
    for d, occurrence in _occurrences(diags):
        name = f"[{d.rule}] {_one_line(d.text)}" + (f"（第 {occurrence} 处）" if occurrence > 1 else "")
        case = ET.SubElement(suite, "testcase", classname=_xml_text(d.location.path), name=_xml_text(name),
                             file=_xml_text(d.location.path), time="0")
        located = _xml_text(render_text([d]))
        if d.severity == "error":
            ET.SubElement(case, "failure", type="error", message=located.rstrip("\n")).text = located
        else:
            ET.SubElement(case, "system-out").text = located
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def summary(diags: Sequence[Diagnostic], files: int) -> str:
    """One Chinese line for the end of a text report."""
    errors = sum(d.severity == "error" for d in diags)
    warnings = len(diags) - errors
    return f"已检查 {files} 个文件：{errors} 个错误，{warnings} 个警告。\n"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


# C0 and C1 control characters and Unicode's line and paragraph separators: in a line-based
# report they would start a new line or drive the terminal.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def visible(text: str) -> str:
    """`text` with every unprintable character written as an escape: a line break as \\x0a."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _data(text: str) -> str:
    # actions/toolkit packages/core/src/command.ts escapeData
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    # actions/toolkit packages/core/src/command.ts escapeProperty
    return _data(text).replace(":", "%3A").replace(",", "%2C")


_CODE_QUALITY_SEVERITY = {"error": "major", "warning": "minor"}
# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _occurrences(diags: Sequence[Diagnostic]) -> Iterator[tuple[Diagnostic, int]]:
    """Each diagnostic with its number among the same problem (file, rule, text) in the report."""
    seen: Counter[tuple[str, str, str]] = Counter()
    for d in diags:
        key = (d.location.path, d.rule, d.text)
        seen[key] += 1
        yield d, seen[key]


def _fingerprint(d: Diagnostic, occurrence: int) -> str:
    fields = (d.location.path, d.rule, d.text, str(occurrence))
    # surrogateescape: a file name that is not UTF-8 is hashed as the bytes it is on disk
    return hashlib.sha256("\0".join(fields).encode("utf-8", "surrogateescape")).hexdigest()


def _xml_text(text: str) -> str:
    # ElementTree escapes markup (& < > and quotes); characters XML cannot hold are shown by code point.
    return _XML_ILLEGAL.sub(lambda m: f"U+{ord(m[0]):04X}", text)


FORMATS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": render_text,
    "github": render_github,
    "json": render_json,
    "codeclimate": render_codeclimate,
    "junit": render_junit,
}
