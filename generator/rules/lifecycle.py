"""The lifecycle of each base (Art. 25), as folded by generator.status."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import Diagnostic
from generator.rules.context import Context

# What the cross-record check of this module reads of any record (top-level fields, beyond RecordSet.READS
# and generator.status.READS; generator.rules.cross_fields): nothing more.
READS: frozenset[str] = frozenset()


def check(ctx: Context) -> Iterator[Diagnostic]:
    for base in ctx.records.valid("bases"):
        if ctx.records.identity(base.id) != base.id:
            continue  # a correction of another base: folded with its original
        for v in ctx.life(base.id).violations:
            yield v.record.diag(v.path, v.rule, v.message)
