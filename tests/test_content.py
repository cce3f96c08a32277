"""Record pages and list tables answer the reader's question: 取消原因 and dates in lists, Chinese dates,
figures in their unit, statistics that do not count a base in its 公示, a base's status with its date and
cause, organization pages and the 最近更新 page."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from generator import refdata
from generator.schemas import SchemaSet
from generator.site import organizations, updates
from generator.site.build import settings
from generator.site.context import SiteContext
from generator.site.render import Fragment
from generator.site.updates import UPDATES_ROWS
from generator.validate import check_repository

from helpers import AS_OF, REPO
from site_fixtures import cn_date, html_files, org_name, page_path, records, resolve, soup, text

ISO_DATE = re.compile(r"(?<![\d/])\d{4}-\d{2}-\d{2}(?!\d)")
# Pages that may show an ISO date as text: the clerks' rules and the field reference explain the data
# format (YYYY-MM-DD) with examples.
ISO_ALLOWED = {"rules/index.html", "submitting/index.html", "data/fields/index.html"}


def flat(node) -> str:
    """Visible text without the spaces that text() puts between elements."""
    return text(node).replace(" ", "")


def table_rows(page, selector: str = "table") -> list[dict[str, str]]:
    """The rows of the first table matching `selector` (or `page` itself, a table), by column header."""
    table = page if page.name == "table" else page.select_one(selector)
    assert table is not None, selector
    headers = [text(th) for th in table.select("thead th")]
    return [dict(zip(headers, (text(td) for td in tr.select("td")), strict=True)) for tr in table.select("tbody tr")]


def list_rows(page) -> list[dict[str, str]]:
    """The rows of every year's table of a list page."""
    return [row for table in page.select("table.jxjy-table") for row in table_rows(table)]


def link_target(site_dir: Path, url: str, anchor) -> Path:
    found = resolve(site_dir, page_path(site_dir, url), anchor["href"])
    assert found is not None, anchor
    return found[0]


# -- lists -------------------------------------------------------------------------------------

def test_the_revocation_list_shows_each_base_its_reason_and_the_date(site_dir: Path) -> None:
    page = soup(site_dir, "revocations/")
    rows = {row["标题"]: row for row in list_rows(page)}
    for rev_id in ("rev-2025-001", "rev-2025-002"):
        revocation = records()[rev_id].data
        row = rows[revocation["title"]]
        base = records()[revocation["base"]].data["name"]
        assert (row["培训基地"], row["取消原因"], row["取消日期"]) == (
            base, revocation["reason"], cn_date(revocation["written_on"]))
        assert row["发布日期"] == cn_date(revocation["published_on"])
    cell = page.select_one("table.jxjy-table time")
    assert cell is not None and ISO_DATE.fullmatch(cell["datetime"]) and text(cell) == cn_date(cell["datetime"])


def test_evaluation_list_names_the_base_and_the_result(site_dir: Path) -> None:
    rows = list_rows(soup(site_dir, "evaluations/"))
    evaluation = records()["eval-2024-001"].data
    assert {"培训基地": records()[evaluation["base"]].data["name"], "评估结果": evaluation["result"]}.items() <= next(
        r for r in rows if r["标题"].startswith(evaluation["title"])).items()


def test_the_notice_list_shows_each_notice_its_act_and_how_many_bases_it_lists(site_dir: Path) -> None:
    rows = {r["标题"]: r for r in list_rows(soup(site_dir, "notices/"))}
    notice = records()["notice-2025-012"].data
    listed = len(soup(site_dir, "notices/notice-2025-012/").select("table.jxjy-listed tbody tr"))
    assert (rows[notice["title"]]["公告事项"], rows[notice["title"]]["基地数"]) == (notice["act"], f"{listed} 个")
    assert listed > 1


def test_the_policy_list_shows_each_policy_in_force_or_not(site_dir: Path) -> None:
    rows = {r["标题"]: r for r in list_rows(soup(site_dir, "policies/"))}
    for record in records().values():
        if record.kind == "policies":
            assert rows[record.data["title"]]["有效性"] == record.data["validity"]


def test_no_iso_date_on_a_page_outside_machine_readable_attributes(site_dir: Path) -> None:
    found = {}
    for path in html_files(site_dir):
        rel = path.relative_to(site_dir).as_posix()
        if rel in ISO_ALLOWED or rel.startswith("pagefind/"):
            continue
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")  # a copy: decomposed below
        for node in page(["script", "style", "code"]):
            node.decompose()
        if hits := ISO_DATE.findall(page.get_text(" ")):
            found[rel] = hits[:3]
    assert not found


def test_list_tables_label_every_cell_with_its_column(site_dir: Path) -> None:
    """On a narrow screen a list table becomes one card per row, each cell labelled from data-label."""
    tables = 0
    for path in html_files(site_dir):
        for table in soup(site_dir, path.relative_to(site_dir).as_posix()).select("table.jxjy-stack"):
            tables += 1
            headers = [text(th) for th in table.select("thead th")]
            for tr in table.select("tbody tr"):
                assert [td.get("data-label") for td in tr.select("td")] == headers, path
    assert tables > 30


# -- units and statistics ----------------------------------------------------------------------

def test_a_quota_cut_is_shown_in_percentage_points(site_dir: Path) -> None:
    page = soup(site_dir, "circulars/circ-2025-002/")
    row = next(r for r in table_rows(page, "table.jxjy-table") if org_name("org-ccgc") in r.values())
    assert row["优秀比例核减"] == "1.5 个百分点"  # the record's quota_cut: 1.5, which the schema calls 核减百分点
    assert "%" not in text(page.select_one("table.jxjy-table"))


def test_course_hours_are_shown_in_xueshi(site_dir: Path) -> None:
    plan = records()["plan-2026-cz-zjj"].data
    rows = table_rows(soup(site_dir, "plans/plan-2026-cz-zjj/"), "table.jxjy-table")
    assert [r["学时"] for r in rows] == [f"{c['hours']:g} 学时" for c in plan["courses"]]


def _sample_statuses(site_dir: Path) -> dict[str, str]:
    statuses = {}
    for base_id, record in records().items():
        if record.kind == "bases":
            line = soup(site_dir, f"bases/{base_id}/").select_one(".jxjy-status-line .jxjy-status")
            statuses[base_id] = text(line)
    return statuses


def test_statistics_do_not_count_a_base_in_its_publicity_as_accredited(site_dir: Path) -> None:
    statuses = _sample_statuses(site_dir)
    assert (statuses["base-2026-001"], statuses["base-2025-108"]) == ("公示中", "未予认定")
    page = soup(site_dir, "stats/")
    tables = page.select("table.jxjy-table")
    districts = table_rows(tables[1])
    accredited: Counter[str] = Counter()
    proposed: Counter[str] = Counter()
    for base_id, status in statuses.items():
        code = records()[base_id].data["district"]
        accredited[code] += status not in ("公示中", "未予认定")
        proposed[code] += status == "公示中"
    # official order: by division code, an abolished district marked
    codes = sorted(accredited)
    shown = [refdata.label(c) + ("" if refdata.division(c, AS_OF) else "（已撤销）") for c in codes]
    assert [r["地区"] for r in districts] == shown
    assert "戚墅堰区（已撤销）" in shown
    assert [(int(r["认定基地"]), int(r["公示中（拟认定）"])) for r in districts] == [
        (accredited[c], proposed[c]) for c in codes]
    liyang = districts[codes.index("320481")]  # where base-2026-001 is proposed
    assert int(liyang["公示中（拟认定）"]) == 1
    years = {r["年度"]: r for r in table_rows(tables[2])}
    assert years["2026 年"]["认定基地"] == "0"  # base-2026-001 awaits its decision


# -- a base's status ---------------------------------------------------------------------------

def test_a_base_page_says_as_of_when_and_by_which_act(site_dir: Path) -> None:
    url = "bases/base-2021-001/"
    revocation = records()["rev-2025-001"].data
    current = soup(site_dir, url).select_one(".jxjy-current")
    assert flat(current.select_one(".jxjy-status-line")).startswith(f"当前状态（截至{cn_date(AS_OF.isoformat())}）：已取消")
    cause = current.select_one(".jxjy-cause")
    assert flat(cause) == f"依据：{revocation['doc_number']}取消资格决定（{cn_date(revocation['written_on'])}）"
    assert link_target(site_dir, url, cause.find("a")) == page_path(site_dir, "revocations/rev-2025-001/")


def test_a_base_in_its_publicity_names_the_publicity_as_its_cause(site_dir: Path) -> None:
    cause = soup(site_dir, "bases/base-2026-001/").select_one(".jxjy-cause")
    notice = records()[records()["base-2026-001"].data["notice"]].data
    assert flat(cause).startswith(f"依据：{notice['doc_number']}拟认定公示（{cn_date(notice['written_on'])}）")


def test_the_history_is_called_the_platform_version_history_not_a_publication_date(site_dir: Path) -> None:
    history = soup(site_dir, "revocations/rev-2025-001/").select_one(".jxjy-history")
    note = flat(history.select_one(".jxjy-history-note"))
    assert "本平台的版本历史" in note and "不是公文的成文日期或发布日期" in note
    assert f"发布日期：{cn_date(records()['rev-2025-001'].data['published_on'])}" in note


# -- organizations -----------------------------------------------------------------------------

def test_the_organization_index_groups_every_organization_by_type(site_dir: Path) -> None:
    page = soup(site_dir, "organizations/")
    groups = {text(h2): [text(a) for a in h2.find_next("ul").select("a")] for h2 in page.select(".jxjy-page h2")}
    organizations = [r for r in records().values() if r.kind == "organizations"]
    assert sum(len(names) for names in groups.values()) == len(organizations)
    assert org_name("org-cz-wsjk") in groups["行业主管部门"]
    assert org_name("org-lcwsxx") in groups[records()["org-lcwsxx"].data["type"]]


def test_an_organization_page_lists_its_bases_plans_and_commendations(site_dir: Path) -> None:
    url = "organizations/org-cz-wsjk/"
    page = soup(site_dir, url)
    sections = {text(s.find("h2")).split("（")[0]: s for s in page.select(".jxjy-org-section")}
    supervised = {r["基地名称"]: r["当前状态"] for r in table_rows(sections["主管的培训基地"], "table")}
    statuses = _sample_statuses(site_dir)
    expected = {records()[b].data["name"]: s for b, s in statuses.items()
                if records()[b].data["supervisor"] == "org-cz-wsjk"}
    assert supervised == expected and "base-2020-001" in [b for b in statuses
                                                          if records()[b].data["supervisor"] == "org-cz-wsjk"]
    plans = [r["标题"] for r in table_rows(sections["年度培训计划备案"], "table")]
    assert records()["plan-2026-cz-wsjk"].data["title"] in plans
    named = [r["标题"] for r in table_rows(sections["表彰和考核通报"], "table")]
    assert records()["comm-2026-001"].data["title"] in named


def test_an_organization_page_lists_the_notices_it_issued_newest_first(site_dir: Path) -> None:
    page = soup(site_dir, "organizations/org-czrsj/")
    section = next(s for s in page.select(".jxjy-org-section") if text(s.find("h2")).startswith("发布的公告"))
    rows = table_rows(section, "table")
    assert records()["rev-2025-001"].data["title"] in [r["标题"] for r in rows]
    days = [t["datetime"] for t in section.select("td time")]
    assert days == sorted(days, reverse=True)


def test_record_pages_link_organization_names_to_their_pages(site_dir: Path) -> None:
    url = "bases/base-2021-001/"
    base = records()["base-2021-001"].data
    facts = soup(site_dir, url).select_one(".jxjy-facts")
    host = next(a for a in facts.select("a") if text(a) == org_name(base["host"]))
    assert link_target(site_dir, url, host) == page_path(site_dir, f"organizations/{base['host']}/")
    issuer = soup(site_dir, url).select_one(".jxjy-disclosure a")
    assert link_target(site_dir, url, issuer) == page_path(site_dir, "organizations/org-czrsj/")


# -- 最近更新 ------------------------------------------------------------------------------------

def test_the_updates_page_lists_changes_newest_first_with_links(site_dir: Path) -> None:
    page = soup(site_dir, "updates/")
    days = [h2.find("time")["datetime"] for h2 in page.select(".jxjy-page h2")]
    assert days == sorted(days, reverse=True) and days[0] <= AS_OF.isoformat()
    entries = {d: [flat(li) for li in h2.find_next("ul").select("li")]
               for d, h2 in zip(days, page.select(".jxjy-page h2"), strict=True)}
    revocation = records()["rev-2025-001"].data
    assert f"发布取消资格公告{revocation['title']}（{revocation['doc_number']}）" in entries[revocation["published_on"]]
    base = records()["base-2021-001"].data["name"]
    assert any(e.startswith(f"基地状态已取消{base}：取消资格") for e in entries[revocation["written_on"]])
    correction = records()["eval-2026-002"].data
    corrected = records()["eval-2026-001"].data["title"]
    assert any(e.startswith(f"更正《{corrected}》{correction['title']}") for e in entries[correction["published_on"]])
    assert sum(len(e) for e in entries.values()) <= UPDATES_ROWS
    for anchor in page.select(".jxjy-updates-day a"):
        assert link_target(site_dir, "updates/", anchor).is_file()
    feed = next(a for a in page.select(".jxjy-page a") if "Atom" in text(a))
    assert link_target(site_dir, "updates/", feed) == site_dir / "atom.xml"


# -- scale: capped sections ----------------------------------------------------------------------

def _sample_site() -> SiteContext:
    result = check_repository(REPO, as_of=AS_OF)
    return SiteContext(result.records, AS_OF, SchemaSet(), settings(REPO), {}, result.lifecycles)


def _body(outputs, path: str) -> BeautifulSoup:
    content = next(o.content for o in outputs if o.path == path)
    return BeautifulSoup(content.body if isinstance(content, Fragment) else content, "html.parser")


def test_an_organization_page_lists_the_newest_rows_of_a_long_section_and_says_so(monkeypatch) -> None:
    site = _sample_site()
    full = _body(organizations.plan(site), "organizations/org-czrsj.md")
    monkeypatch.setattr(organizations, "SECTION_ROWS", 2)
    capped = _body(organizations.plan(site), "organizations/org-czrsj.md")
    for whole, cut in zip(full.select(".jxjy-org-section"), capped.select(".jxjy-org-section"), strict=True):
        rows = [text(tr) for tr in whole.select("tbody tr")]
        assert [text(tr) for tr in cut.select("tbody tr")] == rows[:2]
        assert text(cut.find("h2")) == text(whole.find("h2"))  # the heading keeps the whole count
        assert ("此处列出最近的 2 项" in text(cut)) == (len(rows) > 2)


def test_the_updates_page_keeps_the_newest_changes(monkeypatch) -> None:
    site = _sample_site()
    every = [text(li) for li in _body(updates.plan(site), "updates.md").select(".jxjy-updates-day li")]
    monkeypatch.setattr(updates, "UPDATES_ROWS", 5)
    newest = [text(li) for li in _body(updates.plan(site), "updates.md").select(".jxjy-updates-day li")]
    assert newest == every[:5]
