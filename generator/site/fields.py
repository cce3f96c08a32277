"""The field reference page (data/fields/index.md): every field of every kind with its Chinese title,
type, whether it is required, its description and its allowed values, generated from schema/ so
it cannot drift from what the validator accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.fields import Field, field, names, requirements
from generator.records import KIND_TITLES, KINDS
from generator.site.context import Output, SiteContext, href
from generator.site.pages import meta
from generator.site.render import page
from generator.status import NOT_YET, STATUSES

# An index page, so that its folder is its URL's: Zensical reads the relative links of raw HTML
# from the page's file (data/fields.md's "../" would be the site root), MkDocs from its URL.
FIELDS = "data/fields/index.md"

# Added to the exported bases (JSON `status`, CSV/Excel 状态 and 状态日期): derived, not recorded.
DERIVED_BASE_FIELDS = [
    ("status", "状态（推算）", "对象",
     "仅见于 JSON：按认定、评估验收和取消资格记录推算的基地状态；不是记录字段，不能在记录中填写。"),
    ("status.derived", "推算标记", "是/否", "恒为 true，表示该对象由其他记录推算得出。"),
    ("status.as_of", "推算日期", "日期（YYYY-MM-DD）", "状态所依据的日期，即本次生成网站的日期。"),
    ("status.status", "状态", "文本",
     f"{'、'.join(STATUSES)}，或尚未认定时的「{NOT_YET}」。CSV 和 Excel 的「状态」列。"),
    ("status.since", "状态日期", "日期（YYYY-MM-DD）", "进入该状态之日。CSV 和 Excel 的「状态日期」列。"),
    ("status.cause", "引起状态的记录", "记录编号", "导致该状态的记录（认定、评估验收或取消资格）的编号。"),
    ("status.note", "状态说明", "文本", "如「评估验收：限期整改（期限 2026年9月30日）」。"),
]


def fields_page(site: SiteContext) -> Output:
    """data/fields/index.md: every field of every kind, from the schemas."""
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
        "fields.html", meta=meta(site, "字段说明", "开放数据", keywords=("字段说明",),
                                 description="开放数据中每类记录每个字段的中文名称、类型、是否必填和取值说明。"),
        kinds=kinds, index=href(FIELDS, "data/index.md"), defs=href(FIELDS, "data/schema/defs.schema.json"),
    ))


def _walk(site: SiteContext, kind: str, path: tuple[str | int, ...] = (), label: str = "") -> Iterator[dict[str, Any]]:
    """Every field under `path`, depth first: publicity.start, subjects[].quota_cut, ..."""
    required, conditional = requirements(site.schemas, kind, path)
    for name in names(site.schemas, kind, path):
        about = field(site.schemas, kind, (*path, name))
        items = field(site.schemas, kind, (*path, name, 0)) if about.is_array else None
        shown = f"{label}.{name}" if label else name
        yield {
            "path": shown,
            "title": about.title,
            "type": _type_label(about, items),
            "required": "必填" if name in required else ("条件必填" if name in conditional else "选填"),
            "description": about.description,
            "allowed": _allowed(about, items),
        }
        if about.is_object:
            yield from _walk(site, kind, about.path, shown)
        elif items is not None and items.is_object:
            yield from _walk(site, kind, items.path, f"{shown}[]")


# shared definitions (defs.schema.json#/$defs/<name>) that tell more than their JSON type
_DEF_TYPES = {"ref": "记录编号（引用）", "id": "记录编号", "district": "行政区划代码（6 位数字）",
              "doc_number": "发文字号", "index_number": "索引号", "year": "年份（4 位整数）",
              "body": "多段文本（空行分段）"}
_TYPES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否（true/false）", "object": "对象",
          "array": "列表"}


def _type_label(about: Field, items: Field | None) -> str:
    for name, label in _DEF_TYPES.items():
        if name in about.defs:
            return label
    if about.format == "date":
        return "日期（YYYY-MM-DD）"
    if about.format == "uri":
        return "网址"
    if about.enum is not None:
        return "文本（限定取值）"
    kind = about.first("type")
    if kind == "array":
        return f"列表，每项为{_type_label(items, None) if items and items.nodes else '任意值'}"
    return _TYPES.get(str(kind), "任意值")


def _allowed(about: Field, items: Field | None) -> str:
    """Allowed values (enums) or limits (lengths, ranges, list sizes) as Chinese text."""
    enum = about.enum or (items.enum if items else None)
    if enum is not None:
        return "、".join(str(v) for v in enum)
    limits = []
    shortest, longest = about.first("minLength"), about.first("maxLength")
    if longest is not None:
        limits.append(f"{shortest}–{longest} 字" if shortest else f"最多 {longest} 字")
    low, high = about.first("minimum"), about.first("maximum")
    above, below = about.first("exclusiveMinimum"), about.first("exclusiveMaximum")
    if low is not None and high is not None:
        limits.append(f"{low}–{high}")
    else:
        limits += [f"大于 {above}"] if above is not None else []
        limits += [f"不小于 {low}"] if low is not None else []
        limits += [f"小于 {below}"] if below is not None else []
        limits += [f"不大于 {high}"] if high is not None else []
    if about.first("minItems"):
        limits.append(f"至少 {about.first('minItems')} 项")
    if about.first("uniqueItems"):
        limits.append("各项不得重复")
    return "，".join(limits)
