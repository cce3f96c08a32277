"""What every cross-record rule receives: the records, the day, and the schema titles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.records import Record, RecordSet
from generator.schemas import SchemaSet


@dataclass(frozen=True)
class Context:
    records: RecordSet
    as_of: date
    schemas: SchemaSet

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
