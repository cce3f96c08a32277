"""Attachments (附件): what the clerk reads when a file is missing, stray, misnamed or too large, what
the reader sees on the notice page and downloads, what the open data says, and what append-only keeps."""

from __future__ import annotations

import hashlib
import json
import os
import runpy
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from generator import attachments
from generator.append_only import check_append_only
from generator.change_report import render_json, render_markdown
from generator.changes import diff
from generator.schemas import SchemaSet

from helpers import AS_OF, REPO, GitRepo, Repo, found

NOTICE = "records/circulars/circ-2025-002.yaml"
FOLDER = "records/circulars/circ-2025-002"
SAMPLE = f"{FOLDER}/choucha-jieguo-2025.xlsx"
LISTED = "  - file: choucha-jieguo-2025.xlsx"
UNPUBLISHED = "records/circulars/circ-2026-009.yaml"


def _located(repo: Repo, rule: str) -> list[tuple[str, int, int, str]]:
    return [(d.location.path, d.location.line, d.location.col, d.text) for d in found(repo.validate(), rule)]


# -- the sample --------------------------------------------------------------------------------

def test_the_sample_attachment_is_what_the_tools_script_writes_and_says_it_is_fictional(tmp_path: Path) -> None:
    script = runpy.run_path(str(REPO / "tools" / "attachments" / "sample.py"))
    assert script["workbook"]() == (REPO / SAMPLE).read_bytes()
    sheet = openpyxl.load_workbook(REPO / SAMPLE).active
    assert "示例数据" in sheet["A1"].value and "示例数据" in sheet["A2"].value
    assert [c.value for c in sheet[4]] == ["序号", "单位名称", "考核结果", "主要问题", "优秀比例核减（百分点）"]
    assert sheet["B5"].value == "常州澄川工程设计有限公司" and sheet["E5"].value == 1.5


def test_the_publicitys_list_is_what_its_tools_script_writes_and_says_it_is_fictional() -> None:
    listed = REPO / "records/notices/notice-2025-011/nirending-mingdan-2025-2.xlsx"
    script = runpy.run_path(str(REPO / "tools" / "attachments" / "batch_list.py"))
    assert script["workbook"]() == listed.read_bytes()
    sheet = openpyxl.load_workbook(listed).active
    assert "示例数据" in sheet["A1"].value and sheet.max_row == 3 + 32


def test_the_schema_and_the_checker_accept_the_same_names() -> None:
    pattern = SchemaSet().documents["defs.schema.json"]["$defs"]["envelope"]["properties"]["attachments"]["items"][
        "properties"]["file"]["pattern"]
    assert pattern == attachments.NAME.pattern
    assert set(attachments.TYPES) == set(pattern.split("(")[1].split(")")[0].split("|"))


# -- rules: failing ------------------------------------------------------------------------------

def test_a_listed_file_that_is_not_there(repo: Repo) -> None:
    (repo.root / SAMPLE).unlink()
    assert _located(repo, "attachment-missing") == [(
        NOTICE, repo.line_of(NOTICE, LISTED), 11,
        f"「附件」第 1 项的文件 {SAMPLE} 不存在；请把文件放进记录旁的同名目录，或核对文件名")]


def test_a_file_in_the_folder_that_is_not_listed(repo: Repo) -> None:
    repo.write(f"{FOLDER}/caogao.docx", b"draft")
    assert _located(repo, "attachment-unlisted") == [(
        f"{FOLDER}/caogao.docx", 1, 1,
        f"文件 {FOLDER}/caogao.docx 未列在 {NOTICE} 的「附件」中；请在记录的「附件」中列出它（文件名和附件标题），或删除这个文件")]


def test_an_organization_carries_no_attachments(repo: Repo) -> None:
    repo.write("records/organizations/org-czrsj/logo.pdf", b"%PDF")
    assert [t for *_, t in _located(repo, "attachment-unlisted")] == [
        "文件 records/organizations/org-czrsj/logo.pdf 未列在 records/organizations/org-czrsj.yaml 的「附件」中；"
        "机构记录不带附件，请删除这个文件"]


@pytest.mark.parametrize("name, says", [
    ("附件1.xlsx", "附件文件名「附件1.xlsx」不能用"),
    ("Mingdan.xlsx", "附件文件名「Mingdan.xlsx」不能用"),
    ("ming dan.xlsx", "附件文件名「ming dan.xlsx」不能用"),
    ("-x.pdf", "附件文件名「-x.pdf」不能用"),
    ("con.pdf", "不是 con、nul 等设备名"),
    (f"{'a' * 81}.pdf", "扩展名前不超过 80 个字符"),
    ("mingdan.zip", "附件「mingdan.zip」的类型（.zip）不能发布，可用：.pdf、.ofd、.doc、.docx、.wps、.xls、.xlsx、.et、.csv"),
    ("mingdan.html", "的类型（.html）不能发布"),
    ("mingdan", "的类型（无扩展名）不能发布"),
])
def test_a_name_or_type_that_cannot_be_published(repo: Repo, name: str, says: str) -> None:
    repo.write(f"{FOLDER}/{name}", b"x")
    hits = _located(repo, "attachment-name")
    assert [(p, line, col) for p, line, col, _ in hits] == [(f"{FOLDER}/{name}", 1, 1)]
    assert says in hits[0][3]
    assert not found(repo.validate(), "attachment-unlisted")  # one problem, said once


def test_a_file_over_the_limit_is_refused_by_its_size_without_reading_it(repo: Repo) -> None:
    path = repo.root / SAMPLE
    with open(path, "r+b") as handle:  # sparse: the size is what counts
        handle.truncate(attachments.MAX_BYTES + 1)
    assert _located(repo, "attachment-too-large") == [(
        SAMPLE, 1, 1, "附件大小 20.0 MB，超过上限 20 MB；请压缩（如 PDF 降低扫描分辨率），或放在发文机关网站上、在正文中给出链接")]
    assert not found(repo.validate(), "attachment-missing")  # it is there, only too large


def test_a_folder_without_its_record(repo: Repo) -> None:
    repo.write("records/circulars/circ-2025-020/mingdan.xlsx", b"x")
    assert _located(repo, "attachment-orphan") == [(
        "records/circulars/circ-2025-020/mingdan.xlsx", 1, 1,
        "附件目录 records/circulars/circ-2025-020/ 没有对应的记录 records/circulars/circ-2025-020.yaml："
        "附件须放在它所属公告的同名目录中（编号写错了，还是记录已改名？）")]


@pytest.mark.parametrize("make, says", [
    (lambda p: p.symlink_to(REPO / SAMPLE), "符号链接"),
    (lambda p: os.mkfifo(p), "命名管道"),
])
def test_links_and_fifos_among_attachments_are_refused_unopened(repo: Repo, make: object, says: str) -> None:
    (repo.root / SAMPLE).unlink()
    make(repo.root / SAMPLE)  # type: ignore[operator]
    hits = _located(repo, "record-path")
    assert [(p, line, col) for p, line, col, _ in hits] == [(SAMPLE, 1, 1)] and says in hits[0][3]


def test_nothing_deeper_than_the_record_s_folder(repo: Repo) -> None:
    repo.write(f"{FOLDER}/more/x.pdf", b"x")
    repo.write(f"{FOLDER}/x.yaml", "id: x\n")
    hits = _located(repo, "record-path")
    assert [p for p, *_ in hits] == [f"{FOLDER}/more/x.pdf", f"{FOLDER}/x.yaml"]
    assert all("附件放在 records/<类别>/<编号>/<文件名>" in t for *_, t in hits)


def test_the_cache_does_not_hide_a_changed_attachment(repo: Repo, tmp_path: Path) -> None:
    from generator.validate import check_repository

    cache = tmp_path / "cache"
    assert not check_repository(repo.root, as_of=AS_OF, cache_dir=cache).report.errors
    (repo.root / SAMPLE).unlink()
    report = check_repository(repo.root, as_of=AS_OF, cache_dir=cache).report
    assert [d.rule for d in report.errors] == ["attachment-missing"]
    repo.write(SAMPLE, b"x" * 10)
    repo.write(f"{FOLDER}/extra.pdf", b"x")
    report = check_repository(repo.root, as_of=AS_OF, cache_dir=cache).report
    assert [d.rule for d in report.errors] == ["attachment-unlisted"]


# -- rules: passing ------------------------------------------------------------------------------

def test_the_sample_with_its_attachment_validates(repo: Repo) -> None:
    report = repo.validate()
    assert not report.errors
    assert not [d for d in report.diagnostics if d.rule.startswith("attachment-")]


def test_every_listed_type_and_a_file_just_at_the_limit_pass(repo: Repo) -> None:
    items = "".join(f"  - file: fujian-{i}.{t}\n    title: 附件{i}：示例\n" for i, t in enumerate(attachments.TYPES))
    repo.edit(NOTICE, "attachments:\n", "attachments:\n" + items)
    for i, t in enumerate(attachments.TYPES):
        repo.write(f"{FOLDER}/fujian-{i}.{t}", b"x")
    with open(repo.root / f"{FOLDER}/fujian-0.pdf", "r+b") as handle:
        handle.truncate(attachments.MAX_BYTES)
    assert not repo.validate().errors


# -- the site --------------------------------------------------------------------------------------

def test_the_notice_page_lists_the_attachment_and_the_link_downloads_the_exact_bytes(site_dir: Path) -> None:
    page = site_dir / "circulars" / "circ-2025-002" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    section = soup.select_one(".jxjy-attachments")
    assert section is not None and section.h2.get_text() == "附件"
    [row] = section.select("tbody tr")
    title, kind, size, digest = (td.get_text(strip=True) for td in row.find_all("td"))
    expected = hashlib.sha256((REPO / SAMPLE).read_bytes()).hexdigest()
    assert title == "附件：2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表"
    assert kind == "Excel 表格（.xlsx）"
    assert size == f"{(REPO / SAMPLE).stat().st_size / 1024:.1f} KB"
    assert digest == expected
    link = row.find("a")
    downloaded = (page.parent / link["href"]).read_bytes()
    assert hashlib.sha256(downloaded).hexdigest() == expected and link["download"] == "choucha-jieguo-2025.xlsx"


def test_a_notice_without_attachments_has_no_attachment_section(site_dir: Path) -> None:
    page = site_dir / "circulars" / "circ-2025-001" / "index.html"
    assert "jxjy-attachments" not in page.read_text(encoding="utf-8")


def test_the_open_data_carries_name_size_and_hash(site_dir: Path) -> None:
    records = json.loads((site_dir / "data" / "circulars.json").read_text(encoding="utf-8"))
    [notice] = [r for r in records if r["id"] == "circ-2025-002"]
    raw = (REPO / SAMPLE).read_bytes()
    assert notice["attachments"] == [{
        "file": "choucha-jieguo-2025.xlsx",
        "title": "附件：2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表",
        "size": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "url": "https://jxjy.example.gov.cn/circulars/circ-2025-002/choucha-jieguo-2025.xlsx",
    }]
    csv_text = (site_dir / "data" / "circulars.csv").read_text(encoding="utf-8-sig")
    assert (f"附件：2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表（choucha-jieguo-2025.xlsx，{len(raw)} 字节，"
            f"SHA-256 {hashlib.sha256(raw).hexdigest()}）") in csv_text


# -- append-only and the change report ---------------------------------------------------------------

@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.with_sample(tmp_path)
    repo.git("switch", "-q", "-c", "pr")
    return repo


def test_a_published_notice_s_attachment_cannot_be_changed(git_repo: GitRepo) -> None:
    git_repo.write(SAMPLE, b"other bytes")
    git_repo.commit("Replace the attachment")
    diags = check_append_only(git_repo.root, "main", "pr", as_of=AS_OF)
    assert [(d.rule, d.location.path, d.location.line, d.location.col) for d in diags] == [
        ("append-only-attachment", NOTICE, git_repo.line_of(NOTICE, LISTED), 5)]
    assert diags[0].message == (
        f"已发布的公告（2025年12月19日发布）的附件不能修改（文件内容已改变）：{SAMPLE}；附件与公告一同发布，"
        "公众下载的须始终是同一文件；请恢复原文件，需要更正时新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 circ-2025-002")


def test_a_published_notice_s_attachment_cannot_be_removed_nor_one_added(git_repo: GitRepo) -> None:
    (git_repo.root / SAMPLE).unlink()
    git_repo.write(f"{FOLDER}/extra.pdf", b"%PDF")
    git_repo.commit("Remove one, add another")
    diags = check_append_only(git_repo.root, "main", "pr", as_of=AS_OF)
    assert [(d.rule, d.location.path, d.location.line) for d in diags] == [
        ("append-only-attachment", NOTICE, git_repo.line_of(NOTICE, "attachments:")),
        ("append-only-attachment", NOTICE, git_repo.line_of(NOTICE, LISTED)),
    ]
    assert [d.message.split("：")[0] for d in diags] == [
        "已发布的公告（2025年12月19日发布）不能增加附件", "已发布的公告（2025年12月19日发布）的附件不能删除"]


def test_an_unpublished_notice_may_take_attachments(git_repo: GitRepo) -> None:
    text = git_repo.text(NOTICE).replace("circ-2025-002", "circ-2026-009").replace(
        "published_on: 2025-12-19", "published_on: 2026-12-01").replace("2025-00226", "2026-00909").replace(
        "常人社发〔2025〕112号", "常人社发〔2026〕909号")
    git_repo.write(UNPUBLISHED, text)
    git_repo.write("records/circulars/circ-2026-009/choucha-jieguo-2025.xlsx", b"first")
    git_repo.commit("A notice to be published")
    git_repo.git("switch", "-q", "main")
    git_repo.git("merge", "-q", "pr")
    git_repo.git("switch", "-q", "pr")
    git_repo.write("records/circulars/circ-2026-009/choucha-jieguo-2025.xlsx", b"second")
    git_repo.commit("Replace the attachment before publication")
    assert check_append_only(git_repo.root, "main", "pr", as_of=AS_OF) == []


def test_the_change_report_tells_the_public_about_a_changed_attachment(git_repo: GitRepo) -> None:
    git_repo.write(SAMPLE, b"other bytes")
    git_repo.commit("Replace the attachment")
    report = diff(git_repo.root, "main", "pr", as_of=AS_OF)
    digest = hashlib.sha256(b"other bytes").hexdigest()
    assert (f"- 修改考核通报「常州市人力资源和社会保障局关于2025年度企事业单位专业技术人员继续教育工作抽查考核情况的通报」"
            f"（circ-2025-002）的附件「附件：2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表」 `{SAMPLE}`"
            f"（11 字节，SHA-256 `{digest}`）") in render_markdown(report)
    assert report.other_files == []
    [change] = json.loads(render_json(report))["public"]["attachments"]
    assert (change["path"], change["status"], change["size"], change["sha256"]) == (SAMPLE, "M", 11, digest)
    assert "append-only-attachment" in render_markdown(report)


def test_an_attachment_named_like_a_record_id_is_no_collision(git_repo: GitRepo) -> None:
    git_repo.write("records/circulars/circ-2026-009/circ-2025-002.pdf", b"x")
    git_repo.write(UNPUBLISHED, git_repo.text(NOTICE).replace("circ-2025-002", "circ-2026-009"))
    git_repo.commit("An attachment named like another record")
    rules = {d.rule for d in check_append_only(git_repo.root, "main", "pr", as_of=date(2025, 12, 19))}
    assert not rules & {"id-collision", "id-reused"}


# The failing case of each attachment rule (read by tests/test_docs.py).
RULE_TESTS = {
    "attachment-orphan": test_a_folder_without_its_record,
    "attachment-name": test_a_name_or_type_that_cannot_be_published,
    "attachment-too-large": test_a_file_over_the_limit_is_refused_by_its_size_without_reading_it,
    "attachment-missing": test_a_listed_file_that_is_not_there,
    "attachment-unlisted": test_a_file_in_the_folder_that_is_not_listed,
    "append-only-attachment": test_a_published_notice_s_attachment_cannot_be_changed,
}
