"""What every cross-record rule receives: the records, the day, and the schema titles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.records import Record, RecordSet
from generator.schemas import SchemaSet
from generator.status import Lifecycle, lifecycle


@dataclass(frozen=True)
class Context:
    records: RecordSet
    as_of: date
    schemas: SchemaSet
    lives: dict[str, Lifecycle] = field(default_factory=dict)  # each base folded once, kept for the site

    def life(self, base_id: str) -> Lifecycle:
        """The base's lifecycle as of the run's day (generator.status), folded once per run."""
        if base_id not in self.lives:
            self.lives[base_id] = lifecycle(base_id, self.records, self.as_of)
        return self.lives[base_id]

    def title(self, record: Record, *path: str | int) -> str:
        """The Chinese title of a field of `record`, e.g. 成文日期."""
        return self.schemas.title(record.kind, path)


def each_with_others(records: list[Record]) -> Iterator[tuple[Record, str]]:
    """Each record of a group of two or more that may not share a value, with the paths of the
    others ("a.yaml、b.yaml"): the problem is reported on every one of them."""
    if len(records) < 2:
        return
    for record in records:
        yield record, "、".join(r.path for r in records if r is not record)


def walk(data: Any, pattern: tuple[str, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) matching `pattern`, where "*" steps into each list item."""
    if not pattern:
        yield (), data
        return
    head, rest = pattern[0], pattern[1:]
    items: list[tuple[str | int, Any]]
    if head == "*":
        items = list(enumerate(data)) if isinstance(data, list) else []
    else:
        items = [(head, data[head])] if isinstance(data, dict) and head in data else []
    for step, value in items:
        for path, found in walk(value, rest):
            yield (step, *path), found
