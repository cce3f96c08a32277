"""Cross-record rules, one module per family; RULES lists every rule id the tool can report."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules import circulars, dates, docnumbers, ids, lifecycle, organizations, plans, privacy, refs
from generator.rules.context import Context
from generator.schemas import SchemaSet

# Rules on one record alone, independent of today: they run beside the schema check (on both
# cores) for records the schema accepts, and their findings are remembered with the file's verdict.
RECORD_CHECKS: tuple[Callable[[Record, SchemaSet], Iterator[Diagnostic]], ...] = (
    dates.check_record,
    privacy.check_record,
)

CHECKS: tuple[Callable[[Context], Iterator[Diagnostic]], ...] = (
    ids.check,
    refs.check,
    docnumbers.check,
    dates.check,
    lifecycle.check,
    organizations.check,
    circulars.check,
    plans.check,
)

# Every rule id, stable and documented in docs/rules.md, with its severity.
RULES: dict[str, str] = {
    # reading the file
    "record-path": "error",
    "yaml-encoding": "error",
    "yaml-too-large": "error",
    "yaml-empty": "error",
    "yaml-tab": "error",
    "yaml-control-char": "error",
    "yaml-invisible-char": "error",
    "yaml-syntax": "error",
    "yaml-multi-document": "error",
    "yaml-directive": "error",
    "yaml-anchor": "error",
    "yaml-tag": "error",
    "yaml-key": "error",
    "yaml-duplicate-key": "error",
    "yaml-depth": "error",
    "yaml-number": "error",
    "yaml-not-mapping": "error",
    # the schema
    "schema-required": "error",
    "schema-forbidden": "error",
    "unknown-field": "error",
    "schema-type": "error",
    "schema-enum": "error",
    "schema-pattern": "error",
    "schema-format": "error",
    "schema-empty": "error",
    "schema-range": "error",
    "schema-invalid": "error",
    "docnumber-format": "error",
    # across records
    "id-filename": "error",
    "id-reserved": "error",
    "id-duplicate": "error",
    "ref-missing": "error",
    "ref-kind": "error",
    "ref-correction": "error",
    "docnumber-unique": "error",
    "docnumber-year": "warning",
    "docnumber-issuer": "warning",
    "index-duplicate": "error",
    "date-future": "error",
    "date-order": "error",
    "disclosure-deadline": "warning",
    "base-event-order": "error",
    "base-after-revocation": "error",
    "base-reinspection": "error",
    "base-evaluation-result": "error",
    "base-late-reinspection": "warning",
    "base-revocation-grounds": "error",
    "base-revocation-other": "warning",
    "district-unknown": "error",
    "district-expired": "error",
    "org-uscc-checksum": "warning",
    "circular-findings": "error",
    "circular-quota-cut": "error",
    "plan-late": "warning",
    "plan-duplicate": "error",
    "plan-missing": "warning",
    "privacy-id-card": "error",
    "privacy-mobile": "error",
    "privacy-address": "error",
    # between two versions (jxjy diff --check, jxjy check-authz)
    "append-only-modified": "error",
    "append-only-deleted": "error",
    "append-only-backdated": "error",
    "id-reused": "error",
    "id-collision": "error",
    "authz-denied": "error",
    "authz-unknown-owner": "error",
}


def run_all(ctx: Context) -> Iterator[Diagnostic]:
    for check in CHECKS:
        yield from check(ctx)
