"""`jxjy serve`: a local preview that shows a saved record within seconds and ends up as `jxjy build` makes it.

On start the preview is a normal `jxjy build` (generator.site.build.build) into build/preview, served
by a small HTTP server of our own on 127.0.0.1. When record files change, the fast path validates the
repository (check_repository: its cache makes an unchanged record cost a stat) and, if it is valid,
pours just the pages that show the changed records (pages.record_pages) into the shells the last
build kept (stream.kept_shell), then starts `jxjy build` into the same folder in the background;
its swap leaves the preview exactly what `jxjy build` makes. A change of docs/ or mkdocs.yml goes
straight to that rebuild. A change that does not validate is shown on the console and in a banner
on every page, and the last good pages stay; a newer change stops a rebuild still running, so an
older site never replaces newer pages.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from generator.errors import JxjyError
from generator.examine import examine_one, record_of
from generator.output import render_text
from generator.records import KINDS, RecordSet, find_records, read_record, require_records
from generator.schemas import SchemaSet
from generator.site import pages
from generator.site.context import SiteContext
from generator.site.history import history
from generator.site.render import Fragment
from generator.site.settings import settings
from generator.site.stream import STREAM, kept_shell, pour
from generator.validate import check_report, check_repository

PREVIEW = Path("build") / "preview"  # marked like site/ (build.SITE_MARKER): only jxjy replaces it
POLL_SECONDS = 0.3
# Served beside the site, never written into it: the page's version, and the script that reloads
# the page when it changes. Nothing from a record reaches either.
VERSION_URL = "/.jxjy-preview/version"
RELOAD_URL = "/.jxjy-preview/reload.js"
RELOAD_SCRIPT = b"""(function () {
  var seen = document.currentScript.getAttribute("data-version");
  setInterval(function () {
    fetch("/.jxjy-preview/version", {cache: "no-store"})
      .then(function (answer) { return answer.text(); })
      .then(function (version) { if (version !== seen) { location.reload(); } })
      .catch(function () {});
  }, 1000);
})();
"""
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".gz": "application/gzip",
         ".csv": "text/csv; charset=utf-8",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".pdf": "application/pdf", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2"}


STARTING = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>正在生成预览</title></head>'
            '<body><p>正在生成预览网站，完成后本页自动刷新。</p></body></html>').encode()


class PreviewError(JxjyError):
    """The preview cannot start (its port is taken)."""


class _State:
    """What the request threads read: the folder, the pages' version and the problems to show."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ready = False  # until the first build is in the folder: 503, 正在生成
        self.version = 0
        self.problems = ""  # the text of the last change's errors; "" while the pages are current

    def published(self) -> None:
        self.version += 1
        self.problems = ""


class _Handler(SimpleHTTPRequestHandler):
    """Files of the preview folder only: no listing, no path out of it; 404.html for what is not there."""

    state: _State  # set on the subclass that serve() makes

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the console is for the clerk's errors, not for every request

    def _answer(self, *, body: bool) -> None:
        path = urlsplit(self.path).path
        if path == VERSION_URL:
            return self._send(HTTPStatus.OK, "text/plain; charset=utf-8", str(self.state.version).encode(), body)
        if path == RELOAD_URL:
            return self._send(HTTPStatus.OK, TYPES[".js"], RELOAD_SCRIPT, body)
        if not self.state.ready:  # with the first build's errors, if it failed, and the reload script
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, TYPES[".html"], self._decorate(STARTING), body)
        folder = self.state.folder.resolve()
        target = _inside(folder, unquote(path))
        if target is not None and target.is_dir():
            if not path.endswith("/"):  # directory URLs: relative links on the page need the slash
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = _inside(folder, unquote(path) + "index.html")
        status = HTTPStatus.OK
        if target is None or not target.is_file():
            status, target = HTTPStatus.NOT_FOUND, folder / "404.html"
        try:
            content = target.read_bytes()
        except OSError:  # between a rebuild's swap and its removal of the old folder
            status, target, content = HTTPStatus.NOT_FOUND, target.with_suffix(".txt"), "找不到该页面".encode()
        kind = TYPES.get(target.suffix, "application/octet-stream")
        if target.suffix == ".html":
            content = self._decorate(content)
        return self._send(status, kind, content, body)

    def _decorate(self, page: bytes) -> bytes:
        """The page with the reload script and, while the last change has errors, a banner of them."""
        state = self.state
        script = f'<script src="{RELOAD_URL}" data-version="{state.version}"></script>'
        text = page.decode("utf-8", errors="replace")
        if state.problems:
            heading = "预览未更新：改动未通过校验，仍显示上一版。" if state.ready else "预览网站未能生成："
            banner = ('<div role="alert" style="background:#fdecea;color:#611a15;border-bottom:2px solid #b3261e;'
                      'padding:.75rem 1rem;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere">'
                      f'<strong>{heading}</strong>\n'
                      f'{html.escape(_first_lines(state.problems))}</div>')
            start = text.find(">", text.find("<body")) + 1 if "<body" in text else 0
            text = text[:start] + banner + text[start:]
        end = text.rfind("</body>")
        text = text[:end] + script + text[end:] if end >= 0 else text + script
        return text.encode("utf-8")

    def _send(self, status: HTTPStatus, kind: str, content: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")  # a preview page is never stale in the browser
        self.end_headers()
        if body:
            self.wfile.write(content)


BANNER_LINES = 20  # a change with hundreds of errors keeps the page readable: the console has them all


def _first_lines(text: str) -> str:
    lines = text.splitlines()
    if len(lines) <= BANNER_LINES:
        return text
    return "\n".join([*lines[:BANNER_LINES], f"……另有 {len(lines) - BANNER_LINES} 行，见控制台"])


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a request still open never holds up the end of the preview

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that went away is no error
            super().handle_error(request, client_address)


def _inside(folder: Path, path: str) -> Path | None:
    """The file that URL path `path` names in `folder`, or None when it would lead out of it
    (`..`, an absolute path, a symlink to elsewhere, a NUL)."""
    if "\0" in path or "\\" in path:
        return None
    try:
        target = (folder / path.lstrip("/")).resolve()
    except (OSError, RuntimeError):
        return None
    return target if target == folder or target.is_relative_to(folder) else None


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under records/ and docs/ and of mkdocs.yml, by path relative to
    root; a file that vanishes between its listing and its stat (a save in progress) is not there yet."""
    found: dict[str, tuple[int, int]] = {}
    for rel, entry in _files(root, ["records", "docs"]):
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        found[rel] = (stat.st_mtime_ns, stat.st_size)
    try:
        stat = (root / "mkdocs.yml").stat()
        found["mkdocs.yml"] = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        pass
    return found


def _files(root: Path, folders: list[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
    pending = list(folders)
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(root / rel))
        except OSError:
            continue
        for entry in entries:
            child = f"{rel}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append(child)
            else:
                yield child, entry


def _record_files(changed: set[str]) -> bool:
    """Whether every changed path is a record file: records/<kind>/<id>.yaml."""
    def one(rel: str) -> bool:
        parts = rel.split("/")
        return len(parts) == 3 and parts[0] == "records" and parts[1] in KINDS and parts[2].endswith(".yaml")
    return all(one(rel) for rel in changed)


class _Preview:
    """The preview folder kept up to date: fast single pages, then a full rebuild behind them."""

    def __init__(self, root: Path, state: _State, *, as_of: date, cache_dir: Path, echo: Callable[[str], None]) -> None:
        self.root, self.state, self.as_of, self.cache_dir, self.echo = root, state, as_of, cache_dir, echo
        self.shells: dict[str, str] = {}
        self.history = history(root)  # changes with commits, not with saves; the rebuild refreshes pages
        self.rebuild: subprocess.Popen[bytes] | None = None
        self.rebuild_log: IO[bytes] | None = None
        # the records as of the last fast path, kept so that the next one reads only what changed
        self.schemas = SchemaSet()
        self.records: RecordSet | None = None
        self.loader: threading.Thread | None = None
        self.unread: set[str] = set()  # record files changed since the kept records were read

    def keep_shells(self) -> None:
        """Read the shells the build that just finished kept (the next generate removes them)."""
        stream = self.root / STREAM
        self.shells = {kind: kept_shell(stream, kind).read_text(encoding="utf-8")
                       for kind in KINDS if kept_shell(stream, kind).is_file()}

    def change(self, changed: set[str]) -> None:
        """React to the paths (relative to root) that were added, changed or removed."""
        self.stop_rebuild()  # it builds an older state: it must not swap in over the pages written now
        if self.state.ready and _record_files(changed) and all((self.root / rel).is_file() for rel in changed):
            try:
                if not self._fast(changed):
                    return  # nothing to rebuild until the records are valid again
            except (JxjyError, OSError) as exc:  # e.g. mkdocs.yml's settings, a file saved mid-read
                self.unread |= changed  # read again by the next fast path
                self._refuse(f"错误：{exc}")
                return
            self.start_rebuild()
        else:
            self.start_rebuild()
            self.preload()  # a deletion, an attachment, docs/: the kept records no longer hold

    def _fast(self, changed: set[str]) -> bool:
        """Validate; if valid, pour the pages showing the changed records into the preview folder."""
        started = time.monotonic()
        changed, self.unread = changed | self.unread, set()
        report, _ = check_report(self.root, as_of=self.as_of, cache_dir=self.cache_dir)
        if report.errors:
            self.unread = changed  # the kept records are read again once the repository is valid
            self._refuse(render_text(report.errors) + f"错误：记录有 {len(report.errors)} 个错误")
            return False
        records = self._records(changed)
        site = SiteContext(records, self.as_of, self.schemas, settings(self.root), self.history)
        written = 0
        for output in pages.record_pages(site, (r for r in records.all if r.path in changed)):
            kind, name = output.path.removesuffix(".md").split("/")
            if isinstance(output.content, Fragment) and kind in self.shells:
                _write(self.state.folder / kind / name / "index.html", pour(self.shells[kind], name, output.content))
                written += 1
        self.state.published()
        self.echo(f"已更新 {written} 个页面（{time.monotonic() - started:.1f} 秒），正在后台完整重新生成……")
        return True

    def preload(self) -> None:
        """Read the whole repository's records in the background, beside a rebuild, for the next fast
        path (at 10k bases that takes seconds, the rebuild a minute)."""
        self.records, self.unread = None, set()
        self.loader = threading.Thread(target=self._load, daemon=True)
        self.loader.start()

    def _load(self) -> None:
        try:
            self.records = check_repository(self.root, as_of=self.as_of, cache_dir=self.cache_dir,
                                            schemas=self.schemas).records
        except (JxjyError, OSError):
            self.records = None  # the fast path reads them itself, and reports why not

    def _records(self, changed: set[str]) -> RecordSet:
        """The valid repository's records after `changed`: those read before with the changed files read
        again, or the whole repository's if none were read."""
        if self.loader is not None:
            self.loader.join()
            self.loader = None
        if self.records is None:
            self.records = check_repository(self.root, as_of=self.as_of, cache_dir=self.cache_dir,
                                            schemas=self.schemas).records
        else:
            read = []
            for rel in sorted(changed):
                kind, raw = rel.split("/")[1], read_record(self.root / rel, rel)
                read.append(record_of(rel, kind, examine_one((rel, kind, raw), self.schemas)))
            self.records = self.records.replacing(read)
        return self.records

    def _refuse(self, text: str) -> None:
        self.state.problems = text
        self.echo(f"{text}（仍显示上一版）")

    def start_rebuild(self) -> None:
        """Run `jxjy build` into the preview folder in the background (the first build too)."""
        command = [sys.executable, "-P", "-m", "generator", "build", "--root", str(self.root),
                   "--as-of", self.as_of.isoformat(), "--site-dir", str(self.state.folder)]
        self.rebuild_log = tempfile.TemporaryFile()
        # its own process group: stopping it stops the engine and the indexer it runs too
        self.rebuild = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self.rebuild_log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        env={**os.environ, "JXJY_CACHE_DIR": str(self.cache_dir)})

    def poll_rebuild(self) -> None:
        """When the background rebuild has ended: take its site (it swapped itself in) or show why not."""
        if self.rebuild is None or self.rebuild.poll() is None:
            return
        code, log = self.rebuild.returncode, self._take_log()
        self.rebuild = None
        if code == 0:
            self.keep_shells()
            self.echo("已完整重新生成。" if self.state.ready else "预览网站已生成。")
            self.state.ready = True
            self.state.published()
        else:
            self._refuse(log.strip())

    def stop_rebuild(self) -> None:
        if self.rebuild is not None:
            try:
                os.killpg(self.rebuild.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.rebuild.wait()
            self.rebuild = None
            self._take_log()

    def _take_log(self) -> str:
        log, self.rebuild_log = self.rebuild_log, None
        if log is None:
            return ""
        with log:
            log.seek(0)
            return log.read().decode("utf-8", errors="replace")


def _write(path: Path, page: str) -> None:
    """Replace a page in one step: a request never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(page, encoding="utf-8")
    os.replace(scratch, path)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, *, as_of: date, port: int, echo: Callable[[str], None], cache_dir: Path | None = None) -> None:
    """Build the preview into build/preview, serve it on 127.0.0.1:`port` and keep it current until Ctrl+C or SIGTERM.

    Args:
        cache_dir: the validation cache; None: one for this session only, removed at the end.

    A first build that fails (records with errors) is shown like any later failure: the console and the
    page have the errors, and the next change builds again.

    Raises:
        RepositoryError: records/ is missing or holds no record.
        PreviewError: the port cannot be used.
    """
    root = root.resolve()
    require_records(find_records(root)[3], root)  # a wrong --root says so before any port is taken
    state = _State(root / PREVIEW)
    try:
        server = _Server(("127.0.0.1", port), type("Handler", (_Handler,), {"state": state}))
    except OSError as exc:  # bound before the build: a taken port fails at once
        raise PreviewError(f"无法在 127.0.0.1:{port} 上预览（{exc.strerror}）：请换一个端口（--port）") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    before = signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl+C, taking a running build down too
    with tempfile.TemporaryDirectory(prefix="jxjy-serve-") as scratch:
        preview = _Preview(root, state, as_of=as_of, cache_dir=cache_dir or Path(scratch), echo=echo)
        try:
            seen = _snapshot(root)  # before the build reads a file: a save from now on is never missed
            # the first build as every later one: in a process group of its own, so SIGTERM stops it at once
            preview.start_rebuild()
            preview.preload()
            echo(f"预览地址：http://127.0.0.1:{port}/  （Ctrl+C 结束）正在生成预览网站……")
            _watch(root, preview, seen)
        except KeyboardInterrupt:
            pass
        finally:
            preview.stop_rebuild()
            server.shutdown()
            server.server_close()
            signal.signal(signal.SIGTERM, before)


def _watch(root: Path, preview: _Preview, seen: dict[str, tuple[int, int]]) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        preview.poll_rebuild()
        now = _snapshot(root)
        if now != seen:
            changed = {rel for rel in now.keys() | seen.keys() if now.get(rel) != seen.get(rel)}
            seen = now
            preview.change(changed)
