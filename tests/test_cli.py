"""The jxjy command as a clerk and CI run it: exit codes, the three formats, `new`."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

from generator import cli as cli_module
from generator.changes import ids_elsewhere
from generator.cli import cli
from generator.new import fresh_id

from conftest import AS_OF, GitRepo, Repo

LATE_PLAN = "records/plans/plan-2026-cz-zjj.yaml:14:11"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _break(repo: Repo) -> None:
    repo.edit("records/bases/base-2020-002.yaml", "level: 市级", "level: 省级")
    repo.edit("records/bases/base-2020-002.yaml", "常人社发〔2020〕121号", "常人社发(2020)121号")


def test_clean_sample_exits_0_with_the_one_accepted_warning(repo: Repo) -> None:
    code, out, err = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 0
    assert out == (f"{LATE_PLAN}: warning: 「报送日期」2026-04-20 晚于 2026 年第一季度；"
                   "第十六条要求每年年初报送 [plan-late]\n")
    assert "0 个错误，1 个警告" in err


def test_strict_fails_on_warnings(repo: Repo) -> None:
    code, _, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--strict")
    assert code == 1


def test_text_format_on_errors(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 1
    assert out == textwrap.dedent("""\
        records/bases/base-2020-002.yaml:5:13: error: 「发文字号」格式不正确：「常人社发(2020)121号」；年份须用六角括号〔〕，序号不编虚位，以「号」结尾（应写作「常人社发〔2020〕121号」） [docnumber-format]
        records/bases/base-2020-002.yaml:16:8: error: 「基地级别」取值「省级」无效，可选：市级、辖市区级 [schema-enum]
        records/plans/plan-2026-cz-zjj.yaml:14:11: warning: 「报送日期」2026-04-20 晚于 2026 年第一季度；第十六条要求每年年初报送 [plan-late]
        """)


def test_github_format_escapes_properties_and_data(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[1] == ("::error file=records/bases/base-2020-002.yaml,line=16,col=8,title=schema-enum::"
                        "「基地级别」取值「省级」无效，可选：市级、辖市区级")
    assert lines[2].startswith("::warning file=records/plans/plan-2026-cz-zjj.yaml,line=14,col=11,title=plan-late::")


def test_github_format_escapes_newlines_and_percent() -> None:
    from generator.diagnostics import Diagnostic, Location
    from generator.output import render_github
    diag = Diagnostic(Location("records/a,b:c.yaml", 1, 2), "x-rule", "error", "50%\n第二行")
    assert render_github([diag]) == "::error file=records/a%2Cb%3Ac.yaml,line=1,col=2,title=x-rule::50%25%0A第二行\n"


def test_json_format(repo: Repo) -> None:
    _break(repo)
    code, out, _ = run("validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert rows[1] == {
        "path": "records/bases/base-2020-002.yaml", "line": 16, "col": 8, "severity": "error",
        "rule": "schema-enum", "message": "「基地级别」取值「省级」无效，可选：市级、辖市区级", "hint": None,
    }
    assert rows[0]["hint"] == "应写作「常人社发〔2020〕121号」"
    assert "常人社发" in out  # not \\u-escaped


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
    with mock.patch.object(cli_module, "check_repository", autospec=True) as core:
        core.return_value.report.diagnostics = []
        core.return_value.report.exit_code.return_value = 0
        core.return_value.files = 0
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
