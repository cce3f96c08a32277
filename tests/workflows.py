"""Replay a GitHub Actions job from its workflow file, on this machine, the way a runner would.

Each `run:` step is taken from the workflow file itself (so a test cannot drift from it) and run
with bash as GitHub runs it (`bash --noprofile --norc -eo pipefail`), in the step's working
directory, with the workflow's, job's and step's `env:` and the variables and files a runner
provides (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP, ...). `${{ }}`
expressions are evaluated against the event given by the test. `uses:` steps are stood in for:
checkout clones the test's upstream repository, artifacts are folders, setup-python puts this
machine's interpreter on PATH as `python`. A stand-in `gh` on PATH records every call and answers
from the test's table, so the exact API calls of a job can be asserted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"
# GitHub shows at most this many annotations of one level per step.
ANNOTATION_LIMIT = 10

_GH_STUB = '''\
#!{python}
"""Stand-in for the GitHub CLI: log the call, answer from the table in $GH_STUB_TABLE."""
import json, os, sys
args = sys.argv[1:]
call = {{"args": args}}
if "--input" in args:
    call["input"] = json.loads(open(args[args.index("--input") + 1], encoding="utf-8").read())
with open(os.environ["GH_STUB_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(call, ensure_ascii=False) + "\\n")
table = json.loads(open(os.environ["GH_STUB_TABLE"], encoding="utf-8").read())
endpoint = next((a for a in args[1:] if not a.startswith("-") and "/" in a), "")
answer = table.get(endpoint)
if answer is None:
    sys.exit(0)
if isinstance(answer, dict) and "exit" in answer:
    sys.stderr.write(answer.get("stderr", "")); sys.exit(answer["exit"])
sys.stdout.write(answer if isinstance(answer, str) else json.dumps(answer))
'''


@dataclass
class Step:
    name: str
    outcome: str  # success, failure or skipped
    stdout: str = ""
    stderr: str = ""
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)

    def annotations(self, level: str) -> list[str]:
        """The `::<level> ...::message` workflow commands this step printed, in order."""
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{level}")]


@dataclass
class Job:
    steps: list[Step]
    summary: str  # the job summary a reviewer sees: every step's GITHUB_STEP_SUMMARY, in order
    gh_calls: list[dict[str, Any]]

    def step(self, name: str) -> Step:
        [found] = [s for s in self.steps if s.name == name]
        return found

    @property
    def ok(self) -> bool:
        return all(s.outcome != "failure" for s in self.steps)


def load(name: str) -> dict[str, Any]:
    return YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))


# -- expressions ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+)|(?P<op>==|!=|&&|\|\||[!()\[\],.])"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))")


class _Expr:
    """The part of GitHub's expression language the workflows use: contexts, literals, ==, !=,
    !, &&, || (which return an operand, as in JavaScript), and a few functions."""

    def __init__(self, text: str, context: dict[str, Any], functions: dict[str, Callable[..., Any]]) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            assert match and match.end() > position, f"cannot read expression at {text[position:]!r}"
            kind = match.lastgroup
            assert kind is not None
            self.tokens.append((kind, match[kind]))
            position = match.end()
        self.at = 0
        self.context, self.functions = context, functions

    def value(self) -> Any:
        result = self._or()
        assert self.at == len(self.tokens), f"unread tokens: {self.tokens[self.at:]}"
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        self.at += 1
        return self.tokens[self.at - 1]

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left or right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            left = left and right
        return left

    def _compare(self) -> Any:
        left = self._unary()
        while self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            same = _loose(left) == _loose(right)
            left = same if op == "==" else not same
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not self._unary()
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if text == "(":
            inner = self._or()
            assert self._take()[1] == ")"
            return inner
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return int(text)
        assert kind == "name", f"unexpected {text!r}"
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self._peek() == "(":
            self._take()
            args = []
            while self._peek() != ")":
                args.append(self._or())
                if self._peek() == ",":
                    self._take()
            self._take()
            return self.functions[text](*args)
        current: Any = self.context.get(text)
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                key = self._take()[1]
            else:
                key = self._or()
                assert self._take()[1] == "]"
            current = current.get(key) if isinstance(current, dict) else None
        return current


def _loose(value: Any) -> Any:
    return "" if value is None else value


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m[1])]), template)


def evaluate(text: str, context: dict[str, Any], *, failed: bool = False) -> Any:
    functions: dict[str, Callable[..., Any]] = {
        "format": _format,
        "cancelled": lambda: False,
        "always": lambda: True,
        "success": lambda: not failed,
        "failure": lambda: failed,
        "startsWith": lambda a, b: str(a).lower().startswith(str(b).lower()),
        "contains": lambda a, b: str(b).lower() in str(a).lower(),
    }
    return _Expr(text, context, functions).value()


def interpolate(text: str, context: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        value = evaluate(match[1], context)
        return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def condition(text: Any, context: dict[str, Any], *, failed: bool) -> bool:
    """A step's or job's `if:`: without a status function, success() is implied."""
    if text is None:
        return not failed
    expression = str(text).strip()
    match = re.fullmatch(r"\$\{\{(.*)\}\}", expression, re.S)
    expression = match[1] if match else expression
    implied = not re.search(r"\b(always|cancelled|failure|success)\(", expression)
    return bool(evaluate(expression, context, failed=failed)) and (not implied or not failed)


# -- the runner -------------------------------------------------------------------------------

def _machine_env() -> dict[str, str]:
    """What a runner inherits from its machine: everything but this test run's own Python and CI
    variables (the machine's certificates and package mirrors included: without them npm waits
    minutes for each registry it cannot verify)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "CI_", "GITLAB_", "PYTEST_"))
            and k not in ("CI", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}


@dataclass
class Runner:
    """One job of one workflow, replayed in `home` against the git repository `upstream`."""

    workflow: str
    job: str
    upstream: Path
    home: Path
    event_name: str
    event: dict[str, Any]
    github: dict[str, Any] = field(default_factory=dict)  # more of the github context (sha, ref, ...)
    inputs: dict[str, Any] = field(default_factory=dict)
    gh_table: dict[str, Any] = field(default_factory=dict)
    artifacts: Path | None = None  # where uploaded artifacts go and downloads come from
    env: dict[str, str] = field(default_factory=dict)  # more of the runner's environment

    def run(self) -> Job:
        document = load(self.workflow)
        job = document["jobs"][self.job]
        workspace, temp, tools = self.home / "work", self.home / "runner-temp", self.home / "tools"
        for folder in (workspace, temp, tools):
            folder.mkdir(parents=True, exist_ok=True)
        artifacts = self.artifacts or self.home / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        self._tools(tools)
        github = {"event_name": self.event_name, "event": self.event, "workspace": str(workspace),
                  "repository": "czrsj/jxjy-registry", "token": "stand-in-token",
                  "server_url": "https://github.com", **self.github}
        context: dict[str, Any] = {"github": github, "inputs": self.inputs, "runner": {"temp": str(temp)},
                                   "steps": {}, "env": {}}
        assert condition(job.get("if"), context, failed=False), f"job {self.job} would not run for this event"
        env = {**self._base_env(workspace, temp, tools, github)}
        for scope in (document.get("env") or {}, job.get("env") or {}):
            for key, value in scope.items():
                env[key] = interpolate(str(value), {**context, "env": env})
        steps: list[Step] = []
        failed = False
        for index, spec in enumerate(job["steps"]):
            name = spec.get("name") or spec.get("uses") or spec["run"].splitlines()[0]
            context["env"] = env
            if not condition(spec.get("if"), context, failed=failed):
                steps.append(Step(name, "skipped"))
                continue
            step = self._step(index, spec, name, context, env, workspace, temp, artifacts)
            steps.append(step)
            if "id" in spec:
                context["steps"][spec["id"]] = {"outputs": step.outputs, "outcome": step.outcome}
            tolerated = interpolate(str(spec.get("continue-on-error", "false")), context).lower() == "true"
            failed = failed or (step.outcome == "failure" and not tolerated)
        log = self.home / "gh-calls.jsonl"
        calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
        return Job(steps, "".join(s.summary for s in steps), calls)

    def _tools(self, tools: Path) -> None:
        (tools / "python").unlink(missing_ok=True)
        (tools / "python").symlink_to(Path(getattr(sys, "_base_executable", sys.executable)))
        stub = tools / "gh"
        stub.write_text(_GH_STUB.format(python=sys.executable), encoding="utf-8")
        stub.chmod(0o755)
        (self.home / "gh-table.json").write_text(json.dumps(self.gh_table, ensure_ascii=False), encoding="utf-8")

    def _base_env(self, workspace: Path, temp: Path, tools: Path, github: dict[str, Any]) -> dict[str, str]:
        keep = _machine_env()
        return {**keep, **self.env, "PATH": f"{tools}:/usr/local/bin:/usr/bin:/bin", "CI": "true", "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp),
                "GITHUB_EVENT_NAME": self.event_name, "GITHUB_REPOSITORY": github["repository"],
                "GITHUB_SHA": str(github.get("sha", "")), "GITHUB_REF": str(github.get("ref", "")),
                "GH_STUB_LOG": str(self.home / "gh-calls.jsonl"), "GH_STUB_TABLE": str(self.home / "gh-table.json"),
                "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def _step(self, index: int, spec: dict[str, Any], name: str, context: dict[str, Any], env: dict[str, str],
              workspace: Path, temp: Path, artifacts: Path) -> Step:
        with_ = {k: interpolate(str(v), context) for k, v in (spec.get("with") or {}).items()}
        if "uses" in spec:
            return self._uses(spec["uses"].split("@")[0], name, with_, workspace, artifacts)
        step_env = dict(env)
        for key, value in (spec.get("env") or {}).items():
            step_env[key] = interpolate(str(value), context)
        summary, output = temp / f"summary-{index}.md", temp / f"output-{index}.txt"
        summary.write_text("", encoding="utf-8")
        output.write_text("", encoding="utf-8")
        step_env.update(GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output))
        cwd = workspace / interpolate(str(spec.get("working-directory", ".")), context)
        script = temp / f"step-{index}.sh"
        script.write_text(interpolate(spec["run"], context), encoding="utf-8")
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                                env=step_env, capture_output=True, text=True, timeout=900)
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
        return Step(name, "success" if result.returncode == 0 else "failure", result.stdout, result.stderr,
                    summary.read_text(encoding="utf-8"), outputs)

    def _uses(self, action: str, name: str, with_: dict[str, str], workspace: Path, artifacts: Path) -> Step:
        if action == "actions/checkout":
            target = workspace / with_.get("path", ".")
            ref = with_.get("ref") or str(self.github.get("sha", "HEAD"))
            if target.exists() and any(target.iterdir()):
                return Step(name, "failure", stderr=f"{target} is not empty")
            subprocess.run(["git", "clone", "-q", str(self.upstream), str(target)], check=True)
            subprocess.run(["git", "-C", str(target), "checkout", "-q", "--detach", ref], check=True)
        elif action == "actions/setup-python":
            pass  # tools/python is this machine's interpreter
        elif action == "actions/upload-artifact" and self.github.get("server_url", "https://github.com") != "https://github.com":
            # as v4 does on Gitea and Forgejo
            return Step(name, "failure", stderr="GHESNotSupportedError: @actions/artifact v2.0.0+ is not supported on GHES.")
        elif action in ("actions/upload-artifact", "actions/upload-pages-artifact"):
            source = workspace / with_["path"]
            if not source.exists() or not any(source.iterdir()):
                return Step(name, "failure", stderr=f"no files in {source}")
            shutil.copytree(source, artifacts / with_.get("name", "github-pages"), dirs_exist_ok=True)
        elif action == "actions/download-artifact":
            shutil.copytree(artifacts / with_["name"], with_["path"], dirs_exist_ok=True)
        elif action == "actions/deploy-pages":
            (artifacts / "deployed").write_text("github-pages", encoding="utf-8")
        else:
            raise AssertionError(f"no stand-in for {action}")
        return Step(name, "success")


# -- GitLab CI --------------------------------------------------------------------------------

@dataclass
class GitLabJob:
    returncode: int
    stdout: str
    stderr: str
    workdir: Path


def run_gitlab_job(job: str, upstream: Path, home: Path, ref: str, variables: dict[str, str]) -> GitLabJob:
    """One job of .gitlab-ci.yml as a GitLab runner runs it: the repository cloned at `ref` (GIT_DEPTH
    0, so with its history), the `variables:` of the file and of the job, the CI_* variables the test
    gives, and the `script:` lines in one shell that stops at the first failing line."""
    document = YAML(typ="safe").load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    spec = document[job]
    workdir = home / "build"
    subprocess.run(["git", "clone", "-q", str(upstream), str(workdir)], check=True)
    subprocess.run(["git", "-C", str(workdir), "checkout", "-q", "--detach", ref], check=True)
    tools = home / "tools"
    tools.mkdir(exist_ok=True)
    (tools / "python").unlink(missing_ok=True)
    (tools / "python").symlink_to(Path(getattr(sys, "_base_executable", sys.executable)))
    env = _machine_env()
    env.update(PATH=f"{tools}:/usr/local/bin:/usr/bin:/bin", CI="true", GITLAB_CI="true",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", CI_PROJECT_DIR=str(workdir))
    env.update({k: str(v) for k, v in (document.get("variables") or {}).items()})
    env.update({k: str(v) for k, v in (spec.get("variables") or {}).items()})
    env.update(variables)
    script = home / "script.sh"
    script.write_text("\n".join(spec["script"]) + "\n", encoding="utf-8")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=900)
    return GitLabJob(result.returncode, result.stdout, result.stderr, workdir)
