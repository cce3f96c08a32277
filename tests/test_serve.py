"""`jxjy serve`: a saved record shows at once, an invalid one shows its error and keeps the last good
pages, the preview ends up as `jxjy build` makes it, and nothing outside the preview folder is served."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.site import pages
from generator.site.build import build
from generator.site.context import SiteContext
from generator.site.render import Fragment
from generator.site.serve import RELOAD_URL, VERSION_URL, _Handler, _Server, _State
from generator.site.settings import settings
from generator.site.stream import STREAM, kept_shell, pour
from generator.validate import check_repository

from helpers import AS_OF
from site_fixtures import copy_build_inputs, manifest, registry_settings, set_config

BASE = "records/bases/base-2020-002.yaml"
NAME = "name: 常州市中小学教师继续教育基地"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:  # 404, or 503 while the first build runs or has failed
        return f"{error.code} " + error.read().decode("utf-8")
    except OSError:
        return ""


def _wait(check: Callable[[], bool], seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


class _Serving:
    """`jxjy serve` on a copy of the build inputs, its console in a file (read while it runs)."""

    def __init__(self, root: Path, *, copied: bool = False) -> None:
        if not copied:
            copy_build_inputs(root)
        self.root, self.port, self.log = root, _free_port(), root.parent / "console.txt"
        with open(self.log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(self.port),
                 "--as-of", AS_OF.isoformat()], stdout=out, stderr=subprocess.STDOUT, text=True)
        self.url = f"http://127.0.0.1:{self.port}/bases/base-2020-002/"

    def console(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def edit(self, old: str, new: str, rel: str = BASE) -> None:
        path = self.root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.console()


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[_Serving]:
    preview = _Serving(tmp_path / "repo")
    try:
        assert _wait(lambda: "常州市中小学教师继续教育基地" in _fetch(preview.url)), "the preview did not start"
        yield preview
    finally:
        if preview.process.poll() is None:
            preview.stop()


def test_a_saved_record_shows_at_once_an_invalid_one_keeps_the_page_and_the_end_is_jxjy_build(
        serving: _Serving, tmp_path: Path) -> None:
    serving.edit("level: 市级", "level: 部级")
    located = "records/bases/base-2020-002.yaml:16:8: error: 「基地级别」取值「部级」无效"
    assert _wait(lambda: located in serving.console()), "the invalid edit was not reported"
    page = _fetch(serving.url)
    assert "预览未更新：改动未通过校验，仍显示上一版。" in page and located in page
    assert "常州市中小学教师继续教育基地</h1>" in page  # the last good page, under the banner
    path = serving.root / BASE
    path.write_text(path.read_text(encoding="utf-8").replace("level: 部级", "level: 市级").replace(
        NAME, NAME + "（预览）"), encoding="utf-8")
    assert _wait(lambda: "继续教育基地（预览）" in _fetch(serving.url)), "the fixed record was not shown"
    assert "预览未更新" not in _fetch(serving.url)
    assert "已更新 1 个页面" in serving.console()  # the fast path, before any rebuild
    assert _wait(lambda: "已完整重新生成。" in serving.console()), "the background rebuild did not finish"
    built = build(serving.root, as_of=AS_OF, site_dir=tmp_path / "site").site
    assert manifest(serving.root / "build" / "preview") == manifest(built)
    page = _fetch(serving.url)  # what the browser gets: the built page and the reload script
    # versions: 1 the first build, 2 the fast path's pages, 3 the rebuild behind them
    assert f'<script src="{RELOAD_URL}" data-version="3"></script></body>' in page
    assert _fetch(f"http://127.0.0.1:{serving.port}{VERSION_URL}") == "3"
    output = serving.stop()
    assert "仍显示上一版" in output and "Traceback" not in output


def test_a_bad_setting_is_shown_the_preview_recovers_and_sigterm_stops_a_rebuild(serving: _Serving) -> None:
    good = registry_settings()["correction_url"]
    set_config(serving.root, "correction_url", "javascript:alert(1)")
    assert _wait(lambda: "correction_url（纠错表单网址）必须是 http://" in serving.console())
    page = _fetch(serving.url)
    assert "预览未更新" in page and "在线纠错表单" in page  # the last good page, under the banner
    set_config(serving.root, "correction_url", good)
    assert _wait(lambda: "预览未更新" not in _fetch(serving.url)), "the preview did not recover"
    (serving.root / "docs" / "extra.md").write_text("# 新页面\n", encoding="utf-8")
    assert _wait(lambda: _rebuilding(serving.root)), "no rebuild started for a docs change"
    output = serving.stop()
    assert serving.process.returncode == 0 and "Traceback" not in output
    assert _fetch(serving.url) == ""  # the port is closed
    assert not _rebuilding(serving.root)  # the rebuild's process group went with it


def _rebuilding(root: Path) -> bool:
    found = subprocess.run(["pgrep", "-f", "--", f"generator build --root {root} "], capture_output=True, text=True)
    return bool(found.stdout.strip())


def test_records_with_errors_at_start_are_shown_and_the_preview_appears_once_they_are_fixed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    copy_build_inputs(root)
    path = root / BASE
    path.write_text(path.read_text(encoding="utf-8").replace("level: 市级", "level: 部级"), encoding="utf-8")
    preview = _Serving(root, copied=True)
    try:
        located = "records/bases/base-2020-002.yaml:16:8: error: 「基地级别」取值「部级」无效"
        assert _wait(lambda: located in preview.console()), "the first build's errors were not reported"
        page = _fetch(preview.url)
        assert page.startswith("503 ") and "预览网站未能生成：" in page and located in page
        preview.edit("level: 部级", "level: 市级")
        assert _wait(lambda: "常州市中小学教师继续教育基地</h1>" in _fetch(preview.url)), "the fixed records were not built"
        assert preview.process.poll() is None
    finally:
        output = preview.stop()
    assert "预览网站已生成。" in output and "Traceback" not in output


def test_a_taken_port_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    copy_build_inputs(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--root", str(tmp_path), "--port", str(port)],
                                    catch_exceptions=False)
    assert result.exit_code == 2
    assert f"无法在 127.0.0.1:{port} 上预览" in result.stderr and "请换一个端口（--port）" in result.stderr
    assert not (tmp_path / "build").exists()


# -- the HTTP server alone, on a folder made here -----------------------------------------------

@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, _State]]:
    folder = tmp_path / "preview"
    (folder / "assets").mkdir(parents=True)
    (folder / "page").mkdir()
    (folder / "index.html").write_text("<html><body><p>首页</p></body></html>", encoding="utf-8")
    (folder / "page" / "index.html").write_text("<html><body class='x'><p>页面</p></body></html>", encoding="utf-8")
    (folder / "404.html").write_text("<html><body><p>找不到页面</p></body></html>", encoding="utf-8")
    (folder / "assets" / "site.css").write_text("p{}", encoding="utf-8")
    (folder / "data.json").write_text("{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    state = _State(folder)
    state.ready = True
    httpd = _Server(("127.0.0.1", 0), type("Handler", (_Handler,), {"state": state}))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _get(address: str, path: str) -> tuple[int, str, str, str]:
    """Status, content type, Location and body of a raw GET (the path sent exactly as given)."""
    connection = http.client.HTTPConnection(address, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        return response.status, response.getheader("Content-Type", ""), response.getheader("Location", ""), body
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/../../secret.txt",
                                  "/link.txt", "//" + "/".join([".."] * 8) + "/etc/passwd", "/%00", "/..\\secret.txt"])
def test_nothing_outside_the_preview_folder_is_served(server: tuple[str, _State], path: str) -> None:
    status, kind, _, body = _get(server[0], path)
    assert (status, kind) == (404, "text/html; charset=utf-8")
    assert "找不到页面" in body and "SECRET" not in body and "root:" not in body


def test_files_pages_and_folders_are_answered_as_a_web_server_would(server: tuple[str, _State]) -> None:
    address, _ = server
    assert _get(address, "/assets/site.css")[:2] == (200, "text/css; charset=utf-8")
    assert _get(address, "/data.json")[:2] == (200, "application/json")
    assert _get(address, "/page")[:3] == (301, "", "/page/")  # directory URLs end with a slash
    status, kind, _, body = _get(address, "/page/")
    assert (status, kind) == (200, "text/html; charset=utf-8") and "页面" in body
    status, _, _, body = _get(address, "/assets/")  # a folder without index.html is not listed
    assert status == 404 and "site.css" not in body


def test_while_the_first_build_runs_every_page_says_so(server: tuple[str, _State]) -> None:
    address, state = server
    state.ready = False
    status, kind, _, body = _get(address, "/page/")
    assert (status, kind) == (503, "text/html; charset=utf-8") and "正在生成预览网站" in body


def test_the_banner_shows_the_errors_escaped_and_the_script_reloads_on_a_new_version(
        server: tuple[str, _State]) -> None:
    address, state = server
    state.problems = 'records/bases/b.yaml:1:1: error: 「名称」<script>alert(1)</script> [x]'
    body = _get(address, "/page/")[3]
    assert body.startswith("<html><body class='x'><div role=\"alert\"")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    assert body.endswith(f'<script src="{RELOAD_URL}" data-version="0"></script></body></html>')
    state.problems = "\n".join(f"第 {n} 行" for n in range(1, 31))
    body = _get(address, "/page/")[3]
    assert "第 20 行\n……另有 10 行，见控制台</div>" in body and "第 21 行" not in body
    state.published()
    body = _get(address, "/page/")[3]
    assert 'role="alert"' not in body and 'data-version="1"' in body
    assert _get(address, VERSION_URL)[1:] == ("text/plain; charset=utf-8", "", "1")
    script = _get(address, RELOAD_URL)
    assert script[:2] == (200, "text/javascript; charset=utf-8") and VERSION_URL in script[3]


# -- the fast path's pages are the build's, byte for byte -----------------------------------------

def test_every_record_page_poured_alone_is_the_page_the_build_wrote(hostile_site: Path) -> None:
    """On the payload-laden sample: each record's pages from pages.record_pages, poured into the kept
    shells, equal the built site's files (the fast path writes nothing a full build would not)."""
    root = hostile_site.parent
    result = check_repository(root, as_of=AS_OF)
    site = SiteContext(result.records, AS_OF, result.schemas, settings(root), {}, result.lifecycles)
    compared = 0
    for record in result.records.valid():
        for output in pages.record_pages(site, [record]):
            kind, name = output.path.removesuffix(".md").split("/")
            assert isinstance(output.content, Fragment)
            shell = kept_shell(root / STREAM, kind).read_text(encoding="utf-8")
            built = (hostile_site / kind / name / "index.html").read_text(encoding="utf-8")
            assert pour(shell, name, output.content) == built, output.path
            compared += 1
    assert compared > len(list(result.records.valid("bases")))


def test_an_item_of_a_notice_re_renders_the_notice_page_and_a_notice_its_bases(hostile_site: Path) -> None:
    root = hostile_site.parent
    result = check_repository(root, as_of=AS_OF)
    site = SiteContext(result.records, AS_OF, result.schemas, settings(root), {}, result.lifecycles)
    item = next(r for r in result.records.valid("bases") if result.records.notice_of(r) is not None)
    notice = result.records.notice_of(item)
    assert notice is not None
    assert [o.path for o in pages.record_pages(site, [item])] == [site.page_of(item), site.page_of(notice)]
    shown = {o.path for o in pages.record_pages(site, [notice])}
    assert {site.page_of(notice), site.page_of(item)} <= shown
