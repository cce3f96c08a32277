"""Reference data shipped with the tool: the effective-dated administrative divisions of China, and
the yearly hour requirements.

generator/data/divisions.csv holds every county-level-and-above GB/T 2260 code since 1981, one row per
period in which a code had one name; tools/divisions/regenerate.py writes it from yescallop/areacodes
(CC0 1.0) and says how the days were chosen. It is read on the first lookup, not at import.
generator/data/hours.yaml holds the hours each rule asks for, with the days the rules are in force.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from importlib.resources import files

from ruamel.yaml import YAML

# The city this platform serves: its own districts are named short on the site (武进区), others in full
# (江苏省南京市鼓楼区), and the issue forms offer its current codes.
HOME_CITY = "320400"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    valid_from: date | None  # None: in use before the first table of 1981
    valid_to: date | None = None  # None: in use
    successors: tuple[str, ...] = ()

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def span(self) -> str:
        """1983-01-01 至 2015-04-27, or 1981 年以前 至 今."""
        return f"{self.valid_from or '1981 年以前'} 至 {self.valid_to or '今'}"


def _day(text: str, *, last: bool) -> date | None:
    if not text:
        return None
    if len(text) == 4:  # only the year is known: its first day for a start, its last for an end
        return date(int(text), 12, 31) if last else date(int(text), 1, 1)
    return date.fromisoformat(text)


@cache
def _table() -> dict[str, tuple[Division, ...]]:
    text = files("generator.data").joinpath("divisions.csv").read_text(encoding="utf-8")
    table: dict[str, list[Division]] = {}
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    for code, name, start, end, successors in csv.reader(lines):  # our own file: trusted, unlike records
        table.setdefault(code, []).append(Division(code, name, _day(start, last=False), _day(end, last=True),
                                                   tuple(successors.split())))
    return {code: tuple(periods) for code, periods in table.items()}


def periods(code: str) -> tuple[Division, ...]:
    """Every period of a code, oldest first; () for a code that never existed."""
    return _table().get(code, ())


def division(code: str, day: date | None = None) -> Division | None:
    """The code as it was on day (None: its latest period), or None when it was not in use then."""
    found = periods(code)
    if day is None:
        return found[-1] if found else None
    return next((d for d in reversed(found) if d.valid_on(day)), None)


def full_name(code: str) -> str:
    """江苏省南京市鼓楼区: the province, the city (where there is one) and the division, as last named."""
    if division(code) is None:
        return code
    prefixes = dict.fromkeys((code[:2] + "0000", code[:4] + "00", code))  # 110000 is its own province
    names = [found.name for prefix in prefixes if (found := division(prefix)) is not None]
    return "".join(dict.fromkeys(names))


def label(code: str) -> str:
    """What a reader sees: 武进区 within the home city, 江苏省南京市鼓楼区 elsewhere, the code if unknown."""
    found = division(code)
    if found is None:
        return code
    return found.name if code[:4] == HOME_CITY[:4] else full_name(code)


def in_code_order(codes: Iterable[str]) -> list[tuple[str, str]]:
    """The distinct codes in official order, each with its name as a list of districts shows it.

    Official usage lists divisions by code (GB/T 2260, as statistical yearbooks do): 天宁区 320402,
    钟楼区 320404, 新北区 320411, 武进区 320412, 金坛区 320413, 溧阳市 320481. A division no longer in
    use keeps its place by code and is marked: 戚墅堰区（已撤销）. For filters, tables and charts by
    district.

    Args:
        codes: division codes, repeats allowed (one per base, say).

    Returns:
        (code, name) pairs: name is label(code), with 「（已撤销）」 for an abolished division.
    """
    listed = []
    for code in sorted(set(codes)):
        latest = division(code)
        mark = "（已撤销）" if latest is not None and latest.valid_to is not None else ""
        listed.append((code, label(code) + mark))
    return listed


def every() -> Iterator[Division]:
    """Every period of every division, by code then date: names that are no longer in use too."""
    for code in sorted(_table()):
        yield from _table()[code]


def current() -> Iterator[Division]:
    """Every division in use today, by code."""
    for code in sorted(_table()):
        latest = _table()[code][-1]
        if latest.valid_to is None:
            yield latest


def home_current() -> Iterator[Division]:
    """The home city and its divisions in use today, by code."""
    return (d for d in current() if d.code[:4] == HOME_CITY[:4])


class _EffectiveDated:
    """A row of reference data valid from one day to another (inclusive; open-ended when valid_to is None)."""

    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class HoursRequirement(_EffectiveDated):
    """The yearly continuing-education hours a rule asks of a professional."""

    valid_from: date
    basis: str  # the rule's 发文字号
    source: str  # the rule and article
    total: int
    valid_to: date | None = None
    public: int | None = None
    professional: int | None = None
    professional_share: str | None = None  # "2/3": professional hours as a share of the total
    hours_per_day: int | None = None

    @property
    def professional_minimum(self) -> int:
        """Professional-subject hours at least: stated, or the share of the total rounded up."""
        if self.professional is not None:
            return self.professional
        share = Fraction(self.professional_share or 0)
        return math.ceil(self.total * share)

    def summary(self) -> str:
        """每年不少于 90 学时，其中专业科目不少于 60 学时（总学时的 2/3）"""
        parts = [f"每年不少于 {self.total} 学时"]
        if self.public is not None:
            parts.append(f"其中公共科目不少于 {self.public} 学时")
        share = f"（总学时的 {self.professional_share}）" if self.professional_share else ""
        lead = "专业科目" if self.public is not None else "其中专业科目"
        parts.append(f"{lead}不少于 {self.professional_minimum} 学时{share}")
        return "，".join(parts) + (f"，每天折 {self.hours_per_day} 学时" if self.hours_per_day else "")

    @property
    def cited(self) -> str:
        """《专业技术人员继续教育规定》第八条（人力资源社会保障部令第25号）"""
        return f"{self.source}（{self.basis}）"


@cache
def hours() -> tuple[HoursRequirement, ...]:
    """Yearly hour requirements, oldest first, from generator/data/hours.yaml."""
    text = files("generator.data").joinpath("hours.yaml").read_text(encoding="utf-8")
    rows = YAML(typ="safe").load(text)  # our own file: trusted, unlike records
    return tuple(HoursRequirement(**row) for row in rows)


def hours_for_year(year: int) -> HoursRequirement | None:
    """The requirement a year's hours are counted against: the one in force on 31 December, when
    the year's total is complete (2015: 人社部令第25号, in force since 1 October); None before any."""
    end = date(year, 12, 31)
    return next((r for r in hours() if r.valid_on(end)), None)
