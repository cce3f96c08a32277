"""Who may change what: CODEOWNERS generated from the records, and check_authz on real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.authz import TeamsError, check_authz, load_teams
from generator.cli import cli
from generator.diagnostics import Diagnostic
from generator.git import GitError
from generator.owners import (
    BUREAU,
    CODEOWNERS_PATH,
    MAINTAINER_PATHS,
    codeowners,
    codeowners_pending,
)
from generator.records import RepositoryError
from generator.rules import RULES

from helpers import AS_OF, REPO, GitRepo, Repo

TEAMS = load_teams(REPO / "tests" / "owners_teams.yaml")
BUREAU_MEMBER = "wangju"  # @czrsj/jxjy
WUJIN = "wujin-li"  # @czrsj/wujin, the district bureau org-wj-rsj
CZJ = "caizheng-zhao"  # @czczj/kuaiji, the city finance bureau org-cz-czj
GXJ = "gongxin-qian"  # @czgxj/renshi, org-cz-gxj
OUTSIDER = "zhangsan"  # in no team

class OwnersRepo(GitRepo):
    def authz(self, author: str, base: str, head: str | None = None) -> list[Diagnostic]:
        found = check_authz(self.root, author=author, base=base, head=head, teams=TEAMS)
        assert {d.rule for d in found} <= set(RULES)
        return found


@pytest.fixture
def git_repo(tmp_path: Path) -> OwnersRepo:
    return OwnersRepo.with_sample(tmp_path / "repo", "schema", CODEOWNERS_PATH)


def _new_plan(repo: OwnersRepo, record_id: str, department: str, issuer: str | None = None) -> str:
    """Add a plan copied from plan-2026-cz-czj under a new id, for `department`."""
    text = repo.text("records/plans/plan-2026-cz-czj.yaml")
    text = text.replace("id: plan-2026-cz-czj", f"id: {record_id}")
    text = text.replace("department: org-cz-czj", f"department: {department}")
    text = text.replace("issuer: org-cz-czj", f"issuer: {issuer or department}")
    rel = f"records/plans/{record_id}.yaml"
    repo.write(rel, text)
    return rel


# -- notices of the bureaus -----------------------------------------------------------------------


def test_a_bureau_member_may_change_a_revocation(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/revocations/rev-2025-001.yaml", "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("edit")
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []
    assert git_repo.authz(BUREAU_MEMBER.upper(), base, head) == []  # logins compare case-insensitively


def test_nobody_else_may_change_a_revocation_and_the_message_says_who_may(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    rel = "records/revocations/rev-2025-001.yaml"
    git_repo.edit(rel, "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("edit")
    for author in (OUTSIDER, WUJIN, CZJ):
        [denied] = git_repo.authz(author, base, head)
        assert denied.rule == "authz-denied" and denied.severity == "error"
        assert denied.message == (f"{author} 不能修改 records/revocations/rev-2025-001.yaml：该记录的发文机关为"
                                  "「常州市人力资源和社会保障局」，只有 @czrsj/jxjy 可以提交")
        assert (denied.location.path, denied.location.line) == (rel, git_repo.line_of(rel, "issuer:"))
        assert denied.location.col == len("issuer: ") + 1


def test_a_district_bureau_may_change_its_own_notice_but_not_the_city_bureaus(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    assert "issuer: org-wj-rsj" in git_repo.text("records/bases/base-2024-003.yaml")
    git_repo.edit("records/bases/base-2024-003.yaml", "address: 常州市武进区常武中路18号", "address: 常州市武进区常武中路20号")
    own = git_repo.commit("own notice")
    assert git_repo.authz(WUJIN, base, own) == []
    [denied] = git_repo.authz(OUTSIDER, base, own)
    assert "「常州市武进区人力资源和社会保障局」，只有 @czrsj/wujin、@czrsj/jxjy 可以提交" in denied.message

    git_repo.edit("records/bases/base-2024-001.yaml", "sample: true", "sample: true\n# 更正")
    city = git_repo.commit("city notice")
    [denied] = git_repo.authz(WUJIN, own, city)
    assert denied.rule == "authz-denied"
    assert "records/bases/base-2024-001.yaml" in denied.message and "「常州市人力资源和社会保障局」" in denied.message
    assert denied.message.endswith("只有 @czrsj/jxjy 可以提交")


def test_a_joint_document_may_be_changed_by_any_of_its_issuers(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    rel = "records/policies/pol-2026-001.yaml"  # 市人社局 with 市财政局
    git_repo.edit(rel, "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("edit")
    assert git_repo.authz(CZJ, base, head) == [] and git_repo.authz(BUREAU_MEMBER, base, head) == []
    [denied] = git_repo.authz(GXJ, base, head)
    assert denied.message == (f"{GXJ} 不能修改 {rel}：该记录的发文机关为「常州市人力资源和社会保障局」"
                              "（联合发文：「常州市财政局」），只有 @czrsj/jxjy、@czczj/kuaiji 可以提交")


def test_an_item_of_a_notice_speaks_for_the_notices_issuer(git_repo: OwnersRepo) -> None:
    """A base of a batch carries no 发文机关: its notice's decides, also for a notice the change adds."""
    base = git_repo.commit("base")
    rel = "records/bases/base-2025-101.yaml"
    git_repo.edit(rel, "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("edit an item")
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []
    [denied] = git_repo.authz(CZJ, base, head)
    assert denied.message == (f"{CZJ} 不能修改 {rel}：该记录的发文机关为「常州市人力资源和社会保障局」"
                              "（所属公告 notice-2025-011），只有 @czrsj/jxjy 可以提交")
    assert denied.location.line == git_repo.line_of(rel, "notice:")

    # A district bureau adds its own 公示 with one base: both files are its own.
    notice = git_repo.text("records/notices/notice-2026-503.yaml")
    git_repo.write("records/notices/notice-2026-777.yaml", notice.replace("id: notice-2026-503", "id: notice-2026-777")
                   .replace("issuer: org-czrsj", "issuer: org-wj-rsj"))
    item = git_repo.text("records/bases/base-2026-001.yaml")
    git_repo.write("records/bases/base-2026-777.yaml", item.replace("id: base-2026-001", "id: base-2026-777")
                   .replace("notice: notice-2026-503", "notice: notice-2026-777"))
    added = git_repo.commit("a district 公示")
    assert git_repo.authz(WUJIN, head, added) == []
    assert {d.location.path for d in git_repo.authz(CZJ, head, added)} == {
        "records/notices/notice-2026-777.yaml", "records/bases/base-2026-777.yaml"}


def test_a_notice_cannot_be_moved_into_another_issuers_name(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/bases/base-2024-003.yaml", "issuer: org-wj-rsj", "issuer: org-czrsj")
    head = git_repo.commit("move")
    [denied] = git_repo.authz(WUJIN, base, head)
    assert "「常州市人力资源和社会保障局」" in denied.message
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []


def test_deleting_a_notice_needs_its_owner(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    (git_repo.root / "records/bases/base-2024-003.yaml").unlink()
    head = git_repo.commit("delete")
    assert git_repo.authz(WUJIN, base, head) == []
    [denied] = git_repo.authz(CZJ, base, head)
    assert denied.message.startswith(f"{CZJ} 不能删除 records/bases/base-2024-003.yaml：")
    assert denied.location.line == 1


# -- plans ----------------------------------------------------------------------------------------


def test_a_department_may_add_a_plan_for_itself(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    _new_plan(git_repo, "plan-2027-cz-czj", "org-cz-czj")
    head = git_repo.commit("plan")
    assert git_repo.authz(CZJ, base, head) == []
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []


def test_regenerating_codeowners_for_ones_own_record_is_allowed_but_editing_it_is_not(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    _new_plan(git_repo, "plan-2027-cz-czj", "org-cz-czj")
    git_repo.write(CODEOWNERS_PATH, codeowners(git_repo.root, as_of=AS_OF))
    head = git_repo.commit("plan and the CODEOWNERS jxjy codeowners makes")
    assert git_repo.authz(CZJ, base, head) == []
    assert git_repo.authz(CZJ, base, None) == []
    git_repo.write(CODEOWNERS_PATH, git_repo.text(CODEOWNERS_PATH) + "/records/ @czczj/kuaiji\n")
    edited = git_repo.commit("hand-edited CODEOWNERS")
    [denied] = git_repo.authz(CZJ, base, edited)
    assert denied.location.path == CODEOWNERS_PATH and "该文件只能由维护者修改" in denied.message


def test_a_department_may_not_add_a_plan_for_another(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    rel = _new_plan(git_repo, "plan-2027-cz-gxj", "org-cz-gxj")
    head = git_repo.commit("plan")
    [denied] = git_repo.authz(CZJ, base, head)
    assert denied.rule == "authz-denied"
    assert denied.message == (f"{CZJ} 不能新增 {rel}：该记录的报送部门为「常州市工业和信息化局」，"
                              "只有 @czgxj/renshi、@czrsj/jxjy 可以提交")
    assert denied.location.line == git_repo.line_of(rel, "department:")
    assert git_repo.authz(GXJ, base, head) == []


def test_a_plan_cannot_speak_for_another_issuer(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    rel = _new_plan(git_repo, "plan-2027-cz-czj", "org-cz-czj", issuer="org-czrsj")
    head = git_repo.commit("plan")
    [denied] = git_repo.authz(CZJ, base, head)
    assert "发文机关为「常州市人力资源和社会保障局」" in denied.message
    assert denied.location.line == git_repo.line_of(rel, "issuer:")


def test_a_department_may_edit_and_may_not_delete_anothers_plan(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/plans/plan-2026-cz-czj.yaml", "sample: true", "sample: true\n# 更正")
    (git_repo.root / "records/plans/plan-2026-cz-gxj.yaml").unlink()
    head = git_repo.commit("plans")
    [denied] = git_repo.authz(CZJ, base, head)
    assert denied.location.path == "records/plans/plan-2026-cz-gxj.yaml"
    assert denied.message.startswith(f"{CZJ} 不能删除 ")


# -- organizations and grants ---------------------------------------------------------------------


def test_adding_oneself_to_submitters_grants_nothing_in_the_same_change(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/organizations/org-cz-gxj.yaml", '  - "@czgxj/renshi"',
                  f'  - "@czgxj/renshi"\n  - "@{OUTSIDER}"')
    git_repo.edit("records/plans/plan-2026-cz-gxj.yaml", "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("grant and use")
    denied = git_repo.authz(OUTSIDER, base, head)
    assert [d.location.path for d in denied] == ["records/organizations/org-cz-gxj.yaml",
                                                 "records/plans/plan-2026-cz-gxj.yaml"]
    assert all(d.rule == "authz-denied" for d in denied)
    assert f"@{OUTSIDER}" not in denied[1].message
    # the organization's own team may grant it; once merged, the grant counts
    git_repo.git("checkout", "-q", "-b", "grant", base)
    git_repo.edit("records/organizations/org-cz-gxj.yaml", '  - "@czgxj/renshi"',
                  f'  - "@czgxj/renshi"\n  - "@{OUTSIDER}"')
    granted = git_repo.commit("grant")
    assert git_repo.authz(GXJ, base, granted) == []
    git_repo.edit("records/plans/plan-2026-cz-gxj.yaml", "sample: true", "sample: true\n# 更正")
    used = git_repo.commit("use")
    assert git_repo.authz(OUTSIDER, granted, used) == []


def test_the_bureau_teams_come_from_the_base(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/organizations/org-czrsj.yaml", '  - "@czrsj/jxjy"', f'  - "@czrsj/jxjy"\n  - "@{OUTSIDER}"')
    git_repo.write("schema/extra.schema.json", "{}\n")
    head = git_repo.commit("take over")
    denied = git_repo.authz(OUTSIDER, base, head)
    assert [d.location.path for d in denied] == ["records/organizations/org-czrsj.yaml", "schema/extra.schema.json"]


def test_only_the_bureau_may_add_an_organization(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    org = git_repo.text("records/organizations/org-wjjzpx.yaml").replace("org-wjjzpx", "org-wj-new")
    git_repo.write("records/organizations/org-wj-new.yaml", org + 'submitters:\n  - "@czrsj/wujin"\n')
    head = git_repo.commit("new org")
    [denied] = git_repo.authz(WUJIN, base, head)
    assert denied.rule == "authz-denied"
    assert denied.message == (f"{WUJIN} 不能新增 records/organizations/org-wj-new.yaml：新增机构只能由维护者提交，"
                              "只有 @czrsj/jxjy 可以提交")
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []


def test_a_record_naming_an_organization_added_in_the_same_change_is_the_bureaus(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    org = git_repo.text("records/organizations/org-cz-gxj.yaml").replace("org-cz-gxj", "org-cz-new")
    git_repo.write("records/organizations/org-cz-new.yaml", org)
    rel = _new_plan(git_repo, "plan-2027-cz-new", "org-cz-new")
    head = git_repo.commit("new org and plan")
    denied = git_repo.authz(GXJ, base, head)
    assert [d.rule for d in denied] == ["authz-denied", "authz-unknown-owner"]
    assert denied[1].location.path == rel
    assert "「org-cz-new」在目标分支中不存在" in denied[1].message
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []


def test_an_organization_may_edit_itself_but_not_change_its_type(git_repo: OwnersRepo) -> None:
    rel = "records/organizations/org-cz-gxj.yaml"
    base = git_repo.commit("base")
    git_repo.edit(rel, "phone: \"0519-85682640\"", "phone: \"0519-85682641\"")
    phone = git_repo.commit("phone")
    assert git_repo.authz(GXJ, base, phone) == []
    assert git_repo.authz(CZJ, base, phone)[0].message.startswith(f"{CZJ} 不能修改 {rel}：该记录是机构「常州市工业和信息化局」")
    git_repo.edit(rel, "type: 行业主管部门", "type: 人社部门")
    retyped = git_repo.commit("type")
    [denied] = git_repo.authz(GXJ, phone, retyped)
    assert "机构类型只能由维护者修改" in denied.message
    assert denied.location.line == git_repo.line_of(rel, "type:")


def test_an_organization_without_submitters_is_the_bureaus(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.edit("records/organizations/org-wjjzpx.yaml", "phone: \"0519-86557800\"", "phone: \"0519-86557801\"")
    head = git_repo.commit("edit")
    [denied] = git_repo.authz(OUTSIDER, base, head)
    assert "未登记可提交人" in denied.message and denied.message.endswith("只有 @czrsj/jxjy 可以提交")


# -- maintainers' files ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["schema/base.schema.json", CODEOWNERS_PATH, "records/README.md"])
def test_only_the_bureau_may_edit_the_maintainers_files(git_repo: OwnersRepo, rel: str) -> None:
    base = git_repo.commit("base")
    path = git_repo.root / rel
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + "\n", encoding="utf-8")
    head = git_repo.commit("edit")
    for author in (OUTSIDER, WUJIN, CZJ):
        [denied] = git_repo.authz(author, base, head)
        assert denied.rule == "authz-denied"
        assert denied.message.endswith("该文件只能由维护者修改，只有 @czrsj/jxjy 可以提交")
        assert denied.location.path == rel
    assert git_repo.authz(BUREAU_MEMBER, base, head) == []


# -- the working tree -----------------------------------------------------------------------------


def test_the_working_tree_counts_untracked_records(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    _new_plan(git_repo, "plan-2027-cz-gxj", "org-cz-gxj")
    denied = git_repo.authz(CZJ, base)
    assert [d.location.path for d in denied] == ["records/plans/plan-2027-cz-gxj.yaml"]
    assert git_repo.authz(GXJ, base) == []


def test_an_unreadable_record_is_the_bureaus(git_repo: OwnersRepo) -> None:
    base = git_repo.commit("base")
    git_repo.write("records/plans/plan-2027-cz-czj.yaml", "department: [unclosed\n")
    [denied] = git_repo.authz(CZJ, base)
    assert denied.rule == "authz-unknown-owner"
    assert "无法读取该记录的报送部门" in denied.message


def test_an_unknown_base_is_a_git_error(git_repo: OwnersRepo) -> None:
    git_repo.commit("base")
    with pytest.raises(GitError, match="找不到版本「no-such-ref」"):
        git_repo.authz(OUTSIDER, "no-such-ref", "HEAD")


# -- team membership ------------------------------------------------------------------------------


def test_teams_load_from_yaml_and_json(tmp_path: Path) -> None:
    assert TEAMS["@czrsj/jxjy"] == {BUREAU_MEMBER}
    path = tmp_path / "teams.json"
    path.write_text(json.dumps({"@czrsj/jxjy": ["a", "@b"]}), encoding="utf-8")
    assert load_teams(path) == {"@czrsj/jxjy": {"a", "b"}}


@pytest.mark.parametrize("text", ['["@czrsj/jxjy"]', '{"czrsj/jxjy": ["a"]}', '{"@czrsj/jxjy": "a"}', "{"])
def test_malformed_teams_are_refused_in_chinese(tmp_path: Path, text: str) -> None:
    path = tmp_path / "teams.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TeamsError, match="团队成员文件"):
        load_teams(path)


def test_a_user_entry_matches_its_login(git_repo: OwnersRepo) -> None:
    git_repo.edit("records/organizations/org-cz-gxj.yaml", '  - "@czgxj/renshi"', '  - "@LiSi"')
    base = git_repo.commit("user entry")
    git_repo.edit("records/plans/plan-2026-cz-gxj.yaml", "sample: true", "sample: true\n# 更正")
    head = git_repo.commit("edit")
    assert git_repo.authz("lisi", base, head) == []
    assert git_repo.authz(GXJ, base, head) != []


# -- CODEOWNERS -----------------------------------------------------------------------------------


def test_codeowners_is_stable_and_names_each_records_owners() -> None:
    text = codeowners(REPO, as_of=AS_OF)
    assert text == codeowners(REPO, as_of=AS_OF)
    lines = text.splitlines()
    assert "jxjy codeowners" in lines[0] and "请勿手工编辑" in lines[0]
    assert "* @czrsj/jxjy" in lines
    assert "/records/bases/base-2024-003.yaml @czrsj/wujin @czrsj/jxjy" in lines
    assert "/records/revocations/rev-2025-001.yaml @czrsj/jxjy" in lines
    assert "/records/plans/plan-2026-cz-czj.yaml @czczj/kuaiji @czrsj/jxjy" in lines
    assert "/records/organizations/org-wjjzpx.yaml @czrsj/jxjy" in lines  # no submitters: the bureau
    rules = [line for line in lines if line and not line.startswith("#")]
    records = [line.split()[0] for line in rules if line.startswith("/records/")]
    assert records == sorted(records)
    assert len(records) == len(list((REPO / "records").glob("*/*.yaml")))
    # the default first, the maintainers' paths last: the last match wins
    assert rules[0].startswith("* ")
    assert [line.split()[0] for line in rules[-len(MAINTAINER_PATHS):]] == list(MAINTAINER_PATHS)


def test_codeowners_keeps_to_githubs_syntax() -> None:
    text = codeowners(REPO, as_of=AS_OF)
    assert len(text.encode("utf-8")) < 3 * 1024 * 1024
    for line in text.splitlines():
        if line and not line.startswith("#"):
            pattern, *owners = line.split(" ")
            assert owners and not set(pattern) & set("![]\\#")
            assert all(owner.startswith("@") for owner in owners)


def test_the_committed_codeowners_is_current() -> None:
    assert codeowners_pending(REPO, as_of=AS_OF) == [], "请运行 `jxjy codeowners` 重新生成 .github/CODEOWNERS"


def test_codeowners_goes_stale_when_submitters_change(repo: Repo) -> None:
    repo.write(CODEOWNERS_PATH, codeowners(repo.root, as_of=AS_OF))
    assert codeowners_pending(repo.root, as_of=AS_OF) == []
    repo.edit("records/organizations/org-cz-gxj.yaml", '  - "@czgxj/renshi"', '  - "@czgxj/jxjy"')
    assert codeowners_pending(repo.root, as_of=AS_OF) is None
    assert "/records/plans/plan-2026-cz-gxj.yaml @czgxj/jxjy @czrsj/jxjy" in codeowners(repo.root, as_of=AS_OF)


def test_a_record_added_by_a_pull_request_is_pending_not_stale(repo: Repo) -> None:
    repo.write(CODEOWNERS_PATH, codeowners(repo.root, as_of=AS_OF))
    text = repo.text("records/bases/base-2026-001.yaml").replace("id: base-2026-001", "id: base-2026-009")
    repo.write("records/bases/base-2026-009.yaml", text)
    assert codeowners_pending(repo.root, as_of=AS_OF) == ["records/bases/base-2026-009.yaml"]
    result = CliRunner().invoke(cli, ["codeowners", "--check", "--root", str(repo.root), "--as-of", "2026-11-26"])
    assert result.exit_code == 0
    assert "1 个新增记录尚未列入 .github/CODEOWNERS（records/bases/base-2026-009.yaml）" in result.stderr
    # ... but a listed record whose owners were changed by hand is stale (a missing line only ever
    # leaves a file to the maintainers; a changed one could grant rights)
    repo.edit(CODEOWNERS_PATH, "/records/bases/base-2024-003.yaml @czrsj/wujin @czrsj/jxjy",
              "/records/bases/base-2024-003.yaml @czrsj/wujin @evil")
    assert codeowners_pending(repo.root, as_of=AS_OF) is None
    result = CliRunner().invoke(cli, ["codeowners", "--check", "--root", str(repo.root), "--as-of", "2026-11-26"])
    assert result.exit_code == 1 and "已过期" in result.stderr


def test_codeowners_leaves_invalid_records_to_the_default(repo: Repo) -> None:
    repo.edit("records/bases/base-2024-003.yaml", "written_on: 2024-07-09", "written_on: 2024-02-30")
    assert "base-2024-003" not in codeowners(repo.root, as_of=AS_OF)


def test_codeowners_needs_the_bureaus_submitters(repo: Repo) -> None:
    repo.edit(f"records/organizations/{BUREAU}.yaml", 'submitters:\n  - "@czrsj/jxjy"\n', "")
    with pytest.raises(RepositoryError, match=BUREAU):
        codeowners(repo.root, as_of=AS_OF)


# The failing case of each authorship rule (read by tests/test_docs.py).
RULE_TESTS = {
    "authz-denied": test_nobody_else_may_change_a_revocation_and_the_message_says_who_may,
    "authz-unknown-owner": test_an_unreadable_record_is_the_bureaus,
}
