"""The pages of the site, planned from the records: one Output per generated Markdown file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from generator import refdata
from generator.attachments import size_text
from generator.dates import cn_date
from generator.kinds import KIND, Listing
from generator.records import Record
from generator.site.charts import bars
from generator.site.context import Output, SiteContext, href
from generator.site.render import fragment, page
from generator.status import REVOKED, STATUSES

DIRECTORY = "bases/index.md"
DIRECTORY_DATA = "bases/directory.json"
DIRECTORY_PAGE = 50  # rows on the page as built; the script shows the rest, 50 at a time


def plan(site: SiteContext) -> Iterator[Output]:
    """Every generated page of the site."""
    yield _home(site)
    yield from _directory(site)
    for base in site.bases():
        yield _base(site, base)
    for notice in site.notices():
        if notice.kind != "bases":
            yield _notice(site, notice)
    for kind in KIND.values():
        if kind.listing is not None:
            yield _list(site, kind.folder, kind.listing)
    yield _plans(site)
    yield _stats(site)
    yield Output("search.md", page("search.html", meta=meta(site, "搜索", "搜索"),
                                   bundle=href("search.md", "pagefind/"), directory=href("search.md", DIRECTORY)))


# -- helpers ---------------------------------------------------------------------------------

def meta(site: SiteContext, title: str, column: str, column_type: str = "信息公开目录",
          record: Record | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": title, "column_name": column, "column_type": column_type}
    if record is not None:
        meta.update(
            article_title=record.data.get("title", title),
            pub_date=f"{record.data['published_on']} 00:00",
            content_source=site.name(record.data["issuer"]),
            record_path=record.path,
        )
    if site.is_sample():
        meta["sample"] = True
    return meta


def _tools(site: SiteContext, source: str, kind: str) -> dict[str, Any]:
    """Template helpers bound to the page `source` (for relative links) of a record of `kind`."""

    def label(*path: str | int) -> str:
        return site.schemas.title(kind, path)  # a field's Chinese title, from the schema

    def link(record_id: str) -> str:
        record = site.records.get(record_id)
        return href(source, site.page_of(record)) if record is not None else "#"

    def title_of(record_id: str) -> str:
        record = site.records.get(record_id)
        if record is None:
            return record_id
        return str(record.data.get("name") or record.data.get("title") or record_id)

    return {"name": site.name, "link": link, "title_of": title_of, "label": label}


def _row(site: SiteContext, source: str, record: Record) -> dict[str, Any]:
    flag = "公示中" if site.in_publicity(record) else ("已更正" if site.records.successors(record.id) else "")
    return {
        "href": href(source, site.page_of(record)),
        "title": record.data["title"],
        "doc": record.data.get("doc_number", "—"),
        "issuer": site.name(record.data["issuer"]),
        "written": record.data["written_on"],
        "published": record.data["published_on"],
        "kind": site.kind_title(record.kind),
        "flag": flag,
    }


def _status(site: SiteContext, base: Record) -> str:
    return site.life(base.id).state(site.as_of)[0]


# -- pages -----------------------------------------------------------------------------------

def _home(site: SiteContext) -> Output:
    source = "index.md"
    counts = Counter(_status(site, b) for b in site.bases())
    return Output(source, page(
        "home.html", meta=meta(site, "首页", "首页", "首页"),
        as_of=site.as_of, counts=[(s, counts[s]) for s in STATUSES if counts[s]],
        latest=[_row(site, source, n) for n in site.notices()[:15]],
        directory=href(source, DIRECTORY), feed=href(source, "atom.xml"),
        submitting=href(source, "submitting.md"), rules=href(source, "rules.md"),
    ))


def _directory(site: SiteContext) -> Iterator[Output]:
    """The directory page with its first rows, and every row as compact JSON for its script."""
    rows = []
    for base in site.bases():
        current = site.life(base.id).base
        step = site.life(base.id).status_on(site.as_of)
        status = _status(site, base)
        rows.append({
            "href": href(DIRECTORY, site.page_of(base)),
            "name": current.data["name"],
            "status": status,
            "since": cn_date(step.on) if step and status == REVOKED else "",
            "district": refdata.label(current.data["district"]),
            "specialties": current.data["specialties"],
            "host": site.name(current.data["host"]),
            "supervisor": site.name(current.data["supervisor"]),
            "accredited": current.data["written_on"],
        })
    rows.sort(key=lambda r: r["name"])
    yield Output(DIRECTORY_DATA, _directory_data(rows))
    yield Output(DIRECTORY, page(
        "bases_index.html", meta=meta(site, "培训基地名录", "培训基地名录"),
        rows=rows[:DIRECTORY_PAGE], total=len(rows), as_of=site.as_of, data=href(DIRECTORY, DIRECTORY_DATA),
        districts=sorted({r["district"] for r in rows}),
        specialties=sorted({s for r in rows for s in r["specialties"]}),
        statuses=[s for s in STATUSES if any(r["status"] == s for r in rows)],
        csv=href(DIRECTORY, "data/bases.csv"), xlsx=href(DIRECTORY, "data/bases.xlsx"),
    ))


def _directory_data(rows: list[dict[str, Any]]) -> bytes:
    """Column per field, repeated texts (status, district, specialty, organization) as indexes
    into a table: at 50 000 bases this is what makes the list usable in well under a megabyte."""
    tables: dict[str, dict[str, int]] = {"status": {}, "district": {}, "specialty": {}, "organization": {}}

    def code(table: str, value: str) -> int:
        return tables[table].setdefault(value, len(tables[table]))

    columns = {
        "href": [r["href"] for r in rows],
        "name": [r["name"] for r in rows],
        "status": [code("status", r["status"]) for r in rows],
        "since": [r["since"] for r in rows],
        "district": [code("district", r["district"]) for r in rows],
        "specialties": [[code("specialty", s) for s in r["specialties"]] for r in rows],
        "host": [code("organization", r["host"]) for r in rows],
        "supervisor": [code("organization", r["supervisor"]) for r in rows],
        "accredited": [r["accredited"] for r in rows],
    }
    data = {"columns": columns, "tables": {name: list(values) for name, values in tables.items()}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _base(site: SiteContext, base: Record) -> Output:
    source = site.page_of(base)
    life = site.life(base.id)
    current = life.base
    step = life.status_on(site.as_of)
    steps = [{
        "on": s.on, "status": s.status, "note": s.note, "href": href(source, site.page_of(s.record)),
        "doc": s.record.data.get("doc_number") if s.record is not current else current.data.get("doc_number"),
    } for s in life.steps]
    status = {"status": _status(site, base), "on": step.on if step else current.data["written_on"],
              "note": life.state(site.as_of)[1],
              "href": href(source, site.page_of(step.record if step else base))}
    return Output(source, fragment(
        "base.html", meta=meta(site, current.data["name"], "培训基地名录", record=current),
        r=current, d=current.data, status=status, steps=steps, publicity=site.in_publicity(current),
        district=refdata.label(current.data["district"]), changes=site.history.get(current.path, []),
        validity=current.data["validity"], attachments=_attachments(site, source, current),
        **_tools(site, source, "bases"),
    ))


def _notice(site: SiteContext, record: Record) -> Output:
    source = site.page_of(record)
    corrections = [{
        "record": s, "href": href(source, site.page_of(s)),
        "verb": "更正" if s.data.get("corrects") == record.id else "替代",
    } for s in site.records.successors(record.id)]
    predecessor = site.records.predecessor(record)
    target = None
    if predecessor is not None:
        target = {"record": predecessor, "href": href(source, site.page_of(predecessor)),
                  "verb": "更正" if record.data.get("corrects") else "替代"}
    validity = record.data["validity"]
    if corrections and validity == "现行有效":
        validity = f"{validity}（已被{corrections[0]['verb']}）"
    kind = KIND[record.kind]
    listing = kind.listing or Listing(kind.title, "信息公开目录", "")
    column, column_type = listing.title, listing.column_type
    return Output(source, fragment(
        "notice.html", meta=meta(site, record.data["title"], column, column_type, record=record),
        r=record, kind_title=site.kind_title(record.kind), publicity=site.in_publicity(record),
        corrections=corrections, target=target, validity=validity, searchable=kind.searchable,
        changes=site.history.get(record.path, []), attachments=_attachments(site, source, record),
        **_tools(site, source, record.kind),
    ))


def _attachments(site: SiteContext, source: str, record: Record) -> list[dict[str, str]]:
    titles = {item["file"]: item["title"] for item in record.data.get("attachments") or ()}
    return [{"title": titles[a.name], "type": a.type_title, "suffix": a.name.rsplit(".", 1)[-1],
             "size": size_text(a.size), "sha256": a.sha256, "href": href(source, site.file_of(a)), "file": a.name}
            for a in site.records.attachments(record)]


def _list(site: SiteContext, kind: str, listing: Listing) -> Output:
    source = f"{kind}/index.md"
    title, column_type, intro = listing.title, listing.column_type, listing.intro
    groups: dict[int, list[dict[str, Any]]] = {}
    for record in site.notices(kind):
        groups.setdefault(int(record.data["written_on"][:4]), []).append(_row(site, source, record))
    return Output(source, page("list.html", meta=meta(site, title, title, column_type),
                               intro=intro, groups=sorted(groups.items(), reverse=True)))


def _plans(site: SiteContext) -> Output:
    source = "plans/index.md"
    plans = {(p.data["department"], p.data["year"]): p for p in site.records.current("plans")}
    departments = sorted((o for o in site.records.valid("organizations") if o.data["type"] == "行业主管部门"),
                         key=lambda o: o.id)
    years = sorted({year for _, year in plans}, reverse=True)
    table = []
    for year in years:
        rows = []
        for department in departments:
            plan_record = plans.get((department.id, year))
            if plan_record is None:
                state = "未报送" if site.as_of.isoformat() > f"{year}-03-31" else "尚未到期"
                rows.append({"department": department.data["name"], "state": state, "filed": "—",
                             "approved": "—", "href": None, "title": ""})
                continue
            filed = plan_record.data["filed_on"]
            rows.append({
                "department": department.data["name"],
                "state": "按时报送" if filed <= f"{year}-03-31" else "逾期报送",
                "filed": filed, "approved": plan_record.data.get("approved_on", "—"),
                "href": href(source, site.page_of(plan_record)), "title": plan_record.data["title"],
            })
        table.append((year, rows))
    return Output(source, page("plans_index.html", meta=meta(site, "年度培训计划备案", "年度培训计划备案"),
                               years=table))


def _stats(site: SiteContext) -> Output:
    statuses: Counter[str] = Counter()
    by_district: dict[str, list[int]] = {}
    years: dict[int, Counter[str]] = {}
    for base in site.bases():
        life = site.life(base.id)
        status = _status(site, base)
        statuses[status] += 1
        cell = by_district.setdefault(refdata.label(life.base.data["district"]), [0, 0])
        cell[0] += 1
        cell[1] += status == "有效"
        years.setdefault(int(life.base.data["written_on"][:4]), Counter())["accredited"] += 1
        for s in life.steps:
            bucket = years.setdefault(s.on.year, Counter())
            if s.record.kind == "evaluations" and s.status == "整改中":
                bucket["ordered"] += 1
            elif s.record.kind == "evaluations" and s.record.data["type"] == "整改复查" and s.status == "有效":
                bucket["rectified"] += 1
            elif s.status == REVOKED:
                bucket["revoked"] += 1
    for kind, key in (("commendations", "commended"), ("circulars", "circulars"), ("plans", "plans")):
        for record in site.records.current(kind):
            amount = len(record.data["recipients"]) if kind == "commendations" else 1
            years.setdefault(int(record.data["written_on"][:4]), Counter())[key] += amount
    by_status = [(s, statuses[s]) for s in STATUSES if statuses[s]]
    districts = sorted(by_district.items())
    rows = [{"year": y, **{k: c[k] for k in ("accredited", "ordered", "rectified", "revoked", "commended",
                                             "circulars", "plans")}} for y, c in sorted(years.items(), reverse=True)]
    return Output("stats.md", page(
        "stats.html", meta=meta(site, "统计", "统计"), as_of=site.as_of,
        by_status=by_status, chart_status=bars("培训基地按状态", by_status),
        by_district=[(d, n, v) for d, (n, v) in districts],
        chart_district=bars("培训基地按地区", [(d, n) for d, (n, _) in districts]),
        by_year=rows,
    ))


