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


def test_a_tiny_run_writes_every_section_and_row(tmp_path: Path) -> None:
    out, work = tmp_path / "RESULTS.md", tmp_path / "work"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "2", "--skip-anchors", "--skip-browser", "--no-git",
         "--out", str(out), "--work", str(work)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.strip() == result.stdout.strip()
    for heading in ("## 目标", "## 校验", "## 构建", "## 读者侧", "## 说明"):
        assert heading in text
    assert "## 失败" not in text and "**失败**" not in text, text
    for target in ("冷校验耗时 ÷ check-jsonschema", "改动一条后重新校验", "构建耗时 ÷ Hugo", "构建 50k ÷ 构建 10k",
                   "构建峰值内存", "打开首页的传输量", "打开基地名录的传输量", "一次搜索的传输量"):
        assert f"| {target}" in text
    rows = [line for line in text.splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 3  # validation, build, reader side
    validation, build, reader = (row.split("|")[1:-1] for row in rows)
    assert int(validation[1]) > 0 and float(validation[2]) > 0  # files and a cold time
    assert int(build[4]) > 0  # pages
    assert "静态估算" in reader[3] and "静态估算" in reader[4]
    assert not (work / "n2").exists()  # removed without --keep


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
