"""Reference data shipped with the tool: effective-dated administrative divisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from ruamel.yaml import YAML


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    valid_from: date
    valid_to: date | None = None
    successor: str | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def divisions() -> dict[str, Division]:
    """GB/T 2260 codes of Changzhou by code, from generator/data/divisions.yaml."""
    text = files("generator.data").joinpath("divisions.yaml").read_text(encoding="utf-8")
    rows = YAML(typ="safe").load(text)  # our own file: trusted, unlike records
    return {row["code"]: Division(**row) for row in rows}
