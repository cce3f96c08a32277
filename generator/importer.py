"""`jxjy import`: the rows of a list kept in Excel (a notice's 附件) as new records, checked as the
repository will check them, written all or none.

Each row becomes the very text of the record file that would be written (as `jxjy new` writes it),
loaded back by the record loader and judged by the schema and every rule together with the
repository's records; a problem is then located at the cell the field came from (Sheet1!C7), or at
the row (Sheet1!7) for a field from --set or a record as a whole. Problems of records already in
the repository are not reported: `jxjy validate` is for those.
"""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator import dates
from generator.columns import EXTRA, CellProblem, Column, Lookup, columns, convert, normal
from generator.diagnostics import Diagnostic, Location, Report
from generator.errors import JxjyError
from generator.examine import check_alone, examine
from generator.fields import field as field_of
from generator.fields import requirements
from generator.new import fresh_ids, header_first, ids_elsewhere, record_path, render_record, write_record
from generator.output import cell_name
from generator.records import KIND_TITLES, Record
from generator.schemas import SchemaSet
from generator.validate import check_records
from generator.workbook import Sheet, read_sheet
from generator.yamlio import LoadError, clip, load_document

HEADER_ROWS = 10  # the header is among the first rows: below a title row (附件：…名单) and blank rows
IDENTITY = ("name", "notice", "doc_number")  # a row that repeats these repeats a record
_STR = "tag:yaml.org,2002:str"


class ListError(JxjyError):
    """The list cannot be imported at all (exit 2): no header, an empty sheet, a bad --set."""


@dataclass
class Row:
    number: int
    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[tuple[str, ...], int] = field(default_factory=dict)  # field path -> its column
    record: Record | None = None
    text: str = ""

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.data.get("title") or "")


@dataclass
class Plan:
    """What an import would write, and why it may not."""

    kind: str
    sheet: str
    rows: list[Row]
    report: Report

    def targets(self, root: Path) -> list[Path]:
        """The file each row would be written to."""
        return [record_path(root, self.kind, str(row.data["id"])) for row in self.rows]


def plan_import(path: Path, root: Path, *, kind: str, sheet: str | None, preset: dict[str, str], as_of: date,
                cache_dir: Path | None = None) -> Plan:
    """Read the list at `path` and judge each row as a new record of `kind` in `root`'s records.

    Args:
        sheet: the worksheet's name; default the first visible one.
        preset: field (name or title) -> the value every row takes (--set).
        as_of: the day that counts as today for the rules.

    Raises:
        WorkbookError: the file cannot be read as a workbook.
        ListError: the sheet is empty or has no header, or a --set is wrong.
        RepositoryError: the repository's records cannot be read.
    """
    schemas = SchemaSet()
    known = columns(schemas, kind)
    loaded = examine(root, schemas, cache_dir).records
    lookup = Lookup(loaded)
    fixed = _preset(preset, known, lookup, kind)
    table = read_sheet(path, sheet)
    where = f"{path.as_posix()}:{table.name}"
    if not table.cells:
        raise ListError(f"{path} 的工作表「{table.name}」是空的，没有可导入的内容")
    header = _header_row(table, known, kind)
    problems: list[Diagnostic] = []
    mapped = _map_header(table, header, known, fixed, where, problems)
    problems += _missing(schemas, kind, mapped, fixed, Location(where, header, 0))
    if problems:  # the columns are wrong: every row would repeat it
        return Plan(kind, table.name, [], Report.of(problems))
    rows = _read_rows(table, header, mapped, fixed, lookup, where, problems)
    _name_ids(rows, kind, root, as_of, loaded)
    problems += _duplicates(rows, loaded, kind, where)
    for row in rows:
        problems += _build(row, schemas, kind, where)
    new = {row.record.path: (row, row.record) for row in rows if row.record is not None}
    judged = [d for _, record in new.values() for found in check_alone(record, schemas) for d in found]
    _, found, _ = check_records([*loaded, *(record for _, record in new.values())], as_of=as_of, schemas=schemas)
    judged += [d for d in found if d.location.path in new]
    read = {(d.location.line, d.location.col) for d in problems if d.location.col}
    for diag in judged:  # a cell already reported (a name that names nothing) is not reported again
        located = _locate(*new[diag.location.path], diag, where)
        if (located.location.line, located.location.col) not in read:
            problems.append(located)
    return Plan(kind, table.name, rows, Report.of(problems))


def write_plan(plan: Plan, root: Path) -> list[Path]:
    """Write every planned record, or none: a failed write takes back those written before it.

    Raises:
        ListError: a file cannot be written (it exists, or the folder refuses).
    """
    written: list[Path] = []
    try:
        for row in plan.rows:
            assert row.record is not None  # a plan with errors is never written (the caller checks)
            written.append(write_record(root, plan.kind, row.record.id, row.text))
    except (JxjyError, OSError) as exc:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise ListError(f"写入第 {row.number} 行的记录失败：{reason}；已写入的 {len(written)} 个文件已删除，"
                        "未导入任何记录") from None
    return written


def _preset(preset: dict[str, str], known: dict[str, Column], lookup: Lookup,
            kind: str) -> dict[tuple[str, ...], Any]:
    fixed: dict[tuple[str, ...], Any] = {}
    for name, text in preset.items():
        column = known.get(normal(name))
        if column is None:
            raise ListError(f"--set {name}=…：「{name}」不是{KIND_TITLES[kind]}的字段"
                            f"（可用：{'、'.join(sorted({c.label for c in known.values()}))}）")
        try:
            fixed[column.path] = convert(text.strip(), column, lookup)
        except CellProblem as exc:
            raise ListError(f"--set {name}={text}：{exc.message}" + (f"（{exc.hint}）" if exc.hint else "")) from None
    return fixed


def _header_row(table: Sheet, known: dict[str, Column], kind: str) -> int:
    """The first of the first rows whose cells are mostly known column names."""
    for row in range(1, min(table.rows, HEADER_ROWS) + 1):
        texts = [normal(str(cell.value)) for col in range(1, table.columns + 1) if (cell := table.get(row, col))]
        fields = sum(text in known for text in texts)
        if fields and 2 * (fields + sum(text in EXTRA for text in texts)) > len(texts):
            return row
    named = list({c.label: c for c in known.values()}.values())[1:6]  # after the id, as the schema lists them
    titles = "".join(f"「{c.about.title}」" for c in named)
    raise ListError(f"工作表「{table.name}」的前 {HEADER_ROWS} 行中找不到表头：表头行应以{KIND_TITLES[kind]}的字段名"
                    f"作列名，如{titles}")


def _map_header(table: Sheet, header: int, known: dict[str, Column], fixed: dict[tuple[str, ...], Any],
                where: str, problems: list[Diagnostic]) -> dict[int, Column]:
    mapped: dict[int, Column] = {}
    seen: dict[tuple[str, ...], int] = {}
    for col in range(1, table.columns + 1):
        cell = table.get(header, col)
        if cell is None:
            continue
        text = normal(str(cell.value))
        at = Location(where, header, col)
        column = known.get(text)
        if column is None and text not in EXTRA:
            close = difflib.get_close_matches(text, list(known), n=1, cutoff=0.5)
            hint = f"是否应为「{close[0]}」？" if close else "不需要导入的列请删除，或改名为「备注」"
            message = f"列名「{clip(str(cell.value))}」不是字段名，无法导入"
            problems.append(Diagnostic(at, "sheet-column", message, hint))
        elif column is not None and column.path in seen:
            problems.append(Diagnostic(at, "sheet-column", f"「{column.about.title}」列重复（已见于 "
                                                           f"{cell_name(seen[column.path], header)}）"))
        elif column is not None and column.path in fixed:
            problems.append(Diagnostic(at, "sheet-column", f"「{column.about.title}」既是表中的列，又由 --set 指定；"
                                                           "请只用一种"))
        elif column is not None:
            seen[column.path] = col
            mapped[col] = column
    return mapped


def _missing(schemas: SchemaSet, kind: str, mapped: dict[int, Column], fixed: dict[tuple[str, ...], Any],
             at: Location) -> list[Diagnostic]:
    """A required field that neither a column nor --set gives (the id is made when missing)."""
    required, _ = requirements(schemas, kind)
    given = {c.path[0] for c in mapped.values()} | {path[0] for path in fixed}
    return [Diagnostic(at, "sheet-column-missing",
                       f"缺少必填列「{schemas.title(kind, (name,))}」（{name}）",
                       f"在表头加上这一列，或用 --set {name}=… 为每一行指定")
            for name in schemas.fields(kind, ()) if name in required and name not in given and name != "id"]


def _read_rows(table: Sheet, header: int, mapped: dict[int, Column], fixed: dict[tuple[str, ...], Any],
               lookup: Lookup, where: str, problems: list[Diagnostic]) -> list[Row]:
    rows: list[Row] = []
    headless: set[int] = set()
    for number in range(header + 1, table.rows + 1):
        row = Row(number)
        for col in range(1, table.columns + 1):
            cell = table.get(number, col)
            if cell is None or (value := cell.value.strip() if isinstance(cell.value, str) else cell.value) == "":
                continue
            column = mapped.get(col)
            at = Location(where, number, col)
            if column is None:
                if table.get(header, col) is None and col not in headless:
                    headless.add(col)
                    problems.append(Diagnostic(at, "sheet-column", "这一列没有表头（列名），无法判断填的是哪个字段"))
                continue
            row.sources[column.path] = col
            try:
                if cell.problem:
                    raise CellProblem("sheet-cell", f"「{column.about.title}」单元格{cell.problem}：{clip(str(value))}",
                                      cell.hint)
                _put(row.data, column.path, convert(value, column, lookup))
            except CellProblem as exc:
                problems.append(Diagnostic(at, exc.rule, exc.message, exc.hint))
                _put(row.data, column.path, str(value))  # the validator sees the field; its report here is dropped
        if row.sources:
            for path, value in fixed.items():
                _put(row.data, path, value)
            rows.append(row)
    return rows


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {})
    data[path[-1]] = value


def _name_ids(rows: list[Row], kind: str, root: Path, as_of: date, loaded: list[Record]) -> None:
    """Give each row without a 记录编号 an id as `jxjy new` does, of the year of its 成文日期, or
    else of the first record it refers to that has one (its 所属公告), or else of today."""
    unnamed = [row for row in rows if not isinstance(row.data.get("id"), str)]
    if not unnamed:
        return
    taken = ids_elsewhere(root) | {row.data["id"] for row in rows if isinstance(row.data.get("id"), str)}
    written = {r.id: day for r in loaded if (day := dates.parse(r.data.get("written_on"))) is not None}
    days = [dates.parse(row.data.get("written_on"))
            or next((written[v] for v in row.data.values() if isinstance(v, str) and v in written), as_of)
            for row in unnamed]
    for row, record_id in zip(unnamed, fresh_ids(kind, root, days, taken=taken), strict=True):
        row.data["id"] = record_id


def _duplicates(rows: list[Row], loaded: list[Record], kind: str, where: str) -> list[Diagnostic]:
    """A row that repeats another row, or a record of the same decision already in the repository
    (the list imported twice). Keyed by name and, where given, the decision (notice, 发文字号)."""
    def key(data: dict[str, Any]) -> tuple[Any, ...] | None:
        if not isinstance(data.get("name"), str):
            return None
        return tuple(data.get(name) for name in IDENTITY)

    first: dict[tuple[Any, ...], Row] = {}
    existing = {k: r for r in loaded if r.kind == kind and (k := key(r.data)) is not None}
    found: list[Diagnostic] = []
    for row in rows:
        k = key(row.data)
        if k is None:
            continue
        at = Location(where, row.number, row.sources.get(("name",), 0))
        if k in first:
            found.append(Diagnostic(at, "sheet-duplicate-row",
                                    f"「{row.data['name']}」与第 {first[k].number} 行重复（同一名称、同一认定文件）"))
        elif k in existing:
            found.append(Diagnostic(at, "sheet-duplicate-row",
                                    f"「{row.data['name']}」已见于 {existing[k].path}（同一名称、同一认定文件），"
                                    "这份名单是否已导入过？"))
        first.setdefault(k, row)
    return found


def _build(row: Row, schemas: SchemaSet, kind: str, where: str) -> list[Diagnostic]:
    """The row's record file, as `jxjy new` writes one, and the record the loader reads from it."""
    mapping = header_first(schemas, kind, _ordered(schemas, kind, (), row.data))
    note = f"由 jxjy import 从名单第 {row.number} 行导入；改动后请运行 jxjy validate"
    row.text = render_record(kind, mapping, note=note)
    try:
        doc = load_document(row.text.encode("utf-8"))
    except LoadError as exc:  # a character no record may hold (a zero-width space pasted in a name)
        return [Diagnostic(Location(where, row.number, _column_at(row, exc.line)), exc.rule, exc.message)]
    row.record = Record(kind, str(row.data["id"]), f"{where}!{row.number}", doc)
    return []


def _ordered(schemas: SchemaSet, kind: str, path: tuple[str, ...], data: dict[str, Any]) -> CommentedMap:
    """`data` in the schema's order, dates as dates (written unquoted) and any text YAML would read
    as something else in double quotes ("320412")."""
    out = CommentedMap()
    for name, is_date in _order(schemas, kind, path):
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, dict):
            out[name] = _ordered(schemas, kind, (*path, name), value)
        elif isinstance(value, list):
            out[name] = [_scalar(v, is_date) for v in value]
        else:
            out[name] = _scalar(value, is_date)
    return out


@cache  # asked for every row: one SchemaSet a run
def _order(schemas: SchemaSet, kind: str, path: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """The field names of the mapping at `path` in the schema's order, each with whether it (or its
    items) is a date."""
    facts = [(name, field_of(schemas, kind, (*path, name))) for name in schemas.fields(kind, path)]
    return tuple((name, about.format == "date" or "date" in about.defs or (
        about.is_array and "date" in field_of(schemas, kind, (*path, name, 0)).defs)) for name, about in facts)


def _scalar(value: Any, is_date: bool) -> Any:
    if not isinstance(value, str):
        return value
    if is_date and dates.calendar_date(value) is not None:
        return date.fromisoformat(value)
    if VersionedResolver().resolve(ScalarNode, value, (True, False)) != _STR:
        return DoubleQuotedScalarString(value)
    return value


def _column_at(row: Row, line: int) -> int:
    """The column of the top-level field written at `line` of the row's text, 0 if none."""
    lines = row.text.splitlines()[:line]
    top = next((text.split(":", 1)[0] for text in reversed(lines) if text[:1] not in ("", " ", "#", "-")), "")
    return next((col for path, col in row.sources.items() if path[0] == top), 0)


def _locate(row: Row, record: Record, diag: Diagnostic, where: str) -> Diagnostic:
    """`diag`, found in the row's record text, at the cell its field came from (else the row)."""
    doc = record.doc
    at = {pos: path for path, pos in doc.keys.items()} | {pos: path for path, pos in doc.values.items()}
    path = at.get((diag.location.line, diag.location.col), ())
    while path and tuple(map(str, path)) not in row.sources:
        path = path[:-1]
    col = row.sources.get(tuple(map(str, path)), 0)
    return Diagnostic(Location(where, row.number, col), diag.rule, diag.message, diag.hint)
