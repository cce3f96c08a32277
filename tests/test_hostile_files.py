"""Files that are not what they seem and flags that point at the wrong place: each gets a
located Chinese message and its exit code, never a traceback, a hang or lost data."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.records import RepositoryError, read_record
from generator.site.build import SITE_MARKER, generate
from generator.yamlio import MAX_BYTES

from helpers import AS_OF, GitRepo, Repo, copy_from_repo

DAY = ["--as-of", AS_OF.isoformat()]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def run_process(*args: str) -> tuple[int, str, str]:
    """The command in a process of its own, with a deadline: a read that blocks fails the test."""
    result = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONUTF8": "1"})
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site_repo(tmp_path: Path) -> Repo:
    """records/, docs/ and mkdocs.yml: enough for jxjy build."""
    copy_from_repo(tmp_path / "repo", "records", "docs", "mkdocs.yml")
    return Repo(tmp_path / "repo")


# -- files that are not what they seem -------------------------------------------------------


def test_a_fifo_is_reported_without_being_opened(repo: Repo) -> None:
    os.mkfifo(repo.root / "records/bases/base-2026-900.yaml")
    code, out, _ = run_process("validate", "--root", str(repo.root), "--no-cache", *DAY)
    assert code == 1
    assert ("records/bases/base-2026-900.yaml:1:1: error: 不是普通文件（命名管道），记录须是普通的 .yaml 文件 "
            "[record-path]\n") in out


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_node_is_reported_without_being_opened(repo: Repo) -> None:
    os.mknod(repo.root / "records/bases/base-2026-900.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    code, out, _ = run_process("validate", "--root", str(repo.root), "--no-cache", *DAY)
    assert code == 1
    assert "records/bases/base-2026-900.yaml:1:1: error: 不是普通文件（字符设备）" in out


def test_a_folder_named_like_a_record_is_reported(repo: Repo) -> None:
    repo.write("records/bases/base-2026-900.yaml/inside.yaml", "id: x\n")
    code, out, _ = run("validate", "--root", str(repo.root), "--no-cache", *DAY)
    assert code == 1
    assert "records/bases/base-2026-900.yaml:1:1: error: 不是普通文件（目录），记录须是普通的 .yaml 文件 [record-path]" in out
    assert "inside.yaml" not in out  # not entered


def test_a_sparse_file_of_8_gib_is_too_large_and_never_read(repo: Repo) -> None:
    with open(repo.root / "records/bases/base-2026-900.yaml", "wb") as handle:
        handle.truncate(8 * 1024**3)
    started = time.monotonic()
    code, out, _ = run_process("validate", "--root", str(repo.root), "--no-cache", *DAY)
    assert code == 1 and time.monotonic() - started < 60
    assert (f"records/bases/base-2026-900.yaml:1:1: error: 文件过大（{8 * 1024**3} 字节，上限 {MAX_BYTES} 字节） "
            "[yaml-too-large]\n") in out


def test_a_record_is_read_at_most_one_byte_past_the_limit_and_never_from_a_fifo(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(8 * 1024**3)
    assert len(read_record(big, "records/bases/big.yaml")) == MAX_BYTES + 1
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # a file replaced by a FIFO after it was listed: refused, not waited on
    with pytest.raises(RepositoryError, match="records/bases/fifo.yaml:1:1: 不是普通文件（命名管道、设备或目录），无法作为记录读取"):
        read_record(fifo, "records/bases/fifo.yaml")


def test_records_as_a_symlink_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    copy_from_repo(outside, "records")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "records").symlink_to(outside / "records")
    code, _, err = run("validate", "--root", str(root), "--no-cache", *DAY)
    assert code == 2
    assert f"错误：{root / 'records'} 是符号链接，不跟随：记录目录须是仓库中的真实目录" in err
    code, _, err = run("build", "--root", str(root), "--no-cache", *DAY)
    assert code == 2 and "是符号链接，不跟随" in err


@pytest.mark.parametrize("inside", [False, True], ids=["out-of-the-repository", "inside-docs"])
def test_a_symlink_in_docs_is_refused_and_nothing_is_published(site_repo: Repo, tmp_path: Path,
                                                               inside: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("口令", encoding="utf-8")
    (site_repo.root / "docs/assets/x").symlink_to(site_repo.root / "docs/rules.md" if inside else secret)
    site = site_repo.root / "site"
    site.mkdir()
    (site / SITE_MARKER).write_text("", encoding="utf-8")
    (site / "index.html").write_text("上一版", encoding="utf-8")
    code, _, err = run("build", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 2
    assert "错误：docs/assets/x:1:1: docs/ 中不允许使用符号链接（不跟随，也不发布它指向的文件），请提交真实文件" in err
    assert files_under(site) == {SITE_MARKER: b"", "index.html": "上一版".encode()}
    assert not any(b"\xe5\x8f\xa3\xe4\xbb\xa4" in content for content in files_under(site_repo.root / "build").values())


def test_a_fifo_in_docs_is_refused(site_repo: Repo) -> None:
    os.mkfifo(site_repo.root / "docs/assets/pipe")
    code, _, err = run_process("build", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 2
    assert "错误：docs/assets/pipe:1:1: 不是普通文件（命名管道、设备等），不能发布到网站" in err


def test_an_empty_records_folder_is_nothing_to_check_nor_to_publish(site_repo: Repo) -> None:
    for path in sorted((site_repo.root / "records").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (site_repo.root / "records/.gitkeep").write_text("", encoding="utf-8")  # hidden files do not count
    message = f"{site_repo.root / 'records'} 中没有任何记录文件，没有可检查的内容（子模块未初始化，或 --root 指错了目录？）"
    code, out, err = run("validate", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 2 and out == "" and f"错误：{message}" in err
    site = site_repo.root / "site"
    site.mkdir()
    (site / SITE_MARKER).write_text("", encoding="utf-8")
    (site / "index.html").write_text("上一版", encoding="utf-8")
    code, _, err = run("build", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 2 and f"错误：{message}" in err
    assert (site / "index.html").read_text(encoding="utf-8") == "上一版"


NAMES = ["records/bases/换\n行.txt", "records/bases/esc\x1b[31m.txt", "records/bases/中文 名称.txt"]


def test_every_format_keeps_one_problem_per_line_and_escapes_file_names(repo: Repo, tmp_path: Path) -> None:
    for name in NAMES:
        repo.write(name, "id: x\n")
    base = ["validate", "--root", str(repo.root), "--no-cache", *DAY]
    code, text, _ = run(*base)
    assert code == 1
    lines = text.splitlines()
    assert len(lines) == 5  # three misplaced files and the sample's two warnings
    assert "records/bases/换\\x0a行.txt:1:1: error: 记录文件扩展名须为 .yaml（现为「.txt」） [record-path]" in lines
    assert "records/bases/esc\\x1b[31m.txt:1:1: error:" in text and "\x1b" not in text
    assert "records/bases/中文 名称.txt:1:1: error:" in text

    _, github, _ = run(*base, "--format", "github")
    assert len(github.splitlines()) == 5
    assert "::error file=records/bases/换%0A行.txt,line=1,col=1,title=record-path::" in github

    _, raw, _ = run(*base, "--format", "json")
    assert {row["path"] for row in json.loads(raw)} >= set(NAMES)
    _, raw, _ = run(*base, "--format", "codeclimate")
    assert {issue["location"]["path"] for issue in json.loads(raw)} >= set(NAMES)
    _, raw, _ = run(*base, "--format", "junit")
    cases = ET.fromstring(raw.split("\n", 1)[1]).findall("testcase")
    # XML cannot hold ESC at all: it is written by code point
    assert {case.get("file") for case in cases} >= {name.replace("\x1b", "U+001B") for name in NAMES}
    failures = [case.find("failure").text for case in cases if case.find("failure") is not None]
    assert all(text.count("\n") == 1 for text in failures)  # the located line inside stays one line


# -- flags that must not destroy anything ----------------------------------------------------


def test_site_dir_naming_a_folder_jxjy_did_not_make_is_refused(site_repo: Repo) -> None:
    before = files_under(site_repo.root / "records")
    code, _, err = run("build", "--root", str(site_repo.root), "--site-dir", str(site_repo.root / "records"),
                       "--no-cache", *DAY)
    assert code == 2
    assert (f"错误：网站输出目录 {(site_repo.root / 'records').resolve()} 不是 jxjy 生成的网站（没有 {SITE_MARKER} 标记文件）"
            "且不为空，拒绝替换") in err
    assert files_under(site_repo.root / "records") == before
    assert not (site_repo.root / "build").exists()  # refused before anything was generated


def test_a_built_site_is_marked_and_only_marked_leftovers_are_cleared(site_repo: Repo) -> None:
    notes = site_repo.root / ".site-notes"
    notes.mkdir()
    (notes / "keep.txt").write_text("我的笔记", encoding="utf-8")
    stale = site_repo.root / ".site-stale"
    (stale / "site").mkdir(parents=True)
    (stale / SITE_MARKER).write_text("", encoding="utf-8")  # left by a killed build
    code, _, err = run("build", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 0, err
    site = site_repo.root / "site"
    assert (site / SITE_MARKER).is_file() and (site / "index.html").is_file()
    assert (notes / "keep.txt").read_text(encoding="utf-8") == "我的笔记"
    assert not stale.exists()
    assert sorted(p.name for p in site_repo.root.glob(".site-*")) == [".site-notes"]


def test_build_never_writes_through_a_symlink_in_build(site_repo: Repo, tmp_path: Path) -> None:
    victim = tmp_path / "victim.md"
    victim.write_text("别人的文件", encoding="utf-8")
    planted = site_repo.root / "build/docs/index.md"  # a pull request can commit build/ too
    planted.parent.mkdir(parents=True)
    planted.symlink_to(victim)
    generate(site_repo.root, as_of=AS_OF)
    assert victim.read_text(encoding="utf-8") == "别人的文件"
    assert not planted.is_symlink() and planted.is_file()
    shutil.rmtree(site_repo.root / "build")
    (site_repo.root / "build").symlink_to(tmp_path)
    code, _, err = run("build", "--root", str(site_repo.root), "--no-cache", *DAY)
    assert code == 2 and f"错误：{site_repo.root / 'build'} 是符号链接，不跟随" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "victim.md"]


@pytest.mark.parametrize("record_id", ["../../x", "/tmp/x", "Base-2026-001", "base 2026 001", "a\nb", "-x"])
def test_new_refuses_an_id_the_schema_refuses_before_writing(repo: Repo, record_id: str) -> None:
    before = sorted(p for p in repo.root.parent.rglob("*"))
    code, out, err = run("new", "bases", "--root", str(repo.root), "--id", record_id, *DAY)
    assert code == 2 and out == ""
    assert "无效：记录编号只能由小写字母、数字和连字符组成" in err and "未写入任何文件" in err
    assert "\n" not in err.rstrip("\n")  # the id is shown escaped, on one line
    assert sorted(p for p in repo.root.parent.rglob("*")) == before


def test_new_writes_inside_records_only(repo: Repo, tmp_path: Path) -> None:
    code, out, _ = run("new", "bases", "--root", str(repo.root), "--id", "base-2026-900", *DAY)
    assert code == 0 and out == f"{repo.root}/records/bases/base-2026-900.yaml\n"
    code, _, err = run("new", "bases", "--root", str(repo.root), "--id", "base-2026-900", *DAY)
    assert code == 2 and "文件已存在" in err
    assert not list((repo.root / "records/bases").glob(".*"))  # no temporary file left behind


def test_codeowners_and_forms_do_not_write_through_a_symlink_out(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    copy_from_repo(root, "records", "schema", "mkdocs.yml")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".github").symlink_to(outside)
    for command in ("codeowners", "forms"):
        code, _, err = run(command, "--root", str(root), *(DAY if command == "codeowners" else []))
        assert code == 2, err
        assert "之内（路径中有指向外部的符号链接？），拒绝写入" in err
    assert list(outside.iterdir()) == []


def test_output_never_follows_a_symlink_nor_lands_in_the_data(repo: Repo, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("别人的文件", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    base = ["validate", "--root", str(repo.root), "--no-cache", *DAY, "--format", "json"]
    code, _, err = run(*base, "--output", str(link))
    assert code == 2 and f"错误：{link} 是符号链接，不跟随，拒绝写入" in err
    assert victim.read_text(encoding="utf-8") == "别人的文件"
    record = repo.root / "records/bases/base-2020-002.yaml"
    kept = record.read_bytes()
    code, _, err = run(*base, "--output", str(record))
    assert code == 2 and "在仓库的 records/ 之内，报告不能写在这里" in err
    assert record.read_bytes() == kept
    code, _, err = run(*base, "--output", str(victim))  # a plain file: replaced, and said so
    assert code == 0 and f"注意：已替换原有文件 {victim}" in err
    assert json.loads(victim.read_text(encoding="utf-8"))


def test_the_job_summary_is_appended_to_a_plain_file_only(repo: Repo, tmp_path: Path) -> None:
    base = ["validate", "--root", str(repo.root), "--no-cache", *DAY]
    summary = tmp_path / "summary.md"
    summary.write_text("前一步的摘要\n", encoding="utf-8")
    code, _, _ = run(*base, "--summary", str(summary))
    assert code == 0 and summary.read_text(encoding="utf-8").startswith("前一步的摘要\n### 记录校验")
    victim = tmp_path / "victim.txt"
    victim.write_text("别人的文件", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    code, _, err = run(*base, "--summary", str(link))
    assert code == 2 and "是符号链接，不跟随，拒绝写入" in err
    assert victim.read_text(encoding="utf-8") == "别人的文件"
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    code, _, err = run_process(*base, "--summary", str(fifo))  # would block forever if opened for writing
    assert code == 2 and "拒绝写入" in err


def test_a_fifo_as_mkdocs_yml_or_teams_file_is_refused_without_blocking(site_repo: Repo, tmp_path: Path) -> None:
    (site_repo.root / "mkdocs.yml").unlink()
    os.mkfifo(site_repo.root / "mkdocs.yml")
    code, _, err = run_process("build", "--root", str(site_repo.root), *DAY)
    assert code == 2 and "网站配置文件" in err and "不是普通文件" in err
    teams = tmp_path / "teams.yaml"
    os.mkfifo(teams)
    code, _, err = run_process("check-authz", "--root", str(site_repo.root), "--author", "x", "--base", "HEAD",
                               "--teams", str(teams))
    assert code == 2 and "团队成员文件" in err and "不是普通文件" in err


def test_diff_output_never_follows_a_symlink(tmp_path: Path) -> None:
    git_repo = GitRepo.with_sample(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    victim.write_text("别人的文件", encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    code, _, err = run("diff", "--root", str(git_repo.root), *DAY, "--output", str(link), "main")
    assert code == 2 and f"错误：{link} 是符号链接，不跟随，拒绝写入" in err
    assert victim.read_text(encoding="utf-8") == "别人的文件"


# -- the public record cannot be back-dated ---------------------------------------------------

NEW_NOTICE = "records/policies/pol-2026-900.yaml"


def _add_policy(git_repo: GitRepo, published_on: str) -> None:
    text = git_repo.text("records/policies/pol-2026-001.yaml")
    git_repo.write(NEW_NOTICE, text.replace("id: pol-2026-001", "id: pol-2026-900")
                   .replace("常人社发〔2026〕38号", "常人社发〔2026〕900号").replace("/2026-00041", "/2026-00900")
                   .replace("published_on: ", f"published_on: {published_on}  # ", 1))


def test_a_notice_added_with_a_past_publication_day_is_back_dated(tmp_path: Path) -> None:
    git_repo = GitRepo.with_sample(tmp_path / "repo")
    _add_policy(git_repo, "2026-11-25")
    code, out, _ = run("diff", "--check", "--root", str(git_repo.root), *DAY, "main")
    assert code == 1
    line = git_repo.line_of(NEW_NOTICE, "published_on:")
    assert out.startswith(f"{NEW_NOTICE}:{line}:15: error: 新增公告的「发布日期」（2026年11月25日）早于今天（2026年11月26日）："
                          "发布日期是公告在本平台公开之日，不能倒填；请改为 2026-11-26 或之后的日期")
    assert out.rstrip().endswith("[append-only-backdated]") and len(out.splitlines()) == 1


def test_an_unpublished_notice_moved_into_the_past_is_back_dated(tmp_path: Path) -> None:
    git_repo = GitRepo.with_sample(tmp_path / "repo")
    _add_policy(git_repo, "2026-12-10")
    git_repo.commit("A policy to be published on 2026-12-10")  # on main, not yet published on AS_OF
    git_repo.edit(NEW_NOTICE, "published_on: 2026-12-10", "published_on: 2026-11-20")
    code, out, _ = run("diff", "--check", "--root", str(git_repo.root), *DAY, "main")
    assert code == 1
    line = git_repo.line_of(NEW_NOTICE, "published_on:")
    assert out.startswith(f"{NEW_NOTICE}:{line}:15: error: 尚未发布的公告的「发布日期」（2026年11月20日）早于今天")
    assert out.rstrip().endswith("[append-only-backdated]") and len(out.splitlines()) == 1


@pytest.mark.parametrize("day", ["2026-11-26", "2026-12-01"], ids=["today", "later"])
def test_a_notice_added_for_today_or_later_passes(tmp_path: Path, day: str) -> None:
    git_repo = GitRepo.with_sample(tmp_path / "repo")
    _add_policy(git_repo, day)
    code, out, _ = run("diff", "--check", "--root", str(git_repo.root), *DAY, "main")
    assert (code, out) == (0, "")


# The failing case of each rule this file introduces (read by tests/test_docs.py).
RULE_TESTS = {
    "append-only-backdated": test_a_notice_added_with_a_past_publication_day_is_back_dated,
}
