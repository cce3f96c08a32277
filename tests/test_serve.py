"""`jxjy serve`: the preview regenerates when a record changes, and keeps the last good pages."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from site_fixtures import copy_build_inputs, registry_settings, set_config

BASE = "records/bases/base-2020-002.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait(check: Callable[[], bool], seconds: float = 40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def _serve(root: Path) -> tuple[subprocess.Popen[str], str]:
    """`jxjy serve` on a copy of the build inputs in `root`, and the URL of one base's page."""
    copy_build_inputs(root)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port),
         "--as-of", "2026-11-26"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return server, f"http://127.0.0.1:{port}/bases/base-2020-002/"


def test_serve_regenerates_on_a_record_change(tmp_path: Path) -> None:
    server, url = _serve(tmp_path)
    try:
        assert _wait(lambda: "常州市中小学教师继续教育基地" in _fetch(url)), "the preview did not start"
        record = tmp_path / BASE
        record.write_text(record.read_text(encoding="utf-8").replace(
            "name: 常州市中小学教师继续教育基地", "name: 常州市中小学教师继续教育基地（预览）"), encoding="utf-8")
        assert _wait(lambda: "继续教育基地（预览）" in _fetch(url)), "the change was not picked up"
        record.write_text(record.read_text(encoding="utf-8").replace("level: 市级", "level: 部级"), encoding="utf-8")
        time.sleep(3)
        assert "继续教育基地（预览）" in _fetch(url)  # a broken record keeps the last good pages
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "[schema-enum]" in output and "仍显示上一版" in output


def test_serve_reports_a_setting_turned_bad_and_recovers_when_it_is_fixed(tmp_path: Path) -> None:
    server, url = _serve(tmp_path)
    good = registry_settings()["correction_url"]
    try:
        assert _wait(lambda: "在线纠错表单" in _fetch(url)), "the preview did not start"
        set_config(tmp_path, "correction_url", "javascript:alert(1)")
        record = tmp_path / BASE  # our loop regenerates on a record change, and checks the settings first
        record.write_text(record.read_text(encoding="utf-8").replace(
            "name: 常州市中小学教师继续教育基地", "name: 常州市中小学教师继续教育基地（预览）"), encoding="utf-8")
        time.sleep(4)
        assert "javascript:" not in _fetch(url)  # the engine holds the page back until mkdocs.yml is good
        set_config(tmp_path, "correction_url", good)
        assert _wait(lambda: good in _fetch(url)), "the preview did not recover"
        assert server.poll() is None
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert output.count("correction_url（纠错表单网址）必须是 http://") == 2  # the engine's hook and our loop
    assert "仍显示上一版" in output and "Traceback" not in output
