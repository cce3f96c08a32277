"""`jxjy build`: validate, write the generated docs tree, run the engine, index, swap into site/.

The engine only ever sees files on disk (build/docs: a copy of docs/ plus generated pages and
data) and runs no code of jxjy's (no hooks or plugins): jxjy fixes the markup of the pages the
engine rendered and pours the record pages into their shells itself once the engine is done, so
MkDocs, ProperDocs or a successor that reads mkdocs.yml builds the same site. The new site is
built in a fresh folder beside site/ and swapped in, atomically on Linux, only when everything
succeeded: a failed validation, a crash or a kill leaves the last good site/ as it was.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import itertools
import json
import multiprocessing
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import Any

from generator.attachments import Attachment, copy_to, sha256_of
from generator.diagnostics import Report
from generator.errors import JxjyError
from generator.files import WriteRefused
from generator.forked import forked_map, workers
from generator.records import RepositoryError, require_records
from generator.site import exports, feeds, organizations, pages, sitemap, updates
from generator.site import stream as stream_module
from generator.site.context import Output, SiteContext
from generator.site.history import history
from generator.site.render import Fragment, front_matter
from generator.site.settings import settings
from generator.validate import check_repository

GENERATED = Path("build") / "docs"
# What the engine reads: the repository's mkdocs.yml, with the theme of this installation.
ENGINE_CONFIG = Path("build") / "mkdocs.yml"
ENGINES = ("mkdocs", "properdocs", "zensical")
# Zensical builds only into a folder named in its configuration, beside that file (it has no -d,
# and takes neither docs_dir nor site_dir as an absolute path): the site is moved on from here.
ZENSICAL_SITE = Path("build") / "zensical-site"
# The search indexer: Pagefind's extended binary (Chinese word segmentation), 1.6.0, pinned with its
# hash in tools/pagefind/package-lock.json (`make site` runs npm ci there). 1.6.0 writes its filter
# files in a stable order (1.5.2, the newest on PyPI, in a per-process random one), so two builds of
# the same records are byte-identical. JXJY_PAGEFIND names the binary for an installation outside
# the checkout (see the README).
PAGEFIND = Path("tools") / "pagefind" / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
# Written into every site jxjy builds and every temporary folder it builds in: only a folder that
# carries it is ever replaced or removed (a --site-dir that names a folder of the user's is refused).
SITE_MARKER = ".jxjy-site"


class BuildError(JxjyError):
    """The site was not built; `report` holds the validation problems when that is why (exit 1),
    else the engine or the indexer failed."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report

    def __reduce__(self) -> tuple[Any, ...]:  # crosses from the generating process whole
        return BuildError, (str(self), self.report)


@dataclass
class Built:
    report: Report  # the validation report (warnings only: errors stop the build)
    pages: int
    site: Path


def engine_config(root: Path, engine: str = "mkdocs") -> Path:
    """Write build/mkdocs.yml: the repository's mkdocs.yml (INHERIT, which every engine reads, keeps
    its tags and merges its settings) with the theme overrides of the installed package.

    A records repository need not carry generator/, and a pull request's own copy of the theme is
    never what builds its preview: the installed jxjy's is. The engine resolves paths beside this
    file, so they are written absolute, but for the folders beside it (build/docs, and Zensical's
    site folder).
    """
    package = files("generator.site")
    # zh-CN whatever the repository's mkdocs.yml says: the theme's partials/languages/zh-CN.html
    # is Material's zh under that tag (<html lang="zh-CN">, GB/T 37668)
    theme = {"custom_dir": str(package / "theme"), "language": "zh-CN"}
    config: dict[str, Any] = {
        "INHERIT": str((root / "mkdocs.yml").resolve()),
        "docs_dir": GENERATED.name,
        "theme": theme,
        "watch": [str((root / stream_module.STREAM).resolve()), str((root / "mkdocs.yml").resolve())],
    }
    if engine == "zensical":
        config["site_dir"] = ZENSICAL_SITE.name
        # Material's look (its "modern" default has other type sizes, spacing and rounded buttons)
        theme["variant"] = "classic"
    path = root / ENGINE_CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")  # JSON is YAML
    return path


def generate(root: Path, *, as_of: date, cache_dir: Path | None = None, stream: bool = True) -> tuple[Report, int]:
    """Validate and write build/docs: hand-written docs plus every generated page and file.

    Args:
        stream: write record pages to build/stream for the shell of their kind (see
            generator.site.stream) instead of as engine pages in build/docs.

    Raises:
        BuildError: the records have errors; nothing is written.
        SettingsError: mkdocs.yml's settings are missing or unusable; nothing is written.
    """
    result = check_repository(root, as_of=as_of, cache_dir=cache_dir)
    require_records(result.files, root)
    if result.report.errors:
        raise BuildError(f"记录有 {len(result.report.errors)} 个错误，未生成网站", result.report)
    registry = settings(root)
    _clear_links(root / "build")
    site = SiteContext(result.records, as_of, result.schemas, registry, history(root), result.lifecycles)
    docs, records = _Tree(root / GENERATED), _Tree(root / stream_module.STREAM)
    sample = front_matter({"sample": True}).encode() if site.is_sample() else b""
    for rel, content in _hand_written(root / "docs"):
        # the sample banner on hand-written pages too
        docs.put(rel, (sample if rel.endswith(".md") else b"") + content)
    shells: dict[str, tuple[int, str]] = {}  # kind -> (first page's place in its plan, shell)
    pages_written = sum(_put(output, at, docs, records, stream, shells) for at, output in enumerate(itertools.chain(
        pages.plan(site, records=False), organizations.plan(site), updates.plan(site), exports.plan(site),
        feeds.plan(site))))
    pages_written += _put_record_pages(pages.record_plan(site), docs, records, stream, shells)
    for kind, (_, text) in shells.items():
        docs.put(f"{kind}/{stream_module.SHELL}.md", text.encode())
    for record in result.records.valid():
        for attachment in result.records.attachments(record):
            docs.copy(site.file_of(attachment), attachment)
    # Last: the 网站地图 lists the pages written above
    docs.put(sitemap.ROBOTS, sitemap.robots(site))
    docs.put(sitemap.PAGE, sitemap.sitemap_page(site, docs.has).encode())
    pages_written += 1
    docs.finish()
    records.finish()
    return result.report, pages_written


def _put(output: Output, at: int, docs: _Tree, records: _Tree, stream: bool,
         shells: dict[str, tuple[int, str]]) -> int:
    """Write `output`, the `at`-th of its plan, into build/docs, or a record page into build/stream
    (noting its kind's shell, which the first page of the kind gives); 1 if it is a page."""
    if stream and isinstance(output.content, Fragment):
        kind, name = output.path.removesuffix(".md").split("/")
        if kind not in shells or at < shells[kind][0]:
            shells[kind] = (at, stream_module.shell(output.content))
        records.put(f"{kind}/{name}.json", stream_module.encode(output.content, f"{kind}/{name}"))
    else:
        docs.put(output.path, output.encoded())
    return int(output.path.endswith(".md"))


RENDER_FROM = 400  # record pages before a second process pays for itself

_Written = tuple[set[str], set[str], dict[str, tuple[int, str]], int]


def _put_record_pages(plan: list[Callable[[], Output]], docs: _Tree, records: _Tree, stream: bool,
                      shells: dict[str, tuple[int, str]]) -> int:
    """Render and write the record pages of `plan` on every core; the number of pages written."""
    if len(plan) < RENDER_FROM or workers() == 1:
        return sum(_put(make(), at, docs, records, stream, shells) for at, make in enumerate(plan))
    # Each child renders and writes every n-th page and sends back the names it wrote and the shells it saw.
    shares = workers() * 4
    done = forked_map(functools.partial(_render_share, plan, docs.target, records.target, stream),
                      [(share, shares) for share in range(shares)])
    for written_docs, written_records, seen, _ in done:
        docs.written |= written_docs
        records.written |= written_records
        for kind, (at, text) in seen.items():
            if kind not in shells or at < shells[kind][0]:
                shells[kind] = (at, text)
    return sum(count for *_, count in done)


def _render_share(plan: list[Callable[[], Output]], docs_dir: Path, records_dir: Path, stream: bool,
                  share: tuple[int, int]) -> _Written:
    first, step = share
    docs, records, shells = _Tree(docs_dir), _Tree(records_dir), dict[str, tuple[int, str]]()
    count = sum(_put(plan[at](), at, docs, records, stream, shells) for at in range(first, len(plan), step))
    return docs.written, records.written, shells, count


def _clear_links(scratch: Path) -> None:
    """Make build/ safe to write into: jxjy never puts a symlink there, so one that is there (a
    pull request can commit build/docs/index.md -> a file outside) is removed, never written through.

    Raises:
        WriteRefused: build/ itself is a symlink.
    """
    if scratch.is_symlink():
        raise WriteRefused(f"{scratch} 是符号链接，不跟随：生成网站的中间文件只写在仓库中的 build/ 目录")
    for top, dirs, names in os.walk(scratch):
        for name in dirs + names:
            if (Path(top) / name).is_symlink():
                (Path(top) / name).unlink()


def _hand_written(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under docs/ with its bytes, by path relative to docs/.

    Only real files and folders are published. A symlink is never followed (docs/assets/x pointing
    to a file elsewhere on the machine would publish it), nor is a FIFO or a device read: either
    is refused, located at docs/<path>:1:1.

    Raises:
        RepositoryError: docs/ holds something that is neither a file nor a folder.
    """
    found = []
    for top, dirs, names in os.walk(folder):  # symlinked folders are listed in dirs, never entered
        for name in dirs + names:
            path = Path(top) / name
            mode = path.lstat().st_mode
            shown = path.relative_to(folder.parent).as_posix()
            if stat.S_ISLNK(mode):
                raise RepositoryError(f"{shown}:1:1: docs/ 中不允许使用符号链接（不跟随，也不发布它指向的文件），"
                                      "请提交真实文件")
            if stat.S_ISREG(mode):
                found.append(path)
            elif not stat.S_ISDIR(mode):
                raise RepositoryError(f"{shown}:1:1: 不是普通文件（命名管道、设备等），不能发布到网站")
    for path in sorted(found):
        yield path.relative_to(folder).as_posix(), path.read_bytes()


class _Tree:
    """Make a folder hold exactly the files put into it, rewriting only what changed.

    The folder itself is never removed: `jxjy serve` has the engine watching it, and a watcher
    loses a folder that is deleted and created again.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.written: set[str] = set()
        target.mkdir(parents=True, exist_ok=True)

    def has(self, rel: str) -> bool:
        return rel in self.written

    def put(self, rel: str, content: bytes) -> None:
        self.written.add(rel)
        path = self.target / rel
        try:
            if path.stat().st_size == len(content) and path.read_bytes() == content:
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def copy(self, rel: str, attachment: Attachment) -> None:
        """Put an attachment's file, copied in blocks (never read whole), unless it is there already."""
        self.written.add(rel)
        path = self.target / rel
        try:
            if path.stat().st_size == attachment.size and sha256_of(path) == attachment.sha256:
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        copy_to(attachment, path)

    def finish(self) -> None:
        """Remove the files not put in this time, and folders left empty."""
        for path in sorted(self.target.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(self.target).as_posix() not in self.written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def build(root: Path, *, as_of: date, engine: str = "mkdocs", site_dir: Path | None = None,
          cache_dir: Path | None = None, stream: bool = True) -> Built:
    """Generate, build with `engine`, index with Pagefind, then swap the result into site_dir.

    Raises:
        BuildError: validation, the engine or the indexer failed; site_dir is untouched.
    """
    site_dir = (site_dir or root / "site").resolve()
    _check_site_dir(site_dir)
    indexer = pagefind()
    # In a process of its own: the records and pages it held are gone before the engine and the
    # indexer start, so the build's peak memory is the largest step's, not their sum.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        report, count = pool.submit(generate, root, as_of=as_of, cache_dir=cache_dir, stream=stream).result()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(site_dir)
    work = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    (work / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    fresh = work / "site"  # the engine empties the folder it builds into: the marker sits beside it
    try:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
               "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or _epoch(as_of)}
        _run_engine(root, engine, fresh, env)
        fix_markup(fresh, root / GENERATED)
        stream_module.fill(fresh, root / stream_module.STREAM, root / stream_module.SEARCH)
        # Streamed record pages are indexed from their bodies alone (generator.site.stream.SEARCH).
        searched = root / stream_module.SEARCH if stream else fresh
        _run([str(indexer), "--site", str(searched), "--output-path", str(fresh / "pagefind"),
              "--silent"], env, "搜索索引生成失败")
        (fresh / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        _swap(fresh, site_dir)
    finally:
        _remove_marked(work)
    return Built(report, count, site_dir)


def _run_engine(root: Path, engine: str, fresh: Path, env: dict[str, str]) -> None:
    """Build build/docs into `fresh` (which must not exist) with `engine`."""
    # No --quiet: it lowers the log level, and then --strict no longer counts warnings.
    # -P: the working folder must not shadow the installed package (a folder named generator/ in it).
    command = [sys.executable, "-P", "-m", engine, "build", "--strict", "-f", str(engine_config(root, engine))]
    if engine != "zensical":
        _run([*command, "-d", str(fresh)], env, f"{engine} 构建失败")
        return
    shutil.rmtree(root / ZENSICAL_SITE, ignore_errors=True)
    # --clean: its cache (build/.cache) never decides what a page says
    _run([*command, "--clean"], env, f"{engine} 构建失败")
    shutil.move(root / ZENSICAL_SITE, fresh)


# Material's base.html gives its two checkbox toggles autocomplete="off", an attribute HTML allows
# only on text-like inputs (the Nu HTML Checker reports it). It is there so that Firefox does not
# restore a toggle's state on reload (material#1513); docs/assets/site.js clears the toggles instead.
# Zensical's copy of the template has aria-hidden on the drawer's overlay label instead, which HTML
# forbids on a label of a form control; Material's has none. Exact markup: should either change,
# the HTML check fails again rather than pass unseen.
_INVALID_MARKUP = re.compile(rb'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" '
                     rb'id="__(?:drawer|search)") autocomplete="off">'
                     rb'|(<label class="md-overlay" for="__drawer") aria-hidden="true">')


def fix_markup(site_dir: Path, docs_dir: Path) -> None:
    """Make the theme's markup valid HTML in every page the engine rendered: each HTML file of
    `site_dir` that is not a file of `docs_dir` copied as it is (run before the record pages are
    poured, so that they inherit their shell's fixed markup)."""
    for path in site_dir.rglob("*.html"):
        if (docs_dir / path.relative_to(site_dir)).is_file():
            continue
        page = path.read_bytes()
        fixed = _INVALID_MARKUP.sub(lambda found: (found[1] or found[2]) + b">", page)
        if fixed != page:
            path.write_bytes(fixed)


def pagefind() -> Path:
    """The Pagefind binary: $JXJY_PAGEFIND, else the pinned one in this checkout's tools/pagefind.

    Raises:
        BuildError: neither is an executable file.
    """
    configured = os.environ.get("JXJY_PAGEFIND")
    binary = Path(configured) if configured else Path(__file__).resolve().parents[2] / PAGEFIND
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        where = f"环境变量 JXJY_PAGEFIND 指向的 {binary}" if configured else str(PAGEFIND)
        raise BuildError(f"找不到搜索索引程序 Pagefind（{where}）：请在本项目目录运行 make site"
                         "（即 npm ci --prefix tools/pagefind --ignore-scripts），"
                         "在项目目录外安装时把 JXJY_PAGEFIND 设为该程序的路径")
    return binary
_MARKER_TEXT = "此目录由 jxjy build 生成，再次构建时整体替换。\n"


def _check_site_dir(site_dir: Path) -> None:
    """Refuse a site folder that jxjy did not make: it exists, is not empty and has no SITE_MARKER
    (`--site-dir records` would otherwise replace every record with the site).

    Raises:
        WriteRefused: the folder is refused; nothing has been touched.
    """
    if not site_dir.exists():
        return
    if not site_dir.is_dir():
        raise WriteRefused(f"网站输出目录 {site_dir} 已存在且不是目录，拒绝覆盖")
    if any(site_dir.iterdir()) and not (site_dir / SITE_MARKER).is_file():
        raise WriteRefused(f"网站输出目录 {site_dir} 不是 jxjy 生成的网站（没有 {SITE_MARKER} 标记文件）且不为空，"
                              "拒绝替换；请指定一个新的或空的目录（旧版 jxjy 生成的网站请先手工删除）")


def _epoch(as_of: date) -> str:
    return str(int(datetime.combine(as_of, time(), tzinfo=UTC).timestamp()))


def _run(command: list[str], env: dict[str, str], failure: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"{failure}：\n{result.stdout}{result.stderr}".rstrip())


def _swap(fresh: Path, site_dir: Path) -> None:
    """Put `fresh` in place of `site_dir` in one step, so that no moment lacks a whole site.

    On Linux renameat2(RENAME_EXCHANGE) swaps the two folders atomically; the old site then sits
    at the temporary name inside the marked .site-* folder, which the caller removes (a kill before
    that leaves only a stale .site-* folder, cleared by the next build). Elsewhere the swap falls
    back to two renames, the old site moved into the same marked folder first.
    """
    fresh.chmod(0o755)
    if not site_dir.exists():
        fresh.rename(site_dir)
    elif not _exchange(fresh, site_dir):
        site_dir.rename(fresh.with_name("old"))
        fresh.rename(site_dir)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with Linux renameat2; False where the call is unavailable."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def _clear_stale(site_dir: Path) -> None:
    """Remove temporary folders left by builds that were killed before they could clean up: only
    .site-* folders that carry SITE_MARKER (a folder of the user's named .site-notes stays)."""
    for stale in site_dir.parent.glob(".site-*"):
        if stale.is_dir() and not stale.is_symlink() and (stale / SITE_MARKER).is_file():
            _remove_marked(stale)


def _remove_marked(folder: Path) -> None:
    """Remove a folder jxjy made, its SITE_MARKER last: a removal cut short by a kill leaves a
    folder that is still marked, so the next build still knows it may clear it."""
    for child in folder.iterdir():
        if child.name != SITE_MARKER:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    if any(child.name != SITE_MARKER for child in folder.iterdir()):
        return  # something could not be removed: the folder stays marked for the next build
    (folder / SITE_MARKER).unlink(missing_ok=True)
    folder.rmdir()
