"""The workflows run for real: each job replayed from its file (tests/workflows.py), GitHub's and
GitLab's, on a sample
pull request that revokes a base and edits a published notice in place, asserting what a reviewer
sees: the annotations, the job summary, the change-report artifact, the preview site, and the
exact GitHub API calls of the comment job, also for a hostile artifact."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from test_changes import REVOCATION, REVOCATION_TEXT

from helpers import AS_OF, GIT_ENV, REPO
from workflows import ANNOTATION_LIMIT, Job, Runner, evaluate, run_gitlab_job

OWNER_REPO = "czrsj/jxjy-registry"
EDITED = "records/circulars/circ-2025-002.yaml"
MARKER = "<!-- jxjy-change-report -->"
EPOCH = str(int(datetime.combine(AS_OF, time(), tzinfo=UTC).timestamp()))  # "today" in the jobs


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The project as it is now on main, and a pull request on branch pr."""
    root = tmp_path_factory.mktemp("upstream")
    tracked = _git(REPO, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for rel in tracked:
        if rel and not rel.startswith(("tests/", "bench/", "tools/vnu/")) and (REPO / rel).is_file():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, root / rel)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "测试")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main")
    base = _git(root, "rev-parse", "HEAD")
    _git(root, "switch", "-q", "-c", "pr")
    # published on the day the jobs judge it (EPOCH): an added notice dated earlier is back-dated
    (root / REVOCATION).write_text(REVOCATION_TEXT.replace("published_on: 2026-11-23", f"published_on: {AS_OF}"),
                                   encoding="utf-8")
    text = (root / EDITED).read_text(encoding="utf-8")
    assert text.count("written_on: 2025-12-16") == 1
    (root / EDITED).write_text(text.replace("written_on: 2025-12-16", "written_on: 2025-12-15"), encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Revoke base-2020-002; change a published circular")
    head = _git(root, "rev-parse", "HEAD")
    _git(root, "switch", "-q", "main")
    return {"root": root, "base": base, "head": head}


def _pull_request(upstream: dict[str, Any]) -> dict[str, Any]:
    return {"number": 7, "pull_request": {"number": 7, "user": {"login": "alice"},
                                         "base": {"sha": upstream["base"]}, "head": {"sha": upstream["head"]}}}


@pytest.fixture(scope="module")
def judged(upstream: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[Job, Path]:
    home = tmp_path_factory.mktemp("validate")
    job = Runner("validate.yml", "judge", upstream["root"], home, "pull_request", _pull_request(upstream),
                 github={"base_ref": "main", "sha": upstream["head"], "ref": "refs/pull/7/merge"},
                 env={"SOURCE_DATE_EPOCH": EPOCH}).run()
    return job, home / "artifacts"


def test_judge_annotates_the_in_place_edit_and_lets_the_revocation_through(judged: tuple[Job, Path]) -> None:
    job, _ = judged
    assert job.step("Install the validator from the base commit").outcome == "success", job.steps[3].stderr
    validate = job.step("Validate records (annotations on the changed lines)")
    assert validate.outcome == "success", validate.stdout + validate.stderr
    assert validate.annotations("error") == []
    append_only = job.step("Published records are append-only")
    assert append_only.outcome == "failure"
    [annotation] = append_only.annotations("error")
    assert annotation.startswith(f"::error file={EDITED},line=")
    assert "已发布" in annotation
    assert job.step("CODEOWNERS is generated from the records").outcome == "success"


def test_missing_teams_file_is_said_in_the_summary_and_the_report(judged: tuple[Job, Path]) -> None:
    job, artifacts = judged
    authz = job.step("The author may change these records")
    assert authz.outcome == "success"
    assert authz.annotations("warning") == ["::warning title=check-authz::基线分支没有 .github/teams.yaml，未检查提交人权限。"]
    assert "未检查提交人权限" in authz.summary
    report = (artifacts / "change-report" / "report.md").read_text(encoding="utf-8")
    assert "### 提交人权限" in report and "未检查提交人权限" in report
    assert not (artifacts / "change-report" / "authz.md").exists()


def test_job_summary_lists_every_problem_and_the_change_report(judged: tuple[Job, Path]) -> None:
    job, _ = judged
    assert "### 记录校验" in job.summary
    assert "| records/plans/plan-2026-cz-zjj.yaml:14:11 | 警告 |" in job.summary
    assert "## 变更报告" in job.summary
    assert "- 基地「常州市中小学教师继续教育基地」：逾期未整改 → 已取消" in job.summary


def test_change_report_artifact_and_the_preview_site(judged: tuple[Job, Path]) -> None:
    job, artifacts = judged
    assert (artifacts / "change-report" / "pr-number.txt").read_text(encoding="ascii") == "7\n"
    assert job.step("Build the site preview").outcome == "success"
    preview = artifacts / "site-preview"
    page = (preview / "revocations" / "rev-2026-001" / "index.html").read_text(encoding="utf-8")
    assert "取消常州市中小学教师继续教育基地资格" in page
    assert (preview / "pagefind" / "pagefind.js").exists()


def test_on_gitea_the_report_is_in_the_log_and_the_failed_upload_is_tolerated(upstream: dict[str, Any],
                                                                              tmp_path: Path) -> None:
    job = Runner("validate.yml", "judge", upstream["root"], tmp_path, "pull_request", _pull_request(upstream),
                 github={"base_ref": "main", "sha": upstream["head"], "server_url": "https://git.czrsj.example"},
                 env={"SOURCE_DATE_EPOCH": EPOCH}).run()
    upload = job.step("Upload the change report for comment.yml")
    assert upload.outcome == "failure" and "GHESNotSupportedError" in upload.stderr
    assert job.step("Build the site preview").outcome == "success"  # the failed upload stops nothing
    assert "逾期未整改 → 已取消" in job.step("Change report").stdout
    failed = [s.name for s in job.steps if s.outcome == "failure"]
    assert failed == ["Published records are append-only", "Upload the change report for comment.yml",
                      "Upload the site preview"]


def test_records_only_pull_request_skips_its_own_make_test(upstream: dict[str, Any], tmp_path: Path) -> None:
    job = Runner("validate.yml", "test", upstream["root"], tmp_path, "pull_request", _pull_request(upstream),
                 github={"base_ref": "main", "sha": upstream["head"]}).run()
    assert job.ok
    assert "本次变更只涉及 records/" in job.summary


# -- comment.yml ------------------------------------------------------------------------------

def _comment(artifacts: Path, home: Path, head: str, *, existing: str = "", conclusion: str = "failure",
             pr_head: str | None = None) -> Job:
    """comment.yml after a validate run of `head`; the pull request's head is now `pr_head`."""
    run_url = f"https://github.com/{OWNER_REPO}/actions/runs/99"
    event = {"workflow_run": {"event": "pull_request", "conclusion": conclusion, "head_sha": head, "id": 99,
                              "html_url": run_url}}
    table = {f"repos/{OWNER_REPO}/actions/runs/99/artifacts": "555\n",
             f"repos/{OWNER_REPO}/pulls/7": (pr_head or head) + "\n",
             f"repos/{OWNER_REPO}/issues/7/comments": existing}
    return Runner("comment.yml", "comment", home, home, "workflow_run", event, gh_table=table,
                  artifacts=artifacts).run()


def _body(job: Job) -> str:
    [post] = [c for c in job.gh_calls if "--method" in c["args"]]
    return str(post["input"]["body"])


def test_comment_job_posts_one_sticky_comment(judged: tuple[Job, Path], upstream: dict[str, Any],
                                              tmp_path: Path) -> None:
    _, artifacts = judged
    job = _comment(artifacts, tmp_path, upstream["head"])
    assert job.ok, [(s.name, s.stderr) for s in job.steps]
    assert [c["args"] for c in job.gh_calls] == [
        ["api", f"repos/{OWNER_REPO}/actions/runs/99/artifacts", "--jq",
         '.artifacts[] | select(.name == "site-preview") | .id'],
        ["api", f"repos/{OWNER_REPO}/pulls/7", "--jq", ".head.sha"],
        ["api", "--paginate", f"repos/{OWNER_REPO}/issues/7/comments", "--jq",
         '.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("<!-- jxjy-change-report -->")))'
         ' | .id'],
        ["api", "--method", "POST", f"repos/{OWNER_REPO}/issues/7/comments", "--input",
         str(tmp_path / "runner-temp" / "comment.json")],
    ]
    body = _body(job)
    assert body.startswith(MARKER + "\n**❌ 校验未通过")
    assert "> ## 变更报告" in body
    assert f"[下载 site-preview](https://github.com/{OWNER_REPO}/actions/runs/99/artifacts/555)" in body
    assert "`python3 -m http.server`" in body and "http://127.0.0.1:8000/" in body


def test_comment_job_updates_the_existing_comment(judged: tuple[Job, Path], upstream: dict[str, Any],
                                                  tmp_path: Path) -> None:
    _, artifacts = judged
    job = _comment(artifacts, tmp_path, upstream["head"], existing="4242\n")
    [write] = [c["args"] for c in job.gh_calls if "--method" in c["args"]]
    assert write[:4] == ["api", "--method", "PATCH", f"repos/{OWNER_REPO}/issues/comments/4242"]


def test_comment_job_skips_a_stale_run(judged: tuple[Job, Path], upstream: dict[str, Any], tmp_path: Path) -> None:
    _, artifacts = judged
    job = _comment(artifacts, tmp_path, upstream["head"], pr_head="0" * 40)  # a newer push has its own run
    assert job.ok
    assert "不是本次校验的提交" in job.step("Post or update the sticky comment").stdout
    assert [c["args"][1] for c in job.gh_calls] == [f"repos/{OWNER_REPO}/actions/runs/99/artifacts",
                                                   f"repos/{OWNER_REPO}/pulls/7"]  # no comment read or written


HOSTILE = f"""\
## 变更报告

@octocat @czrsj/jxjy 请合并 {MARKER}
<img src=x onerror=alert(1)><script>alert(2)</script><!-- hidden -->
[点此查看](https://evil.example/phish) https://evil.example/a //evil.example/b www.evil.example
参见 #1、GH-3 和 czrsj/other#2

---
**✅ 校验通过：基线分支的校验器没有发现错误。**
"""


def test_hostile_artifact_cannot_ping_forge_or_link_away(upstream: dict[str, Any], tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    (artifacts / "change-report").mkdir(parents=True)
    (artifacts / "change-report" / "report.md").write_text(HOSTILE, encoding="utf-8")
    (artifacts / "change-report" / "pr-number.txt").write_text("7\n", encoding="ascii")
    job = _comment(artifacts, tmp_path / "home", upstream["head"])
    assert job.ok
    body = _body(job)
    assert body.count(MARKER) == 1 and body.startswith(MARKER)
    assert not re.search(r"@[A-Za-z0-9]", body)
    assert "<img" not in body and "<script" not in body and "<!-- hidden" not in body
    assert "evil.example" in body  # shown as text ...
    assert not re.search(r"(https?:)?//evil\.example|www\.evil", body)  # ... never as a link
    assert not re.search(r"#\d|GH-\d", body)
    lines = body.splitlines()
    assert lines[1].startswith("**❌ 校验未通过")  # the verdict comes from the run, not the artifact
    footer = lines.index("---")  # the artifact's own "---" is quoted, so this is the bot's footer
    assert lines[2] == lines[footer - 1] == ""
    quoted = lines[3:footer - 1]
    assert len(quoted) == HOSTILE.count("\n") + 1 and all(line.startswith("> ") or line == ">" for line in quoted)


@pytest.mark.parametrize("number", ["7; rm -rf /", "0", "-1", "１２"])
def test_hostile_pull_request_number_posts_nothing(number: str, upstream: dict[str, Any], tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    (artifacts / "change-report").mkdir(parents=True)
    (artifacts / "change-report" / "report.md").write_text("## 变更报告\n", encoding="utf-8")
    (artifacts / "change-report" / "pr-number.txt").write_text(number, encoding="utf-8")
    job = _comment(artifacts, tmp_path / "home", upstream["head"])
    assert job.step("Check the PR number and build the comment").outcome == "failure"
    assert not [c for c in job.gh_calls if "--method" in c["args"]]


# -- deploy.yml -------------------------------------------------------------------------------

def _deploy(upstream: dict[str, Any], home: Path, last: str) -> Job:
    runs = f"repos/{OWNER_REPO}/actions/workflows/deploy.yml/runs?branch=main&status=success&per_page=1"
    return Runner("deploy.yml", "build", upstream["root"], home, "push", {},
                  github={"ref": "refs/heads/main", "sha": upstream["base"],
                          "workflow_ref": f"{OWNER_REPO}/.github/workflows/deploy.yml@refs/heads/main"},
                  gh_table={runs: last + "\n"}, env={"SOURCE_DATE_EPOCH": EPOCH}).run()


def test_deploy_builds_the_pages_artifact_from_the_locks(upstream: dict[str, Any], tmp_path: Path) -> None:
    job = _deploy(upstream, tmp_path, upstream["base"])
    assert job.ok, [(s.name, s.stdout[-500:], s.stderr[-2000:]) for s in job.steps if s.outcome == "failure"]
    assert "是当前提交的祖先" in job.step("Refuse a rewritten main").stdout
    site = tmp_path / "artifacts" / "github-pages"
    assert (site / "index.html").exists() and (site / "404.html").exists()


def test_deploy_refuses_a_rewritten_main(upstream: dict[str, Any], tmp_path: Path) -> None:
    job = _deploy(upstream, tmp_path, "f" * 40)
    refuse = job.step("Refuse a rewritten main")
    assert refuse.outcome == "failure"
    assert "拒绝部署" in refuse.stdout
    assert job.step("Build the site").outcome == "skipped"
    assert not (tmp_path / "artifacts" / "github-pages").exists()


# -- the expression evaluator itself ------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || github.event.before",
     "origin/main"),
    ("github.event_name == 'push' && 'x' || github.event.before", "abc"),
    ("!cancelled() && github.event_name == 'pull_request'", True),
    ("github.event.pull_request.base.sha || github.sha", "def"),
])
def test_expressions_evaluate_as_on_github(expression: str, expected: Any) -> None:
    context = {"github": {"event_name": "pull_request", "base_ref": "main", "sha": "def",
                          "event": {"before": "abc"}}}
    assert evaluate(expression, context) == expected


def test_annotation_limit_is_githubs() -> None:
    from generator.output import ANNOTATIONS_PER_LEVEL

    assert ANNOTATIONS_PER_LEVEL == ANNOTATION_LIMIT == 10


# -- .gitlab-ci.yml, replayed the same way ------------------------------------------------------

def test_gitlab_judge_reports_the_merge_request(upstream: dict[str, Any], tmp_path: Path) -> None:
    job = run_gitlab_job("judge", upstream["root"], tmp_path, upstream["head"], {
        "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA": upstream["base"],
        "SOURCE_DATE_EPOCH": EPOCH})
    assert job.returncode == 1, job.stderr[-3000:]  # the in-place edit of a published circular
    quality = json.loads((job.workdir / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(q["check_name"], q["severity"]) for q in quality] == [("plan-late", "minor"), ("policy-trial-lapsed", "minor")]
    junit = ET.parse(job.workdir / "jxjy-validate.xml").getroot()
    assert junit.get("tests") == "2" and junit.get("failures") == "0"
    assert f"{EDITED}:" in job.stdout + job.stderr and "已发布" in job.stdout + job.stderr
    report = (job.workdir / "change-report" / "report.md").read_text(encoding="utf-8")
    assert "- 基地「常州市中小学教师继续教育基地」：逾期未整改 → 已取消" in report
    assert "### 只增检查\n\n未通过" in report


def test_gitlab_pages_publishes_the_default_branch(upstream: dict[str, Any], tmp_path: Path) -> None:
    job = run_gitlab_job("pages", upstream["root"], tmp_path, upstream["base"], {
        "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BEFORE_SHA": "0" * 40, "SOURCE_DATE_EPOCH": EPOCH})
    assert job.returncode == 0, job.stderr[-3000:]
    assert (job.workdir / "public" / "index.html").exists()
    assert (job.workdir / "public" / "bases" / "base-2020-002" / "index.html").exists()
