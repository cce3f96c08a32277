"""The GitHub side: hardened workflows (zizmor, schema, pins, permissions), issue forms generated
from schema/ and never stale, and the pre-commit hooks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from ruamel.yaml import YAML

from generator.forms import RESERVED_IDS, forms, write_forms
from generator.schemas import SchemaSet

from helpers import REPO
from site_fixtures import soup

GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
TEMPLATES = GITHUB / "ISSUE_TEMPLATE"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(?:\.\d+)*\s*$")
# The one suppression in the repository, with its reason in comment.yml: GitHub Security Lab's
# workflow_run split is the safe way to comment on fork pull requests, and zizmor flags every
# workflow_run.
ALLOWED_SUPPRESSIONS = [("dangerous-triggers", ".github/workflows/comment.yml")]


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _workflow(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = _load(GITHUB / "workflows" / name)
    return workflow


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])]


def _zizmor(*args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / "zizmor"
    if not exe.exists():
        pytest.fail("zizmor is not installed in the venv: install the test extras (pip install -e '.[test]')")
    return subprocess.run([str(exe), "--offline", *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def _check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["comment.yml", "deploy.yml", "validate.yml"]


# -- zizmor and the workflow schema ---------------------------------------------------------


def test_zizmor_reports_no_findings() -> None:
    # The whole repository: workflows and the pre-commit files (zizmor honours .gitignore).
    result = _zizmor("--persona", "regular", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_suppresses_only_the_reviewed_workflow_run_trigger() -> None:
    result = _zizmor("--persona", "auditor", "--no-ignores", "--format", "json", ".")
    findings = json.loads(result.stdout)
    found = [(f["ident"], loc["symbolic"]["key"]["Local"]["verbatim_path"].removeprefix("./"))
             for f in findings for loc in f["locations"][:1]]
    assert found == ALLOWED_SUPPRESSIONS, result.stdout
    texts = "".join(p.read_text(encoding="utf-8") for p in WORKFLOWS)
    assert texts.count("zizmor: ignore") == 1


def test_workflows_match_the_github_workflow_schema() -> None:
    result = _check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


# -- pins, permissions, hygiene ----------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    for line in lines:
        assert SHA_PIN.match(line), f"{path.name}: not pinned to a 40-hex commit with a '# vX' comment: {line.strip()}"


def test_one_action_version_has_one_commit() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := SHA_PIN.match(line):
                pins.setdefault(m[1] + " " + line.split("#")[1].strip(), set()).add(m[2])
    assert all(len(shas) == 1 for shas in pins.values()), pins


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_denies_all_permissions_at_the_top(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {}
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}:{job_id} must grant its own permissions"
        assert isinstance(job.get("timeout-minutes"), int), f"{path.name}:{job_id} needs timeout-minutes"
    assert "concurrency" in workflow


def test_write_permissions_are_exactly_where_needed() -> None:
    writes = {(path.name, job_id): {k: v for k, v in job["permissions"].items() if v == "write"}
              for path in WORKFLOWS for job_id, job in _load(path)["jobs"].items()}
    assert {key: value for key, value in writes.items() if value} == {
        ("deploy.yml", "deploy"): {"pages": "write", "id-token": "write"},
        ("comment.yml", "comment"): {"pull-requests": "write"},
    }
    assert _workflow("deploy.yml")["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert _workflow("comment.yml")["jobs"]["comment"]["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert _workflow("validate.yml")["jobs"]["judge"]["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_a_shell_script(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name}:{job_id}: pass values through env:, not into run:"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_do_not_keep_the_token(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, f"{path.name}:{job_id}"


def test_no_workflow_uses_secrets_or_pull_request_target() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bsecrets\.\w", text) and "pull_request_target" not in text, path.name


def test_comment_workflow_never_checks_out_or_runs_pull_request_code() -> None:
    workflow = _workflow("comment.yml")
    assert workflow["on"] == {"workflow_run": {"workflows": ["validate"], "types": ["completed"]}}
    uses = [step.get("uses", "") for _, step in _steps(workflow)]
    assert not any(u.startswith("actions/checkout@") for u in uses)
    runs = "\n".join(step.get("run", "") for _, step in _steps(workflow))
    assert not re.search(r"pip install|\bmake\b|\bjxjy\s+\w|\bsource\b|\beval\b", runs)
    text = (GITHUB / "workflows" / "comment.yml").read_text(encoding="utf-8")
    assert "<!-- jxjy-change-report -->" in text
    assert r"[1-9][0-9]{0,8}" in text  # the PR number from the artifact must be a plain integer
    assert '"$head" != "$HEAD_SHA"' in text  # ... and name the pull request whose head was judged


def test_validate_judges_the_pull_request_with_the_base_branch_validator() -> None:
    workflow = _workflow("validate.yml")
    assert set(workflow["on"]) == {"pull_request", "push"}
    steps = [step for job_id, step in _steps(workflow) if job_id == "judge"]
    checkouts = [s["with"] for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [c["path"] for c in checkouts] == ["pr", "base"]
    assert checkouts[0]["fetch-depth"] == 0
    assert "base.sha" in checkouts[1]["ref"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install -q --require-hashes -r base/requirements/site.txt" in runs
    assert "pip install -q --no-deps --no-build-isolation ./base" in runs
    assert "judge/bin/jxjy validate --root pr --format github" in runs
    assert 'diff --check --format github "$BASE" HEAD' in runs and "GITHUB_STEP_SUMMARY" in runs
    # Pull-request code (make test) never runs in the judge's workspace.
    assert "make test" not in runs
    test_runs = "\n".join(s.get("run", "") for job, s in _steps(workflow) if job == "test")
    assert "make test" in test_runs and "make screenshots" in test_runs
    assert [s["with"]["name"] for job, s in _steps(workflow)
            if job == "test" and s.get("uses", "").startswith("actions/upload-artifact@")] == ["screenshots"]
    names = [s.get("with", {}).get("name") for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert names == ["change-report", "site-preview"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_install_only_from_the_hash_pinned_lock(path: Path) -> None:
    """What CI judges with and what deploy publishes with is what `make test` tested."""
    runs = "\n".join(step.get("run", "") for _, step in _steps(_load(path)))
    for line in re.findall(r"pip install[^\n]*", runs):
        assert re.search(r"--require-hashes -r (base/)?requirements/site\.txt$|--no-deps --no-build-isolation", line), line


def test_deploy_refuses_a_rewritten_main_and_rebuilds_at_midnight_in_changzhou() -> None:
    workflow = _workflow("deploy.yml")
    assert workflow["on"]["schedule"] == [{"cron": "0 16 * * *"}]  # 16:00 UTC = 00:00 UTC+8
    assert workflow["env"]["TZ"] == "Asia/Shanghai"
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert 'git merge-base --is-ancestor "$last" HEAD' in runs
    assert build["steps"][0]["with"]["fetch-depth"] == 0
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


# -- issue forms ---------------------------------------------------------------------------------


def test_issue_forms_are_generated_from_the_schemas() -> None:
    expected = forms(root=REPO)
    assert sorted(p.name for p in TEMPLATES.iterdir()) == sorted(expected)
    stale = [name for name, text in expected.items() if (TEMPLATES / name).read_text(encoding="utf-8") != text]
    assert stale == [], "issue forms are stale: run `jxjy forms`"
    assert write_forms(REPO, check=True) == []


def test_issue_forms_are_deterministic() -> None:
    assert forms(root=REPO) == forms(root=REPO)


def test_issue_forms_match_github_schemas() -> None:
    issue_forms = sorted(p for p in TEMPLATES.glob("*.yml") if p.name != "config.yml")
    result = _check_jsonschema("vendor.github-issue-forms", *issue_forms)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _check_jsonschema("vendor.github-issue-config", TEMPLATES / "config.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _load(TEMPLATES / "config.yml")["blank_issues_enabled"] is False


def _ids(name: str) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in _load(TEMPLATES / name)["body"] if "id" in element}


def test_report_error_form_is_prefilled_by_the_sites_link(site_dir: Path) -> None:
    ids = _ids("report-error.yml")
    assert {"page", "record"} <= set(ids)
    assert ids["page"]["type"] == ids["record"]["type"] == "input"
    link = soup(site_dir, "bases/base-2021-001/").select_one(".jxjy-report").find("a", string="GitHub 纠错表单")
    query = parse_qs(urlsplit(link["href"]).query)
    assert query == {"template": ["report-error.yml"], "page": ["bases/base-2021-001/"],
                     "record": ["records/bases/base-2021-001.yaml"]}


@pytest.mark.parametrize("name", ["apply-for-accreditation.yml", "file-plan.yml", "report-error.yml"])
def test_form_ids_are_unique_and_never_a_github_query_parameter(name: str) -> None:
    body = _load(TEMPLATES / name)["body"]
    ids = [element["id"] for element in body if "id" in element]
    assert len(ids) == len(set(ids))
    assert not set(ids) & RESERVED_IDS


def test_accreditation_form_follows_the_base_schema() -> None:
    schemas = SchemaSet()
    ids = _ids("apply-for-accreditation.yml")
    for field in ("name", "host", "supervisor", "district", "level", "specialties", "address"):
        assert ids[field]["attributes"]["label"] == schemas.title("bases", (field,))
        assert ids[field]["validations"]["required"] is True
    assert ids["level"]["attributes"]["options"] == ["国家级", "省级", "市级", "辖市区级"]
    # the city's own divisions in use today: the form is for bases in Changzhou
    assert ids["district"]["attributes"]["options"] == ["320400 常州市", "320402 天宁区", "320404 钟楼区", "320411 新北区",
                                                        "320412 武进区", "320413 金坛区", "320481 溧阳市"]
    assert not any(o.startswith(("320405", "320482")) for o in ids["district"]["attributes"]["options"])
    assert ids["doc_title"]["attributes"]["label"] == "标题"


def test_plan_form_takes_one_course_per_line() -> None:
    course = _ids("file-plan.yml")["courses"]
    assert course["type"] == "textarea"
    assert "「科目名称｜学时｜培训对象」" in course["attributes"]["description"]
    assert course["attributes"]["placeholder"].count("｜") == 2


def test_forms_follow_a_changed_schema(tmp_path: Path) -> None:
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    for path in (REPO / "schema").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "defs.schema.json":
            document["$defs"]["level"]["enum"].append("乡镇级")
        (schema_dir / path.name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    changed = forms(schema_dir, root=REPO)["apply-for-accreditation.yml"]
    assert "- 乡镇级" in changed and changed != forms(root=REPO)["apply-for-accreditation.yml"]


# -- pre-commit and the pull request template --------------------------------------------------------


def test_pre_commit_hook_runs_jxjy_validate_on_records() -> None:
    hooks = _load(REPO / ".pre-commit-hooks.yaml")
    hook = next(h for h in hooks if h["id"] == "jxjy-validate")
    assert hook["entry"] == "jxjy validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    assert re.search(hook["files"], "records/bases/base-2024-001.yaml")
    assert not re.search(hook["files"], "docs/rules.md")


def test_pre_commit_config_fetches_nothing() -> None:
    config = _load(REPO / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert any(entry.endswith("jxjy validate") for entry in entries)


def test_forms_check_command_passes_on_the_repository() -> None:
    result = subprocess.run([sys.executable, "-m", "generator.forms", "--check", "--root", str(REPO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_request_template_is_the_reviewers_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for phrase in ("校验", "变更报告", "corrects", "supersedes", "发文字号", "索引号", "个人身份信息", "媒体公告"):
        assert phrase in text, phrase


def test_jxjy_forms_check_reports_stale_forms(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    shutil.copytree(REPO / "schema", tmp_path / "schema")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    result = CliRunner().invoke(cli, ["forms", "--root", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "与 schema/ 不一致，请运行 jxjy forms" in result.stderr
    assert CliRunner().invoke(cli, ["forms", "--root", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(cli, ["forms", "--root", str(tmp_path), "--check"]).exit_code == 0


def test_the_judge_checks_before_it_installs_the_indexer() -> None:
    """A registry that cannot be reached costs the preview only: every check runs before npm."""
    names = [step.get("name", "") for job, step in _steps(_workflow("validate.yml")) if job == "judge"]
    install = names.index("Install Pagefind from the base commit")
    for check in ("Validate records (annotations on the changed lines)", "Published records are append-only",
                  "The author may change these records", "CODEOWNERS is generated from the records", "Change report"):
        assert names.index(check) < install, check
    assert names.index("Build the site preview") == install + 1
