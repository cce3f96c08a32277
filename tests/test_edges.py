"""Values at the edges of every field: a located error or a published page, never a traceback.

Every date field of every kind (found from the schemas, not listed by hand) takes the ends of the
calendar and of the admissible window (generator.dates.EARLIEST .. LATEST); integer fields take
numbers of thousands of digits. What the schema refuses is a located error in Chinese; what it
admits goes through every rule, the status fold, the pages, the exports and the feeds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from generator import dates
from generator.cli import cli
from generator.fields import date_fields
from generator.records import KINDS
from generator.rules import RULES
from generator.schemas import SchemaSet
from generator.site.build import BuildError, generate

from helpers import AS_OF, REPO, Repo, copy_from_repo, dump_yaml

CJK = re.compile("[\u4e00-\u9fff]")
SCHEMAS = SchemaSet()
_SAFE = YAML(typ="safe")
SAMPLE: dict[str, dict[str, Any]] = {
    p.relative_to(REPO).as_posix(): _SAFE.load(p.read_bytes()) for p in sorted((REPO / "records").glob("*/*.yaml"))
}


def _schema_paths(kind: str, *wants: str) -> Iterator[tuple[str, ...]]:
    """The paths of the fields of `kind` whose schema has one of `wants` as its `format` or `type`,
    through $ref and allOf, list items included (as item 0)."""
    def walk(path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        nodes = SCHEMAS.node(kind, path)
        if any(n.get("format") in wants or n.get("type") in wants for n in nodes):
            yield path
        for node in nodes:
            for name in node.get("properties", {}):
                yield from walk((*path, name))
            if isinstance(node.get("items"), dict):
                yield from walk((*path, 0))  # type: ignore[arg-type]

    yield from dict.fromkeys(walk(()))


DATE_PATHS = [(kind, path) for kind in KINDS for path in _schema_paths(kind, "date")]
NUMBER_PATHS = [(kind, path) for kind in KINDS for path in _schema_paths(kind, "integer", "number")]


def test_the_date_rules_know_every_date_field_of_the_schemas() -> None:
    assert {(kind, path) for kind, path in DATE_PATHS} == {
        (kind, path) for kind in KINDS for path in date_fields(SchemaSet(), kind)}


def _sample_with(kind: str, path: tuple[Any, ...]) -> str:
    """A sample record of `kind` holding the field at `path` (or the first of its kind)."""
    rels = [rel for rel in SAMPLE if rel.split("/")[1] == kind]
    return next((rel for rel in rels if _get(SAMPLE[rel], path) is not None), rels[0])


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(data, dict) and step in data or isinstance(data, list) and isinstance(step, int) and \
                step < len(data):
            data = data[step]
        else:
            return None
    return data


def _put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {}) if isinstance(data, dict) else data[step]
    data[path[-1]] = value



def _edited(repo: Repo, kind: str, path: tuple[Any, ...], value: Any) -> str:
    rel = _sample_with(kind, path)
    data = copy.deepcopy(SAMPLE[rel])
    _put(data, path, value)
    repo.write(rel, dump_yaml(data))
    return rel


def _located(repo: Repo, rel: str, rule: str, needle: str) -> None:
    """`rule` is reported on `rel`, at the line holding `needle`, in Chinese."""
    report = repo.validate()
    hits = [d for d in report.diagnostics if d.rule == rule and d.location.path == rel]
    assert hits, [(d.rule, d.message) for d in report.diagnostics if d.location.path == rel]
    for d in hits:
        assert d.location.col >= 1 and needle in repo.text(rel).splitlines()[d.location.line - 1], d
        assert CJK.search(d.message), d


OUT_OF_RANGE = ["0001-01-01", "1949-09-30", "2101-01-01", "9999-12-30", "9999-12-31"]


@pytest.mark.parametrize("kind, path", DATE_PATHS, ids=[f"{k}.{'.'.join(map(str, p))}" for k, p in DATE_PATHS])
def test_dates_outside_the_window_are_located_errors(repo: Repo, kind: str, path: tuple[str, ...]) -> None:
    for value in OUT_OF_RANGE:
        rel = _edited(repo, kind, path, value)
        _located(repo, rel, "date-range", value)
    rel = _edited(repo, kind, path, "0000-01-01")  # ISO 8601's year 0, which no calendar here has
    _located(repo, rel, "schema-format", "0000-01-01")


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edges")
    copy_from_repo(root, "records", "docs", "mkdocs.yml")
    return root


@pytest.mark.parametrize("kind, path", DATE_PATHS, ids=[f"{k}.{'.'.join(map(str, p))}" for k, p in DATE_PATHS])
def test_admissible_edge_dates_give_messages_or_pages_never_a_traceback(
        site_root: Path, kind: str, path: tuple[str, ...]) -> None:
    """The first and last admissible days, in every date field: whatever the rules say of them,
    the status fold, the working-day arithmetic, the pages, exports and feeds take them."""
    repo = Repo(site_root)
    rel = _sample_with(kind, path)
    try:
        for value in (dates.EARLIEST.isoformat(), dates.LATEST.isoformat()):
            _edited(repo, kind, path, value)
            try:
                generate(site_root, as_of=AS_OF)
            except BuildError as refused:
                assert refused.report is not None
                for d in refused.report.diagnostics:
                    assert d.rule in RULES and d.location.line >= 1 and CJK.search(d.message), d
    finally:
        repo.write(rel, (REPO / rel).read_bytes())


@pytest.mark.parametrize("kind, path", NUMBER_PATHS,
                         ids=[f"{k}.{'.'.join(map(str, p))}" for k, p in NUMBER_PATHS])
def test_integers_of_thousands_of_digits_are_located_errors(repo: Repo, kind: str, path: tuple[Any, ...]) -> None:
    """Python's int() refuses more than 4300 digits with a bare ValueError; the loader says so first."""
    for digits in ("1" * 5000, "-" + "9" * 4301, "1" * 16):
        rel = _edited(repo, kind, path, 7)
        text = repo.text(rel).replace(": 7\n", f": {digits}\n", 1)
        repo.write(rel, text)
        _located(repo, rel, "yaml-number", digits[:20])


@pytest.mark.parametrize("args, env, message", [
    (["--as-of", "0001-01-02"], {}, "「今天」0001-01-02 不在 1949-10-01 至 2100-12-31 之间"),
    (["--as-of", "9999-12-31"], {}, "「今天」9999-12-31 不在 1949-10-01 至 2100-12-31 之间"),
    ([], {"SOURCE_DATE_EPOCH": "99999999999999"}, "SOURCE_DATE_EPOCH「99999999999999」不是有效的 Unix 时间戳"),
    ([], {"SOURCE_DATE_EPOCH": "soon"}, "SOURCE_DATE_EPOCH「soon」不是有效的 Unix 时间戳"),
])
def test_a_today_outside_the_window_is_a_usage_error(repo: Repo, args: list[str], env: dict[str, str],
                                                     message: str) -> None:
    """--as-of 0001-01-02 overflowed the calendar feed's two years back; 9999-12-31 made every year
    up to it one whose plans were missing (47839 warnings)."""
    result = CliRunner().invoke(cli, ["validate", "--root", str(repo.root), *args], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 2 and message in result.output, result.output
