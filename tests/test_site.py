"""The built site, read as a reader sees it: statuses, links, disclosure elements, and no other host."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from generator.collation import pinyin_key
from generator.kinds import KIND
from generator.refdata import hours_for_year
from generator.site import search
from generator.site.build import BuildError, build

from helpers import AS_OF, REPO
from site_fixtures import (
    SITE_NAME,
    cn_date,
    copy_build_inputs,
    html_files,
    manifest,
    notice_records,
    org_name,
    page_envelope,
    page_path,
    pagefind_filters,
    record_page_url,
    record_urls,
    records,
    registry_settings,
    resolve,
    set_config,
    soup,
    soup_of,
    text,
)

DISCLOSURE = ("索引号", "主题分类", "发文机关", "成文日期", "发文字号", "发布日期", "有效性")
RECORD_IDS = sorted(r.id for r in notice_records())
# Attributes that make a browser fetch or navigate to a URL.
URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "poster", "data", "background", "cite", "xlink:href")
OTHER_HOST = re.compile(r"(^|[\s,])(https?:)?//", re.IGNORECASE)
CSS_OTHER_HOST = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]*)""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.IGNORECASE)
OUR_SCRIPTS = ("assets/site.js", "assets/search/pagefind.js")  # docs/assets: the site's own JavaScript


def disclosure(page) -> dict[str, str]:
    """The 政府信息公开要素 table: label -> value."""
    table = page.select_one("table.jxjy-disclosure")
    assert table is not None, "no 政府信息公开要素 table"
    return {text(th): text(th.find_next_sibling("td")) for th in table.find_all("th")}


def meta(page, name: str) -> str | None:
    tag = page.find("meta", attrs={"name": name})
    return tag.get("content") if tag is not None else None


def follow(site: Path, url: str, link) -> Path:
    """The file a link on the page at `url` points at; it must exist."""
    assert link is not None and link.get("href"), f"{url}: link missing"
    found = resolve(site, page_path(site, url), link["href"])
    assert found is not None, f"{url}: {link['href']} leaves the site"
    assert found[0].is_file(), f"{url}: {link['href']} -> {found[0]} does not exist"
    return found[0]


# -- bases --------------------------------------------------------------------------------------

@pytest.mark.parametrize("base, status", [pytest.param(base, status, id=base) for base, status in [
    ("base-2013-001", "有效"),
    ("base-2020-001", "有效"),
    ("base-2020-002", "逾期未整改"),
    ("base-2021-001", "已取消"),  # revoked after an overdue rectification
    ("base-2019-001", "已取消"),  # revoked after failing re-inspection
    ("base-2022-001", "整改中"),
    ("base-2026-001", "公示中"),
]])
def test_base_page_shows_its_status_on_the_build_day(site_dir: Path, base: str, status: str) -> None:
    line = soup(site_dir, f"bases/{base}/").select_one(".jxjy-status-line")
    assert line is not None
    assert text(line).replace(" ", "").startswith(f"当前状态（截至{cn_date(AS_OF.isoformat())}）：{status}")
    assert text(line.select_one(".jxjy-status")) == status


@pytest.mark.parametrize("base, revocation", [("base-2021-001", "rev-2025-001"), ("base-2019-001", "rev-2025-002")])
def test_revoked_base_links_to_its_revocation_notice(site_dir: Path, base: str, revocation: str) -> None:
    url = f"bases/{base}/"
    line = soup(site_dir, url).select_one(".jxjy-current")
    notice = records()[revocation].data
    assert "已取消" in text(line)
    assert cn_date(notice["written_on"]) in text(line)  # the day the qualification was revoked
    target = follow(site_dir, url, line.find("a", href=True))
    assert target == page_path(site_dir, f"revocations/{revocation}/")
    page = soup_of(target)
    assert text(page.select_one("h1.jxjy-title")) == notice["title"]
    assert "取消" in notice["title"]
    assert disclosure(page)["发文字号"] == notice["doc_number"]
    facts = text(page.select_one(".jxjy-facts"))
    assert notice["reason"] in facts and notice["announcement"]["medium"] in facts
    # ... and the revocation links back to the base.
    back = follow(site_dir, f"revocations/{revocation}/", page.select_one(".jxjy-facts a[href]"))
    assert back == page_path(site_dir, url)


def test_publicity_banner_shows_the_end_date(site_dir: Path) -> None:
    banner = soup(site_dir, "bases/base-2026-001/").select_one(".jxjy-publicity")
    assert banner is not None
    assert "公示中" in text(banner)
    assert "2026年12月4日" in text(banner.find("strong"))
    assert soup(site_dir, "bases/base-2021-001/").select_one(".jxjy-publicity") is None


def test_directory_lists_every_base_including_revoked_ones(site_dir: Path) -> None:
    page = soup(site_dir, "bases/")
    rows = {}
    for row in page.select("#base-table tbody tr"):
        cells = row.find_all("td")
        labels = [text(c.select_one(".jxjy-cell-label")) if c.select_one(".jxjy-cell-label") else "" for c in cells]
        assert labels == ["", "", "级别：", "所在地区：", "专业领域：", "依托单位：", "主管部门：", "认定日期："]  # for cards
        rows[text(cells[0])] = (row, [text(c).removeprefix(label).strip() for c, label in zip(cells, labels, strict=True)])
    bases = [r for r in records().values() if r.kind == "bases"]
    assert sorted(rows) == sorted(b.data["name"] for b in bases)
    assert f"共 {len(bases)} 个培训基地" in text(page.select_one(".jxjy-directory"))
    for base in bases:
        row, cells = rows[base.data["name"]]
        _, status, level, district, specialties, host, supervisor, accredited = cells
        assert level == base.data["level"]
        assert follow(site_dir, "bases/", row.find("a")) == page_path(site_dir, record_page_url(base))
        assert district == {"320402": "天宁区", "320404": "钟楼区", "320405": "戚墅堰区", "320411": "新北区", "320412": "武进区",
                             "320413": "金坛区", "320481": "溧阳市"}[base.data["district"]]
        assert specialties == "、".join(base.data["specialties"])
        assert host == org_name(base.data["host"])
        assert supervisor == org_name(base.data["supervisor"])
        assert status.split()[0] == row["data-status"]
        assert accredited == (cn_date(row["data-date"]) if row["data-date"] else "—")
    assert rows["常州市轨道交通装备专业技术人员继续教育基地"][1][-1] == "2013年6月18日"
    assert rows["常州市数字技术专业技术人员继续教育基地"][1][1] == "已取消 2025年3月18日"
    assert rows["常州市建设工程专业技术人员继续教育基地"][1][1] == "已取消 2025年8月26日"
    assert rows["常州市中小学教师继续教育基地"][1][1] == "逾期未整改"


def test_the_directory_lists_districts_by_code_and_names_by_pinyin(site_dir: Path) -> None:
    page = soup(site_dir, "bases/")
    districts = [(o["value"], text(o)) for o in page.select("#filter-district option")]
    assert districts == [("", "全部"), ("天宁区", "天宁区"), ("钟楼区", "钟楼区"), ("戚墅堰区", "戚墅堰区（已撤销）"),
                         ("新北区", "新北区"), ("武进区", "武进区"), ("金坛区", "金坛区"), ("溧阳市", "溧阳市")]
    specialties = [text(o) for o in page.select("#filter-specialty option")][1:]
    assert specialties == ["工程技术", "建设工程", "教育", "经济", "会计", "农业", "数字技术", "卫生"]
    names = [row["data-name"] for row in page.select("#base-table tbody tr")]
    assert names == sorted(names, key=pinyin_key) != sorted(names)
    assert names.index("常州市会计专业技术人员继续教育基地") > names.index("常州市经济专业技术人员继续教育基地")
    # The script sorts by index: its tables come in the same orders, its rows in name order.
    data = json.loads((site_dir / "bases" / "directory.json").read_bytes())
    assert data["tables"]["district"] == [value for value, _ in districts[1:]]
    assert data["tables"]["specialty"] == specialties
    assert data["columns"]["name"] == names


def test_the_directory_data_carries_each_base_s_document_number_once(site_dir: Path) -> None:
    data = json.loads((site_dir / "bases" / "directory.json").read_bytes())
    docs = {name: data["tables"]["document"][i] for name, i in zip(data["columns"]["name"], data["columns"]["doc"],
                                                                       strict=True)}
    assert docs["常州市数字技术工程技术人员继续教育基地（常州天一信息技术有限公司）"] == "常人社发〔2025〕96号"  # the batch decision
    assert docs["国家级专业技术人员继续教育基地（常州龙城理工学院）"] == "人社部函〔2022〕158号"
    waiting = next(b for b in records().values() if b.id == "base-2026-001")  # in its 公示: the 公示's number
    assert docs[waiting.data["name"]] == "常人社函〔2026〕141号"
    documents = data["tables"]["document"]
    assert len(documents) == len(set(documents)) < len(docs) / 2  # 31 bases of one batch share one entry


def test_the_home_page_looks_bases_up_in_the_directory(site_dir: Path) -> None:
    page = soup(site_dir, "")
    box = page.select_one("form.jxjy-lookup")
    assert box is not None and box["method"] == "get" and box["role"] == "search"
    assert resolve(site_dir, page_path(site_dir, ""), box["action"])[0] == page_path(site_dir, "bases/")
    field = box.select_one("input[name=q]")
    assert text(box.find("label")) == "输入基地名称、依托单位或发文字号的任意一部分"
    assert box.find("label")["for"] == field["id"] and field["type"] == "search"
    assert text(page.find(id=box["aria-labelledby"])) == "查询培训基地" and text(box.find("button")) == "查询"


# -- 名单公告: batches, a 公示 and its decision ----------------------------------------------------

def test_a_batch_notice_lists_its_bases_with_their_status(site_dir: Path) -> None:
    page = soup(site_dir, "notices/notice-2025-012/")
    facts = text(page.select_one(".jxjy-facts"))
    assert "依据公示" in facts and "有异议" in facts and "未予认定" in facts
    rows = page.select(".jxjy-listed tbody tr")
    assert len(rows) == 31  # the 公示's 32 less the one withdrawn after an objection
    cells = {text(r.find_all("td")[1]): [text(c) for c in r.find_all("td")] for r in rows}
    assert cells["常州市数字技术工程技术人员继续教育基地（常州天一信息技术有限公司）"][-1] == "整改中"
    assert "常州市建设工程专业技术人员继续教育基地（常州长青建设集团有限公司）" not in cells
    link = rows[0].find("a")
    assert follow(site_dir, "notices/notice-2025-012/", link) == page_path(site_dir, "bases/base-2025-101/")
    publicity = soup(site_dir, "notices/notice-2025-011/")
    assert len(publicity.select(".jxjy-listed tbody tr")) == 32
    assert "认定决定" in text(publicity.select_one(".jxjy-facts"))  # the 公示 links the decision that followed


def test_a_base_timeline_shows_its_publicity_then_its_decision(site_dir: Path) -> None:
    page = soup(site_dir, "bases/base-2025-101/")
    steps = [text(li) for li in page.select(".jxjy-timeline li")]
    assert steps[0].startswith("2025年9月9日 公示中 拟认定公示（公示期 2025年9月9日至2025年9月16日）")
    assert steps[1].startswith("2025年9月26日 有效 认定为培训基地（第 2 批）") and "常人社发〔2025〕96号" in steps[1]
    links = [follow(site_dir, "bases/base-2025-101/", li.find("a")) for li in page.select(".jxjy-timeline li")[:2]]
    assert links == [page_path(site_dir, "notices/notice-2025-011/"), page_path(site_dir, "notices/notice-2025-012/")]
    withdrawn = soup(site_dir, "bases/base-2025-108/")
    assert text(withdrawn.select_one(".jxjy-status")) == "未予认定"
    waiting = soup(site_dir, "bases/base-2026-001/")  # still in its 公示: not a base yet
    assert text(waiting.select_one(".jxjy-status")) == "公示中" and "认定前不是培训基地" in text(waiting)


def test_the_directory_lists_provincial_and_national_bases_in_changzhou(site_dir: Path) -> None:
    page = soup(site_dir, "bases/")
    levels = {text(r.find_all("td")[0]): r["data-level"] for r in page.select("#base-table tbody tr")}
    assert levels["江苏省卫生专业技术人员继续教育基地（常州市龙城卫生进修学校）"] == "省级"
    assert levels["国家级专业技术人员继续教育基地（常州龙城理工学院）"] == "国家级"
    assert [text(o) for o in page.select("#filter-level option")] == ["全部", "国家级", "省级", "市级", "辖市区级"]
    base = soup(site_dir, "bases/base-2024-101/")
    assert disclosure(base)["发文机关"] == "江苏省人力资源和社会保障厅"


def test_a_cited_joint_document_names_every_issuer_and_links_its_source(site_dir: Path) -> None:
    page = soup(site_dir, "policies/pol-2021-001/")
    values = disclosure(page)
    assert values["发文机关"].replace(" ", "") == ("中华人民共和国人力资源和社会保障部、中华人民共和国财政部、中华人民共和国工业和信息化部、"
                              "中华人民共和国科学技术部、中华人民共和国教育部、中国科学院（联合发文）")
    assert values["索引号"] == "—" and values["发布日期"] == "—"
    source = next(a for a in page.select(".jxjy-disclosure a") if text(a) == "查看原文")
    assert values["原文链接"].startswith("本平台引用的文件") and source["href"].startswith("https://www.gov.cn/")


# -- plans, corrections --------------------------------------------------------------------------

def plans_table(page, year: int) -> dict[str, list[str]]:
    heading = page.find("h2", id=f"y{year}")
    assert heading is not None and text(heading) == f"{year} 年度"
    body = heading.find_next("table").find("tbody")
    return {text(row.td): [text(td) for td in row.find_all("td")] for row in body.find_all("tr")}


def test_plans_page_shows_missing_and_late_plans(site_dir: Path) -> None:
    page = soup(site_dir, "plans/")
    departments = {o.data["name"] for o in records().values()
                   if o.kind == "organizations" and o.data["type"] == "行业主管部门"}
    y2025, y2026 = plans_table(page, 2025), plans_table(page, 2026)
    assert set(y2025) == set(y2026) == departments
    assert org_name("org-cz-nyncj") == "常州市农业农村局"
    assert y2025["常州市农业农村局"][1:] == ["未报送", "—", "—", "—"]
    late = records()["plan-2026-cz-zjj"].data
    assert y2026[org_name("org-cz-zjj")][1:4] == ["逾期报送", cn_date(late["filed_on"]), cn_date(late["approved_on"])]
    assert y2026[org_name("org-cz-zjj")][4] == late["title"]
    assert y2026["常州市农业农村局"][1] == "按时报送"


def test_corrected_notice_links_to_its_correction(site_dir: Path) -> None:
    page = soup(site_dir, "evaluations/eval-2026-001/")
    box = page.select_one(".jxjy-corrected")
    assert box is not None and "更正" in text(box.select_one(".admonition-title"))
    correction = records()["eval-2026-002"].data
    assert f"被{correction['title']}（{correction['doc_number']}）更正" in text(box).replace(" ", "")
    target = follow(site_dir, "evaluations/eval-2026-001/", box.find("a"))
    assert target == page_path(site_dir, "evaluations/eval-2026-002/")
    assert disclosure(page)["有效性"] != "现行有效"


def test_correction_says_what_it_corrects(site_dir: Path) -> None:
    page = soup(site_dir, "evaluations/eval-2026-002/")
    box = page.select_one(".jxjy-corrects")
    corrected = records()["eval-2026-001"].data
    assert box is not None
    assert f"本公告更正{corrected['title']}（{corrected['doc_number']}）" in text(box).replace(" ", "")
    target = follow(site_dir, "evaluations/eval-2026-002/", box.find("a"))
    assert target == page_path(site_dir, "evaluations/eval-2026-001/")
    facts = text(page.select_one(".jxjy-facts"))
    assert "整改期限 2026年9月30日" in facts


# -- every record page ---------------------------------------------------------------------------

@pytest.mark.parametrize("record_id", RECORD_IDS)
def test_record_page_has_disclosure_meta_banner_footer_and_report_link(site_dir: Path, record_id: str) -> None:
    record = records()[record_id]
    url = record_page_url(record)
    page = soup(site_dir, url)

    data = page_envelope(record)
    values = disclosure(page)
    assert set(DISCLOSURE) <= set(values)
    assert values["索引号"] == data.get("index_number", "—")  # a cited document has none of this platform's
    assert values["发文机关"].startswith(org_name(data["issuer"]))
    assert values["发文字号"] == data.get("doc_number", "—")
    assert values["成文日期"] == cn_date(data["written_on"])
    assert values["发布日期"] == (cn_date(data["published_on"]) if "published_on" in data else "—")
    assert values["有效性"].startswith(data["validity"])

    settings = registry_settings()
    assert meta(page, "SiteName") == SITE_NAME
    assert meta(page, "SiteIDCode") == str(settings["site_id_code"])
    assert meta(page, "ColumnName") and meta(page, "ColumnType")
    assert meta(page, "ArticleTitle") == data["title"]
    assert meta(page, "PubDate") == f"{data.get('published_on', data['written_on'])} 00:00"
    assert meta(page, "ContentSource") == org_name(data["issuer"])

    assert page.html.get("lang") == "zh-CN"
    assert meta(page, "ColumnDescription") is None  # an article page, not a column page
    assert "width=device-width" in (meta(page, "viewport") or "")
    assert "示例数据" in text(page.select_one(".jxjy-sample-banner"))
    footer = text(page.find("footer"))
    assert f"网站标识码：{settings['site_id_code']}" in footer and "ICP" in footer

    # 纠错 without a GitHub account: the bureau's form, e-mail and phone, and the GitHub form besides.
    report = page.select_one(".jxjy-report")
    assert report is not None and text(report).startswith("发现本页有误？")
    links = {text(a): a["href"] for a in report.find_all("a", href=True)}
    assert set(links) == {"在线纠错表单", settings["correction_email"], settings["correction_phone"], "GitHub 纠错表单"}
    for form in (links["在线纠错表单"], links["GitHub 纠错表单"]):
        query = parse_qs(urlsplit(form).query)
        assert query["page"] == [url]
        assert query["record"] == [record.path] and (REPO / record.path).is_file()
    assert links["在线纠错表单"].startswith(settings["correction_url"] + "?page=")
    assert links["GitHub 纠错表单"].startswith(settings["error_report"] + "&page=")
    mail = urlsplit(links[settings["correction_email"]])
    assert (mail.scheme, mail.path) == ("mailto", settings["correction_email"])
    prefilled = parse_qs(mail.query)
    assert prefilled["subject"] == [f"纠错：{record.path}"]
    assert f"页面：{settings['site_url']}{url}" in prefilled["body"][0]
    assert links[settings["correction_phone"]] == f"tel:{settings['correction_phone']}"
    assert f"电子邮件 {settings['correction_email']}" in text(report) and f"电话 {settings['correction_phone']}" in text(report)


def test_dates_read_as_chinese_dates(site_dir: Path) -> None:
    page = soup(site_dir, "revocations/rev-2025-001/")
    assert disclosure(page)["成文日期"] == "2025年3月18日"
    assert text(page.select_one(".jxjy-signature")).endswith("2025年3月18日")
    policy = soup(site_dir, "policies/pol-2011-001/")
    # A document written before GB/T 9704-2012 is signed in Chinese numerals, as it was published.
    assert text(policy.select_one(".jxjy-signature")).endswith("二〇一一年一月十七日")
    assert disclosure(policy)["有效性"] == "现行有效"
    assert disclosure(policy)["发文字号"] == "常人社发〔2011〕11号"


def test_record_pages_show_their_history_from_git(site_dir: Path) -> None:
    history = soup(site_dir, "bases/base-2021-001/").select_one(".jxjy-history")
    assert history is not None and "新增" in text(history)


# -- every page ----------------------------------------------------------------------------------

def test_every_page_is_chinese_responsive_and_links_the_atom_feed(site_dir: Path) -> None:
    problems = []
    for path in html_files(site_dir):
        page, rel = soup_of(path), path.relative_to(site_dir).as_posix()
        if page.html.get("lang") != "zh-CN":
            problems.append(f"{rel}: html lang={page.html.get('lang')!r}")
        if "width=device-width" not in (meta(page, "viewport") or ""):
            problems.append(f"{rel}: no viewport meta")
        for name in ("SiteName", "SiteIDCode", "ColumnName", "ColumnType"):
            if not meta(page, name):
                problems.append(f"{rel}: no <meta name={name}>")
        feed = page.find("link", rel="alternate", type="application/atom+xml")
        if feed is None:
            problems.append(f"{rel}: no Atom <link rel=alternate>")
        else:
            found = resolve(site_dir, path, feed["href"])
            if found is None or found[0] != site_dir / "atom.xml":
                problems.append(f"{rel}: Atom link {feed['href']} is not atom.xml")
        footer = page.find("footer")
        if footer is None or "网站标识码" not in text(footer) or "ICP" not in text(footer):
            problems.append(f"{rel}: footer without 网站标识码 and ICP")
        # 404.html too: it follows the home page's front matter (generator/site/theme/404.html)
        if page.select_one(".jxjy-sample-banner") is None:
            problems.append(f"{rel}: no 示例数据 banner")
    assert not problems, "\n".join(problems)


def test_atom_feed_parses(site_dir: Path) -> None:
    feed = feedparser.parse((site_dir / "atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    notices = [records()[i] for i in RECORD_IDS if records()[i].is_notice]  # items of a 名单公告 are in its entry
    assert len(feed.entries) == len(notices) < len(RECORD_IDS)
    assert {e.title for e in feed.entries} == {r.data["title"] for r in notices}


def test_no_page_loads_or_links_another_host_except_record_links(site_dir: Path) -> None:
    allowed = record_urls()
    settings = registry_settings()
    # The 纠错 forms of mkdocs.yml, the footer's ICP and 公网安备 registers, and the site's own public
    # address (canonical links, not loaded).
    reader_links = (settings["error_report"], settings["correction_url"], "https://beian.miit.gov.cn/",
                    "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=")
    problems = []
    for path in html_files(site_dir):
        page, rel = soup_of(path), path.relative_to(site_dir).as_posix()
        for tag in page.find_all(True):
            for attr in URL_ATTRS:
                value = tag.get(attr)
                if not isinstance(value, str) or not OTHER_HOST.search(value.strip()):
                    continue
                # Outside links a reader may follow: a record's own URL, and the 纠错 forms from mkdocs.yml.
                if tag.name == "a" and attr == "href" and (value in allowed or value.startswith(reader_links)):
                    continue
                if tag.name == "link" and tag.get("rel") == ["canonical"] and value.startswith(settings["site_url"]):
                    continue
                problems.append(f"{rel}: <{tag.name} {attr}={value!r}>")
        styles = [s.get_text() for s in page.find_all("style")] + [t["style"] for t in page.find_all(style=True)]
        problems += [f"{rel}: CSS {url}" for css in styles for url in CSS_OTHER_HOST.findall(css)]
    for path in sorted(site_dir.rglob("*.css")):
        problems += [f"{path.relative_to(site_dir)}: {url}"
                     for url in CSS_OTHER_HOST.findall(path.read_text(encoding="utf-8"))]
    for path in [*html_files(site_dir), *site_dir.rglob("*.css")]:
        if re.search(r"fonts\.(googleapis|gstatic)\.com", path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(site_dir)}: Google Fonts")
    # Our own scripts build no outside URL (vendor bundles only run what our pages ask of them).
    for script in OUR_SCRIPTS:
        assert re.findall(r"https?://|[\"'`]//", (site_dir / script).read_text(encoding="utf-8")) == [], script
    assert not problems, "\n".join(problems)


def test_record_urls_are_links_never_embedded(site_dir: Path) -> None:
    url = records()["rev-2025-002"].data["announcement"]["url"]
    page = soup(site_dir, "revocations/rev-2025-002/")
    links = page.find_all("a", href=url)
    assert len(links) == 1 and text(links[0]) == "公告原文"
    assert "noopener" in links[0]["rel"] and "noreferrer" in links[0]["rel"]
    for path in html_files(site_dir):
        for tag in soup_of(path).find_all(True):
            assert not any(tag.get(a) == url for a in URL_ATTRS if not (tag.name == "a" and a == "href")), path


def test_no_javascript_url_anywhere(site_dir: Path) -> None:
    # Vendor bundles (Material's assets/javascripts, Pagefind's *.js) are code, not URLs we write;
    # every page, feed, data file, stylesheet and our own scripts are scanned.
    scanned = [p for p in sorted(site_dir.rglob("*")) if p.is_file() and (
        p.suffix in {".html", ".xml", ".json", ".csv", ".ics", ".css", ".txt", ".md"}
        or p.relative_to(site_dir).as_posix() in OUR_SCRIPTS)]
    assert len(scanned) > len(RECORD_IDS)
    offenders = [p.relative_to(site_dir).as_posix() for p in scanned
                 if JAVASCRIPT_URL.search(p.read_text(encoding="utf-8", errors="replace"))]
    for path in html_files(site_dir):
        for tag in soup_of(path).find_all(True):
            for attr in URL_ATTRS:
                value = tag.get(attr)
                if isinstance(value, str) and JAVASCRIPT_URL.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                    offenders.append(f"{path.relative_to(site_dir)}: <{tag.name} {attr}={value!r}>")
    assert not offenders, "\n".join(offenders)


# -- the search index ----------------------------------------------------------------------------

def test_search_index_is_complete(site_dir: Path) -> None:
    bundle = site_dir / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-worker.js", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("wasm.*.pagefind")), "no Pagefind wasm"
    assert len(list(bundle.glob("pagefind.*.pf_meta"))) == 1
    assert list((bundle / "index").glob("*.pf_index")) and list((bundle / "fragment").glob("*.pf_fragment"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    # pairs of characters, cut by no dictionary; record pages grouped (generator.site.search)
    assert list(entry["languages"]) == [search.LANG]
    indexed = [p for p in html_files(site_dir) if soup_of(p).find(attrs={"data-pagefind-body": True})]
    searchable = [r for r in notice_records() if KIND[r.kind].searchable]
    fragments = [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
                 for path in (bundle / "fragment").iterdir()]
    assert entry["languages"][search.LANG]["page_count"] == len(fragments) < len(indexed)
    assert sum(len(f["anchors"]) for f in fragments) == len(indexed) == len(searchable) < len(RECORD_IDS)
    filters = pagefind_filters(site_dir)
    assert {"类别", "年份", "地区"} <= set(filters)
    assert sum(len(f["anchors"]) for f in fragments if f["filters"].get("地区") == ["武进区"]) == sum(
        r.data["district"] == "320412" for r in records().values() if r.kind == "bases")
    assert "评估验收" not in filters["类别"]  # found through their bases
    # The search page loads the bundle from this site.
    box = soup(site_dir, "search/").find(id="search")
    found = resolve(site_dir, page_path(site_dir, "search/"), box["data-bundle"] + "pagefind-ui.js")
    assert found is not None and found[0] == bundle / "pagefind-ui.js"


# -- building ------------------------------------------------------------------------------------

def test_build_is_reproducible(site_dir: Path, tmp_path: Path) -> None:
    """Every byte, the search index included (Pagefind 1.6.0 writes its filters in a stable order)."""
    again = build(REPO, as_of=AS_OF, site_dir=tmp_path / "site").site
    assert manifest(site_dir) == manifest(again)


@pytest.fixture(scope="module")
def outside_git(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of what the build reads, in a plain folder (no git), built once with MkDocs."""
    root = tmp_path_factory.mktemp("outside-git")
    copy_build_inputs(root)
    if shutil.which("git"):
        inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True)
        assert inside.returncode != 0, f"{root} is inside a git checkout"
    return root, build(root, as_of=AS_OF, site_dir=root / "site").site


def test_site_builds_outside_git_without_history(outside_git: tuple[Path, Path]) -> None:
    _, site = outside_git
    history = soup(site, "bases/base-2021-001/").select_one(".jxjy-history")
    assert "本页生成时未取得版本历史" in text(history)
    assert text(soup(site, "bases/base-2021-001/").select_one(".jxjy-status")) == "已取消"


def test_failed_validation_leaves_the_previous_site_untouched(outside_git: tuple[Path, Path]) -> None:
    root, site = outside_git
    before, generated = manifest(site), manifest(root / "build" / "docs")
    record = root / "records" / "bases" / "base-2021-001.yaml"
    original = record.read_text(encoding="utf-8")
    assert original.count("written_on: 2021-08-17") == 1
    record.write_text(original.replace("written_on: 2021-08-17", "written_on: 2021-02-30"), encoding="utf-8")
    try:
        with pytest.raises(BuildError) as caught:
            build(root, as_of=AS_OF, site_dir=site)
        assert caught.value.report is not None and caught.value.report.errors
        assert "未生成网站" in str(caught.value)
        assert manifest(site) == before
        assert manifest(root / "build" / "docs") == generated
        leftovers = sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".site-") or p.name.endswith(".old"))
        assert leftovers == []
    finally:
        record.write_text(original, encoding="utf-8")


# -- column pages, disclosure header fields, hour requirements ---------------------------------------

COLUMN_PAGES = ["", "bases/", "plans/", "stats/", "data/", "data/fields/", "search/",
                *[f"{kind}/" for kind, about in KIND.items() if about.listing is not None]]


@pytest.mark.parametrize("url", COLUMN_PAGES)
def test_every_column_page_describes_its_column(site_dir: Path, url: str) -> None:
    """政府网站发展指引: a column page carries ColumnDescription and ColumnKeywords beside ColumnName."""
    page = soup(site_dir, url)
    assert page.html.get("lang") == "zh-CN"
    column = meta(page, "ColumnName")
    description, keywords = meta(page, "ColumnDescription"), meta(page, "ColumnKeywords")
    assert description and len(description) >= 8, description
    assert keywords is not None and keywords.split(",")[0] == column and "专业技术人员继续教育" in keywords.split(",")


def test_a_notice_shows_its_grouping_and_disclosure_mode(site_dir: Path) -> None:
    shown = disclosure(soup(site_dir, "revocations/rev-2025-002/"))
    data = records()["rev-2025-002"].data
    assert (shown["组配分类"], shown["公开方式"]) == (data["grouping"], data["disclosure"]) == ("通知公告", "主动公开")
    assert "组配分类" not in disclosure(soup(site_dir, "revocations/rev-2025-001/"))


def test_plans_show_the_hours_required_in_their_year(site_dir: Path) -> None:
    page = soup(site_dir, "plans/")
    for year in (2025, 2026):
        required = hours_for_year(year)
        assert required is not None
        note = page.find("h2", id=f"y{year}").find_next_sibling("p", class_="jxjy-hours")
        assert text(note).startswith(f"本年度要求：{required.summary()}") and required.basis in text(note)
    plan = records()["plan-2025-cz-czj"].data
    facts = soup(site_dir, "plans/plan-2025-cz-czj/").select_one(".jxjy-facts")
    shown = {text(dt): text(dt.find_next_sibling("dd")) for dt in facts.find_all("dt")}
    assert shown["专业科目合计"] == f"{sum(c['hours'] for c in plan['courses'])} 学时"
    assert shown["本年度要求"].startswith(hours_for_year(2025).summary())


# -- the government-site shell: header, footer, 打印本页 and QR, 网站地图, sitemap.xml, robots.txt -----

def _shell_problems(site: Path, path: Path) -> list[str]:
    page, rel = soup_of(path), path.relative_to(site).as_posix()
    settings, problems = registry_settings(), []
    # Material's own skip link (pages with a table of contents) is display:none in site.css; the
    # browser test walks the real tab order
    focusable = page.body.find(lambda tag: tag.name in ("a", "button", "input", "select", "textarea")
                               and tag.get("type") != "checkbox" and not tag.has_attr("hidden")
                               and tag.find_parent(attrs={"data-md-component": "skip"}) is None)
    if focusable is None or "jxjy-skip" not in focusable.get("class", []) or text(focusable) != "跳到正文":
        problems.append(f"{rel}: the first focusable element is not the 跳到正文 skip link: {focusable}")
    elif page.find(id=focusable["href"].removeprefix("#")) is None:
        problems.append(f"{rel}: the skip link's target {focusable['href']} is missing")
    header = page.select_one("header.jxjy-header")
    if header is None or SITE_NAME not in text(header) or settings["host_unit"] not in text(header):
        return [*problems, f"{rel}: no header with the site name and host unit"]
    form = header.select_one("form[role=search]")
    found = resolve(site, path, form["action"]) if form is not None else None
    if (form is None or form.get("method") != "get" or found is None or found[0] != site / "search" / "index.html"
            or form.select_one("input[name=q]") is None or form.select_one("button[type=submit]") is None
            or page.find("label", attrs={"for": form.select_one("input[name=q]")["id"]}) is None):
        problems.append(f"{rel}: no labelled GET search form to search/?q=")
    nav = [text(a) for a in header.select("nav.jxjy-nav a")]
    if nav[:2] != ["首页", "培训基地名录"] or "办事指南" not in nav or {"提交记录", "校验规则"} & set(nav):
        problems.append(f"{rel}: the nav bar is {nav}")
    footer = page.select_one("footer.jxjy-footer")
    links = {text(a): a["href"] for a in footer.find_all("a", href=True)} if footer is not None else {}
    police = settings["police_record"]
    if footer is None or f"主办单位：{settings['host_unit']}" not in text(footer) \
            or f"网站标识码：{settings['site_id_code']}" not in text(footer) \
            or links.get(settings["icp"]) != "https://beian.miit.gov.cn/" \
            or links.get(police) != ("https://www.beian.gov.cn/portal/registerSystemInfo?recordcode="
                                     + re.sub(r"\D", "", police)):
        problems.append(f"{rel}: the footer lacks 主办单位, 网站标识码, or the ICP and 公网安备 links: {links}")
    for name, target in (("网站地图", "sitemap/index.html"), ("订阅", "feeds/index.html"), ("办事指南", "guide/index.html")):
        found = resolve(site, path, links.get(name, "missing"))
        if found is None or found[0] != site / target:
            problems.append(f"{rel}: footer link {name} -> {links.get(name)}, not {target}")
    if links.get("联系我们") != "#jxjy-contact" or settings["contact"] not in text(page.find(id="jxjy-contact")):
        problems.append(f"{rel}: 联系我们 does not lead to the contact block")
    return problems


def test_every_page_has_the_government_site_header_and_footer(site_dir: Path) -> None:
    problems = [p for path in html_files(site_dir) if not path.is_relative_to(site_dir / "pagefind")
                for p in _shell_problems(site_dir, path)]
    assert not problems, "\n".join(problems[:20])


def test_pages_without_a_table_of_contents_have_the_lean_layout(site_dir: Path) -> None:
    """Record pages are copies of one shell per kind, so the shell is paid once per record
    (generator/site/theme/jxjy-lean.html): no site navigation or table of contents in its empty
    sidebars, none of Material's unused translations, no blank lines. Pages with a table of contents
    keep Material's layout, which shows it."""
    lean = [page_path(site_dir, record_page_url(r)) for r in records().values()]
    lean = [path for path in lean if path.is_file()] + [site_dir / "index.html", site_dir / "bases" / "index.html"]
    assert len(lean) > 60
    for path in lean:
        page, html = soup_of(path), path.read_text(encoding="utf-8")
        rel = path.relative_to(site_dir).as_posix()
        assert not page.select(".md-nav"), rel
        sidebars = page.select(".md-sidebar")
        assert [s["data-md-type"] for s in sidebars] == ["navigation", "toc"], rel
        assert all(not s.select_one(".md-sidebar__inner").contents for s in sidebars), rel
        assert json.loads(page.select_one("script#__config").string)["translations"] == {}, rel
        assert not re.search(r"\n[ \t]*\n", html), f"{rel} has blank lines"
    # the directory hides its table of contents' column (front matter `hide: [toc]`), as Material does
    assert soup(site_dir, "bases/").select_one(".md-sidebar--secondary").has_attr("hidden")
    assert not soup(site_dir, "bases/base-2013-001/").select_one(".md-sidebar--secondary").has_attr("hidden")
    guide = soup(site_dir, "guide/")
    assert guide.select(".md-nav--primary") and guide.select(".md-sidebar--secondary a.md-nav__link")


def test_the_header_and_footer_escape_the_settings(tmp_path: Path) -> None:
    copy_build_inputs(tmp_path)
    set_config(tmp_path, "host_unit", "<b>市人社局</b>")
    site = build(tmp_path, as_of=AS_OF).site
    for url in ("", "bases/base-2021-001/", "404.html"):
        html = page_path(site, url).read_text(encoding="utf-8")
        assert "<b>市人社局</b>" not in html and html.count("&lt;b&gt;市人社局&lt;/b&gt;") >= 2


def test_without_a_police_record_the_footer_leaves_it_out(tmp_path: Path) -> None:
    copy_build_inputs(tmp_path)
    set_config(tmp_path, "police_record", None)
    footer = soup(build(tmp_path, as_of=AS_OF).site, "").select_one("footer.jxjy-footer")
    assert "公网安备" not in text(footer) and "ICP" in text(footer)


@pytest.mark.parametrize("record_id", RECORD_IDS)
def test_every_record_page_prints_and_carries_the_qr_code_of_its_address(site_dir: Path, record_id: str) -> None:
    from generator.site.render import qr_svg

    url = record_page_url(records()[record_id])
    permanent = registry_settings()["site_url"] + url
    html = page_path(site_dir, url).read_text(encoding="utf-8")
    tools = soup(site_dir, url).select_one(".jxjy-page .jxjy-print-tools")
    assert tools is not None and tools.get("data-pagefind-ignore") == "all"
    assert text(tools.select_one("button.jxjy-print")) == "打印本页"
    assert text(tools.select_one(".jxjy-permalink")) == permanent
    svg = tools.select_one("svg.jxjy-qr-code")
    assert svg is not None and text(svg.title) == f"本页地址的二维码：{permanent}"
    assert str(qr_svg(permanent)) in html  # the very drawing of this address
    assert "<script" not in str(tools)


@pytest.mark.parametrize("url", ["https://jxjy.example.gov.cn/revocations/rev-2025-001/",
                                 "https://jxjy.example.gov.cn/evaluations/eval-2022-483/",
                                 "https://jxjy.example.gov.cn/bases/base-2021-001/?a=1&b=<2>"])
def test_the_qr_code_scans_back_to_the_address(url: str) -> None:
    """Paint the drawing's strokes into a bitmap, as a printer would, and let a scanner read it."""
    import zxingcpp

    from generator.site.render import QR_SCALE, qr_svg

    svg = BeautifulSoup(str(qr_svg(url)), "html.parser").svg
    assert svg.path["transform"] == f"scale({QR_SCALE})" and text(svg.title) == f"本页地址的二维码：{url}"
    side = int(svg["width"]) // QR_SCALE
    assert int(svg["width"]) == int(svg["height"]) == side * QR_SCALE
    bitmap = bytearray(b"\xff" * side * side)  # light modules; strokes paint dark ones
    x = y = 0.0
    for op, number, rest in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", svg.path["d"]):
        if op in "Mm":
            x, y = (float(number), float(rest)) if op == "M" else (x + float(number), y + float(rest))
        else:
            start, x = x, x + float(number)
            for column in range(int(start), int(x)):
                bitmap[int(y - .5) * side + column] = 0
    zoom = 4  # a scanner wants more than a pixel a module
    rows = (bytes(b for module in bitmap[r * side:(r + 1) * side] for b in [module] * zoom) for r in range(side))
    printed = b"".join(row * zoom for row in rows)
    scanned = zxingcpp.read_barcode(zxingcpp.ImageView(printed, side * zoom, side * zoom, zxingcpp.ImageFormat.Lum))
    assert scanned is not None and scanned.format == zxingcpp.BarcodeFormat.QRCode
    assert scanned.text == url and scanned.ec_level == "M"


def test_sitemap_xml_lists_every_page_with_the_public_address(site_dir: Path) -> None:
    site_url = registry_settings()["site_url"]
    listed = re.findall(r"<loc>([^<]*)</loc>", (site_dir / "sitemap.xml").read_text(encoding="utf-8"))
    assert listed and all(loc.startswith(site_url) for loc in listed)
    pages = {path.relative_to(site_dir).as_posix().removesuffix("index.html") for path in site_dir.rglob("index.html")
             if not path.is_relative_to(site_dir / "pagefind")}
    assert {loc.removeprefix(site_url) for loc in listed} == pages
    assert {record_page_url(r) for r in notice_records()} <= pages


def test_robots_txt_points_at_the_sitemap(site_dir: Path) -> None:
    robots = (site_dir / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots == ["User-agent: *", "Allow: /", f"Sitemap: {registry_settings()['site_url']}sitemap.xml"]


def test_the_human_sitemap_links_every_column_and_service_page(site_dir: Path) -> None:
    path = site_dir / "sitemap" / "index.html"
    page = soup_of(path)
    groups = {text(s.h2): [text(a) for a in s.find_all("a")] for s in page.select(".jxjy-sitemap-group")}
    assert list(groups) == ["首页", "信息公开", "查询与订阅", "办事指南（机构入口）"]
    assert groups["办事指南（机构入口）"] == ["办事指南", "提交记录", "校验规则"]
    assert groups["查询与订阅"] == ["搜索", "订阅", "开放数据"]
    nav = [text(a) for a in soup(site_dir, "").select("nav.jxjy-nav a")]
    assert set(nav) <= {name for names in groups.values() for name in names}
    for a in page.select(".jxjy-page a"):
        assert resolve(site_dir, path, a["href"]) is not None, a["href"]


def test_the_guide_gathers_the_pages_for_institutions(site_dir: Path) -> None:
    path = site_dir / "guide" / "index.html"
    page = soup_of(path)
    assert text(page.find("h1")) == "办事指南"
    targets = {resolve(site_dir, path, a["href"])[0].relative_to(site_dir).as_posix()
               for a in page.select("article a[href]") if resolve(site_dir, path, a["href"])}
    assert {"submitting/index.html", "rules/index.html", "feeds/index.html", "data/index.html"} <= targets


def test_the_404_page_is_chinese_with_root_absolute_links(site_dir: Path, subpath_site: Path) -> None:
    from site_fixtures import SUBPATH

    for site, root in ((site_dir, "/"), (subpath_site, SUBPATH)):
        page = soup_of(site / "404.html")
        assert text(page.find("h1")) == "404 - 找不到页面" and page.select_one(".jxjy-sample-banner") is not None
        assert page.select_one("form[role=search]")["action"] == f"{root}search/"
        for link in page.select("link[rel=stylesheet]"):
            assert link["href"].startswith(root), link["href"]
        links = {a["href"].removesuffix(".") for a in page.select("article a")}  # the home page: "/." or "/jxjy/."
        assert links == {root, f"{root}sitemap/", f"{root}search/"}
