"""The jxjy command as a clerk and CI run it: exit codes, the output formats, `new`."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from generator import cli as cli_module
from generator.cli import cli
from generator.new import fresh_id, ids_elsewhere
from generator.site.build import SITE_MARKER

from helpers import AS_OF, REPO, GitRepo, Repo

LATE_PLAN = "records/plans/plan-2026-cz-zjj.yaml:14:11"
TRIAL = ("records/policies/pol-2011-001.yaml:12:11: warning: 试行文件自「施行日期」2011-02-01 起已满 5 年（2016-02-01），"
         "「有效性」仍为「现行有效」；请核对制定机关的规范性文件清理结果或现行有效文件目录：已被替代或失效的，改「有效性」"
         "并填写「废止日期」，确仍有效的在拉取请求中说明 [policy-trial-lapsed]\n")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _break(repo: Repo) -> None:
    repo.edit("records/bases/base-2020-002.yaml", "level: 市级", "level: 部级")
    repo.edit("records/bases/base-2020-002.yaml", "常人社发〔2020〕121号", "常人社发(2020)121号")


def test_clean_sample_exits_0_with_the_accepted_warnings(repo: Repo) -> None:
    code, out, err = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 0
    assert out == (f"{LATE_PLAN}: warning: 「报送日期」2026-04-20 晚于 2026 年第一季度；"
                   "第十六条要求每年年初报送 [plan-late]\n" + TRIAL)
    assert "0 个错误，2 个警告" in err


def test_strict_fails_on_warnings(repo: Repo) -> None:
    code, _, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--strict")
    assert code == 1


def test_text_format_on_errors(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 1
    assert out == textwrap.dedent("""\
        records/bases/base-2020-002.yaml:5:13: error: 「发文字号」格式不正确：「常人社发(2020)121号」；年份须用六角括号〔〕，序号不编虚位，以「号」结尾（应写作「常人社发〔2020〕121号」） [docnumber-format]
        records/bases/base-2020-002.yaml:16:8: error: 「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级 [schema-enum]
        records/plans/plan-2026-cz-zjj.yaml:14:11: warning: 「报送日期」2026-04-20 晚于 2026 年第一季度；第十六条要求每年年初报送 [plan-late]
        """) + TRIAL


def test_github_format_escapes_properties_and_data(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[1] == ("::error file=records/bases/base-2020-002.yaml,line=16,col=8,title=schema-enum::"
                        "「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级")
    assert lines[2].startswith("::warning file=records/plans/plan-2026-cz-zjj.yaml,line=14,col=11,title=plan-late::")


def test_github_format_escapes_newlines_and_percent() -> None:
    from generator.diagnostics import Diagnostic, Location
    from generator.output import render_github
    diag = Diagnostic(Location("records/a,b:c.yaml", 1, 2), "schema-enum", "50%\n第二行")
    assert render_github([diag]) == "::error file=records/a%2Cb%3Ac.yaml,line=1,col=2,title=schema-enum::50%25%0A第二行\n"


def test_json_format(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert rows[1] == {
        "path": "records/bases/base-2020-002.yaml", "line": 16, "col": 8, "severity": "error",
        "rule": "schema-enum", "message": "「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级", "hint": None,
    }
    assert rows[0]["hint"] == "应写作「常人社发〔2020〕121号」"
    assert "常人社发" in out  # not \\u-escaped


# A value from a record that carries markup, both quotes and a line break into the message.
HOSTILE_LEVEL = 'level: "<b>&\\"x\'\\n第二行"'
HOSTILE_MESSAGE = "「基地级别」取值「<b>&\"x' 第二行」无效，可选：国家级、省级、市级、辖市区级"


def _validate_as(repo: Repo, fmt: str) -> tuple[int, str]:
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--format", fmt)
    return code, out


def test_codeclimate_format_is_gitlabs_code_quality_report(repo: Repo) -> None:
    _break(repo)
    code, out = _validate_as(repo, "codeclimate")
    assert code == 1
    issues = json.loads(out)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("docnumber-format", "major", {"path": "records/bases/base-2020-002.yaml", "lines": {"begin": 5}}),
        ("schema-enum", "major", {"path": "records/bases/base-2020-002.yaml", "lines": {"begin": 16}}),
        ("plan-late", "minor", {"path": "records/plans/plan-2026-cz-zjj.yaml", "lines": {"begin": 14}}),
        ("policy-trial-lapsed", "minor", {"path": "records/policies/pol-2011-001.yaml", "lines": {"begin": 12}}),
    ]
    assert issues[1]["description"] == "「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级"
    assert issues[0]["description"].endswith("（应写作「常人社发〔2020〕121号」）")  # with its hint
    assert all(len(i["fingerprint"]) == 64 for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 4


def test_codeclimate_fingerprint_survives_a_moved_line_and_changes_with_the_problem(repo: Repo) -> None:
    _break(repo)
    before = {i["check_name"]: i for i in json.loads(_validate_as(repo, "codeclimate")[1])}
    rel = "records/bases/base-2020-002.yaml"
    repo.write(rel, "# 补充说明\n# 第二行说明\n" + repo.text(rel))
    moved = {i["check_name"]: i for i in json.loads(_validate_as(repo, "codeclimate")[1])}
    assert moved["schema-enum"]["location"]["lines"]["begin"] == 18
    assert moved["schema-enum"]["fingerprint"] == before["schema-enum"]["fingerprint"]
    assert moved["plan-late"]["fingerprint"] == before["plan-late"]["fingerprint"]
    repo.edit(rel, "level: 部级", "level: 县级")
    changed = {i["check_name"]: i for i in json.loads(_validate_as(repo, "codeclimate")[1])}
    assert changed["schema-enum"]["fingerprint"] != before["schema-enum"]["fingerprint"]


def test_codeclimate_and_junit_tell_a_repeated_problem_apart() -> None:
    from generator.diagnostics import Diagnostic, Location
    from generator.output import render_codeclimate, render_junit
    diags = [Diagnostic(Location("records/a.yaml", line, 1), "schema-enum", "同一个问题") for line in (3, 9)]
    fingerprints = [i["fingerprint"] for i in json.loads(render_codeclimate(diags))]
    assert len(set(fingerprints)) == 2
    # The first one keeps its identity when the second is fixed.
    assert json.loads(render_codeclimate(diags[:1]))[0]["fingerprint"] == fingerprints[0]
    names = [case.get("name") for case in ET.fromstring(render_junit(diags))]
    assert names == ["[schema-enum] 同一个问题", "[schema-enum] 同一个问题（第 2 处）"]


def test_junit_format_parses_and_locates_each_problem(repo: Repo) -> None:
    _break(repo)
    code, out = _validate_as(repo, "junit")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    suite = ET.fromstring(out)
    assert suite.tag == "testsuite" and suite.get("name") == "jxjy validate"
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    enum = suite[1]
    assert enum.get("classname") == enum.get("file") == "records/bases/base-2020-002.yaml"
    assert enum.get("name") == "[schema-enum] 「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级"
    failure = enum.find("failure")
    assert failure is not None and failure.get("type") == "error"
    located = "records/bases/base-2020-002.yaml:16:8: error: 「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级 [schema-enum]"
    assert failure.get("message") == located and failure.text == located + "\n"
    # A warning does not fail validation: its test case passes and shows the message as output.
    late = suite[2]
    assert late.find("failure") is None
    assert late.findtext("system-out") == f"{LATE_PLAN}: warning: 「报送日期」2026-04-20 晚于 2026 年第一季度；第十六条要求每年年初报送 [plan-late]\n"


def test_junit_and_codeclimate_carry_markup_from_a_record_as_text(repo: Repo) -> None:
    repo.edit("records/bases/base-2020-002.yaml", "level: 市级", HOSTILE_LEVEL)
    _, out = _validate_as(repo, "junit")
    assert "<b>" not in out and "&lt;b&gt;&amp;" in out
    case = ET.fromstring(out)[0]
    assert case.get("name") == f"[schema-enum] {HOSTILE_MESSAGE}"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == f"records/bases/base-2020-002.yaml:16:8: error: {HOSTILE_MESSAGE} [schema-enum]"
    assert failure.text == failure.get("message") + "\n"
    _, out = _validate_as(repo, "codeclimate")
    assert json.loads(out)[0]["description"] == HOSTILE_MESSAGE


def test_junit_shows_characters_xml_cannot_hold_by_code_point(repo: Repo) -> None:
    # A file name is not checked for control characters before it reaches the report.
    repo.write("records/bases/x\x01y.yaml", repo.text("records/bases/base-2020-001.yaml"))
    _, out = _validate_as(repo, "junit")
    case = next(c for c in ET.fromstring(out) if "[id-filename]" in c.get("name", ""))
    assert case.get("classname") == "records/bases/xU+0001y.yaml"
    assert "「xU+0001y.yaml」" in case.get("name", "")


def test_a_file_name_that_is_not_utf8_reaches_the_report_files(repo: Repo, tmp_path) -> None:
    name = os.fsdecode(b"x\xff.yaml")
    repo.write(f"records/bases/{name}", repo.text("records/bases/base-2020-001.yaml"))
    # stdout as under the C locale; a strict UTF-8 stdout cannot print such a name in any format
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"}
    for fmt in ("codeclimate", "junit"):
        result = subprocess.run([sys.executable, "-m", "generator", "validate", "--root", str(repo.root),
                                 "--as-of", AS_OF.isoformat(), "--format", fmt, "--output", str(tmp_path / fmt)],
                                capture_output=True, env=env, timeout=60)
        assert result.returncode == 1 and b"[id-filename]" in result.stdout, result.stderr
    issues = json.loads((tmp_path / "codeclimate").read_bytes().decode("utf-8", "surrogateescape"))
    assert [i["location"]["path"] for i in issues if i["check_name"] == "id-filename"] == [f"records/bases/{name}"]
    cases = ET.parse(tmp_path / "junit").getroot()
    assert [c.get("classname") for c in cases if "[id-filename]" in c.get("name", "")] == ["records/bases/xU+DCFF.yaml"]


def test_output_writes_the_report_to_a_file_and_the_text_to_the_log(repo: Repo, tmp_path) -> None:
    _break(repo)
    target = tmp_path / "gl-code-quality-report.json"
    code, out, err = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(),
                         "--format", "codeclimate", "--output", str(target))
    assert code == 1
    assert [i["check_name"] for i in json.loads(target.read_text(encoding="utf-8"))] == [
        "docnumber-format", "schema-enum", "plan-late", "policy-trial-lapsed"]
    assert out.splitlines()[1] == ("records/bases/base-2020-002.yaml:16:8: error: "
                                   "「基地级别」取值「部级」无效，可选：国家级、省级、市级、辖市区级 [schema-enum]")
    assert "2 个错误，2 个警告" in err
    code, _, err = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(),
                       "--output", str(tmp_path / "missing" / "report.xml"))
    assert code == 2 and "错误：无法写入" in err


def test_paths_limit_the_report_but_not_the_references(repo: Repo) -> None:
    repo.edit("records/organizations/org-zl-jsfz.yaml", "id: org-zl-jsfz", "id: org-zl-jsfz-x")
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(),
                       str(repo.root / "records/bases/base-2020-002.yaml"))
    assert code == 0 and out == ""  # the org's own error is not reported; the reference still resolves
    (repo.root / "records/organizations/org-zl-jsfz.yaml").unlink()
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(),
                       "records/bases/base-2020-002.yaml")
    assert code == 1 and out.startswith("records/bases/base-2020-002.yaml:13:7: error: 「依托单位」引用的记录")


def test_exit_2_on_usage_and_io_problems(tmp_path) -> None:
    code, _, err = run("validate", "--root", str(tmp_path))
    assert code == 2 and "错误：找不到记录目录" in err
    (tmp_path / "records").mkdir()
    code, _, err = run("validate", "--root", str(tmp_path), "records/nothing.yaml")
    assert code == 2 and "错误：找不到文件：records/nothing.yaml" in err
    code, _, _ = run("validate", "--format", "xml")
    assert code == 2
    code, _, _ = run("validate", "--as-of", "2026-02-30")
    assert code == 2


def test_as_of_defaults_to_source_date_epoch(repo: Repo) -> None:
    # 2026-11-19 12:00 UTC: the 公示 base written on 2026-11-19 is fine, its publication on 11-20 is not yet.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795089600"}
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--root", str(repo.root)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "「发布日期」2026-11-20 晚于今天（2026-11-19）" in result.stdout


def test_validate_is_thin() -> None:
    with mock.patch.object(cli_module, "check_report", autospec=True) as core:
        report = mock.Mock(diagnostics=[])
        report.exit_code.return_value = 0
        core.return_value = (report, 1)
        code, out, _ = run("validate", "--as-of", "2026-01-02")
    assert code == 0 and out == ""
    assert core.call_args.kwargs["as_of"].isoformat() == "2026-01-02"


def test_new_writes_a_record_that_validates_once_filled(repo: Repo) -> None:
    code, out, _ = run("new", "evaluations", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 0
    path = Path(out.strip())
    assert path.parent == repo.root / "records/evaluations"
    assert re.fullmatch(r"eval-2026-\d{3}", path.stem) and path.stem not in {"eval-2026-001", "eval-2026-002",
                                                                            "eval-2026-003"}  # the sample's
    rel = path.relative_to(repo.root).as_posix()
    text = repo.text(rel)
    assert text.startswith("# yaml-language-server: $schema=../../schema/evaluation.schema.json\n")
    assert "written_on: 2026-11-26" in text and f"id: {path.stem} #" in text
    blanks = {d.location.line for d in repo.validate(rel).errors}
    marked = {n for n, line in enumerate(text.splitlines(), 1)
              if "待填写" in line or "选填" in line or line.strip() == "- ''"}
    assert blanks and blanks <= marked  # every error points at a line the template marked
    filled = {
        "title: ''": "title: 关于常州市教育系统继续教育基地评估验收结果的通知",
        "doc_number: ''": "doc_number: 常人社函〔2026〕200号",
        "issuer: ''": "issuer: org-czrsj",
        "index_number: ''": "index_number: 113204000141523630/2026-00200",
        "base: ''": "base: base-2023-002",
        "type: ''": "type: 评估验收",
        "result: ''": "result: 合格",
        "  - ''": "  - 培训档案完整",
        "body: ''": "body: 经评估，该基地符合要求，保留基地资格。",
    }
    for old, new in filled.items():
        repo.edit(rel, old, new)
    report = repo.validate(rel)
    assert report.diagnostics == [], [d.text for d in report.diagnostics]


def test_new_picks_a_free_id_and_refuses_to_overwrite(repo: Repo) -> None:
    _, first, _ = run("new", "plans", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    code, second, _ = run("new", "plans", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 0 and first != second
    assert all(re.fullmatch(r"plan-2026-\d{3}", Path(out.strip()).stem) for out in (first, second))
    code, _, err = run("new", "plans", "--root", str(repo.root), "--id", Path(second.strip()).stem)
    assert code == 2 and "文件已存在" in err


class Lowest(random.Random):
    """Draws the lowest number offered, so a test knows which free id fresh_id takes."""

    def choice(self, seq: Sequence[int]) -> int:  # type: ignore[override]
        return min(seq)


def test_new_avoids_ids_of_remote_branches_and_deleted_ids(tmp_path: Path) -> None:
    repo = GitRepo.with_sample(tmp_path / "repo")
    plan = repo.text("records/plans/plan-2026-cz-czj.yaml")
    repo.write("records/plans/plan-2026-002.yaml", plan)
    repo.commit("A plan, then withdrawn")
    repo.git("rm", "-q", "records/plans/plan-2026-002.yaml")
    repo.commit("Withdraw it")
    repo.git("switch", "-q", "-c", "other")  # another clerk's branch, fetched: origin/other
    repo.write("records/plans/plan-2026-001.yaml", plan)
    repo.commit("Another clerk's plan")
    repo.git("update-ref", "refs/remotes/origin/other", "other")
    repo.git("switch", "-q", "main")
    repo.git("branch", "-q", "-D", "other")
    taken = ids_elsewhere(repo.root)
    assert {"plan-2026-001", "plan-2026-002"} <= taken
    assert fresh_id("plans", repo.root, AS_OF, rng=Lowest()) == "plan-2026-001"  # the work tree alone
    assert fresh_id("plans", repo.root, AS_OF, taken=taken, rng=Lowest()) == "plan-2026-003"
    for _ in range(5):
        code, out, _ = run("new", "plans", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
        assert code == 0 and Path(out.strip()).stem not in {"plan-2026-001", "plan-2026-002"}
    assert ids_elsewhere(tmp_path) == set()  # not a git repository: the work tree alone


def test_new_draws_from_the_free_numbers_of_the_year(repo: Repo) -> None:
    every = {f"base-2026-{n:03d}" for n in range(1, 1000)}
    assert fresh_id("bases", repo.root, AS_OF, taken=every - {"base-2026-500"}) == "base-2026-500"
    assert fresh_id("bases", repo.root, AS_OF, taken=every) == "base-2026-1000"  # all taken: after the highest
    drawn = {fresh_id("bases", repo.root, AS_OF, rng=random.Random(seed)) for seed in range(20)}
    assert len(drawn) > 10  # not the next number every time: two clerks rarely take the same


def test_python_m_generator_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "validate" in result.stdout


def test_build_refuses_records_with_errors_and_keeps_the_site(repo: Repo) -> None:
    _break(repo)
    site = repo.root / "site"
    site.mkdir()
    (site / "index.html").write_text("上一版", encoding="utf-8")
    (site / SITE_MARKER).write_text("", encoding="utf-8")  # the last site jxjy built
    code, out, err = run("build", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 1
    assert "[schema-enum]" in out and "错误：记录有 2 个错误，未生成网站" in err
    assert (site / "index.html").read_text(encoding="utf-8") == "上一版"
    assert not (repo.root / "build").exists()


def test_build_is_thin() -> None:
    with mock.patch.object(cli_module, "build", autospec=True) as core:
        core.return_value.report.diagnostics = []
        core.return_value.pages = 3
        code, _, err = run("build", "--as-of", "2026-01-02", "--engine", "properdocs")
    assert code == 0 and "已生成 3 个页面" in err
    assert core.call_args.kwargs["engine"] == "properdocs"


# -- every command, through the CLI as a user meets it ---------------------------------------------

@dataclass(frozen=True)
class Command:
    """One run of a command (its arguments given the sample copy's root), and what the user sees."""

    args: Callable[[Path], list[str]]
    code: int
    says: str
    stream: str = "stdout"


COMMANDS: dict[str, list[Command]] = {
    "validate": [Command(lambda r: ["validate", "--root", str(r)], 0, "已检查", "stderr")],
    "new": [Command(lambda r: ["new", "bases", "--root", str(r), "--id", "base-2026-777"], 0,
                    "records/bases/base-2026-777.yaml"),
            Command(lambda r: ["new", "bases", "--root", str(r / "records" / "bases")], 2, "找不到记录目录", "stderr")],
    "build": [Command(lambda r: ["build", "--root", str(r)], 2, "找不到网站配置文件", "stderr")],
    # serve must fail before it starts the engine: a folder without records/
    "serve": [Command(lambda r: ["serve", "--root", str(r / "records")], 2, "找不到记录目录", "stderr")],
    "diff": [Command(lambda r: ["diff", "--root", str(r), "main"], 2, "不是 git 仓库", "stderr"),
             Command(lambda r: ["diff", "--root", str(r), "main", "--format", "github"], 2, "只有 markdown 或 json",
                     "stderr"),
             Command(lambda r: ["diff", "--root", str(r), "--check", "main", "--format", "json"], 2,
                     "只有 text 或 github", "stderr")],
    "codeowners": [Command(lambda r: ["codeowners", "--root", str(r), "--check"], 1, "已过期", "stderr")],
    "check-authz": [Command(lambda r: ["check-authz", "--root", str(r), "--author", "x", "--base", "main",
                                       "--teams", str(r / "teams.yaml")], 2, "无法读取团队成员文件", "stderr")],
    "forms": [Command(lambda r: ["forms", "--root", str(r), "--check"], 1, "与 schema/ 不一致", "stderr")],
    "import": [Command(lambda r: ["import", str(r / "名单.xlsx"), "--root", str(r)], 2, "找不到文件", "stderr"),
               Command(lambda r: ["import", str(r / "records" / "bases" / "base-2024-001.yaml"), "--root", str(r)], 2,
                       "不是 .xlsx 文件", "stderr")],
    "migrate": [Command(lambda r: ["migrate", "--root", str(r), "--dry-run"], 0, "没有需要转换的记录", "stderr"),
                Command(lambda r: ["migrate", "--root", str(r / "records")], 2, "找不到记录目录", "stderr")],
}


@pytest.mark.parametrize("name, case", [(n, c) for n, cases in COMMANDS.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_through_the_cli(name: str, case: Command, repo: Repo) -> None:
    result = CliRunner().invoke(cli, case.args(repo.root), catch_exceptions=False)
    assert result.exit_code == case.code, result.output
    assert case.says in getattr(result, case.stream)
    assert "Traceback" not in result.output


def test_every_command_has_a_readme_section_and_a_cli_case() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("### ")]
    for name in cli.commands:
        assert any(f"`jxjy {name}" in heading for heading in headings), name
    assert set(COMMANDS) == set(cli.commands)
