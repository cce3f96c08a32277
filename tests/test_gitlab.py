"""The GitLab side: .gitlab-ci.yml matches GitLab's schema, judges merge requests with the target
branch's validator and its hash-pinned lock, keeps the note token out of every job but the note's,
and the note job sends the change report as data to the GitLab API (replayed against a stand-in)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from helpers import REPO

CI_FILE = REPO / ".gitlab-ci.yml"
MARKER = "<!-- jxjy-change-report -->"


def _ci() -> dict[str, Any]:
    config: dict[str, Any] = YAML(typ="safe").load(CI_FILE.read_text(encoding="utf-8"))
    return config


def _script(job: str) -> str:
    return "\n".join(_ci()[job]["script"])


def test_gitlab_ci_matches_gitlabs_schema() -> None:
    # The schema ships with check-jsonschema: this runs offline.
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci",
                             str(CI_FILE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_job_runs_in_changzhou_time_with_the_whole_history() -> None:
    config = _ci()
    assert config["variables"]["TZ"] == "Asia/Shanghai"
    assert config["variables"]["GIT_DEPTH"] == "0"
    assert {job for job, body in config.items() if isinstance(body, dict) and "script" in body} == {
        "judge", "test", "change-report-note", "pages"}


def test_merge_requests_are_judged_by_the_target_branchs_validator() -> None:
    judge = _ci()["judge"]
    assert judge["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    lines = judge["script"]
    assert lines[0] == 'BASE="${CI_MERGE_REQUEST_TARGET_BRANCH_SHA:-$CI_MERGE_REQUEST_DIFF_BASE_SHA}"'
    assert lines[1] == 'git worktree add --detach base "$BASE"'
    assert "judge/bin/python -m pip install -q --require-hashes -r base/requirements/site.txt" in lines
    assert "judge/bin/python -m pip install -q --no-deps --no-build-isolation base/" in lines
    # Every check is the judge's, and each one runs even when an earlier one failed.
    checks = [line for line in lines if line.startswith("judge/bin/jxjy ")]
    assert checks == [
        "judge/bin/jxjy validate --format codeclimate --output gl-code-quality-report.json || status=1",
        "judge/bin/jxjy validate --format junit --output jxjy-validate.xml > /dev/null || status=1",
        'judge/bin/jxjy diff --check "$BASE" HEAD || status=1',
        "judge/bin/jxjy codeowners --check || status=1",
        'judge/bin/jxjy diff "$BASE" HEAD --output change-report/report.md || status=1',
    ]
    assert lines[-1] == 'exit "$status"'
    assert not any(re.search(r"(^|\s)(make|\.venv/bin/|python -m generator)", line) for line in lines)
    artifacts = judge["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"] == {"codequality": "gl-code-quality-report.json", "junit": "jxjy-validate.xml"}
    assert artifacts["paths"] == ["change-report/report.md"]


def test_only_the_note_job_names_the_token() -> None:
    config = _ci()
    for job, body in config.items():
        if isinstance(body, dict) and "script" in body and job != "change-report-note":
            assert "JXJY_NOTE_TOKEN" not in json.dumps(body), job
    note = config["change-report-note"]
    assert note["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event" && $JXJY_NOTE_TOKEN',
                              "when": "always"}]
    assert note["variables"] == {"GIT_STRATEGY": "none"}  # nothing from the repository is even checked out
    assert note["needs"] == [{"job": "judge", "artifacts": True}]
    assert not re.search(r"\bjxjy\s+\w|\bmake\b|\bpip\b|\beval\b|\bsource\b", _script("change-report-note"))


def test_pages_publishes_public_from_the_default_branch_and_the_nightly_schedule() -> None:
    pages = _ci()["pages"]
    assert pages["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'},
        {"if": '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'},
    ]
    assert pages["artifacts"] == {"paths": ["public"]}
    assert pages["resource_group"] == "pages"
    lines = pages["script"]
    assert ".venv/bin/python -m pip install -q --require-hashes -r requirements/site.txt" in lines
    assert lines[-1] == ".venv/bin/jxjy build --site-dir public"
    assert 'git merge-base --is-ancestor "$CI_COMMIT_BEFORE_SHA" HEAD' in lines[0]


def test_make_test_runs_only_when_more_than_records_changed() -> None:
    script = _script("test")
    assert "git diff --quiet \"$BASE...HEAD\" -- . ':(exclude)records/'" in script
    assert script.endswith("make test || status=1\nmake screenshots || status=1\nexit \"$status\"")
    assert _ci()["test"]["artifacts"]["paths"] == ["screenshots/"]


def test_pages_refuses_a_push_that_rewrote_the_branch(tmp_path: Path) -> None:
    refusal = _ci()["pages"]["script"][0]

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q", "-b", "main")
    for name in ("one", "two"):
        git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", name)
    first, second = git("rev-parse", "HEAD~1"), git("rev-parse", "HEAD")

    def run(before: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-eo", "pipefail", "-c", refusal], cwd=tmp_path, capture_output=True,
                              text=True, env={**os.environ, "CI_COMMIT_BEFORE_SHA": before}, timeout=30)

    assert run(first).returncode == 0
    assert run("0" * 40).returncode == 0  # a scheduled pipeline, or the branch's first push
    git("reset", "-q", "--hard", first)
    rewritten = run(second)
    assert rewritten.returncode == 1 and "分支历史被改写，拒绝发布" in rewritten.stdout


# -- the note job, replayed against a stand-in for the GitLab API -------------------------------------


class FakeGitLab(ThreadingHTTPServer):
    """The four calls the note job makes: who am I, list notes, create one, update one."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.notes: list[dict[str, Any]] = [
            {"id": 1, "author": {"id": 99}, "body": MARKER + "\n另一位用户冒充的报告"},
        ]
        self.calls: list[tuple[str, str, str | None]] = []


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitLab
    NOTES = "/api/v4/projects/7/merge_requests/3/notes"

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, value: Any, status: int = 200) -> None:
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _call(self) -> dict[str, Any] | None:
        self.server.calls.append((self.command, self.path, self.headers.get("PRIVATE-TOKEN")))
        if self.command in ("POST", "PUT"):
            assert self.headers["Content-Type"] == "application/json"
            body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            return body
        return None

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._call()
        if self.path == "/api/v4/user":
            self._reply({"id": 42})
        elif self.path.startswith(self.NOTES + "?"):
            self._reply(self.server.notes)
        else:
            self._reply({"message": "404"}, 404)

    def do_POST(self) -> None:  # noqa: N802
        body = self._call()
        assert self.path == self.NOTES and body is not None
        note = {"id": len(self.server.notes) + 1, "author": {"id": 42}, "body": body["body"]}
        self.server.notes.append(note)
        self._reply(note, 201)

    def do_PUT(self) -> None:  # noqa: N802
        body = self._call()
        assert body is not None
        note = next(n for n in self.server.notes if self.path == f"{self.NOTES}/{n['id']}")
        assert note["author"]["id"] == 42
        note["body"] = body["body"]
        self._reply(note)


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    server = FakeGitLab()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run_note_job(workdir: Path, gitlab: FakeGitLab, report: str) -> subprocess.CompletedProcess[str]:
    (workdir / "change-report").mkdir(exist_ok=True)
    (workdir / "change-report" / "report.md").write_text(report, encoding="utf-8")
    env = {
        **os.environ,
        "CI_API_V4_URL": f"http://127.0.0.1:{gitlab.server_address[1]}/api/v4",
        "CI_MERGE_REQUEST_PROJECT_ID": "7",
        "CI_MERGE_REQUEST_IID": "3",
        "CI_PIPELINE_URL": "https://gitlab.example.org/rsj/jxjy-registry/-/pipelines/11",
        "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
        "JXJY_NOTE_TOKEN": "glpat-test-token",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    return subprocess.run(["bash", "-eo", "pipefail", "-c", _script("change-report-note")], cwd=workdir,
                          env=env, capture_output=True, text=True, timeout=60)


def test_note_job_posts_the_report_as_data_then_updates_its_own_note(tmp_path: Path, gitlab: FakeGitLab) -> None:
    hostile = "## 变更报告\n\n名称：`$(touch pwned)` \"引号\" 'x' $JXJY_NOTE_TOKEN\n" + MARKER + "\n"
    result = _run_note_job(tmp_path, gitlab, hostile)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "pwned").exists()
    mine = [n for n in gitlab.notes if n["author"]["id"] == 42]
    assert len(mine) == 1
    body = mine[0]["body"]
    # The report arrives verbatim, with the marker only on the first line and the pipeline below it.
    assert body == (f"{MARKER}\n## 变更报告\n\n名称：`$(touch pwned)` \"引号\" 'x' $JXJY_NOTE_TOKEN\n\n\n\n---\n"
                    "流水线：https://gitlab.example.org/rsj/jxjy-registry/-/pipelines/11　提交：`0123456789ab`\n")
    assert {token for _, _, token in gitlab.calls} == {"glpat-test-token"}

    result = _run_note_job(tmp_path, gitlab, "## 变更报告\n\n第二次推送\n")
    assert result.returncode == 0, result.stderr
    assert [call[0] for call in gitlab.calls] == ["GET", "GET", "POST", "GET", "GET", "PUT"]
    assert gitlab.calls[-1][1].endswith(f"/notes/{mine[0]['id']}")
    assert [n["body"].splitlines()[:4] for n in gitlab.notes if n["author"]["id"] == 42] == [
        [MARKER, "## 变更报告", "", "第二次推送"]]
    assert gitlab.notes[0]["body"] == MARKER + "\n另一位用户冒充的报告"  # someone else's note is left alone


def test_note_job_truncates_a_report_gitlab_would_refuse(tmp_path: Path, gitlab: FakeGitLab) -> None:
    result = _run_note_job(tmp_path, gitlab, "长" * 70000)
    assert result.returncode == 0, result.stderr
    body = gitlab.notes[-1]["body"]
    assert body.startswith(f"{MARKER}\n" + "长" * 60000 + "\n\n……（报告过长，已截断；完整报告见 judge 任务的附件")
