"""Open data: every kind as JSON, CSV and .xlsx, the schemas, and the data index page (the field
reference page is generator.site.fields).

JSON carries the records as they are (plus, for bases, a derived status). CSV and Excel are for
people: one column per top-level field under its Chinese title, references shown as names,
nested objects as columns or compact text. Every output is a function of the records and the
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

from generator.attachments import Attachment
from generator.fields import field, names
from generator.records import KIND_TITLES, KINDS, Record
from generator.refdata import division, label
from generator.site.context import Output, SiteContext, href
from generator.site.feeds import CALENDAR, FEEDS
from generator.site.feeds import PAGE as FEEDS_PAGE
from generator.site.fields import FIELDS, fields_page
from generator.site.pages import meta
from generator.site.render import page

INDEX = "data/index.md"
SEP = "；"  # between list items in a CSV or Excel cell
XLSX_CELL_LIMIT = 32767  # characters Excel keeps in one cell
WIDTH_SAMPLE = 500  # rows looked at to size the .xlsx columns
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in the sheet's XML
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a CSV cell starting so would run as a formula

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
    yield fields_page(site)


# -- JSON ------------------------------------------------------------------------------------

def _json(value: Any, *, sort_keys: bool = False) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n").encode("utf-8")


def _exported(site: SiteContext, record: Record) -> dict[str, Any]:
    data = dict(record.data)
    if data.get("attachments"):
        files = site.records.files(record)
        data["attachments"] = [{**item, **_file_facts(site, files[item["file"]])} for item in data["attachments"]]
    if record.kind == "bases":
        data["status"] = _status(site, record)
    return data


def _status(site: SiteContext, base: Record) -> dict[str, Any]:
    """The derived status of the base `base` belongs to, as of the build day (not a record field)."""
    life = site.life(site.records.identity(base.id))
    step = life.status_on(site.as_of)
    status, note = life.state(site.as_of)
    return {
        "derived": True,
        "as_of": site.as_of.isoformat(),
        "status": status,
        "since": step.on.isoformat() if step else None,
        "cause": step.record.id if step else None,
        "note": note,
    }


def _file_facts(site: SiteContext, attachment: Attachment) -> dict[str, Any]:
    """What the open data adds to a listed attachment: its size, SHA-256 and public URL."""
    return {"size": attachment.size, "sha256": attachment.sha256, "url": site.absolute(site.file_of(attachment))}


# -- tables (CSV and Excel share the columns) -------------------------------------------------

def _columns(site: SiteContext, kind: str) -> list[Column]:
    columns: list[Column] = []
    for name in names(site.schemas, kind):
        about = field(site.schemas, kind, (name,))
        if about.is_object:
            columns.extend(_object_columns(site, kind, name))
        elif about.is_array:
            columns.append(Column(about.title, _list_cell(site, kind, name), name))
        elif "ref" in about.defs:
            columns.append(Column(about.title, _field(name, lambda v: _ref_name(site, v)), name))
        elif "district" in about.defs:
            columns.append(Column(about.title, _field(name, _district), name))
        else:
            columns.append(Column(about.title, _field(name, _scalar), name))
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
        elif name == "attachments":
            files = site.records.files(record)
            text = [f"{i['title']}（{i['file']}，{files[i['file']].size} 字节，SHA-256 {files[i['file']].sha256}）"
                    for i in items]
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
    """320404 -> 钟楼区（320404）, 320106 -> 江苏省南京市鼓楼区（320106）: the name for people, the code for lookups."""
    return f"{label(code)}（{code}）" if isinstance(code, str) and division(code) is not None else _scalar(code)


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
    site_name = site.settings["site_name"]
    wb.set_properties({"title": f"{site_name} · {title}", "author": str(site.settings.get("host_unit") or site_name),
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
    feeds = [{"title": feed.title, "href": href(INDEX, feed.path)} for feed in FEEDS]
    return Output(INDEX, page(
        "data_index.html", meta=meta(site, "开放数据", "开放数据", keywords=("JSON", "CSV", "Excel"),
                                     description="全部记录的 JSON、CSV 和 Excel 下载，数据规范（schema）和字段说明。"),
        as_of=site.as_of, kinds=kinds, total=sum(counts.values()),
        all_json=href(INDEX, "data/all.json"), fields=href(INDEX, FIELDS),
        defs=href(INDEX, "data/schema/defs.schema.json"),
        feeds=feeds, calendar=href(INDEX, CALENDAR), feeds_page=href(INDEX, FEEDS_PAGE),
    ))
