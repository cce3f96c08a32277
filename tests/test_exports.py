"""Open data as users get it: CSV that Excel reads, the same rows in .xlsx, JSON, schemas, field reference."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.records import KIND_TITLES, KINDS
from generator.schemas import SchemaSet, schema_files
from generator.site import exports, feeds, pages
from generator.site.build import settings
from generator.site.context import SiteContext
from generator.site.fields import FIELDS
from generator.validate import check_repository

from helpers import AS_OF, REPO, Repo

BOM = b"\xef\xbb\xbf"


def site_of(root: Path, as_of: date = AS_OF) -> SiteContext:
    result = check_repository(root, as_of=as_of)
    assert not result.report.errors, result.report.errors
    return SiteContext(result.records, as_of, SchemaSet(), settings(REPO), {})


@pytest.fixture(scope="module")
def site() -> SiteContext:
    return site_of(REPO)


@pytest.fixture(scope="module")
def out(site: SiteContext) -> dict[str, str | bytes]:
    outputs = {o.path: o.content for o in exports.plan(site)}
    assert len(outputs) == len(list(exports.plan(site))), "two outputs share a path"
    return outputs


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def row_of(table: list[list[str]], record_id: str) -> dict[str, str]:
    header = table[0]
    for row in table[1:]:
        if row[0] == record_id:
            return dict(zip(header, row, strict=True))
    raise AssertionError(f"no row for {record_id}")


def undefused(cell: str) -> str:
    """A CSV cell without the quote that keeps a spreadsheet from running it as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(exports.FORMULA_STARTS) else cell


def text(value: object) -> str:
    """An .xlsx cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- CSV -------------------------------------------------------------------------------------

def test_every_kind_has_json_csv_and_xlsx(out) -> None:
    for kind in KINDS:
        for ext in ("json", "csv", "xlsx"):
            assert isinstance(out[f"data/{kind}.{ext}"], bytes), f"data/{kind}.{ext}"


def test_csv_has_a_bom_crlf_and_chinese_headers(out, site) -> None:
    data = out["data/bases.csv"]
    assert data.startswith(BOM)
    decoded = data.decode("utf-8")
    assert decoded.split("\r\n", 1)[0].count(",") > 5
    table = read_csv(data)
    header = table[0]
    for title in ("记录编号", "基地名称", "状态", "状态日期", "依托单位", "主管部门", "专业领域", "发文字号",
                  "公示开始日期", "公示截止日期", "网址"):
        assert title in header
    assert not any(h.isascii() for h in header), header
    assert len(table) - 1 == len(list(site.records.valid("bases")))


def test_revoked_base_row_says_revoked_with_its_date(out) -> None:
    row = row_of(read_csv(out["data/bases.csv"]), "base-2021-001")
    assert row["状态"] == "已取消"
    assert row["状态日期"] == "2025-03-18"
    assert row["基地名称"] == "常州市数字技术专业技术人员继续教育基地"
    assert row["主管部门"] == "常州市工业和信息化局"  # a name, not org-cz-gxj
    assert row["网址"] == "https://jxjy.example.gov.cn/bases/base-2021-001/"
    overdue = row_of(read_csv(out["data/bases.csv"]), "base-2020-002")
    assert overdue["状态"] == "逾期未整改"


def test_csv_flattens_nested_fields(out) -> None:
    revocation = row_of(read_csv(out["data/revocations.csv"]), "rev-2025-001")
    assert revocation["公告媒体"] == "常州日报"
    assert revocation["公告日期"] == "2025-03-22"
    assert revocation["版面"] == "第 A04 版"
    assert revocation["培训基地"] == "常州市数字技术专业技术人员继续教育基地"
    publicity = row_of(read_csv(out["data/notices.csv"]), "notice-2026-503")
    assert (publicity["公示开始日期"], publicity["公示截止日期"]) == ("2026-11-20", "2026-12-04")
    circular = row_of(read_csv(out["data/circulars.csv"]), "circ-2025-002")
    assert "优秀比例核减 1.5 个百分点" in circular["通报对象"]
    assert "；" in circular["通报对象"]
    people = row_of(read_csv(out["data/commendations.csv"]), "comm-2026-002")
    assert "林知远（常州市龙城卫生进修学校）" in people["受表彰对象"]
    plan = row_of(read_csv(out["data/plans.csv"]), "plan-2026-cz-czj")
    assert "管理会计工具应用（24学时，企业会计人员）" in plan["培训科目"]


def test_formula_like_text_is_defused(repo: Repo) -> None:
    repo.edit("records/bases/base-2020-002.yaml", "address: 常州市钟楼区勤业路59号",
              'address: "=HYPERLINK(\\"https://evil.example\\",\\"点击\\")"')
    outputs = {o.path: o.content for o in exports.plan(site_of(repo.root))}
    row = row_of(read_csv(outputs["data/bases.csv"]), "base-2020-002")
    assert row["办学地址"].startswith("'=HYPERLINK(")
    ws = load_workbook(io.BytesIO(outputs["data/bases.xlsx"])).active
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula


# -- Excel -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_xlsx_has_the_csv_rows(out, kind: str) -> None:
    wb = load_workbook(io.BytesIO(out[f"data/{kind}.xlsx"]))
    ws = wb.active
    assert ws.title == KIND_TITLES[kind]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    rows = [[text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert rows == [[undefused(c) for c in row] for row in read_csv(out[f"data/{kind}.csv"])]


def test_xlsx_bytes_are_pinned_to_the_day(out) -> None:
    archive = zipfile.ZipFile(io.BytesIO(out["data/bases.xlsx"]))
    assert {info.date_time for info in archive.infolist()} == {(2026, 11, 26, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-11-26T00:00:00Z") == 2  # created and modified


# -- JSON and schemas ------------------------------------------------------------------------

def test_json_is_the_valid_records_in_id_order(out, site) -> None:
    for kind in KINDS:
        data = json.loads(out[f"data/{kind}.json"])
        assert [r["id"] for r in data] == sorted(r.id for r in site.records.valid(kind))
    bases = {b["id"]: b for b in json.loads(out["data/bases.json"])}
    status = bases["base-2021-001"]["status"]
    assert set(status) == {"derived", "as_of", "status", "since", "cause", "note"}
    assert (status["derived"], status["as_of"], status["status"], status["since"], status["cause"]) == (
        True, "2026-11-26", "已取消", "2025-03-18", "rev-2025-001")
    assert status["note"].startswith("取消资格：逾期不整改")
    assert bases["base-2020-002"]["status"]["cause"] == "eval-2026-002"  # the correction, not the original
    assert bases["base-2020-002"]["name"] == site.records.get("base-2020-002").data["name"]
    assert "\\u" not in out["data/bases.json"].decode()  # Chinese as Chinese


def test_all_json_counts_every_kind(out, site) -> None:
    summary = json.loads(out["data/all.json"])
    assert summary["generated_as_of"] == "2026-11-26"
    assert summary["kinds"] == {k: len(list(site.records.valid(k))) for k in KINDS}


def test_schema_copies_equal_the_originals(out) -> None:
    originals = schema_files()
    assert originals
    for path in originals:
        copy = out[f"data/schema/{path.name}"]
        assert json.loads(copy) == json.loads(path.read_text(encoding="utf-8")), path.name


# -- pages -----------------------------------------------------------------------------------

def test_index_page_lists_every_kind_with_its_files(out, site) -> None:
    page = out["data/index.md"]
    assert isinstance(page, str)
    assert page.startswith("---\ntitle: \"开放数据\"")
    for kind, name in KINDS.items():
        assert KIND_TITLES[kind] in page
        for link in (f'href="{kind}.json"', f'href="{kind}.csv"', f'href="{kind}.xlsx"',
                     f'href="schema/{name}.schema.json"', f'href="fields/#{kind}"'):
            assert link in page, link
        count = len(list(site.records.valid(kind)))
        assert f"<td>{KIND_TITLES[kind]}</td><td>{count}</td>" in page
    assert 'href="../atom.xml"' in page and 'href="../feeds/deadlines.ics"' in page


def test_fields_page_documents_every_schema_field(out) -> None:
    page = out[FIELDS]
    assert page.startswith("---\ntitle: \"字段说明\"")
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_files()}
    names = set(documents["base.schema.json"]["properties"])
    names |= set(documents["defs.schema.json"]["$defs"]["envelope"]["properties"])
    names |= set(documents["notice.schema.json"]["properties"])
    for name in names:
        assert f"<code>{name}</code>" in page, name
    for nested in ("publicity.start", "publicity.end", "announcement.medium", "subjects[].quota_cut",
                   "subjects[].findings", "recipients[].name", "courses[].hours"):
        assert f"<code>{nested}</code>" in page, nested
    assert "未配备专兼职人员" in page  # enum of list items
    assert "条件必填" in page  # deadline, legal_basis of 通报批评, ...
    assert "<code>status.status</code>" in page  # the derived field is documented as such


# -- reproducibility and escaping ------------------------------------------------------------

def test_two_runs_give_identical_bytes(site) -> None:
    first = [(o.path, o.content) for o in exports.plan(site)]
    second = [(o.path, o.content) for o in exports.plan(site)]
    assert first == second


def test_record_values_never_reach_a_page_unescaped(repo: Repo) -> None:
    script = "<script>x</script>"
    repo.edit("records/bases/base-2020-002.yaml", "name: 常州市中小学教师继续教育基地",
              f'name: "{script}中小学教师继续教育基地"')
    repo.edit("records/organizations/org-czrsj.yaml", "name: 常州市人力资源和社会保障局",
              f'name: "常州市人力资源和社会保障局{script}"')
    repo.edit("records/revocations/rev-2025-001.yaml",
              "title: 常州市人力资源和社会保障局关于取消常州市数字技术专业技术人员继续教育基地资格的决定",
              f'title: "关于取消{script}资格的决定"')
    site = site_of(repo.root)
    assert not [r.id for r in site.records.all if not r.valid]
    outputs = [*pages.plan(site), *exports.plan(site), *feeds.plan(site)]
    markdown = [o for o in outputs if o.path.endswith(".md")]
    assert markdown
    for output in markdown:
        assert script.encode() not in output.encoded(), output.path
    atom = next(o.content for o in outputs if o.path == "atom.xml")
    assert isinstance(atom, bytes)
    assert script.encode() not in atom and b"&lt;script&gt;x&lt;/script&gt;" in atom
