"""The change report and the append-only check, on real temporary git repositories."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.append_only import IN_PLACE_FIELDS, check_append_only
from generator.change_report import md_text, render_json, render_markdown
from generator.changes import diff
from generator.cli import cli
from generator.diagnostics import Diagnostic
from generator.git import GitError
from generator.rules import RULES
from generator.validate import records_at

from helpers import AS_OF, REPO, GitRepo

REVOCATION = "records/revocations/rev-2026-001.yaml"
CORRECTION = "records/circulars/circ-2026-002.yaml"

# The day the revocation and the correction below are published, and their pull request judged:
# judged on a later day (AS_OF), adding them is back-dating (append-only-backdated).
PUBLISHED = date(2026, 11, 23)
REVOCATION_TEXT = """\
# yaml-language-server: $schema=../../schema/revocation.schema.json
id: rev-2026-001
sample: true
title: 常州市人力资源和社会保障局关于取消常州市中小学教师继续教育基地资格的决定
doc_number: 常人社发〔2026〕120号
issuer: org-czrsj
written_on: 2026-11-20
published_on: 2026-11-23
category: 劳动、人事、监察／人事工作
index_number: 113204000141523630/2026-00120
validity: 现行有效
base: base-2020-002
reason: 逾期不整改
evaluation: eval-2026-002
announcement:
  medium: 常州日报
  published_on: 2026-11-24
  page: 第 A03 版
legal_basis: 《常州市专业技术人员继续教育管理和考核办法（试行）》第二十五条
body: |
  常州市钟楼区教师发展中心，市教育局：

  2026年5月，市人力资源和社会保障局会同市教育局对常州市中小学教师继续教育基地进行评估验收，结果为限期整改，整改期限至2026年9月30日（常人社函〔2026〕61号）。

  截至整改期限届满，常州市钟楼区教师发展中心未报送整改情况报告。根据《常州市专业技术人员继续教育管理和考核办法（试行）》第二十五条规定，决定取消其常州市中小学教师继续教育基地资格，并在媒体上予以公告。
"""


def correction_text() -> str:
    """circ-2026-002: corrects circ-2025-002, whose quota cut for org-ccgc was 1.5 points, to 1 point."""
    text = (REPO / "records/circulars/circ-2025-002.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("id: circ-2025-002", "id: circ-2026-002"),
        ("title: 常州市人力资源和社会保障局关于2025年度", "title: 常州市人力资源和社会保障局关于更正2025年度"),
        ("考核情况的通报\n", "考核情况通报的通知\n"),
        ("常人社发〔2025〕112号", "常人社发〔2026〕121号"),
        ("written_on: 2025-12-16", "written_on: 2026-11-20"),
        ("published_on: 2025-12-19", "published_on: 2026-11-23"),
        ("113204000141523630/2025-00226", "113204000141523630/2026-00121"),
        ("quota_cut: 1.5", "quota_cut: 1"),
        ("note: 2025年度考核优秀比例核减1.5个百分点", "note: 2025年度考核优秀比例核减1个百分点"),
        ("legal_basis:", "corrects: circ-2025-002\nlegal_basis:"),
        # the corrected table would be its own attachment, in its own folder: left out here
        ("attachments:\n  - file: choucha-jieguo-2025.xlsx\n    title: 附件：2025年度企事业单位专业技术人员继续教育工作抽查考核结果汇总表\n", ""),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo.with_sample(tmp_path / "repo")


def check(repo: GitRepo, head: str | None = None, *, as_of: date = AS_OF) -> list[Diagnostic]:
    found = check_append_only(repo.root, "main", head, as_of=as_of)
    assert {d.rule for d in found} <= set(RULES)
    return found


# -- the change report ----------------------------------------------------------------------


@pytest.fixture
def revoke_and_correct(git_repo: GitRepo) -> GitRepo:
    """A pull request on branch pr: revoke base-2020-002 and correct circular circ-2025-002."""
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.write(REVOCATION, REVOCATION_TEXT)
    git_repo.write(CORRECTION, correction_text())
    git_repo.commit("Revoke base-2020-002; correct circ-2025-002")
    return git_repo


def test_report_of_a_revocation_and_a_correction(revoke_and_correct: GitRepo) -> None:
    report = diff(revoke_and_correct.root, "main", "pr", as_of=AS_OF)
    text = render_markdown(report)
    assert text.startswith("## 变更报告\n")
    assert "`main` → `pr`" in text
    public = text.split("### 公众将看到的变化")[1].split("### 新增记录")[0]
    assert "- 基地「常州市中小学教师继续教育基地」：逾期未整改 → 已取消" in public
    assert "- 新增取消资格公告 1 份、考核通报 1 份：" in public
    assert "（rev-2026-001），2026年11月23日发布" in public
    assert "（circ-2026-002），2026年11月23日发布" in public
    assert "通报」（circ-2025-002）被更正，见" in public
    assert "通报对象第 1 项 › 优秀比例核减：1.5 → 1" in public
    added = text.split("### 新增记录")[1].split("### 修改记录")[0]
    assert f"`{REVOCATION}`" in added and f"`{CORRECTION}`" in added
    assert "### 修改记录\n\n无。" in text and "### 删除记录\n\n无。" in text
    assert "：0 个错误，" in text
    assert report.errors == 0 and not report.diagnostics
    # no other base changed status
    assert [s.base_id for s in report.statuses] == ["base-2020-002"]
    # nothing published is touched, judged on the day the two notices are published
    assert check(revoke_and_correct, "pr", as_of=PUBLISHED) == []
    # judged three days later, their 发布日期 are in the past
    assert [(d.rule, d.location.path) for d in check(revoke_and_correct, "pr")] == [
        ("append-only-backdated", CORRECTION), ("append-only-backdated", REVOCATION)]


def test_json_carries_the_same_facts(revoke_and_correct: GitRepo) -> None:
    report = diff(revoke_and_correct.root, "main", "pr", as_of=AS_OF)
    data = json.loads(render_json(report))
    assert data["base"] == "main" and data["head"] == "pr" and data["as_of"] == "2026-11-26"
    assert data["public"]["statuses"] == [
        {"base": "base-2020-002", "name": "常州市中小学教师继续教育基地", "old": "逾期未整改", "new": "已取消"}]
    assert sorted(n["id"] for n in data["public"]["new_notices"]) == ["circ-2026-002", "rev-2026-001"]
    [correction] = data["public"]["corrections"]
    assert (correction["record"]["id"], correction["target"], correction["how"]) == ("circ-2026-002", "circ-2025-002", "更正")
    assert {"field": "subjects[0].quota_cut", "old": 1.5, "new": 1}.items() <= correction["fields"][0].items()
    assert data["validation"]["errors"] == 0
    assert render_json(report) == render_json(diff(revoke_and_correct.root, "main", "pr", as_of=AS_OF))


def test_organization_edited_field_by_field(git_repo: GitRepo) -> None:
    org = "records/organizations/org-czrsj.yaml"
    git_repo.edit(org, 'phone: "0519-85681100"', 'phone: "0519-85681199"')
    git_repo.edit(org, '  - "@czrsj/jxjy"', '  - "@czrsj/jxjy"\n  - "@czrsj/zjc"')
    git_repo.edit(org, "short_name: 市人社局\n", "")
    report = diff(git_repo.root, "main", None, as_of=AS_OF)
    [change] = report.changed
    assert change.record.id == "org-czrsj" and change.record.label == "常州市人力资源和社会保障局"
    rows = {f.code: (f.title, f.old, f.new) for f in change.fields}
    assert rows["phone"][0] == "办公电话"
    assert rows["phone"][1:] == ("0519-85681100", "0519-85681199")
    assert rows["submitters"][1:] == (["@czrsj/jxjy"], ["@czrsj/jxjy", "@czrsj/zjc"])  # a list of scalars: one value
    text = render_markdown(report)
    assert "| 字段 | 原值 | 新值 |" in text
    assert "| 办公电话（`phone`） | 0519-85681100 | 0519-85681199 |" in text
    assert "| 可提交人（`submitters`） | `@czrsj/jxjy` | `@czrsj/jxjy`、`@czrsj/zjc` |" in text  # no pings
    assert "| 简称（`short_name`） | 市人社局 | （无） |" in text
    # organizations are published too (names on the pages, every field in the open data)
    assert "网站上公众可见的内容没有变化" not in text
    assert "- 机构「常州市人力资源和社会保障局」（org-czrsj）的内容有改动，网页和开放数据随之更新（见「修改记录」）" in text
    # reference data may be edited in place
    assert check(git_repo) == []


def test_values_are_escaped_for_github() -> None:
    assert md_text("<img src=x onerror=alert(1)> & a|b\nc") == "&lt;img src=x onerror=alert(1)&gt; &amp; a\\|b<br>c"
    assert md_text("[点我](https://evil.example) *粗*") == "\\[点我\\](https://evil.example) \\*粗\\*"
    assert md_text("联系 @someone 处理") == "联系 `@someone` 处理"
    assert md_text("长" * 300) == "长" * 199 + "…"


def test_field_of_a_list_of_objects_is_compared_item_by_item(git_repo: GitRepo) -> None:
    git_repo.edit("records/circulars/circ-2025-002.yaml", "    result: 优秀", "    result: 合格")
    [change] = diff(git_repo.root, "main", None, as_of=AS_OF).changed
    [field] = change.fields
    assert field.path == ("subjects", 2, "result")
    assert field.title == "通报对象第 3 项 › 考核结果"
    assert (field.old, field.new) == ("优秀", "合格")


def test_working_tree_diff_sees_uncommitted_and_untracked_changes(git_repo: GitRepo) -> None:
    git_repo.write(REVOCATION, REVOCATION_TEXT)  # untracked
    (git_repo.root / "records/policies/pol-2011-001.yaml").unlink()  # deleted, not staged
    report = diff(git_repo.root, "main", None, as_of=AS_OF)
    assert [r.id for r in report.added] == ["rev-2026-001"]
    assert [r.id for r in report.removed] == ["pol-2011-001"]
    text = render_markdown(report)
    assert "`main` → 工作区（未提交的改动）" in text
    assert "政策文件「" in text and "（pol-2011-001）将从网站撤下" in text


def test_report_lists_problems_on_changed_files(git_repo: GitRepo) -> None:
    git_repo.write(REVOCATION, REVOCATION_TEXT.replace("reason: 逾期不整改", "reason: 不整改"))
    report = diff(git_repo.root, "main", None, as_of=AS_OF)
    assert report.errors >= 1
    assert {d.location.path for d in report.diagnostics} == {REVOCATION}
    text = render_markdown(report)
    assert f"- 错误 `{REVOCATION}:13:9`：「取消原因」取值「不整改」无效" in text


# -- the append-only check ------------------------------------------------------------------


def test_published_notice_edited_in_place(git_repo: GitRepo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    git_repo.edit(rel, "written_on: 2025-03-18", "written_on: 2025-03-17")
    [diag] = check(git_repo)
    assert diag.rule == "append-only-modified" and diag.severity == "error"
    assert (diag.location.path, diag.location.line, diag.location.col) == (rel, git_repo.line_of(rel, "written_on"), 13)
    assert "已发布的公告（2025年3月21日发布）不能直接修改「成文日期」" in diag.message
    assert "请新建一条同类记录，用 corrects（更正）或 supersedes（替代）指向 rev-2025-001" in diag.message
    assert diag.hint == "可直接修改的只有「公示期 › 意见反馈方式」"


def test_index_number_never_changes(git_repo: GitRepo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.edit(rel, "2025-00047", "2025-00048")
    git_repo.commit("Change an index number")
    [diag] = check(git_repo, "pr")
    assert diag.location.line == git_repo.line_of(rel, "index_number")
    assert diag.message.startswith("索引号一经发布永不改变，已发布的公告") and "「索引号」" in diag.message


def test_publicity_contact_may_be_fixed_but_not_the_period(git_repo: GitRepo) -> None:
    rel = "records/notices/notice-2026-503.yaml"  # published 2026-11-20, publicity until 2026-12-04
    assert ("publicity", "contact") in IN_PLACE_FIELDS
    git_repo.edit(rel, "电话 0519-85681136", "电话 0519-85681137")
    assert check(git_repo) == []
    git_repo.edit(rel, "end: 2026-12-04", "end: 2026-12-05")
    [diag] = check(git_repo)
    assert diag.location.line == git_repo.line_of(rel, "end:")
    assert "「公示期 › 公示截止日期」" in diag.message
    report = render_markdown(diff(git_repo.root, "main", None, as_of=AS_OF))
    assert "公示截止 2026年12月5日（原截止 2026年12月4日）" in report


def test_unpublished_notice_may_be_edited(git_repo: GitRepo) -> None:
    rel = "records/notices/notice-2026-503.yaml"  # 发布日期 2026-11-20
    git_repo.edit(rel, "written_on: 2026-11-19", "written_on: 2026-11-18")
    assert check(git_repo, as_of=date(2026, 11, 19)) == []  # not yet published that day
    assert [d.rule for d in check(git_repo, as_of=date(2026, 11, 20))] == ["append-only-modified"]


def test_published_notice_deleted(git_repo: GitRepo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.git("rm", "-q", rel)
    git_repo.commit("Delete a revocation")
    [diag] = check(git_repo, "pr")
    assert (diag.rule, diag.location.path, diag.location.line, diag.location.col) == ("append-only-deleted", rel, 1, 1)
    assert "已发布的公告不能删除或改名" in diag.message and "已于 2025年3月21日发布" in diag.message


def test_renamed_notice_is_a_deletion(git_repo: GitRepo) -> None:
    git_repo.git("mv", "records/revocations/rev-2025-001.yaml", "records/revocations/rev-2025-009.yaml")
    git_repo.edit("records/revocations/rev-2025-009.yaml", "id: rev-2025-001", "id: rev-2025-009")
    found = check(git_repo)
    assert [(d.rule, d.location.path) for d in found] == [
        ("append-only-deleted", "records/revocations/rev-2025-001.yaml")]


def test_id_moved_to_another_path(git_repo: GitRepo) -> None:
    git_repo.git("mv", "records/organizations/org-tcgz.yaml", "records/policies/org-tcgz.yaml")
    [diag] = check(git_repo)
    assert (diag.rule, diag.location.path) == ("id-reused", "records/policies/org-tcgz.yaml")
    assert diag.location.line == git_repo.line_of("records/policies/org-tcgz.yaml", "id:")
    assert "编号 org-tcgz 已被 records/organizations/org-tcgz.yaml 使用" in diag.message


def test_deleted_id_is_never_reused(git_repo: GitRepo) -> None:
    rel = "records/policies/pol-2011-001.yaml"
    text = git_repo.text(rel)
    git_repo.git("rm", "-q", rel)
    git_repo.commit("Delete the policy")  # on main: part of the base's history
    git_repo.write(rel, text.replace("常人社发〔2011〕11号", "常人社发〔2011〕12号"))
    [diag] = check(git_repo)  # a cited document has no 发布日期 of this platform to back-date
    assert (diag.rule, diag.location.path) == ("id-reused", rel)
    assert "编号 pol-2011-001 曾用于已删除的 records/policies/pol-2011-001.yaml" in diag.message


# -- refs and history ------------------------------------------------------------------------


def test_records_at_a_ref(git_repo: GitRepo, tmp_path: Path) -> None:
    result = records_at(git_repo.root, "main", as_of=AS_OF)
    assert result.records.get("rev-2025-001").path == "records/revocations/rev-2025-001.yaml"
    assert result.files == len(list((REPO / "records").rglob("*.yaml")))
    with pytest.raises(GitError, match="找不到版本「no-such-branch」"):
        records_at(git_repo.root, "no-such-branch", as_of=AS_OF)
    with pytest.raises(GitError, match="无效的版本引用"):
        records_at(git_repo.root, "--output=/tmp/x", as_of=AS_OF)
    empty = GitRepo.__new__(GitRepo)
    empty.root = tmp_path / "empty"
    empty.root.mkdir()
    empty.git("init", "-q", "-b", "main")
    empty.git("config", "user.name", "测试")
    empty.git("config", "user.email", "test@example.invalid")
    empty.write("README.md", "空仓库\n")
    empty.commit("First commit without records")
    result = records_at(empty.root, "HEAD", as_of=AS_OF)
    assert (result.files, result.records.all, result.report.diagnostics) == (0, [], [])


def test_symlinks_at_a_ref_stay_inside_and_are_reported(git_repo: GitRepo) -> None:
    git_repo.git("switch", "-q", "-c", "pr")
    (git_repo.root / "records/bases/base-2099-001.yaml").symlink_to("/etc/passwd")
    git_repo.commit("Add a symlink")
    report = diff(git_repo.root, "main", "pr", as_of=AS_OF)
    assert report.other_files == ["records/bases/base-2099-001.yaml"]
    assert [(d.rule, d.location.path) for d in report.diagnostics] == [("record-path", "records/bases/base-2099-001.yaml")]
    assert "records/ 中不允许使用符号链接" in render_markdown(report)


def test_comment_only_change_of_a_published_notice(git_repo: GitRepo) -> None:
    rel = "records/revocations/rev-2025-001.yaml"
    git_repo.write(rel, git_repo.text(rel) + "# 审核备注：已核对原件\n")
    assert check(git_repo) == []
    [change] = diff(git_repo.root, "main", None, as_of=AS_OF).changed
    assert change.fields == []
    assert "只改动了注释或格式，内容不变。" in render_markdown(diff(git_repo.root, "main", None, as_of=AS_OF))


# -- the report tells the append-only verdict -------------------------------------------------


def test_report_states_that_published_notices_were_only_added_to(revoke_and_correct: GitRepo) -> None:
    report = diff(revoke_and_correct.root, "main", "pr", as_of=PUBLISHED)
    text = render_markdown(report)
    verdict = text.split("### 只增检查")[1].split("### 校验结果")[0]
    assert "通过：已发布的公告只有新增，没有被修改、删除或改名，也没有重复使用编号。" in verdict
    assert json.loads(render_json(report))["append_only"] == {"passed": True, "diagnostics": []}


def test_report_lists_each_append_only_violation(git_repo: GitRepo) -> None:
    edited, deleted = "records/revocations/rev-2025-001.yaml", "records/policies/pol-2011-001.yaml"
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.edit(edited, "written_on: 2025-03-18", "written_on: 2025-03-17")
    git_repo.git("rm", "-q", deleted)
    git_repo.commit("Edit one published notice, delete another")
    report = diff(git_repo.root, "main", "pr", as_of=AS_OF)
    assert report.append_only == check(git_repo, "pr")
    text = render_markdown(report)
    verdict = text.split("### 只增检查")[1].split("### 校验结果")[0]
    assert "未通过：2 处违反只增规则（`jxjy diff --check` 以 1 退出，不能合并）：" in verdict
    line = git_repo.line_of(edited, "written_on")
    assert (f"- 错误 `{edited}:{line}:13`：已发布的公告（2025年3月21日发布）不能直接修改「成文日期」；"
            "请新建一条同类记录") in verdict
    assert f"- 错误 `{deleted}:1:1`：已发布的公告不能删除或改名：政策文件记录 pol-2011-001" in verdict
    assert "〔`append-only-modified`〕" in verdict and "〔`append-only-deleted`〕" in verdict
    assert "\n通过：" not in verdict
    data = json.loads(render_json(report))["append_only"]
    assert data["passed"] is False
    assert [(d["path"], d["rule"]) for d in data["diagnostics"]] == [
        (deleted, "append-only-deleted"), (edited, "append-only-modified")]


# -- files outside records/ ------------------------------------------------------------------


def test_every_file_outside_records_is_listed_with_what_it_does_to_the_site(tmp_path: Path) -> None:
    repo = GitRepo.with_sample(tmp_path / "repo", "mkdocs.yml", "docs/submitting.md")
    repo.git("switch", "-q", "-c", "pr")
    repo.edit("mkdocs.yml", "host_unit: 常州市人力资源和社会保障局（示例）", "host_unit: 常州市人力资源和社会保障局")
    repo.write("docs/submitting.md", repo.text("docs/submitting.md") + "\n新增一段说明。\n")
    repo.write("tests/test_extra.py", "def test_nothing() -> None:\n    pass\n")
    repo.write("generator/status.py", "# the program\n")
    repo.commit("Footer, a docs page, a test and the program")
    report = diff(repo.root, "main", "pr", as_of=AS_OF)
    text = render_markdown(report)
    public = text.split("### 公众将看到的变化")[1].split("### 新增记录")[0]
    assert "网站上公众可见的内容没有变化" not in text
    assert "- 网站文件有改动，网站随之改变（见「记录以外的文件」）：`docs/submitting.md`、`mkdocs.yml`" in public
    assert "- 生成网站的程序或依赖有改动，生成的页面可能改变，请查看预览网站：`generator/status.py`" in public
    outside = text.split("### 记录以外的文件")[1].split("### 只增检查")[0]
    assert "`mkdocs.yml`、`docs/`、`schema/`、`generator/site/` 是网站的内容" in outside
    assert "- 修改 `mkdocs.yml`：改变公开网站" in outside
    assert "- 修改 `docs/submitting.md`：改变公开网站" in outside
    assert "- 新增 `generator/status.py`：可能改变生成的网站" in outside
    assert "- 新增 `tests/test_extra.py`：不发布到网站" in outside
    assert ("`mkdocs.yml` 中改动的设置：\n\n| 设置 | 原值 | 新值 |\n|---|---|---|\n"
            "| `extra.registry.host_unit` | 常州市人力资源和社会保障局（示例） | 常州市人力资源和社会保障局 |") in outside
    data = json.loads(render_json(report))
    assert data["public"]["site_files"] == ["docs/submitting.md", "mkdocs.yml"]
    assert [(f["field"], f["new"]) for f in data["settings"]] == [("extra.registry.host_unit", "常州市人力资源和社会保障局")]
    assert {f["path"]: f["effect"] for f in data["outside_records"]} == {
        "docs/submitting.md": "site", "generator/status.py": "program", "mkdocs.yml": "site",
        "tests/test_extra.py": None}


def test_no_change_to_the_site_is_said_only_when_true(tmp_path: Path) -> None:
    repo = GitRepo.with_sample(tmp_path / "repo", "tests/conftest.py")
    repo.write("tests/conftest.py", repo.text("tests/conftest.py") + "# a comment\n")
    text = render_markdown(diff(repo.root, "main", None, as_of=AS_OF))
    assert "网站上公众可见的内容没有变化。" in text
    assert "- 修改 `tests/conftest.py`：不发布到网站" in text
    repo.write("schema/extra.schema.json", "{}\n")  # untracked: the working tree counts
    text = render_markdown(diff(repo.root, "main", None, as_of=AS_OF))
    assert "网站上公众可见的内容没有变化" not in text
    assert "- 新增 `schema/extra.schema.json`：改变公开网站" in text


def test_settings_of_mkdocs_yml_are_escaped_and_an_unreadable_one_is_only_listed(tmp_path: Path) -> None:
    repo = GitRepo.with_sample(tmp_path / "repo", "mkdocs.yml")
    repo.edit("mkdocs.yml", "contact: 0519-00000000（示例）", "contact: <b>@someone</b> | 2026-01-02")
    report = diff(repo.root, "main", None, as_of=AS_OF)
    assert "| `extra.registry.contact` | 0519-00000000（示例） | &lt;b&gt;`@someone`&lt;/b&gt; \\| 2026-01-02 |" in (
        render_markdown(report))
    repo.write("mkdocs.yml", "site_name: [\n")
    report = diff(repo.root, "main", None, as_of=AS_OF)
    assert report.settings == [] and [f.path for f in report.outside] == ["mkdocs.yml"]


# -- renames -------------------------------------------------------------------------------------


def test_renamed_notice_is_shown_as_a_rename_and_refused(git_repo: GitRepo) -> None:
    old, new = "records/revocations/rev-2025-001.yaml", "records/revocations/rev-2025-009.yaml"
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.git("mv", old, new)
    git_repo.edit(new, "id: rev-2025-001", "id: rev-2025-009")
    git_repo.commit("Rename a revocation")
    report = diff(git_repo.root, "main", "pr", as_of=AS_OF)
    assert (report.added, report.removed) == ([], [])
    [rename] = report.renamed
    assert (rename.old.id, rename.new.id, rename.fields) == ("rev-2025-001", "rev-2025-009", [])
    text = render_markdown(report)
    assert "### 新增记录\n\n无。" in text and "### 删除记录\n\n无。" in text
    public = text.split("### 公众将看到的变化")[1].split("### 新增记录")[0]
    assert "新增取消资格公告" not in public and "撤下" not in public
    assert "（rev-2025-001）改名为 rev-2025-009，原网址将失效" in public
    renamed = text.split("### 改名或移动的记录")[1].split("### 删除记录")[0]
    assert f"（rev-2025-001） → rev-2025-009\n\n`{old}` → `{new}`" in renamed
    assert "已发布的公告不能改名或移动（见「只增检查」）" in renamed
    [diag] = report.append_only
    assert diag == check(git_repo, "pr")[0]
    assert (diag.rule, diag.location.path) == ("append-only-deleted", old)
    assert diag.message.startswith("已发布的公告不能改名或移动：取消资格记录 rev-2025-001 已于 2025年3月21日发布，"
                                   f"本次被改为 {new}；请恢复原文件名和编号")
    data = json.loads(render_json(report))
    assert [(r["old"]["id"], r["new"]["id"]) for r in data["public"]["renamed_notices"]] == [
        ("rev-2025-001", "rev-2025-009")]
    assert data["added"] == data["removed"] == []


def test_rename_with_an_edit_shows_the_edit(git_repo: GitRepo) -> None:
    old, new = "records/revocations/rev-2025-001.yaml", "records/revocations/rev-2025-009.yaml"
    git_repo.git("mv", old, new)  # uncommitted, in the working tree
    git_repo.edit(new, "id: rev-2025-001", "id: rev-2025-009")
    git_repo.edit(new, "written_on: 2025-03-18", "written_on: 2025-03-17")
    [rename] = diff(git_repo.root, "main", None, as_of=AS_OF).renamed  # paired by the same 发文字号
    assert [(f.code, f.old, f.new) for f in rename.fields] == [("written_on", "2025-03-18", "2025-03-17")]
    assert "| 成文日期（`written_on`） | 2025-03-18 | 2025-03-17 |" in render_markdown(
        diff(git_repo.root, "main", None, as_of=AS_OF))


def test_a_deletion_and_an_unrelated_addition_are_no_rename(git_repo: GitRepo) -> None:
    git_repo.git("rm", "-q", "records/policies/pol-2011-001.yaml")
    git_repo.write(REVOCATION, REVOCATION_TEXT)
    report = diff(git_repo.root, "main", None, as_of=AS_OF)
    assert report.renamed == []
    assert ([r.id for r in report.added], [r.id for r in report.removed]) == (["rev-2026-001"], ["pol-2011-001"])


# -- two branches took the same new id ---------------------------------------------------------

NEW_BASE = "records/bases/base-2026-002.yaml"


def new_base_text(name: str, number: int) -> str:
    """A base notice base-2026-002, unpublished on AS_OF, named `name`, with 发文字号 and 索引号 from `number`."""
    text = (REPO / "records/bases/base-2024-001.yaml").read_text(encoding="utf-8")
    for old, new in [("id: base-2024-001", "id: base-2026-002"),
                     ("常州市智能制造工程技术人员继续教育基地", name),
                     ("常人社发〔2024〕41号", f"常人社函〔2026〕{number}号"),
                     ("2024-00067", f"2026-00{number}"),
                     ("written_on: 2024-05-21", "written_on: 2026-11-19"),
                     ("published_on: 2024-05-27", "published_on: 2026-11-28")]:
        text = text.replace(old, new)
    return text


@pytest.fixture
def collided(git_repo: GitRepo) -> GitRepo:
    """Branches a and pr each added base-2026-002 from the same main; a was merged first."""
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.write(NEW_BASE, new_base_text("常州市会计专业技术人员继续教育基地", 150))
    git_repo.commit("Add a base (pr)")
    git_repo.git("switch", "-q", "main")
    git_repo.write(NEW_BASE, new_base_text("常州市建筑专业技术人员继续教育基地", 151))
    git_repo.commit("Add a base (merged first)")
    return git_repo


def test_same_new_id_on_both_sides_is_a_collision_not_an_edit(collided: GitRepo) -> None:
    [diag] = check(collided, "pr")
    assert (diag.rule, diag.severity, diag.location.path, diag.location.line) == (
        "id-collision", "error", NEW_BASE, 2)
    assert diag.message.startswith("编号 base-2026-002 撞号：目标分支在两个分支分开之后也新增了编号 base-2026-002"
                                   "（培训基地「常州市建筑专业技术人员继续教育基地」，records/bases/base-2026-002.yaml）")
    assert diag.message.endswith("请把本分支的记录改用新编号 base-2026-003（文件名和 id 一起改，引用它的记录也要改）")
    report = diff(collided.root, "main", "pr", as_of=AS_OF)
    assert report.changed == [] and [r.id for r in report.added] == ["base-2026-002"]
    text = render_markdown(report)
    assert "### 修改记录\n\n无。" in text
    assert ("- 编号撞号：本分支的 `records/bases/base-2026-002.yaml` 和目标分支上已有的培训基地"
            "「常州市建筑专业技术人员继续教育基地」（base-2026-002）都是两个分支分开后新建的") in text
    assert "请把本分支的记录改用 base-2026-003" in text
    assert "（编号与目标分支撞号，须改号，见「只增检查」）" in text
    assert "〔`id-collision`〕" in text.split("### 只增检查")[1]
    [data] = json.loads(render_json(report))["collisions"]
    assert (data["id"], data["suggestion"], data["theirs"]["label"]) == (
        "base-2026-002", "base-2026-003", "常州市建筑专业技术人员继续教育基地")


def test_collision_with_a_published_notice_is_not_reported_as_an_edit(collided: GitRepo) -> None:
    later = date(2026, 11, 30)  # both versions of base-2026-002 are published that day
    assert [d.rule for d in check(collided, "pr", as_of=later)] == ["id-collision"]


def test_suggested_id_skips_ids_used_anywhere(collided: GitRepo) -> None:
    collided.write("records/bases/base-2026-007.yaml", new_base_text("常州市农业专业技术人员继续教育基地", 152)
                   .replace("id: base-2026-002", "id: base-2026-007"))
    collided.commit("Another base on main")
    collided.git("rm", "-q", "records/bases/base-2026-007.yaml")
    collided.commit("Withdrawn before publication")
    [diag] = check(collided, "pr")
    assert "改用新编号 base-2026-008" in diag.message


def test_an_edit_of_a_record_both_sides_had_is_no_collision(git_repo: GitRepo) -> None:
    git_repo.write(NEW_BASE, new_base_text("常州市会计专业技术人员继续教育基地", 150))
    git_repo.commit("Add a base on main")
    git_repo.git("switch", "-q", "-c", "pr")
    git_repo.edit(NEW_BASE, "written_on: 2026-11-19", "written_on: 2026-11-18")
    git_repo.commit("Edit it before publication")
    assert check(git_repo, "pr") == []
    report = diff(git_repo.root, "main", "pr", as_of=AS_OF)
    assert report.collisions == [] and [c.record.id for c in report.changed] == ["base-2026-002"]


def test_cli_check_fails_on_a_collision_and_the_report_says_so(collided: GitRepo) -> None:
    args = ["diff", "--root", str(collided.root), "--as-of", AS_OF.isoformat(), "main", "pr"]
    result = CliRunner().invoke(cli, [*args[:1], "--check", *args[1:]], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{NEW_BASE}:2:5: error: 编号 base-2026-002 撞号：")
    assert result.stdout.rstrip().endswith("[id-collision]")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0 and "未通过：1 处违反只增规则" in result.stdout


def test_ids_from_file_names_are_escaped_in_the_report(git_repo: GitRepo) -> None:
    old = "records/revocations/rev-2025-001.yaml"
    new = "records/revocations/<img src=x onerror=alert(1)>.yaml"
    git_repo.git("mv", old, new)
    report = render_markdown(diff(git_repo.root, "main", None, as_of=AS_OF))
    assert "<img" not in re.sub(r"`[^`\n]*`", "", report)  # a code span shows its text as written
    assert "改名为 &lt;img src=x onerror=alert(1)&gt;，原网址将失效" in report


def test_a_file_name_with_a_line_break_stays_in_its_code_span(git_repo: GitRepo) -> None:
    git_repo.write("tests/a\n# 标题`b.py", "pass\n")
    report = render_markdown(diff(git_repo.root, "main", None, as_of=AS_OF))
    assert "- 新增 `tests/a # 标题'b.py`：不发布到网站" in report


def test_an_unpublished_notice_may_be_renamed(git_repo: GitRepo) -> None:
    git_repo.write(REVOCATION, REVOCATION_TEXT)
    git_repo.commit("A revocation to be published on 2026-11-23")
    git_repo.git("mv", REVOCATION, "records/revocations/rev-2026-005.yaml")
    git_repo.edit("records/revocations/rev-2026-005.yaml", "id: rev-2026-001", "id: rev-2026-005")
    report = diff(git_repo.root, "main", None, as_of=date(2026, 11, 22))
    assert report.append_only == []
    text = render_markdown(report)
    assert "（rev-2026-001）改名为 rev-2026-005\n" in text
    assert "不能改名或移动" not in text and "\n通过：" in text


# The failing case of each rule between two versions (read by tests/test_docs.py).
RULE_TESTS = {
    "append-only-modified": test_published_notice_edited_in_place,
    "append-only-deleted": test_published_notice_deleted,
    "id-reused": test_deleted_id_is_never_reused,
    "id-collision": test_same_new_id_on_both_sides_is_a_collision_not_an_edit,
}
