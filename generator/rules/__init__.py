"""Cross-record rules, one module per family; RULES (generator.registry) lists every rule id."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.registry import RULES
from generator.rules import attachments as attachment_rules
from generator.rules import (
    circulars,
    dates,
    docnumbers,
    ids,
    lifecycle,
    notices,
    organizations,
    plans,
    privacy,
    refs,
    validity,
)
from generator.rules.context import Context
from generator.schemas import SchemaSet

# Rules on one record alone, independent of today: they run beside the schema check (in the same
# worker processes) for records the schema accepts, and their findings are remembered with the file's verdict.
RECORD_CHECKS: tuple[Callable[[Record, SchemaSet], Iterator[Diagnostic]], ...] = (
    dates.check_record,
    privacy.check_record,
    validity.check_record,
)

CHECKS: tuple[Callable[[Context], Iterator[Diagnostic]], ...] = (
    ids.check,
    refs.check,
    docnumbers.check,
    dates.check,
    lifecycle.check,
    notices.check,
    organizations.check,
    circulars.check,
    plans.check,
    attachment_rules.check,
    validity.check,
)

__all__ = ["CHECKS", "RECORD_CHECKS", "RULES", "run_all"]


def run_all(ctx: Context) -> Iterator[Diagnostic]:
    for check in CHECKS:
        yield from check(ctx)
