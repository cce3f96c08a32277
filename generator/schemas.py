"""The JSON Schemas in schema/, compiled once, and their errors as located Chinese diagnostics."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

from generator import dates
from generator.diagnostics import Diagnostic
from generator.docnumber import suggest
from generator.errors import JxjyError
from generator.records import KINDS, Record
from generator.yamlio import clip

if TYPE_CHECKING:
    from referencing._core import Resolver

# `format: date` is ours in both validators, not each library's own: jsonschema-rs took the year
# 0000 that Python's calendar (and so jsonschema) refuses, and both took dates no decision can bear
# (generator.dates.EARLIEST .. LATEST). One function, so the two can never disagree on a date.
FORMATS = {"date": dates.is_record_date}
FORMAT_CHECKER = FormatChecker(Draft202012Validator.FORMAT_CHECKER.checkers)
for _name, _check in FORMATS.items():
    FORMAT_CHECKER.checks(_name)(_check)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """`pattern` as ECMA-262 reads it: `$` ends the text (Python's `$` also matches before a final
    newline, so "base-2020-001\n" would pass as an id). The Rust validator agrees."""
    if validator.is_type(instance, "string") and not re.search(_ECMA_END.sub(r"\1\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_ECMA_END = re.compile(r"((?:^|[^\\])(?:\\\\)*)\$")  # a `$` not escaped by a backslash

# JSON Schema counts 2025.0 as an integer; a year, a count or an hour total written as a float is a
# typing slip in YAML, so only real integers pass (bool is never one).
Validator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)
RULE_KEYWORD = "x-jxjy-rule"  # a schema node naming the rule its pattern failure belongs to
REASON_KEYWORD = "x-jxjy-reason"  # a `not: {required}` node naming why the field may not be there

# Why a field may not be filled in, by the REASON_KEYWORD of the node that forbids it.
_FORBIDDEN_BECAUSE = {
    "member-envelope": "填了「所属公告」的记录是名单公告中的一项，公文要素（发文字号、发文机关、日期、索引号等）"
                       "只写在所属公告中，本记录不再填写",
    "base-publicity": "拟认定公示是一份单独的公告：请把公示写成名单公告（records/notices，公告事项「拟认定公示」），"
                      "基地用「所属公告」指向它，认定决定另发（旧记录可用 jxjy migrate 转换）",
    "publicity-own-notice": "公示期只属于「拟认定公示」；公示后作出的认定决定用「依据公示」指向那份公示",
}

_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "键值映射",
    "null": "空值",
}


def has_float(node: Any) -> bool:
    """Whether a float sits anywhere in `node`: JSON Schema (and the Rust validator) count 2025.0
    as an integer, our Validator does not, so such records take the Python path."""
    if isinstance(node, dict):
        return any(has_float(value) for value in node.values())
    if isinstance(node, list):
        return any(has_float(value) for value in node)
    return isinstance(node, float)


class SchemaSetupError(JxjyError):
    """The schemas cannot be trusted to check what they say (exit 2: fail closed)."""


def schema_dir() -> Traversable:
    """schema/ of this installation: packaged as generator.schema, or the source checkout's.

    generator.schema has no __init__.py, so in a built package it is a namespace package and
    `files()` gives a MultiplexedPath: a Traversable to list and read, never a path to format.
    """
    try:
        return files("generator.schema")
    except ModuleNotFoundError:  # editable install: the package maps schema/ only when built
        return Path(__file__).resolve().parent.parent / "schema"


def schema_files(directory: Traversable | None = None) -> list[Traversable]:
    """The *.schema.json files of `directory` (default: this installation's), sorted by name."""
    found = [entry for entry in (directory or schema_dir()).iterdir() if entry.name.endswith(".schema.json")]
    return sorted(found, key=lambda entry: entry.name)


class SchemaSet:
    """One compiled validator per record kind, sharing defs.schema.json."""

    def __init__(self, directory: Traversable | None = None) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self._titles: dict[tuple[str, tuple[str | int, ...]], str] = {}
        for path in schema_files(directory):
            self.documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        missing = [f"{name}.schema.json" for name in KINDS.values()
                   if f"{name}.schema.json" not in self.documents]
        if missing or "defs.schema.json" not in self.documents:
            raise SchemaSetupError(f"schema/ 不完整，缺少：{'、'.join(missing or ['defs.schema.json'])}")
        self.registry: Registry = Registry().with_resources(
            (name, Resource.from_contents(doc)) for name, doc in self.documents.items()
        )
        self._check_formats()
        self.validators = {
            kind: Validator(
                self.documents[f"{name}.schema.json"],
                registry=self.registry,
                format_checker=FORMAT_CHECKER,
            )
            for kind, name in KINDS.items()
        }
        # The Rust validator says yes or no a hundred times faster; the Python one above explains
        # a no. Both assert the same formats (a test holds them to the same verdicts).
        rs_registry = jsonschema_rs.Registry(list(self.documents.items()))
        self.fast = {
            kind: jsonschema_rs.validator_for(self.documents[f"{name}.schema.json"], registry=rs_registry,
                                              validate_formats=True, formats=FORMATS)
            for kind, name in KINDS.items()
        }

    def _check_formats(self) -> None:
        # jsonschema asserts `format` only with a FormatChecker, and some formats only with
        # extras installed: refuse to run rather than silently accept what we cannot check.
        used = {value for doc in self.documents.values() for value in _values_of(doc, "format")}
        unchecked = sorted(used - set(FORMAT_CHECKER.checkers))
        if unchecked:
            raise SchemaSetupError(
                f"无法校验 format：{'、'.join(unchecked)}；请重新安装本项目（make site）以装齐校验依赖"
            )

    def check(self, record: Record) -> list[Diagnostic]:
        """Validate one record against its kind's schema."""
        if self.fast[record.kind].is_valid(record.data) and not has_float(record.data):
            return []
        validator = self.validators[record.kind]
        found: list[Diagnostic] = []
        for error in validator.iter_errors(record.data):
            found.extend(self._diagnose(record, error))
        return found

    # -- titles and field names -------------------------------------------------------------

    def root(self, kind: str) -> tuple[dict[str, Any], Resolver]:
        name = f"{KINDS[kind]}.schema.json"
        return self.documents[name], self.registry.resolver(base_uri=name)

    def node(self, kind: str, path: tuple[str | int, ...]) -> list[dict[str, Any]]:
        """Every schema node (own first, then $ref and allOf targets) describing `path`."""
        current = [self.root(kind)]
        for step in path:
            nxt: list[tuple[dict[str, Any], Resolver]] = []
            for schema, resolver in current:
                for sub, sub_resolver in _expand(schema, resolver):
                    if isinstance(step, int) and isinstance(sub.get("items"), dict):
                        nxt.append((sub["items"], sub_resolver))
                    elif isinstance(step, str) and step in sub.get("properties", {}):
                        nxt.append((sub["properties"][step], sub_resolver))
            current = nxt
        return [sub for schema, resolver in current for sub, _ in _expand(schema, resolver)]

    def title(self, kind: str, path: tuple[str | int, ...]) -> str:
        """The Chinese title of the field at `path` (list items take their list's title)."""
        while path and isinstance(path[-1], int):
            path = path[:-1]
        if (kind, path) not in self._titles:
            found = next((str(node["title"]) for node in self.node(kind, path) if "title" in node), None)
            self._titles[kind, path] = found or (str(path[-1]) if path else "记录")
        return self._titles[kind, path]

    def fields(self, kind: str, path: tuple[str | int, ...]) -> dict[str, str]:
        """Known field names at the mapping `path`, each with its title."""
        names: dict[str, str] = {}
        for node in self.node(kind, path):
            for name in node.get("properties", {}):
                names.setdefault(name, self.title(kind, (*path, name)))
        return names

    # -- errors -> diagnostics -------------------------------------------------------------

    def _diagnose(self, record: Record, error: ValidationError) -> Iterator[Diagnostic]:
        path = tuple(error.absolute_path)
        kind = record.kind
        title = self.title(kind, path)
        keyword = error.validator
        if error.instance in ("", None) and keyword not in ("required", "not", "anyOf"):
            yield record.diag(path, "schema-empty", f"「{title}」不能为空（待填写）")
        elif keyword == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    field = self.title(kind, (*path, name))
                    yield record.diag(path, "schema-required", f"缺少必填字段「{field}」（{name}）")
        elif keyword in ("additionalProperties", "unevaluatedProperties"):
            known = self.fields(kind, path)
            for name in error.instance:
                if name not in known:
                    yield record.diag((*path, name), "unknown-field", f"未知字段「{_show(name)}」",
                                      hint=_did_you_mean(name, known), key=True)
        elif keyword == "type":
            expected = error.validator_value
            expected = expected if isinstance(expected, list) else [expected]
            quote = "string" in expected and isinstance(error.instance, (int, float))
            yield record.diag(path, "schema-type",
                              f"「{title}」应为{'或'.join(_TYPE_NAMES[t] for t in expected)}，"
                              f"实际为{_type_name(error.instance)}",
                              hint="YAML 把未加引号的数字、true/false 读作数值，请给取值加引号" if quote else None)
        elif keyword == "enum":
            options = "、".join(str(v) for v in error.validator_value)
            yield record.diag(path, "schema-enum",
                              f"「{title}」取值「{_show(error.instance)}」无效，可选：{options}")
        elif keyword == "pattern":
            yield self._pattern(record, path, title, error)
        elif keyword == "format" and error.validator_value == "date" and dates.calendar_date(error.instance):
            yield record.diag(path, "date-range",
                              f"「{title}」{error.instance} 不在可接受的日期范围内"
                              f"（{dates.EARLIEST} 至 {dates.LATEST}），多半是年份输错了")
        elif keyword == "format":
            what = {"date": "有效日期（YYYY-MM-DD，且日期真实存在）", "uri": "有效网址"}
            yield record.diag(path, "schema-format",
                              f"「{title}」不是{what.get(error.validator_value, error.validator_value)}："
                              f"{_show(error.instance)}")
        elif keyword == "minItems" and error.validator_value == 1:
            yield record.diag(path, "schema-empty", f"「{title}」不能为空")
        elif keyword in _BOUNDS:
            yield record.diag(path, "schema-range", _BOUNDS[keyword].format(
                title=title, limit=error.validator_value))
        elif keyword == "uniqueItems":
            items = error.instance
            repeat = next(j for j in range(len(items)) if items[j] in items[:j])
            yield record.diag((*path, repeat), "schema-range", f"「{title}」中有重复项「{_show(items[repeat])}」")
        elif keyword == "anyOf" and all("required" in s for s in error.validator_value):
            names = "、".join(f"「{self.title(kind, (*path, s['required'][0]))}」"
                             for s in error.validator_value)
            yield record.diag(path, "schema-required", f"「{title}」须至少填写以下之一：{names}")
        elif keyword == "not" and "required" in error.validator_value:
            reason = _FORBIDDEN_BECAUSE.get(error.schema.get(REASON_KEYWORD, ""))
            for name in error.validator_value["required"]:
                field = self.title(kind, (*path, name))
                yield record.diag((*path, name), "schema-forbidden",
                                  f"此处不应填写「{field}」：{reason or self._description(kind, (*path, name))}",
                                  key=True)
        else:  # a keyword our schemas do not use yet: still located, never silent
            yield record.diag(path, "schema-invalid", f"「{title}」不符合要求：{error.message}")

    def _pattern(self, record: Record, path: tuple[str | int, ...], title: str,
                 error: ValidationError) -> Diagnostic:
        rule = error.schema.get(RULE_KEYWORD)
        if rule == "docnumber-format":
            fixed = suggest(error.instance)
            hint = f"应写作「{fixed}」" if fixed else "示例：常人社发〔2011〕11号"
            return record.diag(path, rule,
                               f"「{title}」格式不正确：「{error.instance}」；年份须用六角括号〔〕，"
                               "序号不编虚位，以「号」结尾", hint=hint)
        description = self._description(record.kind, path)
        return record.diag(path, "schema-pattern",
                           f"「{title}」格式不正确：「{_show(error.instance)}」。{description}")

    def _description(self, kind: str, path: tuple[str | int, ...]) -> str:
        for node in self.node(kind, path):
            if "description" in node:
                return str(node["description"])
        return ""


_BOUNDS = {
    "minLength": "「{title}」过短（至少 {limit} 字）",
    "maxLength": "「{title}」过长（最多 {limit} 字）",
    "minItems": "「{title}」至少需要 {limit} 项",
    "maxItems": "「{title}」最多 {limit} 项",
    "minimum": "「{title}」不能小于 {limit}",
    "maximum": "「{title}」不能大于 {limit}",
    "exclusiveMinimum": "「{title}」须大于 {limit}",
    "exclusiveMaximum": "「{title}」须小于 {limit}",
}


def _expand(schema: Any, resolver: Resolver) -> list[tuple[dict[str, Any], Resolver]]:
    if not isinstance(schema, dict):
        return []
    out = [(schema, resolver)]
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        out += _expand(resolved.contents, resolved.resolver)
    for sub in schema.get("allOf", []):
        out += _expand(sub, resolver)
    return out


def _values_of(schema: Any, keyword: str) -> Iterator[Any]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == keyword and isinstance(value, str):
                yield value
            yield from _values_of(value, keyword)
    elif isinstance(schema, list):
        for item in schema:
            yield from _values_of(item, keyword)


def _type_name(value: Any) -> str:
    for name, kind in (("null", type(None)), ("boolean", bool), ("integer", int), ("number", float),
                       ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return f"{_TYPE_NAMES[name]}「{_show(value)}」" if name not in ("array", "object") else _TYPE_NAMES[name]
    return type(value).__name__


def _show(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "空"
    return clip(str(value), 60)


def _did_you_mean(name: str, known: dict[str, str]) -> str | None:
    by_title = {title: field for field, title in known.items()}
    titles = difflib.get_close_matches(name, list(by_title), n=1, cutoff=0.5)
    if titles:
        return f"字段名用英文：「{titles[0]}」应写作「{by_title[titles[0]]}」"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"是否应为「{close[0]}」（{known[close[0]]}）？"
    return "可用字段：" + "、".join(known)
