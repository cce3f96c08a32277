"""The columns of a list of records kept in Excel: which field each header names, and how a cell
becomes that field's value.

Everything comes from the schema of the kind (generator.fields): a column is headed by a field's
Chinese title (基地名称) or its name (name; publicity.start for a field inside a mapping), so a field
the schema gains can be imported without a change here. A cell turns into what a record file holds:
a date into ISO text, 320412.0 into "320412", a list on 、，,；; into items, an organization's name
into its id, a division's name into its code; whatever stays wrong is left for the validator.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator.fields import Field, field, names
from generator.records import KIND_TITLES, Record
from generator.refdata import division, every, full_name, home_current
from generator.rules.refs import REFERENCES
from generator.schemas import SchemaSet
from generator.workbook import Value
from generator.yamlio import clip

EXTRA = ("序号", "备注")  # columns real lists carry that are no field: read past, never imported
_SPLIT = re.compile(r"[、，,；;\n]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_REF = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_NAMES = ("name", "short_name")  # what a record may be called by in a cell, besides its id
_PROVINCE = ("江苏省", "常州市")  # a division may be written with the names above it: 常州市武进区
_SHOWN = 12  # divisions a hint lists


class CellProblem(Exception):
    """A cell that cannot become a value of its field: the rule, a Chinese message, a hint."""

    def __init__(self, rule: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.rule, self.message, self.hint = rule, message, hint


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # the field: ("name",), ("publicity", "start")
    about: Field
    item: Field | None = None  # a list's items, whose facts (a reference, a date) each part of the cell takes

    @property
    def label(self) -> str:
        return ".".join(self.path)


def normal(text: str) -> str:
    """A header or a name as compared: NFKC (full-width brackets and letters as half-width), no
    whitespace, without the * or (必填) that templates mark required columns with."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\((必填|选填)\)$", "", text).strip("*")


def columns(schemas: SchemaSet, kind: str) -> dict[str, Column]:
    """Every header a list of `kind` may have, normalized, with the field it names: each field's
    name (dotted inside a mapping) and its title, where no other field has the same title."""
    found: dict[str, Column] = {}
    by_title: dict[str, list[Column]] = defaultdict(list)
    for column in _leaves(schemas, kind, ()):
        found[normal(column.label)] = column
        by_title[normal(column.about.title)].append(column)
    for title, same in by_title.items():
        if len(same) == 1:
            found.setdefault(title, same[0])
    return found


def _leaves(schemas: SchemaSet, kind: str, path: tuple[str, ...]) -> Iterator[Column]:
    """The fields a cell can hold: not a mapping (its fields are), not a list of mappings."""
    for name in names(schemas, kind, path):
        sub = (*path, name)
        about = field(schemas, kind, sub)
        if about.is_object:
            yield from _leaves(schemas, kind, sub)
        elif not about.is_array:
            yield Column(sub, about)
        elif not (item := field(schemas, kind, (*sub, 0))).is_object:
            yield Column(sub, about, item)


class Lookup:
    """What a name in a cell stands for: a record by its id, name or short name; a division by its
    name or code."""

    def __init__(self, records: list[Record]) -> None:
        self.ids = {record.id for record in records}
        self._named: dict[tuple[str, str], set[str]] = defaultdict(set)  # (kind, normal name) -> ids
        self._all_names: dict[str, set[str]] = defaultdict(set)  # kind -> its names as written
        for record in records:
            for key in _NAMES:
                value = record.data.get(key)
                if isinstance(value, str) and value:
                    self._named[record.kind, normal(value)].add(record.id)
                    self._all_names[record.kind].add(value)
        self._divisions: dict[str, set[str]] = defaultdict(set)
        # Old names too (戚墅堰区: the validator then says since when it is not valid); 鼓楼区 is in four
        # cities, and the full name 江苏省南京市鼓楼区 tells them apart.
        for period in every():
            self._divisions[normal(period.name)].add(period.code)
            self._divisions[normal(full_name(period.code))].add(period.code)

    def record(self, text: str, kinds: tuple[str, ...], title: str) -> str:
        """The id of the record of one of `kinds` that `text` names.

        Raises:
            CellProblem: no such record and `text` is no id, or several records have that name.
        """
        if text in self.ids:
            return text
        found = sorted({i for kind in kinds for i in self._named.get((kind, normal(text)), ())})
        if len(found) == 1:
            return found[0]
        what = "或".join(KIND_TITLES[kind] for kind in kinds)
        if found:
            raise CellProblem("sheet-name", f"「{title}」「{clip(text)}」同时是 {'、'.join(found)} 的名称或简称，"
                                            "无法确定是哪一个", hint="请改填记录编号")
        if _REF.fullmatch(text):
            return text  # written as an id: whether it exists is the validator's (ref-missing)
        close = difflib.get_close_matches(text, sorted(n for kind in kinds for n in self._all_names[kind]), n=1)
        raise CellProblem("sheet-name", f"「{title}」「{clip(text)}」不是已登记的{what}的编号、全称或简称",
                          hint=f"是否应为「{close[0]}」？" if close else f"请先登记该{what}（jxjy new organizations）")

    def division(self, text: str, title: str) -> str:
        """The code of the division `text` names, or `text` itself when it is six digits."""
        if re.fullmatch(r"\d{6}", text):
            return text
        name = normal(text)
        codes = self._divisions.get(name, set())
        for prefix in _PROVINCE:
            if not codes and name.startswith(prefix):
                name = name[len(prefix):]
                codes = self._divisions.get(name, set())
        in_use = {c for c in codes if (latest := division(c)) is not None and latest.valid_to is None}
        if len(codes) == 1 or len(in_use) == 1:  # a name now in use wins over the same old name elsewhere
            return next(iter(codes if len(codes) == 1 else in_use))
        if len(codes) > 1:
            raise CellProblem("sheet-name", f"「{title}」「{clip(text)}」是 {'、'.join(sorted(codes))} 几个地区的名称，"
                                            "无法确定是哪一个", hint="请写全称（如 江苏省南京市鼓楼区）或六位代码")
        home = [f"{d.name}（{d.code}）" for d in home_current()]
        more = f" 等 {len(home)} 个" if len(home) > _SHOWN else ""
        raise CellProblem("sheet-name", f"「{title}」「{clip(text)}」不是行政区划名称或六位代码",
                          hint=f"常州的：{'、'.join(home[:_SHOWN])}{more}；其他地区请写全称或六位代码")


def convert(value: Value, column: Column, lookup: Lookup) -> Any:
    """The value a record file holds for a cell of `column` (dates as ISO text, as the loader reads
    them): a best reading, whose correctness the validator judges.

    Raises:
        CellProblem: the cell names no record or division, or holds a kind of value no field takes.
    """
    if column.item is None:
        return _scalar(value, column.about, column.about.title, _targets(column.about.kind, column.path), lookup)
    parts = [p.strip() for p in _SPLIT.split(value)] if isinstance(value, str) else [value]
    kinds = _targets(column.about.kind, (*column.path, "*"))
    return [_scalar(part, column.item, column.about.title, kinds, lookup) for part in parts if part != ""]


def _scalar(value: Value, about: Field, title: str, kinds: tuple[str, ...], lookup: Lookup) -> Any:
    is_date = about.format == "date" or "date" in about.defs
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if is_date:
            return value.isoformat()
        value = value.isoformat()
    if not isinstance(value, (str, int, float, bool)):  # a time of day or a duration
        raise CellProblem("sheet-cell", f"「{title}」单元格是时间或时长（{value}），不是此字段能用的取值")
    if isinstance(value, bool):
        return value
    if about.types & {"integer", "number"}:
        return _number(value)
    if isinstance(value, (int, float)):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if is_date:
        return _iso(value)
    if "boolean" in about.types:
        return {"是": True, "否": False, "true": True, "false": False}.get(value.lower(), value)
    if "ref" in about.defs:
        return lookup.record(value, kinds, title)
    if "district" in about.defs:
        return lookup.division(value, title)
    return value


def _number(value: str | int | float) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,15}", value.strip()):
        return int(value)
    return value


def _iso(text: str) -> str:
    """2021年3月5日, 2021/3/5 or 2021.3.5 as 2021-03-05 when that day exists; else as written."""
    match = _DATE.fullmatch(text)
    if match is None:
        return text
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return text


def _targets(kind: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds a reference of `kind` at `path` points at (generator.rules.refs; "*" for a list's
    items); every kind for a reference the rules do not type."""
    return tuple(target for referring, pattern, target, _ in REFERENCES
                 if referring == kind and pattern == path) or tuple(KIND_TITLES)
