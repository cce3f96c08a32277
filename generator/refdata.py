"""Reference data shipped with the tool: effective-dated administrative divisions and yearly hour
requirements."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from importlib.resources import files

from ruamel.yaml import YAML


class _EffectiveDated:
    """A row of reference data valid from one day to another (inclusive; open-ended when valid_to is None)."""

    valid_from: date
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Division(_EffectiveDated):
    code: str
    name: str
    valid_from: date
    valid_to: date | None = None
    successor: str | None = None


@cache
def divisions() -> dict[str, Division]:
    """GB/T 2260 codes of Changzhou by code, from generator/data/divisions.yaml."""
    text = files("generator.data").joinpath("divisions.yaml").read_text(encoding="utf-8")
    rows = YAML(typ="safe").load(text)  # our own file: trusted, unlike records
    return {row["code"]: Division(**row) for row in rows}


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
