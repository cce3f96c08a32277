"""Cross-record rules, one module per family; RULES (generator.registry) lists every rule id."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from functools import cache

from generator import status
from generator.diagnostics import Diagnostic
from generator.fields import date_fields
from generator.records import KINDS, Record, RecordSet
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

# Each module of CHECKS declares the top-level fields it reads of any record (READS, beside its rules).
MODULES = (ids, refs, docnumbers, dates, lifecycle, notices, organizations, circulars, plans, attachment_rules,
           validity)

__all__ = ["CHECKS", "RECORD_CHECKS", "RULES", "cross_fields", "projection", "run_all"]


def run_all(ctx: Context) -> Iterator[Diagnostic]:
    for check in CHECKS:
        yield from check(ctx)


@cache
def cross_fields(schemas: SchemaSet) -> frozenset[str]:
    """Every top-level field that some cross-record rule reads of some record: what the modules of
    CHECKS declare, what the record set and the lifecycle fold read, and every date field (date-future).
    Free text, contacts and the like are not among them: an edit to those changes no cross-record finding."""
    dated = {pattern[0] for kind in KINDS for pattern in date_fields(schemas, kind)}
    return frozenset().union(*(module.READS for module in MODULES), RecordSet.READS, status.READS, dated)


def projection(record: Record, schemas: SchemaSet) -> bytes:
    """A digest of what the cross-record rules can see of `record` (once its `valid` flag is set): its
    path, whether the schema accepted it, and the fields of cross_fields. Records of equal projections
    give the same findings, only located differently in their files."""
    fields = cross_fields(schemas)
    seen = (record.path, record.valid, [(name, value) for name, value in record.data.items() if name in fields])
    return hashlib.blake2b(repr(seen).encode(), digest_size=16).digest()
