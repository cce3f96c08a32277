"""`make bench`'s harness (tests/benchmarks/bench.py): it runs end to end at a tiny size and writes its
table, and its measuring parts count what they say. Timings are never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

BENCH = REPO / "tests" / "benchmarks" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    from benchmarks import bench

    return bench


TARGETS = ("校验，无改动", "校验，改动一条（影响跨记录规则）", "冷校验 ÷ check-jsonschema", "完整构建 ÷ Hugo",
           "改动一条后构建 ÷ 完整构建", "预览：保存记录 → 页面显示改动", "构建峰值内存", "site/ 大小和文件数",
           "一次搜索两字词", "构建 50k ÷ 构建 10k")


def test_a_tiny_run_writes_every_row_with_a_verdict_and_updates_the_readme(tmp_path: Path) -> None:
    out, work, readme = tmp_path / "bench" / "RESULTS.md", tmp_path / "work", tmp_path / "README.md"
    readme.write_text("# x\n\n## 性能\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\n## 目录\n",
                      encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "2", "--pairs", "1", "--skip-anchors", "--skip-browser", "--no-git",
         "--no-profile", "--out", str(out), "--work", str(work), "--readme", str(readme)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.strip() == result.stdout.strip()
    for heading in ("## 目标", "## 逐对测量", "## 校验", "## 构建", "## 读者侧", "## 说明"):
        assert heading in text
    assert "## 失败" not in text and "**失败**" not in text, text
    rows = [line for line in text.split("## 目标")[1].split("## 逐对测量")[0].splitlines() if line.startswith("| ")][1:]
    assert [next(t for t in TARGETS if row.startswith(f"| {t}")) for row in rows] == list(TARGETS)
    verdicts = {row.split("|")[1].strip(): row.split("|")[5] for row in rows}
    for title, verdict in verdicts.items():
        if title.startswith(("冷校验", "完整构建", "构建 50k", "一次搜索")):  # no anchors, one size, no browser
            assert verdict.strip() == "—", title
        else:  # measured at N=2, said so
            assert "达标" in verdict and "N=2" in verdict, (title, verdict)
    assert "诊断与冷校验相同（1 次比较）" in text  # one change, then a cold run of the same records
    assert "网站与完整构建相同（1 次比较）" in text
    assert "改动一条后构建 ÷ 完整构建（N=2）：" in text  # the pair's values
    assert "步骤用时：生成记录" in text
    assert not (work / "n2").exists()  # removed without --keep
    updated = readme.read_text(encoding="utf-8")
    assert "old table" not in updated and "| 校验，无改动 | 50k | < 1 s |" in updated
    assert updated.startswith("# x\n\n## 性能\n\n<!-- bench:begin -->\n最近一次：") and updated.endswith(
        "<!-- bench:end -->\n\n## 目录\n")
    assert "bench/RESULTS.md" in updated


def test_verdicts_follow_the_targets(bench) -> None:
    args = bench.parse(["--sizes", "10000,50000"])
    small, large = (bench.Result(size, role) for size, role in bench.roles(args.sizes).items())
    fast, slow = bench.Run("x", seconds=0.5), bench.Run("x", seconds=1.5)
    large.series = {"warm": [slow, fast, fast], "one": [fast], "cold": [fast] * 3,
                    "cjs": [bench.Run("c", seconds=2), bench.Run("c", seconds=4), bench.Run("c", seconds=6)]}
    large.same_diagnostics = ["", "仅冷校验：records/x.yaml:1:1: error: … [ref-missing]"]
    small.series = {"full": [bench.Run("b", seconds=10)] * 4, "hugo": [bench.Run("h", seconds=4)] * 3,
                    "incremental": [bench.Run("i", seconds=1)] * 3}
    small.same_site = ["", "", ""]
    large.series["full"] = [bench.Run("b", seconds=54, peak_kb=3 * 1024 * 1024)]
    large.site_bytes, large.site_files = 900 * 1024 * 1024, 200_000
    rows = {row.key: row for row in bench.target_rows([small, large], args)}
    assert rows["warm"].ok is True and rows["warm"].shown == "0.50 s"  # the median of three
    assert rows["one"].ok is False and "仅冷校验" in rows["one"].shown  # fast, but not what a cold run says
    assert rows["cjs@50k"].ok is True and rows["cjs@50k"].shown == "0.125"  # 0.5/2, 0.5/4, 0.5/6: median 1/8
    assert rows["cjs@10k"].ok is None and rows["cjs@10k"].shown == "未测（失败或跳过，见下文）"
    assert rows["hugo"].ok is True and rows["hugo"].shown.startswith("2.50×")
    assert rows["incremental"].ok is True and "网站与完整构建相同（3 次比较）" in rows["incremental"].shown
    assert rows["memory"].ok is False and rows["site"].ok is False  # 3 GB; 200 000 files is not fewer
    assert rows["linear"].ok is True and rows["linear"].shown == "5.40"
    assert rows["preview"].ok is None
    assert "| 构建峰值内存 | 50k | < 2 GB | 3072 MB | ❌ 未达标 |" in bench.targets_table(list(rows.values()))


def test_diagnostics_compare_what_validate_reported(bench) -> None:
    out = "records/a.yaml:3:5: error: 「x」 [ref-missing]\n已检查 9 个文件：1 个错误，0 个警告。（重查 2 个文件）\n"
    cold = "已检查 9 个文件：1 个错误，0 个警告。\nrecords/a.yaml:3:5: error: 「x」 [ref-missing]\n"
    assert bench.differences(bench.diagnostics(out), bench.diagnostics(cold)) == ""
    other = bench.diagnostics("已检查 9 个文件：0 个错误，0 个警告。\n")
    assert "仅增量：records/a.yaml:3:5" in bench.differences(bench.diagnostics(out), other)


def test_site_trees_are_compared_file_by_file(bench, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name / "bases").mkdir(parents=True)
        (tmp_path / name / "index.html").write_text("same", encoding="utf-8")
        (tmp_path / name / "bases" / "p.html").write_text(name, encoding="utf-8")
    (tmp_path / "b" / "extra.html").write_text("x", encoding="utf-8")
    a, b = bench.tree_hashes(tmp_path / "a"), bench.tree_hashes(tmp_path / "b")
    assert bench.compare_trees(a, a) == ""
    assert bench.compare_trees(a, b) == "仅完整构建有 extra.html；内容不同 bases/p.html"


def test_a_profile_lists_its_top_functions(bench, tmp_path: Path) -> None:
    prof, script = tmp_path / "x.prof", tmp_path / "x.py"
    script.write_text("sorted(range(1000))\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), str(script)], check=True)
    text = "\n".join(bench.pstats_top(prof, 5))
    assert "按 cumulative 排序的前 5 项" in text and "按 tottime 排序" in text
    assert bench.pstats_top(tmp_path / "missing.prof") == ["（没有剖析文件：命令未正常结束）"]


def test_measure_reports_the_memory_of_the_whole_tree(bench, tmp_path: Path) -> None:
    # a child that holds ~200 MB while its parent waits: the peak counts the child
    grab = "b = bytearray(200 * 1024 * 1024); import time; time.sleep(0.5)"
    command = [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grab!r}])"]
    run = bench.measure("tree", command, cwd=tmp_path, env={}, timeout=60, logs=tmp_path / "logs")
    assert run.ok and run.rc == 0
    assert run.mb >= 200


def test_measure_reports_a_failure_and_a_timeout(bench, tmp_path: Path) -> None:
    failed = bench.measure("fail", [sys.executable, "-c", "import sys; sys.exit('boom')"], cwd=tmp_path, env={},
                           timeout=60, logs=tmp_path / "logs")
    assert not failed.ok and failed.rc == 1 and "boom" in failed.error
    hung = bench.measure("hang", [sys.executable, "-c", "import time; time.sleep(60)"], cwd=tmp_path, env={},
                         timeout=0.5, logs=tmp_path / "logs")
    assert not hung.ok and hung.rc is None and "超时" in hung.error


def test_argument_batches_keep_every_file_once(bench) -> None:
    files = [f"records/bases/base-{n:05d}.yaml" for n in range(1000)]
    parts = list(bench.batches(files, 4096))
    assert len(parts) > 1 and [name for part in parts for name in part] == files
    assert all(sum(len(name) + 9 for name in part) <= 4096 for part in parts)
    assert bench.arg_budget({"A": "b"}) >= 64 * 1024


def test_static_transfer_follows_stylesheets_and_stays_in_the_site(bench, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="assets/a.css"><link rel="canonical" href="other/">'
        '<link rel="alternate" href="atom.xml"><script src="assets/a.js"></script>'
        '<script src="https://elsewhere.example/x.js"></script><a href="secret.txt">x</a>'
        '<table id="t" data-rows="rows.json" data-total="3">', encoding="utf-8")
    (site / "assets" / "a.css").write_text("body{background:url(../bg.png)} @import 'b.css';", encoding="utf-8")
    (site / "assets" / "b.css").write_text("p{color:red}", encoding="utf-8")
    (site / "assets" / "a.js").write_text("var x = 1;", encoding="utf-8")
    (site / "rows.json").write_text("[1,2,3]", encoding="utf-8")
    (site / "bg.png").write_bytes(b"\x89PNG" + bytes(1000))
    (site / "atom.xml").write_text("<feed/>" * 1000, encoding="utf-8")
    (site / "secret.txt").write_text("x" * 100_000, encoding="utf-8")
    transfer = bench.static_transfer(site, "")
    assert transfer.requests == 6  # index.html, a.css, b.css, a.js, bg.png, rows.json
    assert transfer.kb is not None and 1 < transfer.kb < 2  # the PNG is sent as it is, the text gzipped
    assert bench.site_file(site, "/../../etc/passwd") is None
