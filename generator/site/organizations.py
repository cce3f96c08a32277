"""Organization pages: /organizations/ by type, and one page per organization with the bases it hosts or
supervises, the notices it issued, its training plans and the commendations and circulars that name it.

Built in one pass over the records (a nation's registry holds 50 000 bases): every tie is filed under its
organization first, then each page reads its own lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from generator import refdata
from generator.fields import field
from generator.records import Record
from generator.site.context import Output, SiteContext, href, published
from generator.site.pages import meta
from generator.site.render import fragment, page

INDEX = "organizations/index.md"
# Rows a section of an organization's page lists, newest first; the rest are in the lists and the open data.
SECTION_ROWS = 200
_SECTIONS = ("hosted", "supervised", "issued", "plans", "named")


def plan(site: SiteContext) -> Iterator[Output]:
    """The index of organizations and the page of each."""
    organizations = sorted(site.records.valid("organizations"), key=lambda o: o.id)
    ties = _ties(site)
    yield _index(site, organizations)
    for organization in organizations:
        yield _page(site, organization, ties.get(organization.id, {}))


def _ties(site: SiteContext) -> dict[str, dict[str, list[Record]]]:
    """Each organization's records, by section: one pass over bases, notices, plans and commendations."""
    ties: dict[str, dict[str, list[Record]]] = defaultdict(lambda: {s: [] for s in _SECTIONS})
    for base in site.bases():
        current = site.life(base.id).base
        ties[current.data["host"]]["hosted"].append(base)
        ties[current.data["supervisor"]]["supervised"].append(base)
    for notice in site.notices():  # newest first
        for issuer in dict.fromkeys((notice.data["issuer"], *notice.data.get("co_issuers", ()))):
            ties[issuer]["issued"].append(notice)
        if notice.kind == "plans":
            ties[notice.data["department"]]["plans"].append(notice)
        elif notice.kind in ("commendations", "circulars"):
            key = "recipients" if notice.kind == "commendations" else "subjects"
            named = {item["organization"] for item in notice.data[key] if item.get("organization")}
            for organization in sorted(named):
                ties[organization]["named"].append(notice)
    return ties


def _index(site: SiteContext, organizations: list[Record]) -> Output:
    types = field(site.schemas, "organizations", ("type",)).enum or []
    groups: dict[str, list[dict[str, str]]] = {t: [] for t in types}
    for organization in organizations:
        groups.setdefault(organization.data["type"], []).append({
            "href": href(INDEX, site.page_of(organization)), "name": organization.data["name"],
            "level": organization.data.get("level", ""), "district": refdata.label(organization.data["district"])
            if organization.data.get("district") else "",
        })
    for rows in groups.values():
        rows.sort(key=lambda r: r["name"])
    return Output(INDEX, page(
        "organizations_index.html", meta=meta(
            site, "机构", "机构", keywords=("行业主管部门", "施教机构"),
            description="本平台记录涉及的人社部门、行业主管部门、施教机构和其他单位，各附其培训基地、公告、计划和表彰。"),
        groups=[(t, rows) for t, rows in groups.items() if rows], total=len(organizations),
    ))


def _page(site: SiteContext, organization: Record, ties: dict[str, list[Record]]) -> Output:
    source = site.page_of(organization)
    data = organization.data

    def label(*path: str | int) -> str:
        return site.schemas.title("organizations", path)

    def bases(section: str) -> tuple[list[dict[str, Any]], int]:
        rows = []
        for base in ties.get(section, []):
            life = site.life(base.id)
            status = life.state(site.as_of)[0]
            rows.append({"href": href(source, site.page_of(base)), "name": life.base.data["name"], "status": status,
                         "level": life.base.data["level"],
                         "accredited": life.accredited_on.isoformat() if life.accredited_on else ""})
        rows.sort(key=lambda r: (r["accredited"], r["name"]), reverse=True)
        return rows[:SECTION_ROWS], len(rows)

    def notices(section: str) -> tuple[list[dict[str, str]], int]:
        found = ties.get(section, [])  # newest first already: only the rows shown are built
        return [{"href": href(source, site.page_of(n)), "title": n.data["title"], "kind": site.kind_title(n.kind),
                 "doc": n.data.get("doc_number", "—"), "published": published(n.data)}
                for n in found[:SECTION_ROWS]], len(found)

    parent = site.records.get(data.get("parent", ""))
    sections = [
        ("依托的培训基地", "bases", bases("hosted")),
        ("主管的培训基地", "bases", bases("supervised")),
        ("年度培训计划备案", "notices", notices("plans")),
        ("表彰和考核通报", "notices", notices("named")),
        ("发布的公告", "notices", notices("issued")),
    ]
    return Output(source, fragment(
        "organization.html", meta=meta(site, data["name"], "机构", keywords=(data["type"],),
                                       description=f"{data['name']}：培训基地、公告、年度培训计划和表彰。"),
        d=data, label=label, district=refdata.label(data["district"]) if data.get("district") else "",
        parent={"href": href(source, site.page_of(parent)), "name": parent.data["name"]}
        if parent is not None and parent.valid else None,
        sections=[(title, kind, rows, count) for title, kind, (rows, count) in sections if count],
        index=href(source, INDEX), directory=href(source, "bases/index.md"), data=href(source, "data/index.md"),
        limit=SECTION_ROWS,
    ))
