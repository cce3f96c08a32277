"""Every rule id the tool can report, with its severity and family: the one place both are said.

A Diagnostic takes its severity from here and cannot be made for an unknown id, so a typo in a
rarely taken branch fails the first time it runs, in the tests. docs/rules.md has a section per
id, in this order (tests/test_docs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Family = Literal["file", "schema", "records", "versions", "sheet"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    family: Family  # file: reading the file; schema; records: across records; versions: between two


def _family(family: Family, rules: dict[str, Severity]) -> dict[str, Rule]:
    return {rule_id: Rule(rule_id, severity, family) for rule_id, severity in rules.items()}


RULES: dict[str, Rule] = {
    # reading the file: generator.yamlio, generator.records
    **_family("file", {
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
        "yaml-flow-ambiguous": "error",
        "yaml-duplicate-key": "error",
        "yaml-depth": "error",
        "yaml-number": "error",
        "yaml-not-mapping": "error",
        "attachment-orphan": "error",
        "attachment-name": "error",
        "attachment-too-large": "error",
    }),
    # the schema: generator.schemas
    **_family("schema", {
        "schema-required": "error",
        "schema-forbidden": "error",
        "unknown-field": "error",
        "schema-type": "error",
        "schema-enum": "error",
        "schema-pattern": "error",
        "schema-format": "error",
        "date-range": "error",
        "schema-empty": "error",
        "schema-range": "error",
        "schema-invalid": "error",
        "docnumber-format": "error",
    }),
    # across records: generator.rules.*, generator.status
    **_family("records", {
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
        "index-issuer": "error",
        "index-year": "warning",
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
        "base-level": "error",
        "notice-act": "error",
        "notice-empty": "error",
        "publicity-short": "error",
        "publicity-follows": "error",
        "publicity-decision-date": "error",
        "district-unknown": "error",
        "district-expired": "error",
        "org-uscc-checksum": "warning",
        "circular-findings": "error",
        "circular-quota-cut": "error",
        "plan-late": "warning",
        "plan-duplicate": "error",
        "plan-missing": "warning",
        "plan-hours": "warning",
        "privacy-id-card": "error",
        "privacy-mobile": "error",
        "privacy-address": "error",
        "attachment-missing": "error",
        "attachment-unlisted": "error",
        "repealed-in-force": "error",
        "repealed-missing": "warning",
        "policy-trial-lapsed": "warning",
    }),
    # between two versions (jxjy diff --check, jxjy check-authz): generator.append_only, generator.authz
    **_family("versions", {
        "append-only-modified": "error",
        "append-only-deleted": "error",
        "append-only-backdated": "error",
        "id-reused": "error",
        "id-collision": "error",
        "authz-denied": "error",
        "authz-unknown-owner": "error",
        "append-only-attachment": "error",
    }),
    # a list imported from Excel (jxjy import): generator.importer, generator.columns
    **_family("sheet", {
        "sheet-column": "error",
        "sheet-column-missing": "error",
        "sheet-cell": "error",
        "sheet-name": "error",
        "sheet-duplicate-row": "error",
    }),
}
