"""The pages of the site, planned from the records: one Output per generated Markdown file."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from markupsafe import Markup

from generator import refdata
from generator.attachments import size_text
from generator.collation import pinyin_key
from generator.dates import cn_date
from generator.kinds import KIND, Listing
from generator.records import Record
from generator.refdata import hours_for_year
from generator.rules.notices import LISTS
from generator.site.charts import bars
from generator.site.context import Output, SiteContext, href, published
from generator.site.render import fragment, page
from generator.status import NOT_YET, PUBLICITY, REVOKED, STATUSES, VALID, WITHDRAWN

DIRECTORY = "bases/index.md"
DIRECTORY_DATA = "bases/directory.json"
LEVELS = ("国家级", "省级", "市级", "辖市区级")
DIRECTORY_PAGE = 50  # rows on the page as built; the script shows the rest, 50 at a time
# Every column page's ColumnKeywords end with these (政府网站发展指引: comma-separated keywords)
SITE_KEYWORDS = ("专业技术人员继续教育", "常州市")


def plan(site: SiteContext, *, records: bool = True) -> Iterator[Output]:
    """Every generated page of the site; without the record pages (`record_plan`) unless `records`."""
    yield _home(site)
    yield from _directory(site)
    if records:
        for make in record_plan(site):
            yield make()
    for kind in KIND.values():
        if kind.listing is not None:
            yield _list(site, kind.folder, kind.listing)
    yield _plans(site)
    yield _stats(site)
    yield Output("search.md", page("search.html", meta=meta(
        site, "搜索", "搜索", keywords=("搜索",),
        description="按名称、发文字号、发文机关、地区和单位搜索本平台的公告和培训基地。"),
                                   bundle=href("search.md", "pagefind/"), directory=href("search.md", DIRECTORY),
                                   # docs/assets/search/pagefind.js: Pagefind's API, a result per record page
                                   results=href("search.md", "assets/search/")))


def record_plan(site: SiteContext) -> list[Callable[[], Output]]:
    """The page of every base, notice and item of a notice, each to be rendered when called:
    `jxjy build` renders them on every core (they are most of a site)."""
    made: list[Callable[[], Output]] = [functools.partial(_base, site, base) for base in site.bases()]
    # every notice, and every item of a notice, has a page
    return made + [functools.partial(_notice, site, record) for record in site.records.valid()
                   if record.kind not in ("bases", "organizations")]


def record_pages(site: SiteContext, changed: Iterable[Record]) -> Iterator[Output]:
    """The record pages that show `changed` records obviously, each once: a record's own page, its
    notice's, the page of the base it is about, and for a notice the pages of the bases it lists.
    `jxjy serve` re-renders these at once and leaves every other page to its full rebuild."""
    shown: dict[str, Record] = {}

    def add(record: Record | None) -> None:
        if record is None or not record.valid or record.kind == "organizations":
            return
        if record.kind == "bases":
            record = site.records.get(site.records.identity(record.id)) or record
        shown.setdefault(site.page_of(record), record)

    for record in changed:
        add(record)
        add(site.records.notice_of(record))
        if isinstance(record.data.get("base"), str):
            add(site.records.get(record.data["base"]))
        if record.kind == "notices":
            for item in _items(site, record):
                add(item)
                if item.kind != "bases" and isinstance(item.data.get("base"), str):
                    add(site.records.get(item.data["base"]))
    for record in shown.values():
        yield _base(site, record) if record.kind == "bases" else _notice(site, record)


# -- helpers ---------------------------------------------------------------------------------

def meta(site: SiteContext, title: str, column: str, column_type: str = "信息公开目录",
          record: Record | None = None, document: Record | None = None, *, description: str = "",
          keywords: tuple[str, ...] = ()) -> dict[str, Any]:
    """A page's front matter: its title and the government-site <meta> values. A record's page is an
    article (ArticleTitle, PubDate, ContentSource, from the envelope of `document`: default the
    record's own, or its notice's; the report link names the record's file); any other page is a
    column page, which also carries ColumnDescription (`description`) and ColumnKeywords (the column,
    `keywords`, the site's)."""
    meta: dict[str, Any] = {"title": title, "column_name": column, "column_type": column_type}
    if record is None:
        meta["column_description"] = description or title
        meta["column_keywords"] = ",".join(dict.fromkeys((column, *keywords, *SITE_KEYWORDS)))
    else:
        envelope = site.records.envelope(document or record)
        meta.update(
            article_title=envelope.get("title", title),
            pub_date=f"{published(envelope)} 00:00",
            content_source=site.name(envelope["issuer"]),
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

    def org(org_id: str) -> Markup:
        """An organization's name, linked to its page when it has one."""
        record = site.records.get(org_id)
        if record is None or record.kind != "organizations" or not record.valid:
            return Markup("{}").format(site.name(org_id))
        return Markup('<a href="{}">{}</a>').format(href(source, site.page_of(record)), site.name(org_id))

    return {"name": site.name, "link": link, "title_of": title_of, "label": label, "org": org,
            # the page's permanent address, for its QR code and printouts (templates/_print.html)
            "permalink": site.absolute(source)}


def _row(site: SiteContext, source: str, record: Record) -> dict[str, Any]:
    flag = "公示中" if site.in_publicity(record) else ("已更正" if site.records.successors(record.id) else "")
    return {
        "href": href(source, site.page_of(record)),
        "title": record.data["title"],
        "doc": record.data.get("doc_number", "—"),
        "issuer": site.name(record.data["issuer"]),
        "written": record.data["written_on"],
        "published": record.data.get("published_on", ""),
        "kind": site.kind_title(record.kind),
        "flag": flag,
    }


# The columns a list page adds for its kind, after 标题: what a reader of that list asks first.
LIST_COLUMNS = {
    "notices": ("公告事项", "基地数"),
    "revocations": ("培训基地", "取消原因"),
    "evaluations": ("培训基地", "评估结果"),
    "circulars": ("年度", "通报性质"),
    "commendations": ("年度", "奖项"),
    "policies": ("有效性",),
}
REASON_SHORT = 16  # characters of a stated reason (「其他」) a list shows; the notice has it whole


def _reason(revocation: dict[str, Any]) -> str:
    """A revocation's reason in short: 逾期不整改, or 其他：<the start of its stated reason>."""
    detail = str(revocation.get("reason_detail") or "")
    if revocation["reason"] != "其他" or not detail:
        return str(revocation["reason"])
    return "其他：" + (detail if len(detail) <= REASON_SHORT else detail[:REASON_SHORT] + "…")


def _columns(site: SiteContext, kind: str, record: Record) -> list[str]:
    """The values of LIST_COLUMNS[kind] for `record`: a notice of its kind, or a 名单公告 listing items of it."""
    data = record.data
    if kind == "notices":
        return [data["act"], f"{len(_items(site, record))} 个"]
    if kind == "policies":
        return [data["validity"]]
    if kind in ("circulars", "commendations"):
        return [f"{data['year']} 年", data["nature"] if kind == "circulars" else data["award"]]
    items = site.records.members(record.id) if record.kind == "notices" else [record]
    bases = [site.base_name(i.data["base"]) for i in items]
    values = [_reason(i.data) if kind == "revocations" else i.data["result"] for i in items]
    base = bases[0] if len(bases) == 1 else f"共 {len(bases)} 个基地"
    return [base, "、".join(dict.fromkeys(values)) or "—"]


def _status(site: SiteContext, base: Record) -> str:
    return site.life(base.id).state(site.as_of)[0]


# -- pages -----------------------------------------------------------------------------------

def _home(site: SiteContext) -> Output:
    source = "index.md"
    counts = Counter(_status(site, b) for b in site.bases())
    return Output(source, page(
        "home.html", meta=meta(site, "首页", "首页", "首页", keywords=("培训基地", "公告"),
                               description="继续教育培训基地认定、评估验收、取消资格，考核通报、表彰奖励和年度培训计划备案的公示。"),
        as_of=site.as_of, counts=[(s, counts[s]) for s in STATUSES if counts[s]],
        latest=[_row(site, source, n) for n in site.notices()[:15]],
        directory=href(source, DIRECTORY), feed=href(source, "atom.xml"),
        submitting=href(source, "submitting.md"), rules=href(source, "rules.md"),
    ))


def _directory(site: SiteContext) -> Iterator[Output]:
    """The directory page with its first rows, and every row as compact JSON for its script."""
    rows = []
    for base in site.bases():
        life = site.life(base.id)
        current = life.base
        step = life.status_on(site.as_of)
        status = _status(site, base)
        document = life.decision or life.publicity  # the act a reader quotes: 认定 (or 拟认定) 发文字号
        rows.append({
            "href": href(DIRECTORY, site.page_of(base)),
            "name": current.data["name"],
            "status": status,
            "since": cn_date(step.on) if step and status == REVOKED else "",
            "code": current.data["district"],
            "district": refdata.label(current.data["district"]),
            "specialties": current.data["specialties"],
            "host": site.name(current.data["host"]),
            "supervisor": site.name(current.data["supervisor"]),
            "level": current.data["level"],
            "doc": site.records.envelope(document).get("doc_number", "") if document else "",
            "accredited": _accredited(site, base),
        })
    rows.sort(key=lambda r: pinyin_key(r["name"]))  # the script keeps this order for 按名称
    districts = [(refdata.label(code), name) for code, name in refdata.in_code_order(r["code"] for r in rows)]
    specialties = sorted({s for r in rows for s in r["specialties"]}, key=pinyin_key)
    yield Output(DIRECTORY_DATA, _directory_data(rows, [value for value, _ in districts], specialties))
    directory_meta = meta(site, "培训基地名录", "培训基地名录",
                          description="经认定的继续教育培训基地及其当前状态，可按名称、地区、专业领域、级别和状态查找。",
                          keywords=("培训基地", "认定"))
    directory_meta["hide"] = ["toc"]  # the page has no headings: its table takes the toc's width
    yield Output(DIRECTORY, page(
        "bases_index.html", meta=directory_meta,
        rows=rows[:DIRECTORY_PAGE], total=len(rows), as_of=site.as_of, data=href(DIRECTORY, DIRECTORY_DATA),
        districts=districts, specialties=specialties,
        statuses=[s for s in STATUSES if any(r["status"] == s for r in rows)],
        levels=[v for v in LEVELS if any(r["level"] == v for r in rows)],
        csv=href(DIRECTORY, "data/bases.csv"), xlsx=href(DIRECTORY, "data/bases.xlsx"),
    ))


def _directory_data(rows: list[dict[str, Any]], districts: list[str], specialties: list[str]) -> bytes:
    """Column per field, repeated texts (status, district, specialty, organization, 发文字号) as
    indexes into a table: at 50 000 bases this is what makes the list usable in well under a
    megabyte. Rows come in name order; the district table is in official code order and the
    specialty table in name order, so the script sorts by index."""
    tables: dict[str, dict[str, int]] = {"status": {}, "district": {}, "specialty": {}, "organization": {},
                                         "level": {}, "document": {}}

    def code(table: str, value: str) -> int:
        return tables[table].setdefault(value, len(tables[table]))

    for district in districts:
        code("district", district)
    for specialty in specialties:
        code("specialty", specialty)
    columns = {
        "href": [r["href"] for r in rows],
        "name": [r["name"] for r in rows],
        "status": [code("status", r["status"]) for r in rows],
        "since": [r["since"] for r in rows],
        "district": [code("district", r["district"]) for r in rows],
        "specialties": [[code("specialty", s) for s in r["specialties"]] for r in rows],
        "host": [code("organization", r["host"]) for r in rows],
        "supervisor": [code("organization", r["supervisor"]) for r in rows],
        "level": [code("level", r["level"]) for r in rows],
        "doc": [code("document", r["doc"]) for r in rows],
        "accredited": [r["accredited"] for r in rows],
    }
    data = {"columns": columns, "tables": {name: list(values) for name, values in tables.items()}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _accredited(site: SiteContext, base: Record) -> str:
    """The day of the base's accreditation decision (ISO), or "" while it has none (公示中)."""
    day = site.life(base.id).accredited_on
    return day.isoformat() if day else ""


def _base(site: SiteContext, base: Record) -> Output:
    source = site.page_of(base)
    life = site.life(base.id)
    current = life.base
    document = life.decision or life.publicity or current  # the act shown under 认定文件
    step = life.status_on(site.as_of)
    steps = [{
        "on": s.on, "status": s.status, "note": s.note, "href": href(source, site.page_of(s.record)),
        "doc": site.records.envelope(s.record).get("doc_number"),
    } for s in life.steps]
    cause = step.record if step else document
    status = {"status": _status(site, base), "on": step.on if step else None,
              "note": life.state(site.as_of)[1], "as_of": site.as_of,
              "href": href(source, site.page_of(cause)), "act": _act(cause),
              "doc": site.records.envelope(cause).get("doc_number", ""),
              "written": site.records.envelope(cause)["written_on"]}
    accredited = life.decision.data if life.decision is not None and status["status"] != WITHDRAWN else None
    notices = [{"href": href(source, site.page_of(n)), "record": n}
               for n in (life.publicity, life.decision) if n is not None and n is not current]
    return Output(source, fragment(
        "base.html", meta=meta(site, current.data["name"], "培训基地名录", record=current, document=document),
        r=current, d=current.data, e=document.data, status=status, steps=steps, notices=notices,
        batch=current.data.get("batch") or (accredited.get("batch") if accredited else None),
        valid_until=current.data.get("valid_until") or (accredited.get("valid_until") if accredited else None),
        publicity=life.publicity if site.in_publicity(life.publicity) else None,
        own_document=document is current, year=str(life.accredited_on or step.on if step else "")[:4],
        district=refdata.label(current.data["district"]), changes=site.history.get(current.path, []),
        validity=document.data["validity"],
        attachments=_attachments(site, source, current) if document is current else [],
        **_tools(site, source, "bases"),
    ))


# What each act is called after its 发文字号 on a base page: 常人社发〔2025〕23号 取消资格决定
_ACTS = {"bases": "认定决定", "evaluations": "评估验收结果", "revocations": "取消资格决定"}
_NOTICE_ACTS = {"拟认定公示": "拟认定公示", "认定": "认定决定", "评估结果": "评估验收结果", "取消资格": "取消资格决定"}


def _act(record: Record) -> str:
    """The act behind a base's status: its accreditation, an evaluation (or re-inspection) or a revocation."""
    if record.kind == "notices":
        return _NOTICE_ACTS[record.data["act"]]
    if record.kind == "evaluations":
        return f"{record.data['type']}结果"
    return _ACTS[record.kind]


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
    parent = site.records.notice_of(record)
    envelope = site.records.envelope(record)
    validity = envelope["validity"]
    if corrections and validity == "现行有效":
        validity = f"{validity}（已被{corrections[0]['verb']}）"
    kind = KIND[record.kind]
    hours = None
    if record.kind == "plans":
        offered = sum(course["hours"] for course in record.data["courses"])
        hours = {"offered": f"{offered:g}", "required": hours_for_year(record.data["year"])}
    listing = kind.listing or Listing(kind.title, "信息公开目录", "")
    column, column_type = listing.title, listing.column_type
    title = envelope["title"] if parent is None else f"{site.base_name(record.data['base'])}：{kind.title}"
    return Output(source, fragment(
        "notice.html", meta=meta(site, title, column, column_type, record=record),
        r=record, e=envelope, heading=title, kind_title=site.kind_title(record.kind),
        publicity=site.in_publicity(record), corrections=corrections, target=target, validity=validity,
        searchable=kind.searchable, hours=hours, changes=site.history.get(record.path, []),
        attachments=_attachments(site, source, record),
        parent={"href": href(source, site.page_of(parent)), "record": parent} if parent is not None else None,
        listed=_listed(site, source, record) if record.kind == "notices" else None,
        **_tools(site, source, record.kind),
    ))


def _attachments(site: SiteContext, source: str, record: Record) -> list[dict[str, str]]:
    titles = {item["file"]: item["title"] for item in record.data.get("attachments") or ()}
    return [{"title": titles[a.name], "type": a.type_title, "suffix": a.name.rsplit(".", 1)[-1],
             "size": size_text(a.size), "sha256": a.sha256, "href": href(source, site.file_of(a)), "file": a.name}
            for a in site.records.attachments(record)]


def _items(site: SiteContext, notice: Record) -> list[Record]:
    """What a 名单公告 lists: its own items, or for a decision after a 公示 the 公示's items it did not withdraw."""
    follows = site.records.get(notice.data.get("follows", ""))
    if follows is None:
        return site.records.members(notice.id)
    withdrawn = {site.records.identity(b) for b in notice.data.get("withdrawn", [])}
    return [b for b in site.records.members(follows.id) if site.records.identity(b.id) not in withdrawn]


def _listed(site: SiteContext, source: str, notice: Record) -> dict[str, Any]:
    """What a 名单公告 lists, each item with where it stands today, and the notices it is tied to."""
    items = _items(site, notice)
    follows = site.records.get(notice.data.get("follows", ""))
    rows = []
    for item in sorted(items, key=lambda r: r.id):
        base = site.records.get(site.records.identity(item.id if item.kind == "bases" else item.data["base"]))
        status = _status(site, base) if base is not None else ""
        rows.append({"record": item, "href": href(source, site.page_of(item)), "status": status,
                     "base": base.data if base is not None else {}})
    decisions = [{"href": href(source, site.page_of(d)), "record": d} for d in site.records.decisions(notice.id)]
    return {
        "kind": items[0].kind if items else "bases", "rows": rows, "decisions": decisions,
        "follows": {"href": href(source, site.page_of(follows)), "record": follows} if follows is not None else None,
        "withdrawn": [{"href": href(source, site.page_of(b)), "name": site.base_name(b.id)}
                      for b in map(site.records.get, notice.data.get("withdrawn", [])) if b is not None],
    }


def _list(site: SiteContext, kind: str, listing: Listing) -> Output:
    source = f"{kind}/index.md"
    title, column_type, intro = listing.title, listing.column_type, listing.intro
    groups: dict[int, list[dict[str, Any]]] = {}
    # A 名单公告 of results or revocations is listed with them too: readers look there.
    batches = [n for n in site.notices("notices") if kind != "bases" and LISTS[n.data["act"]] == kind]
    for record in sorted([*site.notices(kind), *batches], key=lambda r: (published(r.data), r.id), reverse=True):
        row = _row(site, source, record)
        row["columns"] = _columns(site, kind, record) if kind in LIST_COLUMNS else []
        groups.setdefault(int(record.data["written_on"][:4]), []).append(row)
    return Output(source, page("list.html", meta=meta(site, title, title, column_type, description=intro,
                                                      keywords=(KIND[kind].title,)),
                               intro=intro, groups=sorted(groups.items(), reverse=True),
                               columns=LIST_COLUMNS.get(kind, ()),
                               written="取消日期" if kind == "revocations" else "成文日期"))


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
                rows.append({"department": department.data["name"], "state": state, "filed": "",
                             "approved": "", "href": None, "title": "", "org": href(source, site.page_of(department))})
                continue
            filed = plan_record.data["filed_on"]
            rows.append({
                "department": department.data["name"], "org": href(source, site.page_of(department)),
                "state": "按时报送" if filed <= f"{year}-03-31" else "逾期报送",
                "filed": filed, "approved": plan_record.data.get("approved_on", ""),
                "href": href(source, site.page_of(plan_record)), "title": plan_record.data["title"],
            })
        table.append((year, hours_for_year(year), rows))
    return Output(source, page("plans_index.html", meta=meta(
        site, "年度培训计划备案", "年度培训计划备案", keywords=("专业科目", "学时"),
        description="各行业主管部门年度专业科目培训计划的备案情况（第十六条）和各年度的学时要求。"),
                               years=table))


def _stats(site: SiteContext) -> Output:
    statuses: Counter[str] = Counter()
    by_district: dict[str, list[int]] = {}
    years: dict[int, Counter[str]] = {}
    for base in site.bases():
        life = site.life(base.id)
        status = _status(site, base)
        statuses[status] += 1
        # Counted where they stand: a base in its 公示 (or left out after it) holds no accreditation.
        cell = by_district.setdefault(life.base.data["district"], [0, 0, 0])
        cell[0] += status not in (PUBLICITY, WITHDRAWN, NOT_YET)
        cell[1] += status == VALID
        cell[2] += status == PUBLICITY
        if life.accredited_on is not None and status != WITHDRAWN:
            years.setdefault(life.accredited_on.year, Counter())["accredited"] += 1
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
    # Official order: by division code (天宁区 320402, 钟楼区 320404, …), an abolished division marked.
    districts = [(name, by_district[code]) for code, name in refdata.in_code_order(by_district)]
    rows = [{"year": y, **{k: c[k] for k in ("accredited", "ordered", "rectified", "revoked", "commended",
                                             "circulars", "plans")}} for y, c in sorted(years.items(), reverse=True)]
    return Output("stats.md", page(
        "stats.html", meta=meta(site, "统计", "统计", keywords=("培训基地",),
                                description="培训基地按状态、地区和年度的统计，以及各年度的公告数量。"),
        as_of=site.as_of,
        by_status=by_status, chart_status=bars("培训基地按状态", by_status),
        by_district=[(d, *cell) for d, cell in districts],
        chart_district=bars("认定培训基地按地区", [(d, cell[0]) for d, cell in districts]),
        by_year=rows,
    ))


