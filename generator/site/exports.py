"""Open data: every kind as JSON, CSV and .xlsx, the schemas, and a field reference page.

JSON carries the records as they are (plus, for bases, a derived status). CSV and Excel are for
people: one column per top-level field under its Chinese title, references shown as names,
nested objects as columns or compact text. The field reference is generated from schema/, so it
cannot drift from what the validator accepts. Every output is a function of the records and the
day alone: two builds give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import xlsxwriter

from generator.records import KIND_TITLES, KINDS, Record
from generator.refdata import divisions
from generator.site.context import Output, SiteContext, href
from generator.site.feeds import FEEDS, SITE_NAME
from generator.site.pages import meta
from generator.site.render import page
from generator.status import STATUSES

INDEX = "data/index.md"
FIELDS = "data/fields.md"
SEP = "；"  # between list items in a CSV or Excel cell
XLSX_CELL_LIMIT = 32767  # characters Excel keeps in one cell
WIDTH_SAMPLE = 500  # rows looked at to size the .xlsx columns
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in the sheet's XML
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting so would run as a formula
UNKNOWN_STATUS = "未生效"

Cell = str | int | float | None


@dataclass(frozen=True)
class Column:
    title: str  # the Chinese header
    value: Callable[[Record], Cell]
    key: str = ""  # the field path, to tell apart two fields that share a title


def plan(site: SiteContext) -> Iterator[Output]:
    """data/<kind>.json|csv|xlsx for every kind, data/all.json, the schemas, the two pages."""
    counts: dict[str, int] = {}
    for kind in KINDS:
        records = sorted(site.records.valid(kind), key=lambda r: r.id)
        counts[kind] = len(records)
        yield Output(f"data/{kind}.json", _json([_exported(site, r) for r in records], sort_keys=True))
        columns = _columns(site, kind)
        header = [c.title for c in columns]
        rows = [[c.value(r) for c in columns] for r in records]
        yield Output(f"data/{kind}.csv", _csv(header, rows))
        yield Output(f"data/{kind}.xlsx", _xlsx(site, KIND_TITLES[kind], header, rows))
    yield Output("data/all.json", _json({"generated_as_of": site.as_of.isoformat(), "kinds": counts}))
    for name, document in sorted(site.schemas.documents.items()):
        yield Output(f"data/schema/{name}", _json(document))
    yield _index(site, counts)
    yield _fields(site)


# -- JSON ------------------------------------------------------------------------------------

def _json(value: Any, *, sort_keys: bool = False) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n").encode("utf-8")


def _exported(site: SiteContext, record: Record) -> dict[str, Any]:
    data = dict(record.data)
    if record.kind == "bases":
        data["status"] = _status(site, record)
    return data


def _status(site: SiteContext, base: Record) -> dict[str, Any]:
    """The derived status of the base `base` belongs to, as of the build day (not a record field)."""
    step = site.life(site.records.identity(base.id)).status_on(site.as_of)
    return {
        "derived": True,
        "as_of": site.as_of.isoformat(),
        "status": step.status if step else UNKNOWN_STATUS,
        "since": step.on.isoformat() if step else None,
        "cause": step.record.id if step else None,
        "note": step.note if step else "尚未认定",
    }


# -- tables (CSV and Excel share the columns) -------------------------------------------------

def _field_names(site: SiteContext, kind: str, path: tuple[str | int, ...] = ()) -> list[str]:
    """Field names at `path`, the record id first, then the kind's own, then the shared ones."""
    names = list(site.schemas.fields(kind, path))
    if "id" in names:
        names.remove("id")
        names.insert(0, "id")
    return names


def _columns(site: SiteContext, kind: str) -> list[Column]:
    columns: list[Column] = []
    for name in _field_names(site, kind):
        nodes = site.schemas.node(kind, (name,))
        title = site.schemas.title(kind, (name,))
        if _is_object(nodes):
            columns.extend(_object_columns(site, kind, name))
        elif _is_array(nodes):
            columns.append(Column(title, _list_cell(site, kind, name), name))
        elif _is_ref(nodes):
            columns.append(Column(title, _field(name, lambda v: _ref_name(site, v)), name))
        elif _is_def(nodes, "district"):
            columns.append(Column(title, _field(name, _district), name))
        else:
            columns.append(Column(title, _field(name, _scalar), name))
        if kind == "bases" and name == "name":
            columns.append(Column("状态", lambda r: _status(site, r)["status"]))
            columns.append(Column("状态日期", lambda r: _status(site, r)["since"]))
    if kind != "organizations":
        columns.append(Column("网址", lambda r: _page_url(site, r)))
    return _unique(columns)


def _unique(columns: list[Column]) -> list[Column]:
    """Headers that two fields share get the field path: 公告日期（announcement.published_on）."""
    titles = [c.title for c in columns]
    return [Column(f"{c.title}（{c.key}）", c.value, c.key) if titles.count(c.title) > 1 and c.key else c
            for c in columns]


def _field(name: str, show: Callable[[Any], Cell]) -> Callable[[Record], Cell]:
    """A column showing the top-level field `name` through `show`."""
    return lambda record: show(record.data.get(name))


def _object_columns(site: SiteContext, kind: str, name: str) -> list[Column]:
    """publicity -> 公示开始日期, 公示截止日期, 意见反馈方式: one column per sub-field."""
    columns = []
    for sub, sub_title in site.schemas.fields(kind, (name,)).items():
        def value(r: Record, n: str = name, s: str = sub) -> Cell:
            block = r.data.get(n)
            return _scalar(block.get(s)) if isinstance(block, dict) else None
        columns.append(Column(sub_title, value, f"{name}.{sub}"))
    return columns


def _list_cell(site: SiteContext, kind: str, name: str) -> Callable[[Record], Cell]:
    item_fields = site.schemas.fields(kind, (name, 0))

    def cell(record: Record) -> Cell:
        items = record.data.get(name)
        if not isinstance(items, list) or not items:
            return None
        if name == "subjects":
            text = [_subject(site, item) for item in items]
        elif name == "recipients":
            text = [_recipient(site, item) for item in items]
        elif name == "courses":
            text = [f"{i.get('title')}（{_number(i.get('hours'))}学时，{i.get('audience')}）" for i in items]
        elif item_fields:  # a list of objects this module does not know yet: title：value pairs
            text = ["，".join(f"{item_fields.get(k, k)}：{_text(v)}" for k, v in item.items()) for item in items]
        else:
            text = [_text(item) for item in items]
        return SEP.join(text)

    return cell


def _subject(site: SiteContext, item: dict[str, Any]) -> str:
    """市卫生健康委员会：不合格（存在问题：未报送备案、工作不力，优秀比例核减 1 个百分点，说明：…）"""
    details = []
    if item.get("findings"):
        details.append("存在问题：" + "、".join(item["findings"]))
    if item.get("quota_cut") is not None:
        details.append(f"优秀比例核减 {_number(item['quota_cut'])} 个百分点")
    if item.get("note"):
        details.append(f"说明：{item['note']}")
    text = f"{_ref_name(site, item.get('organization'))}：{item.get('result')}"
    return text + (f"（{'，'.join(details)}）" if details else "")


def _recipient(site: SiteContext, item: dict[str, Any]) -> str:
    """单位 -> its name; 个人 -> 姓名（所在单位）."""
    unit = _ref_name(site, item.get("organization"))
    return f"{item['name']}（{unit}）" if item.get("name") else str(unit)


def _ref_name(site: SiteContext, value: Any) -> Cell:
    """An organization or a base by name; any other reference (a notice) by its id."""
    if not isinstance(value, str):
        return _scalar(value)
    target = site.records.get(value)
    if target is not None and target.kind == "organizations":
        return site.name(value)
    if target is not None and target.kind == "bases":
        return site.base_name(value)
    return value


def _district(code: Any) -> Cell:
    """320404 -> 钟楼区（320404）: the name for people, the code for lookups."""
    division = divisions().get(code) if isinstance(code, str) else None
    return f"{division.name}（{code}）" if division is not None else _scalar(code)


def _page_url(site: SiteContext, record: Record) -> Cell:
    # organizations are reference data without pages of their own
    return site.absolute(site.page_of(record)) if record.kind != "organizations" else None


def _scalar(value: Any) -> Cell:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return value.strip()  # a YAML block scalar (正文) ends with a newline
    if value is None or isinstance(value, (int, float)):
        return value
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _is_object(nodes: list[dict[str, Any]]) -> bool:
    return any(n.get("type") == "object" for n in nodes)


def _is_array(nodes: list[dict[str, Any]]) -> bool:
    return any(n.get("type") == "array" for n in nodes)


def _is_ref(nodes: list[dict[str, Any]]) -> bool:
    return _is_def(nodes, "ref")


def _is_def(nodes: list[dict[str, Any]], name: str) -> bool:
    """Whether the field uses the shared definition defs.schema.json#/$defs/<name>."""
    return any(str(n.get("$ref", "")).endswith(f"/$defs/{name}") for n in nodes)


# -- CSV -------------------------------------------------------------------------------------

def _csv(header: list[str], rows: list[list[Cell]]) -> bytes:
    """UTF-8 with a BOM (Excel then reads it as UTF-8), CRLF line ends, text cells guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection): quote it.
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return _number(value)


# -- Excel -----------------------------------------------------------------------------------

def _xlsx(site: SiteContext, title: str, header: list[str], rows: list[list[Cell]]) -> bytes:
    """The rows as one sheet, written row by row (XlsxWriter's constant-memory mode)."""
    stamp = datetime.combine(site.as_of, time())
    buffer = io.BytesIO()
    # Text stays text: no formulas, numbers or links are read into a string, whatever it starts with.
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    wb.set_properties({"title": f"{SITE_NAME} · {title}", "author": str(site.settings.get("host_unit") or SITE_NAME),
                       "created": stamp})
    ws = wb.add_worksheet(title)
    widths = [_width(h) for h in header]
    for row in rows[:WIDTH_SAMPLE]:  # column widths are judged on the first rows
        for col, value in enumerate(row):
            if value is not None:
                widths[col] = max(widths[col], _width(str(value)))
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(width, 60))
    ws.freeze_panes(1, 0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(header) - 1)
    ws.write_row(0, 0, header, wb.add_format({"bold": True}))
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                text = _XLSX_ILLEGAL.sub("", value)
                if len(text) > XLSX_CELL_LIMIT:
                    text = text[: XLSX_CELL_LIMIT - 20] + "……（全文见网页或 JSON）"
                ws.write_string(number, col, text)
            elif value is not None:
                ws.write_number(number, col, value)
    wb.close()
    return _pin_zip(buffer.getvalue(), stamp)


def _width(text: str) -> int:
    """Column width in Excel's units: CJK characters take two."""
    line = max(text.split("\n"), key=len) if text else ""
    return 2 + sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)


def _pin_zip(data: bytes, stamp: datetime) -> bytes:
    """The same archive with every member dated `stamp` and fixed attributes: reproducible bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.create_system = 3
            pinned.external_attr = 0o644 << 16
            target.writestr(pinned, source.read(info.filename))
    return out.getvalue()


# -- pages -----------------------------------------------------------------------------------

def _index(site: SiteContext, counts: dict[str, int]) -> Output:
    kinds = [{
        "title": KIND_TITLES[kind],
        "count": counts[kind],
        "json": href(INDEX, f"data/{kind}.json"),
        "csv": href(INDEX, f"data/{kind}.csv"),
        "xlsx": href(INDEX, f"data/{kind}.xlsx"),
        "schema": href(INDEX, f"data/schema/{name}.schema.json"),
        "schema_name": f"{name}.schema.json",
        "fields": href(INDEX, FIELDS) + f"#{kind}",
    } for kind, name in KINDS.items()]
    feeds = [{"title": "全部公告", "href": href(INDEX, "atom.xml")}]
    feeds += [{"title": title, "href": href(INDEX, f"feeds/{kind}.xml")} for kind, (title, _) in FEEDS.items()]
    return Output(INDEX, page(
        "data_index.html", meta=meta(site, "开放数据", "开放数据"),
        as_of=site.as_of, kinds=kinds, total=sum(counts.values()),
        all_json=href(INDEX, "data/all.json"), fields=href(INDEX, FIELDS),
        defs=href(INDEX, "data/schema/defs.schema.json"),
        feeds=feeds, calendar=href(INDEX, "feeds/deadlines.ics"),
    ))


# Added to the exported bases (JSON `status`, CSV/Excel 状态 and 状态日期): derived, not recorded.
DERIVED_BASE_FIELDS = [
    ("status", "状态（推算）", "对象",
     "仅见于 JSON：按认定、评估验收和取消资格记录推算的基地状态；不是记录字段，不能在记录中填写。"),
    ("status.derived", "推算标记", "是/否", "恒为 true，表示该对象由其他记录推算得出。"),
    ("status.as_of", "推算日期", "日期（YYYY-MM-DD）", "状态所依据的日期，即本次生成网站的日期。"),
    ("status.status", "状态", "文本",
     f"{'、'.join(STATUSES)}，或尚未认定时的「{UNKNOWN_STATUS}」。CSV 和 Excel 的「状态」列。"),
    ("status.since", "状态日期", "日期（YYYY-MM-DD）", "进入该状态之日。CSV 和 Excel 的「状态日期」列。"),
    ("status.cause", "引起状态的记录", "记录编号", "导致该状态的记录（认定、评估验收或取消资格）的编号。"),
    ("status.note", "状态说明", "文本", "如「评估验收：限期整改（期限 2026-09-30）」。"),
]


def _fields(site: SiteContext) -> Output:
    kinds = []
    for kind, name in KINDS.items():
        document = site.schemas.documents[f"{name}.schema.json"]
        kinds.append({
            "kind": kind,
            "title": KIND_TITLES[kind],
            "description": document.get("description", ""),
            "schema": href(FIELDS, f"data/schema/{name}.schema.json"),
            "schema_name": f"{name}.schema.json",
            "fields": list(_walk(site, kind)),
            "derived": DERIVED_BASE_FIELDS if kind == "bases" else [],
        })
    return Output(FIELDS, page(
        "fields.html", meta=meta(site, "字段说明", "开放数据"),
        kinds=kinds, index=href(FIELDS, INDEX), defs=href(FIELDS, "data/schema/defs.schema.json"),
    ))


def _walk(site: SiteContext, kind: str, path: tuple[str | int, ...] = (), label: str = "") -> Iterator[dict[str, Any]]:
    """Every field under `path`, depth first: publicity.start, subjects[].quota_cut, ..."""
    required, conditional = _requirements(site.schemas.node(kind, path))
    for name in _field_names(site, kind, path):
        sub = (*path, name)
        nodes = site.schemas.node(kind, sub)
        shown = f"{label}.{name}" if label else name
        items = site.schemas.node(kind, (*sub, 0)) if _is_array(nodes) else []
        yield {
            "path": shown,
            "title": site.schemas.title(kind, sub),
            "type": _type_label(nodes, items),
            "required": "必填" if name in required else ("条件必填" if name in conditional else "选填"),
            "description": _first(nodes, "description") or "",
            "allowed": _allowed(nodes, items),
        }
        if _is_object(nodes):
            yield from _walk(site, kind, sub, shown)
        elif _is_object(items):
            yield from _walk(site, kind, (*sub, 0), f"{shown}[]")


def _requirements(nodes: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """Names always required, and names required only in some cases (if/then, anyOf)."""
    required: set[str] = set()
    conditional: set[str] = set()
    for node in nodes:
        required.update(node.get("required", []))
        for branch in ("then", "else"):
            if isinstance(node.get(branch), dict):
                conditional.update(node[branch].get("required", []))
        for alternative in (*node.get("anyOf", []), *node.get("oneOf", [])):
            conditional.update(alternative.get("required", []))
    return required, conditional - required


# shared definitions (defs.schema.json#/$defs/<name>) that tell more than their JSON type
_DEF_TYPES = {"ref": "记录编号（引用）", "id": "记录编号", "district": "行政区划代码（6 位数字）",
              "doc_number": "发文字号", "index_number": "索引号", "year": "年份（4 位整数）",
              "body": "多段文本（空行分段）"}
_TYPES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否（true/false）", "object": "对象",
          "array": "列表"}


def _type_label(nodes: list[dict[str, Any]], items: list[dict[str, Any]]) -> str:
    refs = {str(n["$ref"]).rsplit("/", 1)[-1] for n in nodes if "$ref" in n}
    for name, label in _DEF_TYPES.items():
        if name in refs:
            return label
    formats = {n.get("format") for n in nodes}
    if "date" in formats:
        return "日期（YYYY-MM-DD）"
    if "uri" in formats:
        return "网址"
    if _first(nodes, "enum") is not None:
        return "文本（限定取值）"
    kind = _first(nodes, "type")
    if kind == "array":
        return f"列表，每项为{_type_label(items, []) if items else '任意值'}"
    return _TYPES.get(str(kind), "任意值")


def _allowed(nodes: list[dict[str, Any]], items: list[dict[str, Any]]) -> str:
    """Allowed values (enums) or limits (lengths, ranges, list sizes) as Chinese text."""
    enum = _first(nodes, "enum") or _first(items, "enum")
    if enum is not None:
        return "、".join(str(v) for v in enum)
    limits = []
    shortest, longest = _first(nodes, "minLength"), _first(nodes, "maxLength")
    if longest is not None:
        limits.append(f"{shortest}–{longest} 字" if shortest else f"最多 {longest} 字")
    low, high = _first(nodes, "minimum"), _first(nodes, "maximum")
    above, below = _first(nodes, "exclusiveMinimum"), _first(nodes, "exclusiveMaximum")
    if low is not None and high is not None:
        limits.append(f"{low}–{high}")
    else:
        limits += [f"大于 {above}"] if above is not None else []
        limits += [f"不小于 {low}"] if low is not None else []
        limits += [f"小于 {below}"] if below is not None else []
        limits += [f"不大于 {high}"] if high is not None else []
    if _first(nodes, "minItems"):
        limits.append(f"至少 {_first(nodes, 'minItems')} 项")
    if _first(nodes, "uniqueItems"):
        limits.append("各项不得重复")
    return "，".join(limits)


def _first(nodes: list[dict[str, Any]], keyword: str) -> Any:
    """A keyword's value in the first node that has it (the field's own node before its $ref)."""
    return next((n[keyword] for n in nodes if keyword in n), None)
