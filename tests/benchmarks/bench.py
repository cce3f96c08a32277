"""`make bench`: the performance targets (README, 性能), measured in one run on this machine.

For each size N (the number of training bases handed to synth.write_repository; the other kinds
scale with it) the harness builds a throwaway repository in a work folder and measures, each
command in its own process:

* `jxjy validate` cold (cache folders cleared), warm (nothing changed) and after one record changed;
* `jxjy build`, with the time split into validate+generate / mkdocs / pagefind;
* the anchors: check-jsonschema over the same files and schemas, and Hugo rendering as many pages
  with a bare template;
* the reader side: the site's size, and the gzip bytes a browser downloads for the home page,
  the base list and one search (headless Chromium through Playwright, counted at the server).

Time is wall-clock from spawn to exit. Memory is the peak of the command's process tree: the sum
of the resident sizes of its live processes, sampled every 50 ms, and never less than the largest
single process (ru_maxrss from wait4, which covers every descendant the command waited for).

A step that fails or runs past --timeout is reported in the table with its exit code and the
first lines of its output, and the run goes on. The Markdown table goes to stdout and --out.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import platform
import re
import shutil
import signal
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

KINDS = {"organizations": "organization", "bases": "base", "evaluations": "evaluation", "revocations": "revocation",
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

# The targets, as the README states them.
TARGETS = {
    "validate_ratio": (10_000, "≤ 1/3"),
    "one_change": (50_000, "< 2 s"),
    "build_hugo": (10_000, "≤ 3×"),
    "linearity": (50_000, "≤ 5.5×"),
    "build_memory": (50_000, "< 2 GB"),
    "home": (None, "< 150 KB"),
    "list": (None, "< 1 MB"),
    "search": (None, "< 500 KB"),
}


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
        for pid in tree:
            if pid not in names:
                names[pid] = _phase(_cmdline(pid))
            if names[pid]:
                phases.setdefault(names[pid], [now, now])[1] = now
    proc.returncode = os.waitstatus_to_exitcode(reaped["status"])  # reaped above: Popen must not wait
    run = Run(label, reaped["end"] - start, max(peak, reaped["usage"].ru_maxrss), proc.returncode, phases=phases)
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

    def text(self) -> str:
        if self.kb is None:
            return self.note or "—"
        return f"{self.kb:.1f}（{self.requests} 个请求）" + (f" {self.note}" if self.note else "")


def _sum(site: Path, paths: Iterable[str]) -> Transfer:
    total, count, missing = 0, 0, []
    for url_path in paths:
        path = site_file(site, url_path)
        count += 1
        if path is None:
            missing.append(url_path)
        else:
            total += wire_bytes(path)
    return Transfer(total / 1024, count, f"（{len(missing)} 个 404）" if missing else "")


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
    counts: dict[str, int] = field(default_factory=dict)
    setup_error: str = ""
    runs: dict[str, Run] = field(default_factory=dict)
    pages: int | None = None
    hugo_pages: int | None = None
    site_bytes: int | None = None
    site_files: int | None = None
    transfers: dict[str, Transfer] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    def seconds(self, key: str) -> float | None:
        run = self.runs.get(key)
        return run.seconds if run is not None and run.ok else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_one(size: int, args: argparse.Namespace) -> Result:
    result = Result(size)
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
    log(f"[{size}] {result.files} 个记录文件，用时 {time.perf_counter() - started:.1f} s")
    result.notes.append(f"生成记录 {time.perf_counter() - started:.1f} s（不计入）")
    # The validator's cache goes into the work folder, where the cold run can clear it.
    env = {**os.environ, "JXJY_CACHE_DIR": str(work / ".jxjy-cache"), "XDG_CACHE_HOME": str(work / ".xdg-cache"),
           "NO_MKDOCS_2_WARNING": "1"}
    try:
        measure_all(result, work, env, args)
    except Exception as exc:  # reported in the table; the next size still runs
        result.setup_error = f"测量中断：{type(exc).__name__}: {exc}"
        log(f"[{size}] {result.setup_error}")
    # Other work on the machine slows every figure: say how busy it was.
    result.notes.append(f"机器负载（1 分钟平均，{os.cpu_count()} 核）：开始 {load}，结束 {loadavg()}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def measure_all(result: Result, work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    import synth

    size, logs = result.size, work / "logs"
    as_of = ["--as-of", args.as_of.isoformat()]

    def step(key: str, command: Sequence[str | Path]) -> Run:
        run = measure(key, command, cwd=work, env=env, timeout=args.timeout, logs=logs)
        result.runs[key] = run
        log(f"[{size}] {key}: {run.seconds:.2f} s, {run.mb:.0f} MB" + (f" — {run.error}" if run.error else ""))
        return run

    # The cache trusts a file's stat only once it is a few seconds old (generator/examine.py); records in
    # a checkout are older than that, so let the freshly written ones age before the first run.
    time.sleep(racy_seconds() + 1)
    cleared = clear_caches(work)
    if cleared:
        result.notes.append(f"冷校验前清除了缓存：{', '.join(cleared)}")
    validate = [*jxjy_command(), "validate", "--root", work, *as_of]
    step("validate_cold", validate)
    if caches := found_caches(work):
        result.notes.append(f"冷校验后的缓存（JXJY_CACHE_DIR 指向工作目录，冷校验前清空）：{', '.join(caches)}")
    step("validate_warm", validate)
    changed = synth.touch_one(work)
    result.notes.append(f"改动的记录：{Path(changed).resolve().relative_to(work.resolve()).as_posix()}")
    step("validate_one", validate)

    if not args.skip_anchors:
        run = run_check_jsonschema(work, env, args.timeout, logs)
        result.runs["check_jsonschema"] = run
        result.notes.append(f"check-jsonschema 共启动 {run.count} 次（每类一次，文件多时分批）")
        log(f"[{size}] check-jsonschema: {run.seconds:.2f} s, {run.mb:.0f} MB" + (f" — {run.error}" if run.error else ""))

    if not args.skip_build:
        run = step("build", [*jxjy_command(), "build", "--root", work, *as_of])
        site = work / "site"
        if run.ok and site.is_dir():
            result.site_bytes, result.site_files, result.pages = site_stats(site)
            if not args.skip_anchors:
                if shutil.which("hugo"):
                    hugo, result.hugo_pages = run_hugo(work, result.pages, env, args.timeout, logs)
                    result.runs["hugo"] = hugo
                    log(f"[{size}] hugo: {hugo.seconds:.2f} s（{result.hugo_pages} 页）" +
                        (f" — {hugo.error}" if hugo.error else ""))
                else:
                    result.runs["hugo"] = Run("hugo", rc=None, error="未安装 hugo（apt-get install -y hugo）")
            if args.skip_browser:
                result.transfers = {"home": static_transfer(site, ""), "list": static_transfer(site, "bases/")}
            elif not CHROMIUM.is_file():
                note = f"{CHROMIUM} 不存在"
                result.transfers = {"home": static_transfer(site, ""), "list": static_transfer(site, "bases/"),
                                    "search": Transfer(note=note)}
            else:
                try:
                    result.transfers = browser_transfers(site, args.query)
                except Exception as exc:
                    result.notes.append(f"浏览器测量失败：{type(exc).__name__}: {str(exc).splitlines()[0]}")
                    result.transfers = {"home": static_transfer(site, ""), "list": static_transfer(site, "bases/")}
            log(f"[{size}] 站点 {result.site_bytes / MB:.1f} MB，{result.site_files} 个文件；" +
                "，".join(f"{k} {v.text()}" for k, v in result.transfers.items()))


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


# -- the report ------------------------------------------------------------------------------------

def _s(result: Result, key: str) -> str:
    run = result.runs.get(key)
    if run is None:
        return "—"
    if not run.ok:
        return f"**失败**（{run.rc if run.rc is not None else '超时'}）"
    return f"{run.seconds:.2f}"


def _mb(result: Result, key: str) -> str:
    run = result.runs.get(key)
    return f"{run.mb:.0f}" if run is not None and run.ok else "—"


def _ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    return round(a / b, digits) if a is not None and b else None


def _fmt(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:g}{suffix}"


def build_phases(run: Run | None) -> str:
    """validate+generate / mkdocs / pagefind seconds, from when their processes were first and last seen."""
    if run is None or not run.ok or "mkdocs" not in run.phases:
        return "—"
    mk = run.phases["mkdocs"]
    parts = [f"{mk[0]:.1f}", f"{mk[1] - mk[0]:.1f}"]
    if "pagefind" in run.phases:
        pf = run.phases["pagefind"]
        parts.append(f"{pf[1] - pf[0]:.1f}")
    return " / ".join(parts)


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


def versions() -> str:
    from importlib import metadata

    found = []
    for name in ("mkdocs", "mkdocs-material", "pagefind", "check-jsonschema", "jsonschema"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    if shutil.which("hugo"):
        text = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()
        found.append(f"hugo {text[1] if len(text) > 1 else '?'}")
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        found.append(f"提交 {head}" + ("（工作区有改动）" if dirty else ""))
    except (OSError, subprocess.CalledProcessError):
        pass
    return "；".join(found)


def _by_size(results: list[Result], size: int | None) -> Result | None:
    if size is None:
        return results[-1] if results else None
    return next((r for r in results if r.size == size), None)


def _verdict(value: float | None, ok: Callable[[float], bool]) -> str:
    return "—" if value is None else ("✅ 达标" if ok(value) else "❌ 未达标")


def targets_table(results: list[Result]) -> list[str]:
    rows = ["| 目标 | 规模 | 要求 | 实测 | 结论 |", "|---|---:|---|---:|---|"]

    def row(title: str, key: str, value: float | None, shown: str, ok: Callable[[float], bool],
            fallback: str = "") -> None:
        size, want = TARGETS[key]
        result = _by_size(results, size)
        if result is None:
            rows.append(f"| {title} | {size or '—'} | {want} | 未测{fallback} | — |")
            return
        label = size if size else result.size
        rows.append(f"| {title} | {label} | {want} | {shown if value is not None else '—'} | {_verdict(value, ok)} |")

    r = _by_size(results, TARGETS["validate_ratio"][0])
    v = _ratio(r.seconds("validate_cold"), r.seconds("check_jsonschema"), 3) if r else None
    row("冷校验耗时 ÷ check-jsonschema", "validate_ratio", v, f"{v}", lambda x: x <= 1 / 3, "（--sizes 须含 10000）")
    r = _by_size(results, TARGETS["one_change"][0])
    v = r.seconds("validate_one") if r else None
    row("改动一条后重新校验", "one_change", v, f"{v:.2f} s" if v is not None else "", lambda x: x < 2,
        "（--sizes 须含 50000）")
    r = _by_size(results, TARGETS["build_hugo"][0])
    v = _ratio(r.seconds("build"), r.seconds("hugo")) if r else None
    row("构建耗时 ÷ Hugo", "build_hugo", v, f"{v}×", lambda x: x <= 3, "（--sizes 须含 10000）")
    big, small = _by_size(results, 50_000), _by_size(results, 10_000)
    v = _ratio(big.seconds("build"), small.seconds("build")) if big and small else None
    if big and small:
        row("构建 50k ÷ 构建 10k（规模 ×5）", "linearity", v, f"{v}×", lambda x: x <= 5.5)
    else:
        rows.append(f"| 构建 50k ÷ 构建 10k（规模 ×5） | 50000 | {TARGETS['linearity'][1]} | 未测（--sizes 须含 10000 和 50000） | — |")
    r = _by_size(results, TARGETS["build_memory"][0])
    run = r.runs.get("build") if r else None
    v = run.mb if run is not None and run.ok else None
    row("构建峰值内存", "build_memory", v, f"{v:.0f} MB" if v is not None else "", lambda x: x < 2048,
        "（--sizes 须含 50000）")
    r = _by_size(results, None)
    for key, title, limit in (("home", "打开首页的传输量", 150), ("list", "打开基地名录的传输量", 1024),
                              ("search", "一次搜索的传输量", 500)):
        t = r.transfers.get(key) if r else None
        v = t.kb if t is not None else None
        row(title, key, v, t.text() if t is not None and v is not None else "", lambda x, limit=limit: x < limit)
    return rows


def report(results: list[Result], args: argparse.Namespace, started: datetime) -> str:
    lines = [
        "# 性能基准（make bench）",
        "",
        f"- 机器：{machine()}",
        f"- 软件：{versions()}",
        f"- 运行：{started:%Y-%m-%d %H:%M}（用时 {(datetime.now() - started).total_seconds() / 60:.1f} 分钟）；"
        f"`python tests/benchmarks/bench.py {' '.join(args.argv)}`",
        f"- 规模 N 为合成培训基地数（tests/benchmarks/synth.py，种子 {args.seed}），其余类别随之增长；"
        f"as-of {args.as_of.isoformat()}；每条命令超时 {args.timeout:g} s。",
        "- 时间为墙钟秒数（启动进程到退出）；内存为命令进程树的峰值（同时存活进程的常驻内存之和，每 50 ms 采样，"
        "且不低于单个进程的 ru_maxrss），单位 MB。「冷」为清空校验缓存后的首次运行（操作系统的文件缓存未清），"
        "「热」为无改动再运行，「改一条」为 synth.touch_one 改动一条记录后再运行。",
        "",
        "## 目标",
        "",
        *targets_table(results),
        "",
        "## 校验",
        "",
        "| N | 记录文件 | 冷 s | 冷 MB | 热 s | 热 MB | 改一条 s | 改一条 MB | check-jsonschema s | MB | 冷 ÷ cjs（≤ 0.33） |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.size} | {r.files or '—'} | {_s(r, 'validate_cold')} | {_mb(r, 'validate_cold')} | "
                     f"{_s(r, 'validate_warm')} | {_mb(r, 'validate_warm')} | {_s(r, 'validate_one')} | "
                     f"{_mb(r, 'validate_one')} | {_s(r, 'check_jsonschema')} | {_mb(r, 'check_jsonschema')} | "
                     f"{_fmt(_ratio(r.seconds('validate_cold'), r.seconds('check_jsonschema'), 3))} |")
    lines += [
        "",
        "## 构建",
        "",
        "| N | 构建 s | 峰值 MB（< 2048） | 校验+生成 / mkdocs / pagefind s | 页面（.html） | Hugo s | 构建 ÷ Hugo（≤ 3） "
        "| ÷ 上一规模（规模倍数） |",
        "|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    previous: Result | None = None
    for r in results:
        growth = "—"
        if previous is not None:
            ratio = _ratio(r.seconds("build"), previous.seconds("build"))
            growth = f"{_fmt(ratio, '×')}（×{r.size / previous.size:g}）"
        hugo = _s(r, "hugo")
        if r.hugo_pages is not None and r.pages is not None and r.hugo_pages != r.pages:
            hugo += f"（{r.hugo_pages} 页）"
        lines.append(f"| {r.size} | {_s(r, 'build')} | {_mb(r, 'build')} | {build_phases(r.runs.get('build'))} | "
                     f"{r.pages if r.pages is not None else '—'} | {hugo} | "
                     f"{_fmt(_ratio(r.seconds('build'), r.seconds('hugo')), '×')} | {growth} |")
        previous = r
    lines += [
        "",
        "## 读者侧",
        "",
        f"传输量为 gzip（级别 6）后的字节数，Pagefind 的索引文件按磁盘大小（已压缩）计；搜索为在 search/ 输入"
        f"「{args.query}」后触发的请求（不含打开搜索页本身）。",
        "",
        "| N | site/ 大小 MB | 文件数 | 首页 KB（< 150） | 基地名录 KB（< 1024） | 搜索 KB（< 500） | 打开搜索页 KB |",
        "|---:|---:|---:|---|---|---|---|",
    ]
    for r in results:
        t = r.transfers
        size = f"{r.site_bytes / MB:.1f}" if r.site_bytes is not None else "—"

        def cell(key: str, t: dict[str, Transfer] = t) -> str:
            return t[key].text() if key in t else "—"

        lines.append(f"| {r.size} | {size} | {r.site_files if r.site_files is not None else '—'} | {cell('home')} | "
                     f"{cell('list')} | {cell('search')} | {cell('search_page')} |")
    failures = [(r, run) for r in results for run in r.runs.values() if not run.ok]
    failures_setup = [r for r in results if r.setup_error]
    if failures or failures_setup:
        lines += ["", "## 失败", ""]
        for r in failures_setup:
            lines.append(f"- N={r.size}：{r.setup_error}")
        for r, run in failures:
            first, _, rest = run.error.partition("\n")
            lines.append(f"- N={r.size} {run.label}：{first}")
            if rest:
                lines += ["", "  ```", *(f"  {line}" for line in rest.splitlines()), "  ```", ""]
    notes = [f"- N={r.size}：" + "；".join(
        [("各类记录 " + "、".join(f"{k} {v}" for k, v in r.counts.items())) if r.counts else "", *r.notes]).strip("；")
        for r in results]
    lines += ["", "## 说明", "", *notes, ""]
    return "\n".join(lines)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="comma-separated sizes N (synthetic training bases); default %(default)s")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md", help="the Markdown report")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "work",
                        help="where the throwaway repositories go (one folder per size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF, help="passed to jxjy")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds per command (a 50k build may take tens of minutes); default %(default)s")
    parser.add_argument("--query", default="武进", help="the search typed on search/")
    parser.add_argument("--skip-build", action="store_true", help="validation only (no build, Hugo or reader side)")
    parser.add_argument("--skip-anchors", action="store_true", help="no check-jsonschema and no Hugo")
    parser.add_argument("--skip-browser", action="store_true",
                        help="estimate home and list bytes from the HTML instead of Chromium; no search")
    parser.add_argument("--no-git", action="store_true", help="do not make the work folder a git repository")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (they can take gigabytes)")
    args = parser.parse_args(argv)
    args.argv = list(argv)
    try:
        args.sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes takes integers separated by commas")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    args.work = args.work.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    started = datetime.now()
    results = [bench_one(size, args) for size in args.sizes]
    text = report(results, args, started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
