"""`make bench`: issue 15's performance targets (README, 性能), measured in one run on this machine.

For each size N (the training bases handed to synth.write_repository; the other kinds follow) the
harness builds a throwaway repository in a work folder and measures, each command in its own process
and only through the CLI (`jxjy validate`, `jxjy build`, `jxjy serve`):

* validation, --pairs times: a cold run (caches cleared) then check-jsonschema over the same files and
  schemas (a pair), a run with nothing changed, and a run after `synth.touch_linked` moved a date a
  cross-record rule reads; the next cold run checks the same records, so its diagnostics are compared
  with the incremental run's;
* builds: a full build (site/, build/ and caches removed); at the size standing for 10k, --pairs rounds
  of a build after `synth.touch_one`, a full build of the same records (its site compared file by file
  with the incremental one) and Hugo rendering as many pages with a bare template; then the preview
  (serve_rebuild.measure_preview: record saved -> page served);
* the reader side at the size standing for 50k: the site's size and file count, and the bytes one search
  for a two-character word fetches (headless Chromium through Playwright, counted at the server).

Ratios are the median of each pair's ratio (A B A B). Time is wall-clock from spawn to exit. Memory is
the peak of the command's process tree: the sum of the resident sizes of its live processes, sampled
every 50 ms, and never less than the largest single process (ru_maxrss from wait4).

Each missed target is run once more under cProfile (or broken down: site/ by folder, a search by file)
into profile-<target>-<N>.txt beside --out. A step that fails or runs past --timeout is reported with
its exit code and the first lines of its output, and the run goes on. The Markdown report goes to
stdout and --out; --readme replaces the table in README's 性能 section.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))  # synth.py sits beside this file

KINDS = {"organizations": "organization", "notices": "notice", "bases": "base", "evaluations": "evaluation", "revocations": "revocation",
         "circulars": "circular", "commendations": "commendation", "plans": "plan", "policies": "policy"}
DEFAULT_AS_OF = date(2026, 11, 26)  # the day the tests pin (tests/conftest.py)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
# Where a content-keyed validation cache may live; the generator's own source is searched too.
CACHE_CANDIDATES = (".jxjy-cache", ".cache", "build/cache", ".xdg-cache")
# Pagefind writes these gzip-compressed; a server sends them as they are on disk.
PRECOMPRESSED = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")
# Types a server gzips (level 6); anything else (images, fonts, xlsx) goes out as it is.
TEXT_TYPES = (".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".csv", ".map", ".ics",
              ".webmanifest", ".ico")
SAMPLE_SECONDS = 0.05
MB = 1024 * 1024

# -- running one command ---------------------------------------------------------------------------

@dataclass
class Run:
    """One measured command (or a batch of them, summed)."""

    label: str
    seconds: float = 0.0
    peak_kb: int = 0  # peak of the process tree
    rc: int | None = 0
    error: str = ""  # set when the command failed or timed out
    phases: dict[str, list[float]] = field(default_factory=dict)  # name -> [first seen, last seen] (s)
    phase_peak_kb: dict[str, int] = field(default_factory=dict)  # name -> peak of its processes ("jxjy": the rest)
    count: int = 1  # processes run (batches)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024

    def add(self, other: Run) -> None:
        """Fold a further batch into this one: times add up, memory is the larger peak."""
        self.seconds += other.seconds
        self.peak_kb = max(self.peak_kb, other.peak_kb)
        if other.error and not self.error:
            self.rc, self.error = other.rc, other.error


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, session id, resident pages) for every process we can read."""
    table: dict[int, tuple[int, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        rest = raw[raw.rfind(b")") + 2:].split()
        table[int(entry.name)] = (int(rest[1]), int(rest[3]), int(rest[21]))
    return table


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _phase(cmdline: str) -> str | None:
    if re.search(r"-m (mkdocs|properdocs) build", cmdline):
        return "mkdocs"
    if "pagefind" in cmdline:
        return "pagefind"
    if re.search(r"(^|/)git ", cmdline):
        return "git"
    return None


def _head(*paths: Path, lines: int = 6) -> str:
    text = ""
    for path in paths:
        try:
            text += path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    # a Python crash says what went wrong at its end
    return "\n".join(kept[-lines:] if "Traceback (most recent call last)" in text else kept[:lines])


def measure(label: str, command: Sequence[str | Path], *, cwd: Path, env: dict[str, str], timeout: float,
            logs: Path) -> Run:
    """Run `command`, return its wall time and the peak memory of its process tree.

    The child leads its own session, so the sampler finds every descendant by session id and a
    timeout kills the whole tree. A thread reaps the child with wait4 at the moment it exits.
    """
    logs.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", label)
    out, err = logs / f"{stem}.out", logs / f"{stem}.err"
    reaped: dict[str, Any] = {}
    done = threading.Event()
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen([str(part) for part in command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr, start_new_session=True)

    def reap() -> None:
        _, status, usage = os.wait4(proc.pid, 0)
        reaped.update(end=time.perf_counter(), status=status, usage=usage)
        done.set()

    threading.Thread(target=reap, name=f"reap-{proc.pid}", daemon=True).start()
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    peak = 0
    names: dict[int, str | None] = {}
    phases: dict[str, list[float]] = {}
    phase_peak: dict[str, int] = {}
    timed_out = False
    while not done.wait(SAMPLE_SECONDS):
        now = time.perf_counter() - start
        if now > timeout:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            done.wait()
            break
        tree = {pid: row for pid, row in _proc_table().items() if row[1] == proc.pid}
        peak = max(peak, sum(row[2] for row in tree.values()) * page_kb)
        by_phase: dict[str, int] = {}
        for pid, row in tree.items():
            if pid not in names:
                names[pid] = _phase(_cmdline(pid))
            name = names[pid]
            if name:
                phases.setdefault(name, [now, now])[1] = now
            by_phase[name or "jxjy"] = by_phase.get(name or "jxjy", 0) + row[2] * page_kb
        for name, kb in by_phase.items():
            phase_peak[name] = max(phase_peak.get(name, 0), kb)
    proc.returncode = os.waitstatus_to_exitcode(reaped["status"])  # reaped above: Popen must not wait
    run = Run(label, reaped["end"] - start, max(peak, reaped["usage"].ru_maxrss), proc.returncode, phases=phases,
              phase_peak_kb=phase_peak)
    if timed_out:
        run.error = f"超时（>{timeout:g} s，已终止）"
        run.rc = None
    elif run.rc != 0:
        run.error = f"失败（退出码 {run.rc}）\n{_head(err, out)}"
    return run


# -- the work folder -------------------------------------------------------------------------------

def jxjy_command() -> list[str]:
    script = Path(sys.executable).parent / "jxjy"
    if script.is_file():
        return [str(script)]
    found = shutil.which("jxjy")
    return [found] if found else [sys.executable, "-m", "generator"]


def check_jsonschema_command() -> list[str]:
    script = Path(sys.executable).parent / "check-jsonschema"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "check_jsonschema"]


def prepare(work: Path, bases: int, seed: int, use_git: bool) -> dict[str, int]:
    """A fresh repository in `work`: what `jxjy build` reads from the project, plus synthetic records."""
    import synth

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "docs", work / "docs")
    # mkdocs.yml names the theme's custom_dir and its hooks under generator/, relative to itself
    (work / "generator").symlink_to(REPO / "generator", target_is_directory=True)
    counts = dict(synth.write_repository(work, bases, seed=seed))
    if use_git and shutil.which("git"):
        # One commit, so record pages carry a history entry as they do in the real repository.
        env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+08:00",
               "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+08:00"}
        for command in (["init", "-q", "-b", "main"], ["add", "-A", "records"], ["commit", "-q", "-m", "Add records"]):
            subprocess.run(["git", "-C", str(work), *command], env=env, check=True, capture_output=True)
    return counts


def racy_seconds() -> float:
    try:
        from generator.examine import RACY_SECONDS
    except ImportError:
        return 0
    return float(RACY_SECONDS)


def cache_dirs(work: Path) -> list[Path]:
    """Folders a validation cache may use: the usual names, and any relative `...cache...` path
    written as a string in generator/ (so a cache added later is found without editing this file)."""
    names = set(CACHE_CANDIDATES)
    for source in (REPO / "generator").rglob("*.py"):
        names.update(re.findall(r"""["']([\w.-]*cache[\w./-]*)["']""", source.read_text(encoding="utf-8")))
    return [work / name for name in sorted(names) if name and not name.startswith("/") and ".." not in name]


def clear_caches(work: Path) -> list[str]:
    cleared = []
    for path in cache_dirs(work):
        if path.is_dir():
            shutil.rmtree(path)
            cleared.append(path.relative_to(work).as_posix())
        elif path.is_file():
            path.unlink()
            cleared.append(path.relative_to(work).as_posix())
    return cleared


def found_caches(work: Path) -> list[str]:
    """Cache-looking folders in `work` outside records/ and the site, to say in the notes."""
    skip = {"records", "site", "docs", ".git", "generator", "logs", "hugo"}
    found = []
    for path in work.rglob("*cache*"):
        rel = path.relative_to(work)
        if rel.parts[0] not in skip and not any(part.startswith(".site-") for part in rel.parts):
            found.append(rel.as_posix())
    return sorted(found)[:5]


def record_files(work: Path) -> dict[str, list[str]]:
    return {kind: sorted(p.relative_to(work).as_posix() for p in (work / "records" / kind).glob("*.yaml"))
            for kind in KINDS if (work / "records" / kind).is_dir()}


def arg_budget(env: dict[str, str]) -> int:
    """Bytes of file names one command line may carry: half of what execve allows beside the environment,
    so each batch is as large as is safe (every extra check-jsonschema start would count against it)."""
    room = os.sysconf("SC_ARG_MAX") - sum(len(k) + len(v) + 2 + 8 for k, v in env.items())
    return max(room // 2, 64 * 1024)


def batches(files: list[str], limit: int) -> Iterable[list[str]]:
    """`files` in order, split so that no batch's names (and their pointers) pass `limit` bytes."""
    batch: list[str] = []
    size = 0
    for name in files:
        cost = len(name.encode()) + 1 + 8
        if batch and size + cost > limit:
            yield batch
            batch, size = [], 0
        batch.append(name)
        size += cost
    if batch:
        yield batch


# -- the anchors -----------------------------------------------------------------------------------

def run_check_jsonschema(work: Path, env: dict[str, str], timeout: float, logs: Path) -> Run:
    """check-jsonschema over every record file with its kind's schema (relative $refs resolve
    against the schema file), one invocation per kind and argument batch, times summed."""
    total = Run("check-jsonschema", count=0)
    deadline = time.perf_counter() + timeout
    limit = arg_budget(env)
    for kind, files in record_files(work).items():
        schema = REPO / "schema" / f"{KINDS[kind]}.schema.json"
        for number, batch in enumerate(batches(files, limit)):
            total.count += 1
            left = deadline - time.perf_counter()
            if left <= 0:
                total.error, total.rc = f"超时（>{timeout:g} s）", None
                return total
            total.add(measure(f"check-jsonschema-{kind}-{number}",
                              [*check_jsonschema_command(), "--schemafile", schema, *batch],
                              cwd=work, env=env, timeout=left, logs=logs))
    return total


HUGO_CONFIG = """\
baseURL = "http://127.0.0.1/"
languageCode = "zh-cn"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                   '<body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}
HUGO_PARAGRAPH = ("常州市人力资源和社会保障局认定该单位为专业技术人员继续教育基地。基地应当按照有关规定"
                  "开展继续教育培训，规范学时认定和档案管理，每年报送培训工作总结。")


def run_hugo(work: Path, pages: int, env: dict[str, str], timeout: float, logs: Path) -> tuple[Run, int]:
    """Hugo with a bare template rendering `pages` HTML pages (the home list and pages - 1 single
    pages). Writing the content is not timed. Returns the run and the HTML files Hugo wrote."""
    site = work / "hugo"
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "content").mkdir()
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    for number in range(1, max(pages, 2)):
        (site / "content" / f"p{number:06d}.md").write_text(
            f'---\ntitle: "第 {number} 号公告"\n---\n\n{HUGO_PARAGRAPH}\n', encoding="utf-8")
    hugo_env = {**env, "HUGO_CACHEDIR": str(site / ".hugo-cache")}
    run = measure("hugo", ["hugo", "--quiet", "--source", site, "--destination", site / "public"],
                  cwd=site, env=hugo_env, timeout=timeout, logs=logs)
    written = sum(1 for _ in (site / "public").rglob("*.html")) if (site / "public").is_dir() else 0
    return run, written


# -- the reader side -------------------------------------------------------------------------------

@functools.cache
def wire_bytes(path: Path) -> int:
    """What a server sends for `path`: gzip level 6 for text, Pagefind's files and binaries as they are."""
    data = path.read_bytes()
    if path.name.endswith(PRECOMPRESSED) or path.suffix.lower() not in TEXT_TYPES:
        return len(data)
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def site_file(site: Path, url_path: str) -> Path | None:
    rel = unquote(urlsplit(url_path).path).lstrip("/")
    path = site / rel
    if path.is_dir() or rel == "" or rel.endswith("/"):
        path = path / "index.html"
    try:
        path.resolve().relative_to(site.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


@dataclass
class Transfer:
    kb: float | None = None
    requests: int = 0
    note: str = ""
    files: list[tuple[str, float]] = field(default_factory=list)  # (path, KB) of each request

    def text(self) -> str:
        if self.kb is None:
            return self.note or "—"
        return f"{self.kb:.1f}（{self.requests} 个请求）" + (f" {self.note}" if self.note else "")


def _sum(site: Path, paths: Iterable[str]) -> Transfer:
    total, count, missing, files = 0, 0, [], []
    for url_path in paths:
        path = site_file(site, url_path)
        count += 1
        if path is None:
            missing.append(url_path)
        else:
            total += wire_bytes(path)
            files.append((url_path, wire_bytes(path) / 1024))
    return Transfer(total / 1024, count, f"（{len(missing)} 个 404）" if missing else "", files)


class _LoggingHandler(SimpleHTTPRequestHandler):
    log: list[str]

    def do_GET(self) -> None:
        self.log.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def browser_transfers(site: Path, query: str) -> dict[str, Transfer]:
    """Home, base list and one search in headless Chromium; the bytes are counted from the paths the
    server was asked for, so requests from Pagefind's worker count too. Each page gets a fresh
    context (nothing cached); a page that fails is reported in its cell and the others still run."""
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    handler = type("Handler", (_LoggingHandler,), {"log": requested})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, name="bench-site", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    results: dict[str, Transfer] = {}

    def open_page(browser: Any, path: str) -> Any:
        context = browser.new_context(locale="zh-CN")
        context.set_default_timeout(120_000)
        page = context.new_page()
        requested.clear()
        page.goto(base + path, wait_until="load")
        return page

    def search(browser: Any) -> None:
        page = open_page(browser, "search/")
        box = page.locator("input.pagefind-ui__search-input")
        box.wait_for()
        page.wait_for_load_state("networkidle")
        results["search_page"] = _sum(site, list(requested))
        mark = len(requested)
        box.fill(query)
        note = ""
        try:
            page.locator(".pagefind-ui__result-link").first.wait_for(timeout=60_000)
        except Exception:  # a search without results still cost bytes
            note = "（无结果）"
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # the fragments of the shown results load one after another
        page.wait_for_load_state("networkidle")
        results["search"] = _sum(site, requested[mark:])
        results["search"].note += note
        page.context.close()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for name, path in (("home", ""), ("list", "bases/")):
                    try:
                        page = open_page(browser, path)
                        page.wait_for_load_state("networkidle")
                        results[name] = _sum(site, list(requested))
                        page.context.close()
                    except Exception as exc:
                        results[name] = Transfer(note=f"失败：{type(exc).__name__}")
                try:
                    search(browser)
                except Exception as exc:
                    results["search"] = Transfer(note=f"失败：{type(exc).__name__}")
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
    return results


_TAGS = re.compile(r"<(link|script|img|source|table)\b[^>]*>", re.I)
_ATTR = re.compile(r"""(?<![\w-])(rel|href|src|data-rows)=["']([^"']*)["']""", re.I)
_LOADED_LINKS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest", "apple-touch-icon"}
_CSS_URLS = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


def _page_refs(html: str) -> Iterable[str]:
    """What the browser loads from a page: stylesheets, icons, preloads, scripts, images, and the rows
    site.js fetches for the base list (<table data-rows>)."""
    for tag in _TAGS.finditer(html):
        attrs = {name.lower(): value for name, value in _ATTR.findall(tag.group(0))}
        if tag.group(1).lower() == "table":
            if attrs.get("data-rows"):
                yield attrs["data-rows"]
        elif tag.group(1).lower() == "link":
            if set(attrs.get("rel", "").lower().split()) & _LOADED_LINKS and attrs.get("href"):
                yield attrs["href"]
        elif attrs.get("src"):
            yield attrs["src"]


def static_transfer(site: Path, page: str) -> Transfer:
    """Without a browser: the page, what its HTML loads by itself, and the url()s of those
    stylesheets, recursively. Misses whatever scripts fetch: an estimate."""
    base = "http://site/"
    start = urljoin(base, page)
    seen: set[str] = set()
    queue = [start]
    while queue:
        url = urlsplit(queue.pop())._replace(query="", fragment="").geturl()
        if url in seen or not url.startswith(base):
            continue
        path = site_file(site, urlsplit(url).path)
        if path is None:
            continue
        seen.add(url)
        if url == start:
            queue += [urljoin(url, ref) for ref in _page_refs(path.read_text(encoding="utf-8", errors="replace"))]
        elif path.suffix == ".css":
            for match in _CSS_URLS.finditer(path.read_text(encoding="utf-8", errors="replace")):
                ref = match.group(1) or match.group(2)
                if not ref.startswith("data:"):
                    queue.append(urljoin(url, ref))
    transfer = _sum(site, [urlsplit(url).path for url in seen])
    transfer.note = "（静态估算）"
    return transfer


def site_stats(site: Path) -> tuple[int, int, int]:
    """Total bytes, files and HTML pages under site/."""
    size = files = html = 0
    for path in site.rglob("*"):
        if path.is_file():
            size += path.stat().st_size
            files += 1
            html += path.suffix == ".html"
    return size, files, html


# -- one size --------------------------------------------------------------------------------------


@dataclass
class Result:
    size: int
    roles: frozenset[str] = frozenset()  # "small": the 10k rows; "large": the 50k rows
    counts: dict[str, int] = field(default_factory=dict)
    setup_error: str = ""
    series: dict[str, list[Run]] = field(default_factory=dict)  # what was run, in order, by kind of step
    pages: int | None = None
    hugo_pages: int | None = None
    site_bytes: int | None = None
    site_files: int | None = None
    transfers: dict[str, Transfer] = field(default_factory=dict)
    same_diagnostics: list[str] = field(default_factory=list)  # per comparison: "" when equal, else how not
    same_site: list[str] = field(default_factory=list)
    preview: Any = None  # serve_rebuild.Preview
    steps: list[tuple[str, float]] = field(default_factory=list)  # wall time of each step of the harness
    profiles: list[tuple[str, str]] = field(default_factory=list)  # (target, file name)
    top_dirs: list[tuple[str, int, int]] = field(default_factory=list)  # site/ folder, bytes, files
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    def add(self, key: str, run: Run) -> Run:
        self.series.setdefault(key, []).append(run)
        return run

    def ok(self, key: str) -> list[float]:
        return [run.seconds for run in self.series.get(key, []) if run.ok]

    def median(self, key: str) -> float | None:
        values = self.ok(key)
        return statistics.median(values) if values else None

    def pairs(self, a: str, b: str) -> list[tuple[float, float]]:
        """(a, b) seconds of the runs made one after the other, the i-th a with the i-th b; failed pairs left out."""
        return [(x.seconds, y.seconds) for x, y in zip(self.series.get(a, []), self.series.get(b, []), strict=False)
                if x.ok and y.ok and y.seconds > 0]

    def pair_ratio(self, a: str, b: str) -> float | None:
        ratios = [x / y for x, y in self.pairs(a, b)]
        return statistics.median(ratios) if ratios else None

    def peak_mb(self, key: str) -> float | None:
        peaks = [run.mb for run in self.series.get(key, []) if run.ok]
        return max(peaks) if peaks else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def output_of(run: Run, logs: Path) -> str:
    stem = re.sub(r"[^\w.-]+", "-", run.label)
    return "".join((logs / f"{stem}{ext}").read_text(encoding="utf-8", errors="replace")
                   for ext in (".out", ".err") if (logs / f"{stem}{ext}").is_file())


_DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: .*$", re.M)
_COUNTS = re.compile(r"(\d+) 个错误，(\d+) 个警告")


def diagnostics(text: str) -> list[str]:
    """What `jxjy validate` reported: its located lines and its error and warning counts, nothing else (a
    line on what an incremental run re-checked may differ between runs and is no diagnostic)."""
    return sorted(_DIAGNOSTIC.findall(text)) + [f"{e} 个错误，{w} 个警告" for e, w in _COUNTS.findall(text)]


def differences(first: list[str], second: list[str], limit: int = 3) -> str:
    """"" when equal, else the first lines only one side has."""
    if first == second:
        return ""
    only_first = [line for line in first if line not in set(second)][:limit]
    only_second = [line for line in second if line not in set(first)][:limit]
    return "；".join([*(f"仅增量：{line}" for line in only_first), *(f"仅冷校验：{line}" for line in only_second)]) \
        or "顺序或重复项不同"


def tree_hashes(site: Path) -> dict[str, str]:
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            found[path.relative_to(site).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def compare_trees(incremental: dict[str, str], full: dict[str, str], limit: int = 5) -> str:
    """"" when both trees hold the same files with the same bytes, else the first differences."""
    if incremental == full:
        return ""
    notes = [f"仅增量构建有 {name}" for name in sorted(incremental.keys() - full.keys())[:limit]]
    notes += [f"仅完整构建有 {name}" for name in sorted(full.keys() - incremental.keys())[:limit]]
    notes += [f"内容不同 {name}" for name in sorted(n for n in incremental.keys() & full.keys()
                                                     if incremental[n] != full[n])[:limit]]
    return "；".join(notes[:limit])


def clean_build(work: Path) -> None:
    """What a full build starts from: no site/, no build/ and no cache (the records stay)."""
    for name in ("site", "build"):
        shutil.rmtree(work / name, ignore_errors=True)
    for stale in work.glob(".site-*"):
        shutil.rmtree(stale, ignore_errors=True)
    clear_caches(work)


def roles(sizes: Sequence[int]) -> dict[int, frozenset[str]]:
    """The size that stands for 10k (10000 when measured, else the smallest) and for 50k (likewise)."""
    small = SMALL if SMALL in sizes else min(sizes)
    large = LARGE if LARGE in sizes else max(sizes)
    return {size: frozenset(role for role, chosen in (("small", small), ("large", large)) if chosen == size)
            for size in sizes}


class Harness:
    """One size: a throwaway repository and the steps measured on it."""

    def __init__(self, result: Result, work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
        self.result, self.work, self.env, self.args = result, work, env, args
        self.logs = work / "logs"
        self.as_of = ["--as-of", args.as_of.isoformat()]
        self.validate_cmd = [*jxjy_command(), "validate", "--root", work, *self.as_of]
        self.build_cmd = [*jxjy_command(), "build", "--root", work, *self.as_of]
        self.started = time.perf_counter()

    def step(self, key: str, command: Sequence[str | Path]) -> Run:
        label = f"{key}-{len(self.result.series.get(key, []))}"
        run = self.result.add(key, measure(label, command, cwd=self.work, env=self.env, timeout=self.args.timeout,
                                           logs=self.logs))
        log(f"[{self.result.size}] {label}: {run.seconds:.2f} s, {run.mb:.0f} MB" +
            (f" — {run.error.splitlines()[0]}" if run.error else ""))
        return run

    def stage(self, name: str, action: Callable[[], None]) -> None:
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
        self.result.steps.append((name, seconds))
        log(f"[{self.result.size}] {name}：{seconds:.1f} s（本规模累计 {time.perf_counter() - self.started:.0f} s）")

    # -- validation: pairs of a cold run and check-jsonschema, then nothing changed and one change --------

    def validation(self) -> None:
        import synth

        r, args = self.result, self.args
        previous: list[str] | None = None
        for i in range(args.pairs):
            clear_caches(self.work)
            cold = self.step("cold", self.validate_cmd)
            if previous is not None:
                r.same_diagnostics.append(differences(previous, diagnostics(output_of(cold, self.logs))))
            if i == 0 and (caches := found_caches(self.work)):
                r.notes.append(f"冷校验后的缓存（冷校验前清空）：{', '.join(caches)}")
            if not args.skip_anchors:
                run = self.result.add("cjs", run_check_jsonschema(self.work, self.env, args.timeout, self.logs))
                log(f"[{r.size}] check-jsonschema: {run.seconds:.2f} s（{run.count} 次启动）" +
                    (f" — {run.error.splitlines()[0]}" if run.error else ""))
            self.step("warm", self.validate_cmd)
            changed = synth.touch_linked(self.work)
            if i == 0:
                r.notes.append(f"「改动一条」每次把 {Path(changed).relative_to(self.work).as_posix()} 的「评估日期」"
                               "提前一天（基地历程规则 base-event-order 读它）")
            one = self.step("one", self.validate_cmd)
            previous = diagnostics(output_of(one, self.logs))
        clear_caches(self.work)
        final = self.step("cold_check", self.validate_cmd)
        if previous is not None:
            r.same_diagnostics.append(differences(previous, diagnostics(output_of(final, self.logs))))

    # -- builds: the full build, Hugo, and a build after one change ----------------------------------------

    def builds(self) -> None:
        import synth

        r, args = self.result, self.args
        clean_build(self.work)
        first = self.step("full", self.build_cmd)
        site = self.work / "site"
        if not first.ok or not site.is_dir():
            return
        r.site_bytes, r.site_files, r.pages = site_stats(site)
        r.top_dirs = site_folders(site)
        if "small" not in r.roles:
            return
        for _ in range(args.pairs):
            synth.touch_one(self.work)
            incremental = self.step("incremental", self.build_cmd)
            after = tree_hashes(site) if incremental.ok else None
            clean_build(self.work)
            full = self.step("full", self.build_cmd)
            if after is not None and full.ok:
                r.same_site.append(compare_trees(after, tree_hashes(site)))
            if not args.skip_anchors:
                self.hugo()

    def hugo(self) -> None:
        r = self.result
        if not shutil.which("hugo"):
            r.add("hugo", Run("hugo", rc=None, error="未安装 hugo（apt-get install -y hugo）"))
            return
        run, r.hugo_pages = run_hugo(self.work, r.pages or 2, self.env, self.args.timeout, self.logs)
        r.add("hugo", run)
        log(f"[{r.size}] hugo: {run.seconds:.2f} s（{r.hugo_pages} 页）" + (f" — {run.error}" if run.error else ""))

    def preview(self, profile: Path | None = None) -> Any:
        from serve_rebuild import measure_preview

        preview = measure_preview(self.work, env=self.env, timeout=self.args.timeout, edits=self.args.pairs,
                                  logs=self.logs / ("serve-profile" if profile else "serve"),
                                  as_of=self.args.as_of.isoformat(), profile=profile)
        log(f"[{self.result.size}] 预览：{preview_text(preview)}")
        return preview

    def reader(self) -> None:
        r, site, args = self.result, self.work / "site", self.args
        if not site.is_dir():
            return
        if args.skip_browser or "large" not in r.roles:
            r.transfers = {"home": static_transfer(site, ""), "list": static_transfer(site, "bases/")}
        elif not CHROMIUM.is_file():
            r.transfers = {"search": Transfer(note=f"{CHROMIUM} 不存在")}
        else:
            try:
                r.transfers = browser_transfers(site, args.query)
            except Exception as exc:
                r.notes.append(f"浏览器测量失败：{type(exc).__name__}: {str(exc).splitlines()[0]}")
        log(f"[{r.size}] 站点 {(r.site_bytes or 0) / MB:.1f} MB，{r.site_files} 个文件；" +
            "，".join(f"{k} {v.text()}" for k, v in r.transfers.items()))

    # -- profiles of the targets missed at this size -------------------------------------------------------

    def profiles(self, missed: list[Row]) -> None:
        import synth

        size = self.result.size
        done: set[str] = set()

        def touch(action: Callable[[Path], object]) -> None:
            action(self.work)

        def cprofile(key: str, title: str, command: list[str | Path], prepare: Callable[[], None]) -> None:
            prepare()
            prof = self.logs / f"profile-{key}.prof"
            script = command[0]
            run = measure(f"profile-{key}", [sys.executable, "-m", "cProfile", "-o", prof, script, *command[1:]],
                          cwd=self.work, env=self.env, timeout=self.args.timeout, logs=self.logs)
            text = [f"# {title}（N={size}）：cProfile", "",
                    f"命令：{' '.join(str(c) for c in command[1:])}", f"墙钟 {run.seconds:.2f} s（在 cProfile 下，偏慢），"
                    f"进程树峰值 {run.mb:.0f} MB" + (f"；{run.error}" if run.error else ""), "",
                    "子进程阶段（首次到最后一次看到该进程，s）：" + (phase_text(run) or "无子进程阶段"),
                    "各阶段峰值内存（MB）：" + "，".join(f"{k} {v / 1024:.0f}" for k, v in run.phase_peak_kb.items()), ""]
            text += pstats_top(prof)
            self.write_profile(key, title, text)

        for row in missed:
            key = row.key.split("@")[0]
            if key in done:
                continue
            done.add(key)
            if key == "warm":
                cprofile("warm", row.title, self.validate_cmd, lambda: None)
            elif key == "one":
                cprofile("one", row.title, self.validate_cmd, lambda: touch(synth.touch_linked))
            elif key == "cjs":
                cprofile("cjs", row.title, self.validate_cmd, lambda: touch(clear_caches))
            elif key in ("hugo", "memory", "linear") and not done & {"build"}:
                done.add("build")
                titles = "、".join(r.title for r in missed if r.key.split("@")[0] in ("hugo", "memory", "linear"))
                cprofile("build", titles, self.build_cmd, lambda: clean_build(self.work))
            elif key == "incremental":
                cprofile("incremental", row.title, self.build_cmd, lambda: touch(synth.touch_one))
            elif key == "preview":
                prof = self.logs / "profile-preview.prof"
                preview = self.preview(profile=prof)
                text = [f"# {row.title}（N={size}）：cProfile（jxjy serve，SIGINT 停止）", "",
                        f"在 cProfile 下：{preview_text(preview)}", ""]
                self.write_profile("preview", row.title, text + pstats_top(prof))
            elif key == "site":
                text = [f"# {row.title}（N={size}）：site/ 各目录", "", "| 目录 | MB | 文件数 |", "|---|---:|---:|"]
                text += [f"| {name} | {b / MB:.1f} | {n} |" for name, b, n in self.result.top_dirs]
                self.write_profile("site", row.title, text)
            elif key == "search":
                search = self.result.transfers.get("search")
                text = [f"# {row.title}（N={size}）：搜索「{self.args.query}」取回的文件", "", "| 文件 | KB |", "|---|---:|"]
                text += [f"| {path} | {kb:.1f} |" for path, kb in (search.files if search else [])]
                self.write_profile("search", row.title, text)

    def write_profile(self, key: str, title: str, lines: list[str]) -> None:
        name = f"profile-{key}-{self.result.size}.txt"
        path = self.args.out.parent / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.result.profiles.append((title, name))
        log(f"[{self.result.size}] 剖析：{path}")


def preview_text(preview: Any) -> str:
    startup = f"{preview.startup:.1f} s" if preview.startup is not None else "—"
    edits = "、".join(f"{x:.2f}" for x in preview.edits) or "—"
    return f"启动 {startup}，改动后 {edits} s" + (f"（{preview.error}）" if preview.error else "")


def pstats_top(prof: Path, count: int = 30) -> list[str]:
    """The top of a cProfile file: by cumulative time, then by own time."""
    import io
    import pstats

    if not prof.is_file():
        return ["（没有剖析文件：命令未正常结束）"]
    lines = []
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(str(prof), stream=buffer)
        stats.strip_dirs().sort_stats(order).print_stats(count)
        lines += [f"## 按 {order} 排序的前 {count} 项", "", "```", *buffer.getvalue().strip().splitlines(), "```", ""]
    return lines


def site_folders(site: Path, count: int = 12) -> list[tuple[str, int, int]]:
    """The largest top-level folders of site/ (files directly in it count as "."): name, bytes, files."""
    sizes: dict[str, list[int]] = {}
    for path in site.rglob("*"):
        if path.is_file():
            rel = path.relative_to(site).parts
            entry = sizes.setdefault(rel[0] if len(rel) > 1 else ".", [0, 0])
            entry[0] += path.stat().st_size
            entry[1] += 1
    return sorted(((name, b, n) for name, (b, n) in sizes.items()), key=lambda item: -item[1])[:count]


def phase_text(run: Run | None) -> str:
    """validate+generate / engine / pagefind seconds, from when their processes were first and last seen."""
    if run is None or not run.ok or not run.phases:
        return ""
    parts = []
    if "mkdocs" in run.phases:
        parts.append(f"启动到引擎 {run.phases['mkdocs'][0]:.1f}")
        parts.append(f"引擎 {run.phases['mkdocs'][1] - run.phases['mkdocs'][0]:.1f}")
    if "pagefind" in run.phases:
        pf = run.phases["pagefind"]
        parts.append(f"pagefind {pf[1] - pf[0]:.1f}")
    return " / ".join(parts)


def bench_one(size: int, size_roles: frozenset[str], args: argparse.Namespace,
              results: list[Result]) -> Result:
    result = Result(size, size_roles)
    load = loadavg()
    work = args.work / f"n{size}"
    log(f"[{size}] 生成 {work} …")
    started = time.perf_counter()
    try:
        result.counts = prepare(work, size, args.seed, not args.no_git)
    except Exception as exc:  # the run goes on with the next size
        result.setup_error = f"生成记录失败：{type(exc).__name__}: {exc}"
        log(f"[{size}] {result.setup_error}")
        return result
    result.steps.append(("生成记录", time.perf_counter() - started))
    log(f"[{size}] {result.files} 个记录文件，用时 {time.perf_counter() - started:.1f} s")
    # The validator's cache goes into the work folder, where the cold run can clear it.
    env = {**os.environ, "JXJY_CACHE_DIR": str(work / ".jxjy-cache"), "XDG_CACHE_HOME": str(work / ".xdg-cache"),
           "NO_MKDOCS_2_WARNING": "1"}
    harness = Harness(result, work, env, args)
    # The cache trusts a file's stat only once it is a few seconds old (generator/examine.py); records in
    # a checkout are older than that, so let the freshly written ones age before the first run.
    time.sleep(racy_seconds() + 1)
    try:
        harness.stage("校验（冷 / check-jsonschema / 无改动 / 改一条）", harness.validation)
        if not args.skip_build:
            harness.stage("构建（完整 / 改一条 / Hugo）", harness.builds)
            harness.stage("读者侧", harness.reader)
            if "small" in size_roles and not args.skip_preview:
                def preview() -> None:
                    result.preview = harness.preview()
                harness.stage("预览", preview)
        if not args.no_profile:
            missed = [row for row in target_rows([*results, result], args)
                      if row.measured == size and row.ok is False]
            if missed:
                harness.stage("剖析未达标的目标", lambda: harness.profiles(missed))
    except Exception as exc:  # reported in the table; the next size still runs
        result.setup_error = f"测量中断：{type(exc).__name__}: {exc}"
        log(f"[{size}] {result.setup_error}")
    # Other work on the machine slows every figure: say how busy it was.
    result.notes.append(f"机器负载（1 分钟平均，{os.cpu_count()} 核）：开始 {load}，结束 {loadavg()}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


# -- the targets -----------------------------------------------------------------------------------

SMALL, LARGE = 10_000, 50_000
GB = 1024 ** 3


@dataclass
class Row:
    key: str
    title: str
    size: str  # the size the target names
    want: str
    measured: int | None = None  # the size it was measured at
    shown: str = "未测"
    ok: bool | None = None
    pairs: str = ""  # each pair's values, for the pairs section


def _median_text(pairs: list[tuple[float, float]]) -> str:
    return "，".join(f"{a:.2f}/{b:.2f}={a / b:.3g}" for a, b in pairs)


def target_rows(results: list[Result], args: argparse.Namespace) -> list[Row]:
    """Issue 15's table, each row with its value and verdict."""
    small = next((r for r in results if "small" in r.roles), None)
    large = next((r for r in results if "large" in r.roles), None)
    rows: list[Row] = []

    def row(key: str, title: str, size: str, want: str, result: Result | None, value: float | None,
            shown: str, ok: Callable[[float], bool], pairs: str = "") -> None:
        entry = Row(key, title, size, want)
        if result is not None and value is not None:
            entry.measured, entry.shown, entry.ok, entry.pairs = result.size, shown, ok(value), pairs
        elif result is not None:
            entry.measured, entry.shown = result.size, "未测（失败或跳过，见下文）"
        rows.append(entry)

    r = large
    v = r.median("warm") if r else None
    row("warm", "校验，无改动", "50k", "< 1 s", r, v, f"{v:.2f} s" if v is not None else "", lambda x: x < 1)
    v = r.median("one") if r else None
    same = r.same_diagnostics if r else []
    verdict = "诊断与冷校验相同" if same and not any(same) else "诊断与冷校验不同：" + next((d for d in same if d), "未比较")
    row("one", "校验，改动一条（影响跨记录规则）", "50k", "< 1 s，诊断与冷校验相同", r, v,
        f"{v:.2f} s；{verdict}（{len(same)} 次比较）" if v is not None else "",
        lambda x: x < 1 and bool(same) and not any(same))
    for result, label in ((small, "10k"), (large, "50k")):
        if result is large and small is large and label == "50k":
            continue
        v = result.pair_ratio("cold", "cjs") if result else None
        row(f"cjs@{label}", "冷校验 ÷ check-jsonschema（同样的文件和 schema）", label, "≤ 1/6", result, v,
            f"{v:.3f}" if v is not None else "", lambda x: x <= 1 / 6,
            _median_text(result.pairs("cold", "cjs")) if result else "")
    r = small
    full_hugo = r.pairs("full", "hugo")[0:] if r else []
    if r is not None:  # the first full build is the one before the pairs: pair the later ones with Hugo
        runs = [run for run in r.series.get("full", [])[1:]]
        hugos = r.series.get("hugo", [])
        full_hugo = [(a.seconds, b.seconds) for a, b in zip(runs, hugos, strict=False) if a.ok and b.ok and b.seconds]
    v = statistics.median([a / b for a, b in full_hugo]) if full_hugo else None
    pages = f"，{r.pages} 页" if r and r.pages else ""
    row("hugo", "完整构建 ÷ Hugo（页面数相同）", "10k", "≤ 3×", r, v, f"{v:.2f}×{pages}" if v is not None else "",
        lambda x: x <= 3, _median_text(full_hugo))
    incr: list[tuple[float, float]] = []
    if r is not None:
        fulls = r.series.get("full", [])[1:]
        incr = [(a.seconds, b.seconds) for a, b in zip(r.series.get("incremental", []), fulls, strict=False)
                if a.ok and b.ok and b.seconds]
    v = statistics.median([a / b for a, b in incr]) if incr else None
    same = r.same_site if r else []
    verdict = "网站与完整构建相同" if same and not any(same) else "网站与完整构建不同：" + next((d for d in same if d), "未比较")
    row("incremental", "改动一条后构建 ÷ 完整构建", "10k", "≤ 1/5，网站与完整构建相同", r, v,
        f"{v:.3f}；{verdict}（{len(same)} 次比较）" if v is not None else "",
        lambda x: x <= 1 / 5 and bool(same) and not any(same), _median_text(incr))
    edits = r.preview.edits if r and r.preview else []
    v = statistics.median(edits) if edits else None
    row("preview", "预览：保存记录 → 页面显示改动", "10k", "< 2 s", r if r and r.preview else None, v,
        f"{v:.2f} s（{'、'.join(f'{x:.2f}' for x in edits)}）" if v is not None else "", lambda x: x < 2)
    r = large
    v = r.peak_mb("full") if r else None
    row("memory", "构建峰值内存", "50k", "< 2 GB", r, v, f"{v:.0f} MB" if v is not None else "", lambda x: x < 2048)
    v = r.site_bytes if r else None
    files = r.site_files if r else None
    row("site", "site/ 大小和文件数", "50k", "< 1 GB 且 < 200 000 个文件", r, v,
        f"{(v or 0) / MB:.0f} MB，{files} 个文件" if v is not None else "",
        lambda x: x < GB and files is not None and files < 200_000)
    search = r.transfers.get("search") if r else None
    v = search.kb if search else None
    row("search", f"一次搜索两字词（「{args.query}」）的传输量", "50k", "< 300 KB", r, v,
        search.text() if search and v is not None else "", lambda x: x < 300)
    v = None
    both = small is not None and large is not None and small is not large
    if both:
        assert small is not None and large is not None
        a, b = large.median("full"), small.median("full")
        v = a / b if a is not None and b else None
    scale = f"（规模 ×{large.size / small.size:g}）" if both and small and large else ""
    row("linear", f"构建 50k ÷ 构建 10k{scale}", "×5", "≤ 5.5", large if both else None, v,
        f"{v:.2f}" if v is not None else "", lambda x: x <= 5.5)
    return rows


def _verdict(row: Row) -> str:
    if row.ok is None:
        return "—"
    text = "✅ 达标" if row.ok else "❌ 未达标"
    target = {"10k": SMALL, "50k": LARGE, "×5": LARGE}[row.size]
    return text if row.measured == target else f"{text}（在 N={row.measured} 测得，非目标规模）"


def targets_table(rows: list[Row]) -> list[str]:
    lines = ["| 目标 | 规模 | 要求 | 实测 | 结论 |", "|---|---|---|---|---|"]
    lines += [f"| {row.title} | {row.size} | {row.want} | {row.shown} | {_verdict(row)} |" for row in rows]
    return lines


# -- the report ------------------------------------------------------------------------------------

def _cell(result: Result, key: str) -> str:
    runs = result.series.get(key, [])
    if not runs:
        return "—"
    failed = [run for run in runs if not run.ok]
    median = result.median(key)
    text = f"{median:.2f}" if median is not None else ""
    if failed:
        text += f" **失败** {len(failed)} 次"
    return text.strip()


def _same(comparisons: list[str]) -> str:
    if not comparisons:
        return "—"
    return ("相同" if not any(comparisons) else next(d for d in comparisons if d)) + f"（{len(comparisons)} 次比较）"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    usable = len(os.sched_getaffinity(0))
    return (f"{cpu}，{usable} 核（共 {os.cpu_count()}），内存 {ram}；Python {platform.python_version()}；"
            f"{platform.system()} {platform.release()}")


def commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return head + ("（工作区有改动）" if dirty else "")


def versions() -> str:
    from importlib import metadata

    found = []
    for name in ("mkdocs", "mkdocs-material", "properdocs", "zensical", "pagefind", "check-jsonschema", "jsonschema"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    pagefind = REPO / "tools" / "pagefind" / "node_modules" / "pagefind" / "package.json"
    if pagefind.is_file():
        import json

        found.append(f"pagefind（npm）{json.loads(pagefind.read_text(encoding='utf-8')).get('version', '?')}")
    if shutil.which("hugo"):
        text = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
        found.append(f"hugo {text[1] if len(text) > 1 else '?'}")
    return "；".join(found)


def report(results: list[Result], rows: list[Row], args: argparse.Namespace, started: datetime) -> str:
    minutes = (datetime.now() - started).total_seconds() / 60
    lines = [
        "# 性能基准（make bench）",
        "",
        f"- 机器：{machine()}",
        f"- 软件：{versions()}",
        f"- 提交：{commit()}",
        f"- 运行：{started:%Y-%m-%d %H:%M}（用时 {minutes:.1f} 分钟）；`python tests/benchmarks/bench.py {' '.join(args.argv)}`",
        f"- 规模 N 为合成培训基地数（tests/benchmarks/synth.py，种子 {args.seed}），其余类别随之生成；"
        f"as-of {args.as_of.isoformat()}；每条命令超时 {args.timeout:g} s；每个比值测 {args.pairs} 对（A B A B），取各对比值的中位数。",
        "- 时间为墙钟秒数（启动进程到退出），只经命令行（jxjy validate / build / serve）测量；内存为命令进程树的峰值"
        "（同时存活进程的常驻内存之和，每 50 ms 采样，且不低于单个进程的 ru_maxrss）。「冷」为清空校验缓存后的运行"
        "（操作系统的文件缓存未清），「完整构建」前删除 site/、build/ 和缓存。",
        "",
        "## 目标",
        "",
        *targets_table(rows),
        "",
        "## 逐对测量",
        "",
        *[f"- {row.title}（N={row.measured}）：{row.pairs}" for row in rows if row.pairs],
        "",
        "## 校验",
        "",
        "| N | 记录文件 | 冷 s | 无改动 s | 改一条 s | 改一条 MB | check-jsonschema s | 冷 ÷ cjs（各对中位数） | 诊断相同 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = r.pair_ratio("cold", "cjs")
        one_mb = r.peak_mb("one")
        lines.append(f"| {r.size} | {r.files or '—'} | {_cell(r, 'cold')} | {_cell(r, 'warm')} | {_cell(r, 'one')} | "
                     f"{f'{one_mb:.0f}' if one_mb is not None else '—'} | {_cell(r, 'cjs')} | "
                     f"{f'{ratio:.3f}' if ratio is not None else '—'} | {_same(r.same_diagnostics)} |")
    lines += [
        "",
        "## 构建",
        "",
        "| N | 完整构建 s（中位数） | 峰值 MB | 阶段 s（首次完整构建） | 页面（.html） | Hugo s | 改一条后构建 s | 网站相同 |",
        "|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        peak = r.peak_mb("full")
        fulls = r.series.get("full", [])
        first = fulls[0] if fulls else None
        lines.append(f"| {r.size} | {_cell(r, 'full')} | {f'{peak:.0f}' if peak is not None else '—'} | "
                     f"{phase_text(first) or '—'} | {r.pages if r.pages is not None else '—'} | {_cell(r, 'hugo')} | "
                     f"{_cell(r, 'incremental')} | {_same(r.same_site)} |")
    lines += [
        "",
        "## 读者侧",
        "",
        f"传输量为 gzip（级别 6）后的字节数，Pagefind 的索引文件按磁盘大小（已压缩）计；搜索为在 search/ 输入"
        f"「{args.query}」后触发的请求（不含打开搜索页本身），由 Chromium 实测；其余规模为静态估算。",
        "",
        "| N | site/ MB | 文件数 | 首页 KB | 基地名录 KB | 搜索 KB | 打开搜索页 KB | 预览 |",
        "|---:|---:|---:|---|---|---|---|---|",
    ]
    for r in results:
        t = r.transfers

        def cell(key: str, t: dict[str, Transfer] = t) -> str:
            return t[key].text() if key in t else "—"

        preview = "—" if r.preview is None else preview_text(r.preview)
        lines.append(f"| {r.size} | {f'{r.site_bytes / MB:.1f}' if r.site_bytes is not None else '—'} | "
                     f"{r.site_files if r.site_files is not None else '—'} | {cell('home')} | {cell('list')} | "
                     f"{cell('search')} | {cell('search_page')} | {preview} |")
    profiles = [(r, title, name) for r in results for title, name in r.profiles]
    if profiles:
        lines += ["", "## 剖析（未达标的目标，各再运行一次）", ""]
        lines += [f"- N={r.size} {title}：[{name}]({name})" for r, title, name in profiles]
    failures = [(r, run) for r in results for runs in r.series.values() for run in runs if not run.ok]
    setup = [r for r in results if r.setup_error]
    if failures or setup:
        lines += ["", "## 失败", ""]
        lines += [f"- N={r.size}：{r.setup_error}" for r in setup]
        for r, run in failures:
            head, _, rest = run.error.partition("\n")
            lines.append(f"- N={r.size} {run.label}：{head}")
            if rest:
                lines += ["", "  ```", *(f"  {line}" for line in rest.splitlines()), "  ```", ""]
    lines += ["", "## 说明", ""]
    for r in results:
        counts = "、".join(f"{k} {v}" for k, v in r.counts.items())
        per_base = ""
        if r.counts.get("bases"):
            per_base = "；每个基地约 " + "、".join(
                f"{k} {r.counts[k] / r.counts['bases']:.2f}" for k in ("evaluations", "notices", "revocations")
                if k in r.counts)
        steps = "、".join(f"{name} {seconds:.0f} s" for name, seconds in r.steps)
        lines.append(f"- N={r.size}：各类记录 {counts}{per_base}；步骤用时：{steps}；" + "；".join(r.notes))
    lines.append("")
    return "\n".join(lines)


README_BEGIN, README_END = "<!-- bench:begin -->", "<!-- bench:end -->"


class ReadmeError(Exception):
    pass


def update_readme(readme: Path, rows: list[Row], started: datetime, out: Path) -> None:
    """Replace the table between the markers of README's 性能 section with this run's, naming its commit."""
    text = readme.read_text(encoding="utf-8")
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        raise ReadmeError(f"{readme} 中没有 {README_BEGIN} … {README_END} 标记")
    link = out.name
    try:
        link = out.resolve().relative_to(readme.resolve().parent).as_posix()
    except ValueError:
        pass
    table = [README_BEGIN, f"最近一次：{started:%Y-%m-%d}，提交 {commit()}，{machine()}（全文：[`{link}`]({link})）：",
             "", *targets_table(rows), ""]
    readme.write_text(text[:begin] + "\n".join(table) + text[end:], encoding="utf-8")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000",
                        help="comma-separated sizes N (synthetic training bases); default %(default)s")
    parser.add_argument("--pairs", type=int, default=3, help="A B pairs per ratio (the median is shown); default 3")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md",
                        help="the Markdown report; profiles go beside it")
    parser.add_argument("--readme", type=Path, nargs="?", const=REPO / "README.md", default=None,
                        help="also replace the table in README's 性能 section (default README.md)")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "work",
                        help="where the throwaway repositories go (one folder per size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF, help="passed to jxjy")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds per command (a 50k build may take tens of minutes); default %(default)s")
    parser.add_argument("--query", default="武进", help="the two-character word searched on search/")
    parser.add_argument("--skip-build", action="store_true", help="validation only (no build, Hugo, preview or reader side)")
    parser.add_argument("--skip-anchors", action="store_true", help="no check-jsonschema and no Hugo")
    parser.add_argument("--skip-browser", action="store_true",
                        help="estimate home and list bytes from the HTML instead of Chromium; no search")
    parser.add_argument("--skip-preview", action="store_true", help="no jxjy serve measurement")
    parser.add_argument("--no-profile", action="store_true", help="no profile runs for missed targets")
    parser.add_argument("--no-git", action="store_true", help="do not make the work folder a git repository")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (they can take gigabytes)")
    args = parser.parse_args(argv)
    args.argv = list(argv)
    try:
        args.sizes = sorted({int(part) for part in args.sizes.split(",") if part.strip()})
    except ValueError:
        parser.error("--sizes takes integers separated by commas")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    if args.pairs < 1:
        parser.error("--pairs needs at least 1")
    args.work = args.work.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    started = datetime.now()
    for stale in args.out.parent.glob("profile-*.txt"):  # the report links this run's profiles only
        stale.unlink()
    results: list[Result] = []
    for size, size_roles in roles(args.sizes).items():
        results.append(bench_one(size, size_roles, args, results))
    rows = target_rows(results, args)
    text = report(results, rows, args, started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"已写入 {args.out}")
    if args.readme is not None:
        try:
            update_readme(args.readme, rows, started, args.out)
        except (OSError, ReadmeError) as exc:
            log(f"错误：未能更新 README：{exc}")
            return 2
        log(f"已更新 {args.readme} 的性能表")
    return 0


if __name__ == "__main__":
    sys.exit(main())
