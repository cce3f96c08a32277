"""Property-based fuzzing: no input, however broken, makes the loader or the validator crash.

The loader must turn anything that is not a plain YAML mapping into a located, Chinese LoadError;
the whole pipeline (load, schema, rules) must turn any record into a report of located diagnostics,
and the site generator any record set the rules pass into a site. Budgets: JXJY_FUZZ_EXAMPLES sets
max_examples for every test here (unset: a small budget that keeps `make test` fast; `make fuzz` runs
thousands), a twentieth of it for the records generated from the schemas (each builds a site). The example database is off; a failure prints the
falsifying example and a @reproduce_failure blob.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator import dates
from generator.diagnostics import Report
from generator.fields import date_fields
from generator.records import KINDS
from generator.rules import RULES
from generator.schemas import SchemaSet, has_float
from generator.site.build import BuildError, generate
from generator.validate import check_repository
from generator.yamlio import Document, LoadError, load_document

from helpers import AS_OF, REPO, dump_yaml

CJK = re.compile("[\u4e00-\u9fff]")
TIME_LIMIT = 5.0  # seconds per call: a safety invariant against hangs, not a benchmark


def _budget(default: int) -> int:
    value = os.environ.get("JXJY_FUZZ_EXAMPLES")
    return int(value) if value else default


def _settings(default: int) -> settings:
    return settings(
        max_examples=_budget(default),
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


LOADER = _settings(150)
PIPELINE = _settings(40)

SAMPLES: dict[str, bytes] = {
    p.relative_to(REPO).as_posix(): p.read_bytes() for p in sorted((REPO / "records").glob("*/*.yaml"))
}
_SAFE = YAML(typ="safe")
SAMPLE_DATA: dict[str, dict[str, Any]] = {rel: _SAFE.load(raw) for rel, raw in SAMPLES.items()}

# Pieces of YAML syntax, typing traps and hostile characters, joined at random.
FRAGMENTS = [
    "a:", "id:", "name:", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", ": ", "&x ", "*x", "!tag ", "!!str ",
    "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "'", '"', "\\", "\\u202e", "\t", "#", "|", ">",
    "2024-02-30", "2024-2-3", "no", "yes", "0o17", "0x1F", "1e400", ".nan", ".inf", "-.inf", "~", "null",
    "<<:", "? ", "@", "`", "常州市人力资源和社会保障局", "常人社发〔2024〕41号", "\u202e", "\u200b", "\ufeff",
    "\x00", "\x85", "\r", "\r\n", "\u2028",
]
yamlish = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40,
).map("".join)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample record, with a few byte ranges deleted, inserted or replaced."""
    rel = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[rel])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "replace"]))
        start = draw(st.integers(0, len(data)))
        end = start if op == "insert" else draw(st.integers(start, min(len(data), start + 64)))
        piece = b"" if op == "delete" else draw(st.one_of(
            st.binary(max_size=16),
            st.sampled_from(FRAGMENTS).map(lambda s: s.encode("utf-8")),
        ))
        data[start:end] = piece
    return rel, bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample record with one field's value (at any depth) replaced by a JSON-ish value, dumped by ruamel."""
    rel = draw(st.sampled_from(sorted(SAMPLE_DATA)))
    data = copy.deepcopy(SAMPLE_DATA[rel])
    path = draw(st.sampled_from(list(_paths(data))))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = draw(json_values)
    return rel, dump_yaml(data)



def check_load(raw: bytes) -> Document | LoadError:
    """Load `raw`; any exception but LoadError propagates and fails the test."""
    start = time.monotonic()
    try:
        result: Document | LoadError = load_document(raw)
    except LoadError as exc:
        assert exc.line >= 1 and exc.col >= 1, (exc.line, exc.col, exc.rule)
        assert exc.rule in RULES, exc.rule
        assert CJK.search(exc.message), exc.message
        result = exc
    else:
        assert isinstance(result.data, dict)
        assert json.loads(json.dumps(result.data, allow_nan=False)) == result.data  # plain JSON types only
        for path in (*result.values, *result.keys):
            line, col = result.locate(path)
            assert line >= 1 and col >= 1, (path, line, col)
    assert time.monotonic() - start < TIME_LIMIT
    return result


@LOADER
@given(st.binary(max_size=2000))
def test_loader_on_arbitrary_bytes(raw: bytes) -> None:
    check_load(raw)


@LOADER
@given(yamlish)
def test_loader_on_yamlish_text(text: str) -> None:
    check_load(text.encode("utf-8"))


@LOADER
@given(mutated_bytes())
def test_loader_on_mutated_records(case: tuple[str, bytes]) -> None:
    check_load(case[1])


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sample for all examples; each example restores the file it overwrote."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "records", root / "records")
    return root


def check_pipeline(root: Path, rel: str, raw: bytes) -> Report:
    """Validate the sample with `rel` replaced by `raw`: a report of located diagnostics, never a crash."""
    target = root / rel
    try:
        target.write_bytes(raw)
        start = time.monotonic()
        report = check_repository(root, as_of=AS_OF).report
        assert time.monotonic() - start < TIME_LIMIT
    finally:
        target.write_bytes(SAMPLES[rel])
    for d in report.diagnostics:
        assert d.location.path.startswith("records/"), d
        assert d.location.line >= 1 and d.location.col >= 1, d
        assert d.rule in RULES, d
        assert CJK.search(d.message), d
    loaded = check_load(raw)
    if isinstance(loaded, LoadError):  # a file that cannot be loaded is reported where the loader said
        where = (rel, loaded.line, loaded.col, loaded.rule)
        assert where in {(d.location.path, d.location.line, d.location.col, d.rule) for d in report.diagnostics}
    return report


@PIPELINE
@given(mutated_bytes())
def test_validator_on_mutated_records(fuzz_root: Path, case: tuple[str, bytes]) -> None:
    check_pipeline(fuzz_root, *case)


@PIPELINE
@given(mutated_data())
def test_validator_on_mutated_values(fuzz_root: Path, case: tuple[str, bytes]) -> None:
    check_pipeline(fuzz_root, *case)


SCHEMAS = SchemaSet()


# Near-misses of the formats both validators assert: dates and web addresses.
formatted = st.one_of(
    st.from_regex(r"\A[0-9]{2,5}-[0-9]{1,3}-[0-9]{1,3}(T00:00|Z| )?\Z"),
    st.from_regex(r"\A(https?|ftp|javascript|HTTP)?:?/{0,3}[a-z.\u4e00-\u4e0f%: @\[\]]{0,12}(/[^\s]{0,8})?\Z"),
)


@st.composite
def formatted_data(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample record with one text value replaced by a near-valid date or address."""
    rel = draw(st.sampled_from(sorted(SAMPLE_DATA)))
    data = copy.deepcopy(SAMPLE_DATA[rel])
    paths = [p for p in _paths(data) if isinstance(_get(data, p), str | date)]
    path = draw(st.sampled_from(paths))
    _get(data, path[:-1])[path[-1]] = draw(formatted)
    return rel, dump_yaml(data)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@LOADER
@given(st.one_of(mutated_data(), formatted_data()))
def test_fast_and_full_schema_validators_agree(case: tuple[str, bytes]) -> None:
    """The Rust validator's yes lets a record skip the Python one: they must never disagree."""
    rel, raw = case
    loaded = check_load(raw)
    if isinstance(loaded, LoadError):
        return
    kind = rel.split("/")[1]
    fast = SCHEMAS.fast[kind].is_valid(loaded.data)
    full = not any(SCHEMAS.validators[kind].iter_errors(loaded.data))
    assert fast == full or (fast and has_float(loaded.data)), (fast, full, loaded.data)


# Values the fuzzer once found crashing the plans rule (TypeError, ValueError) or flooding it with
# thousands of plan-missing warnings; kept as fixed cases so they stay fixed at any budget.
PLAN = "records/plans/plan-2025-cz-czj.yaml"


@pytest.mark.parametrize("field, value, rule", [
    ("department", ["org-x"], "schema-type"), ("department", {"a": 1}, "schema-type"),
    ("year", 0, "schema-range"), ("year", -5, "schema-range"), ("year", 10**9, "schema-range"),
    ("year", False, "schema-type"), ("year", True, "schema-type"), ("year", 2025.0, "schema-type"),
])
def test_plans_rule_survives_rejected_plans(fuzz_root: Path, field: str, value: Any, rule: str) -> None:
    data = copy.deepcopy(SAMPLE_DATA[PLAN])
    data[field] = value
    report = check_pipeline(fuzz_root, PLAN, dump_yaml(data))
    assert [d.rule for d in report.diagnostics if d.location.path == PLAN] == [rule]
    assert sum(d.rule == "plan-missing" for d in report.diagnostics) <= 1


# Values at the edges of every `type` and `format` the schemas use, for the agreement of the two
# validators: the ends of the calendar and of the admissible window, Feb 29 of non-leap years,
# 24:00, leading zeros, full-width digits, surrounding space, huge integers, integral floats,
# booleans, empty strings, near-miss identifiers and addresses.
EDGE_DATES = [
    "0000-01-01", "0001-01-01", "1949-09-30", "1949-10-01", "2100-12-31", "2101-01-01", "9999-12-31",
    "2025-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "1900-02-29", "2025-04-31", "2025-00-10", "2025-13-01",
    "2025-01-01T24:00", "2025-01-01T00:00:00Z", "24:00", "2025-01-01 ", " 2025-01-01", "2025-01-01\n",
    "02025-01-01", "2025-001-01", "2025-01-1", "20250101", "2025-W01-1", "2025-001", "２０２５-01-01",
    "2025-0１-01", "٢٠٢٥-01-01", "2025\u201101-01", "",
]
EDGE_OTHERS: list[Any] = [
    0, -1, 1, 1999, 2000, 2100, 2101, 10**15 - 1, -(10**15 - 1), 2025.0, 0.5, 1000.0, 1000.000001, 1e-300,
    -0.0, True, False, None, [], {}, "2025", "", " ", "a" * 64, "a" * 65, "base-2020-001", "base-2020-001\n",
    "Base-2020-001", "320412", "３２０４１２", "320412\n", "常人社发〔2011〕11号", "常人社发〔2011〕011号",
    "常人社发[2011]11号", "113204000141137932/2024-00012", "http://a", "https://例子.中国/路径", "http://",
    "javascript:alert(1)", "http://a b", "http://[::1]/", "http://a:99999/", "HTTP://A", "https://a/\u3000",
]
edge_values = st.one_of(
    st.sampled_from(EDGE_DATES), st.sampled_from(EDGE_OTHERS),
    st.integers(-(10**15 - 1), 10**15 - 1), st.text(max_size=6),
    st.lists(st.sampled_from(EDGE_DATES + EDGE_OTHERS[:20]), max_size=3),
)
LOADED = {rel: load_document(raw).data for rel, raw in SAMPLES.items()}  # as validate reads them: dates as text
FIELD_PATHS: dict[str, list[tuple[Any, ...]]] = {
    rel: sorted({*_paths(data), *date_fields(SchemaSet(), rel.split("/")[1])}, key=repr) for rel, data in LOADED.items()
}


def _put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {}) if isinstance(data, dict) else data[step]
    data[path[-1]] = value


@_settings(300)
@given(st.sampled_from(sorted(LOADED)), st.data())
def test_both_validators_agree_on_every_field_at_its_edges(rel: str, data: st.DataObject) -> None:
    """Every field of every kind, set to an edge value of every type and format the schemas use."""
    record = copy.deepcopy(LOADED[rel])
    for path in data.draw(st.lists(st.sampled_from(FIELD_PATHS[rel]), min_size=1, max_size=3)):
        parent = _get_or_none(record, path[:-1])
        step = path[-1]  # an earlier edge value may have replaced a mapping by a list, or the reverse
        if isinstance(parent, dict) and isinstance(step, str) or isinstance(parent, list) and isinstance(step, int) \
                and step < len(parent):
            _put(record, path, data.draw(edge_values))
    kind = rel.split("/")[1]
    fast = SCHEMAS.fast[kind].is_valid(record)
    full = not any(SCHEMAS.validators[kind].iter_errors(record))
    assert fast == full or (fast and has_float(record)), (fast, full, record)


def _get_or_none(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(data, dict) and step in data or isinstance(data, list) and isinstance(step, int) and \
                0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


# -- records generated from the kinds' JSON Schemas ------------------------------------------------
#
# A record of each kind drawn from the kind's own schema (the keywords our schemas use, read by
# _from_schema below: hypothesis-jsonschema 0.23.1, the newest release, calls Hypothesis internals that
# Hypothesis 6.170 no longer has), biased to the edges: dates from EDGE_DATES and the ends of the
# admissible window, numbers and lengths at and just past their bounds. References name records of
# the sample of the kind they must name (else every draw would stop at ref-missing) and addresses are
# real, so that most draws get past the schema into the rules, the status fold, the pages, the exports
# and the feeds. The record joins the sample as a new file; the site generator (everything but the
# engine's HTML) must then give a site or a report of located diagnostics, never an exception.

# Each example generates the whole sample site (about 0.4 s): a twentieth of the budget, 5 by default.
SCHEMA_FUZZ = settings(_settings(5), max_examples=max(5, _budget(100) // 20))
SAMPLE_IDS: dict[str, list[str]] = {}
for _rel in sorted(LOADED):
    SAMPLE_IDS.setdefault(_rel.split("/")[1], []).append(LOADED[_rel]["id"])
# The kind each reference field names (the rules in generator.rules.refs check the same).
REF_KINDS = {"issuer": "organizations", "host": "organizations", "supervisor": "organizations",
             "parent": "organizations", "organization": "organizations", "department": "organizations",
             "recipient": "organizations", "base": "bases", "evaluation": "evaluations", "notice": "notices",
             "follows": "notices", "withdrawn": "bases", "co_issuers": "organizations", "publisher": "organizations"}


def _mostly(valid: st.SearchStrategy[Any], past_edge: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid`, and one draw in sixteen from `past_edge`: most records get past the schema."""
    return st.sampled_from(range(16)).flatmap(lambda n: past_edge if n == 15 else valid)


# Record text as clerks write it: what the loader refuses (control and invisible characters) has
# tests of its own above.
TEXT = st.text(alphabet="常州市人力资源和社会保障局继续教育培训基地关于的通知（）〔〕·、，。：abcXYZ019- ", min_size=1,
               max_size=30).filter(str.strip)


FORMATS = {
    "date": _mostly(st.one_of(
        st.integers(0, 40).map(lambda n: (dates.EARLIEST + timedelta(days=n)).isoformat()),
        st.integers(0, 40).map(lambda n: (dates.LATEST - timedelta(days=n)).isoformat()),
        st.dates(dates.EARLIEST, dates.LATEST).map(date.isoformat),
        st.dates(date(2020, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    ), st.sampled_from(EDGE_DATES)),
    "uri": st.sampled_from(["https://www.changzhou.gov.cn/a/1.html", "http://rsj.changzhou.gov.cn/"]),
}


def _from_schema(kind: str, path: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    """A strategy for the field of `kind` at `path`, from every schema node describing it, edge-biased."""
    nodes = SCHEMAS.node(kind, path)
    merged: dict[str, Any] = {}
    for sub in reversed(nodes):  # the field's own keywords win over its $ref's
        merged.update(sub)
    field = next((step for step in reversed(path) if isinstance(step, str)), None)
    if "properties" in merged:
        names = list(dict.fromkeys(name for sub in nodes for name in sub.get("properties", {})))
        required = {name for sub in nodes for name in sub.get("required", [])}
        return _object(kind, path, names, required, merged)
    if "enum" in merged:
        return st.sampled_from(merged["enum"])
    kind_of = merged.get("type")
    if kind_of == "string":
        if merged.get("pattern") == REF_PATTERN:  # an id: one of the sample's, of the kind it must name
            return st.sampled_from([*SAMPLE_IDS[REF_KINDS.get(field or "", kind)], "nowhere-001"])
        if merged.get("format") in FORMATS:
            return FORMATS[merged["format"]]
        low, high = merged.get("minLength", 0), merged.get("maxLength", 60)
        if "pattern" in merged:
            regex = merged["pattern"].removeprefix("^").removesuffix("$")
            return st.from_regex(regex, fullmatch=True).filter(lambda v: len(v) <= high)
        return _mostly(st.one_of(TEXT, st.just("字" * high)), st.just("字" * (high + 1)))
    if kind_of in ("integer", "number"):
        low = merged.get("minimum", merged.get("exclusiveMinimum", -(10**15 - 1)))
        high = merged.get("maximum", 10**15 - 1)
        past: list[Any] = [low - 1, high + 1]
        if kind_of == "number":
            return _mostly(st.one_of(st.sampled_from([high, float(high), low + 0.5]), st.floats(low, high)),
                           st.sampled_from([*past, high + 0.0001, low]))
        return _mostly(st.one_of(st.sampled_from([low, high]), st.integers(low, high)), st.sampled_from(past))
    if kind_of == "boolean":
        return st.booleans()
    if kind_of == "array":
        low = merged.get("minItems", 0)
        unique = (lambda x: json.dumps(x, sort_keys=True)) if merged.get("uniqueItems") else None
        return st.lists(_from_schema(kind, (*path, 0)), min_size=low, max_size=low + 3, unique_by=unique)
    return json_values


REF_PATTERN = SCHEMAS.documents["defs.schema.json"]["$defs"]["ref"]["pattern"]


def _holds(condition: dict[str, Any], out: dict[str, Any]) -> bool:
    """Whether a draw meets an `if` of our schemas: a field's const, required fields, or their negation."""
    if "not" in condition:
        return not _holds(condition["not"], out)
    consts = all(out.get(name) == spec["const"] for name, spec in condition.get("properties", {}).items())
    return consts and all(name in out for name in condition.get("required", []))


def _branch(node: dict[str, Any], out: dict[str, Any], value: Any) -> None:
    """Fill in what the taken branch of `node`'s if requires, and drop what it forbids."""
    taken = node.get("then" if _holds(node["if"], out) else "else")
    if taken is not None:
        _apply(taken, out, value)


def _apply(branch: dict[str, Any], out: dict[str, Any], value: Any) -> None:
    if "$ref" in branch:  # into defs.schema.json: the envelope a notice of its own requires
        _apply(SCHEMAS.documents["defs.schema.json"]["$defs"][branch["$ref"].rsplit("/", 1)[-1]], out, value)
    for name in branch.get("required", []):
        out.setdefault(name, value(name))
    for banned in branch.get("not", {}).get("required", []):
        out.pop(banned, None)
    for sub in branch.get("allOf", []):
        _apply(sub, out, value)
    if "if" in branch:
        _branch(branch, out, value)


def _object(kind: str, path: tuple[Any, ...], names: list[str], required: set[str],
            node: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def draw_object(draw: st.DrawFn) -> dict[str, Any]:
        def value(name: str) -> Any:
            return draw(_from_schema(kind, (*path, name)))

        out = {name: value(name) for name in names if name in required or draw(st.booleans())}
        for name in node.get("anyOf", [{}])[0].get("required", []):  # the first alternative's field
            out.setdefault(name, value(name))
        for sub in SCHEMAS.node(kind, path):  # node() has expanded $ref and allOf: each if of the object
            if "if" in sub:
                _branch(sub, out, value)
        return out

    return draw_object()


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("schema-fuzz")
    shutil.copytree(REPO / "records", root / "records")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


RECORD_STRATEGIES = {kind: _from_schema(kind) for kind in KINDS}


@pytest.mark.parametrize("kind", list(KINDS))
@SCHEMA_FUZZ
@given(data=st.data())
def test_records_generated_from_the_schema_validate_and_build(site_root: Path, kind: str,
                                                              data: st.DataObject) -> None:
    record = data.draw(RECORD_STRATEGIES[kind], label="record")
    record["id"] = f"{kind[:4]}-fuzz-001"
    rel = f"records/{kind}/{record['id']}.yaml"
    target = site_root / rel
    target.write_bytes(dump_yaml(record))
    try:
        start = time.monotonic()
        try:
            generate(site_root, as_of=AS_OF)
            event("built")
        except BuildError as refused:
            assert refused.report is not None, refused
            mine = [d.rule for d in refused.report.errors if d.location.path == rel]
            event(f"refused by {'the schema' if any(_is_schema(r) for r in mine) else 'the rules'}")
            for d in refused.report.diagnostics:
                assert d.location.path.startswith("records/"), d
                assert d.location.line >= 1 and d.location.col >= 1, d
                assert d.rule in RULES, d
                assert CJK.search(d.message), d
        assert time.monotonic() - start < TIME_LIMIT
    finally:
        target.unlink()


def _is_schema(rule: str) -> bool:
    return rule.startswith(("schema-", "yaml-")) or rule in ("date-range", "unknown-field", "docnumber-format")
