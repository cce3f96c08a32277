"""Fail-closed publishing: a killed build never leaves a half site; builds repeat from any path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.site.build import BuildError, build

from helpers import AS_OF
from site_fixtures import copy_build_inputs, manifest

BASE = "records/bases/base-2020-002.yaml"
OLD_NAME, NEW_NAME = "常州市中小学教师继续教育基地", "常州市中小学教师继续教育基地（新版）"


def test_sigkill_mid_build_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    copy_build_inputs(root)
    site = build(root, as_of=AS_OF).site
    before = manifest(site)
    record = root / BASE
    record.write_text(record.read_text(encoding="utf-8").replace(f"name: {OLD_NAME}", f"name: {NEW_NAME}"),
                      encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795651200"}
    killed_mid_build = 0
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5):
        process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--root", str(root),
                                    "--as-of", AS_OF.isoformat()], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the build and the engine it runs
        process.wait(timeout=30)
        page = (site / "bases" / "base-2020-002" / "index.html").read_text(encoding="utf-8")
        if NEW_NAME in page:  # the kill came after the swap: then the new site is whole
            # (the same files; the search index's are named by their content, which changed)
            unindexed = {path for path in before if not path.startswith("pagefind/")}
            assert {path for path in manifest(site) if not path.startswith("pagefind/")} == unindexed
            assert (site / "pagefind" / "pagefind-entry.json").is_file()
            break
        assert manifest(site) == before, f"site changed by a build killed after {delay} s"
        killed_mid_build += 1
    assert killed_mid_build >= 1
    # A later build cleans what the killed ones left and publishes the new version.
    build(root, as_of=AS_OF)
    assert NEW_NAME in (site / "bases" / "base-2020-002" / "index.html").read_text(encoding="utf-8")
    assert not list(site.parent.glob(".site-*"))


def test_builds_from_different_paths_and_times_are_identical(tmp_path: Path) -> None:
    first_root, second_root = tmp_path / "one" / "checkout", tmp_path / "two" / "elsewhere" / "checkout"
    copy_build_inputs(first_root)
    copy_build_inputs(second_root)
    first = build(first_root, as_of=AS_OF).site
    time.sleep(1.1)  # a different wall-clock second: nothing may depend on it
    second = build(second_root, as_of=AS_OF).site
    assert manifest(first) == manifest(second)  # every byte, the search index included


def test_a_missing_indexer_fails_the_build_in_chinese_before_anything_runs(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    copy_build_inputs(root)
    monkeypatch.setenv("JXJY_PAGEFIND", str(tmp_path / "nowhere" / "pagefind_extended"))
    with pytest.raises(BuildError, match="找不到搜索索引程序 Pagefind（环境变量 JXJY_PAGEFIND 指向的"):
        build(root, as_of=AS_OF)
    assert not (root / "site").exists() and not list(root.glob(".site-*"))
