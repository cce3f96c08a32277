"""Helpers for the tests of the built site: pages, parsed HTML, links, checksums, the sample records."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from ruamel.yaml import YAML

from generator.records import NOTICE_KINDS
from generator.validate import check_repository

from helpers import AS_OF, REPO, copy_from_repo

SITE_NAME = "常州市专业技术人员继续教育公示平台"
# What `build` needs of a repository: the theme comes with the installed generator.
BUILD_INPUTS = ("records", "docs", "mkdocs.yml")


# -- the sample records ------------------------------------------------------------------------

@cache
def records() -> dict[str, Any]:
    """Every sample record by id (organizations included), loaded without the site generator."""
    result = check_repository(REPO, as_of=AS_OF)
    assert not result.report.errors
    return {r.id: r for r in result.records.all}


def page_envelope(record: Any) -> dict[str, Any]:
    """The envelope (公文要素) a record's page shows: its own, or for an item of a 名单公告 the notice's;
    a base listed in a 公示 shows the decision that followed it, once there is one."""
    every = records()
    if "notice" not in record.data:
        return record.data
    notice = every[record.data["notice"]]
    decision = next((r for r in every.values() if r.data.get("follows") == notice.id), None)
    return (decision or notice).data if record.kind == "bases" else notice.data


def notice_records() -> list[Any]:
    """Every record that has its own page (bases under their own id: the sample has no base corrections)."""
    return [r for r in records().values() if r.kind in NOTICE_KINDS]


def org_name(org_id: str) -> str:
    return str(records()[org_id].data["name"])


def cn_date(value: str) -> str:
    """2025-03-18 -> 2025年3月18日, as readers see dates on the site."""
    day = date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def registry_settings() -> dict[str, Any]:
    """`extra.registry` of mkdocs.yml, and its `site_url` (read here, not through the generator)."""
    config = YAML(typ="safe").load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    return {**config["extra"]["registry"], "site_url": config["site_url"]}


def record_urls() -> set[str]:
    """Every http(s) URL written in a record: the only outside links a record page may carry."""
    found: set[str] = set()
    for path in (REPO / "records").rglob("*.yaml"):
        found.update(re.findall(r"https?://[^\s\"'<>]+", path.read_text(encoding="utf-8")))
    return found


# -- the built site ----------------------------------------------------------------------------

def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_path(site: Path, url: str) -> Path:
    """The file behind a site-relative URL such as `bases/` or `bases/base-2021-001/`."""
    return site / url / "index.html" if url == "" or url.endswith("/") else site / url


@cache
def _parse(path: str, mtime_ns: int) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def soup(site: Path, url: str) -> BeautifulSoup:
    """The parsed page at a site-relative URL (cached; do not modify the tree)."""
    path = page_path(site, url)
    assert path.is_file(), f"{url}: {path} is missing"
    return _parse(str(path), path.stat().st_mtime_ns)


def soup_of(path: Path) -> BeautifulSoup:
    return _parse(str(path), path.stat().st_mtime_ns)


def text(node: Any) -> str:
    """Visible text with whitespace collapsed."""
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def record_page_url(record: Any) -> str:
    return f"{record.kind}/{record.id}/"


def resolve(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file a same-site link points at (directory URLs -> index.html) and its fragment.

    None for links that leave the site or are not files: other schemes, other hosts, fragment-only.
    Root-absolute links (only 404.html has them: it is served at any depth) resolve against the root.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//") or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        target = PurePosixPath(path.lstrip("/"))
    else:
        target = PurePosixPath(page.parent.relative_to(site).as_posix()) / path
    resolved = _normalize(target)
    file = site / resolved if resolved else site
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, parts.fragment


def _normalize(path: PurePosixPath) -> str:
    out: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            assert out, f"{path} climbs above the site root"
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def manifest(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by POSIX path relative to it."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_build_inputs(root: Path) -> None:
    """A plain folder (not a git checkout) holding everything `build` reads."""
    copy_from_repo(root, *BUILD_INPUTS)


# -- Pagefind filter chunks ----------------------------------------------------------------------

def pagefind_filters(site: Path) -> dict[str, dict[str, list[int]]]:
    """Every Pagefind filter, order-independent: filter name -> value -> sorted page numbers."""
    found: dict[str, dict[str, list[int]]] = {}
    for path in sorted((site / "pagefind" / "filter").glob("*.pf_filter")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        (name, values), _ = _cbor(data, len(b"pagefind_dcd"))
        found[name] = {value: sorted(pages) for value, pages in values}
    return found


def _cbor(data: bytes, at: int) -> tuple[Any, int]:
    """A minimal CBOR decoder (integers, strings, arrays, maps): all a filter chunk holds."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        length = int.from_bytes(data[at:at + size], "big")
        at += size
    if major == 0:
        return length, at
    if major in (2, 3):
        chunk = data[at:at + length]
        return (chunk.decode("utf-8") if major == 3 else chunk), at + length
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(length):
            key, at = _cbor(data, at)
            mapping[key], at = _cbor(data, at)
        return mapping, at
    raise AssertionError(f"unexpected CBOR major type {major} at byte {at - 1}")


# -- hostile records -------------------------------------------------------------------------------

# Each payload, if it ever ran, would set window.__pwned and raise a dialog (tests/test_browser.py).
PAYLOADS = {
    "script": "<script>window.__pwned=1;alert(1)</script>",
    "breakout": '"><img src=x onerror="window.__pwned=2;alert(2)">',
    "md-link": "[点我](javascript:window.__pwned=3)",
    "attr-list": '标题 {: onclick="window.__pwned=4" }',
    "title-breakout": "</title><script>window.__pwned=5</script>",
    "entities": "&lt;script&gt;window.__pwned=6&lt;/script&gt;",
    "svg": '<svg onload="window.__pwned=7"><a href="javascript:window.__pwned=8">x</a></svg>',
    "template": "{{ config.extra }}{% raw %}",
    "bidi-looking": "\u0645\u0631\u062d\u0628\u0627 abc",  # right-to-left text without control characters
    # the slot words of the record-page shells (generator/site/stream.py) must stay text
    "slot": "JXJY-SLOT-body JXJY-SLOT-title JXJY-SLOT-id ../JXJY-SLOT/",
}
HOSTILE_BASE = "records/bases/base-2020-002.yaml"


def _set(root: Path, rel: str, line_start: str, value: str) -> None:
    """Replace the line starting with `line_start` by `key: "<value>"` (JSON quoting is valid YAML)."""
    path = root / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    key = line_start.split(":")[0]
    lines[index] = f"{key}: {json.dumps(value, ensure_ascii=False)}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_hostile_records(root: Path) -> None:
    """Build inputs under `root` whose string fields carry every payload (still valid records)."""
    copy_build_inputs(root)
    _set(root, HOSTILE_BASE, "name:", PAYLOADS["script"] + PAYLOADS["title-breakout"])
    _set(root, HOSTILE_BASE, "title:", PAYLOADS["title-breakout"] + PAYLOADS["breakout"] + PAYLOADS["slot"])
    _set(root, HOSTILE_BASE, "address:", PAYLOADS["breakout"] + PAYLOADS["md-link"])
    body = root / HOSTILE_BASE
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("body: |\n", "body: |\n" + "".join(f"  {p}\n\n" for p in PAYLOADS.values()), 1),
                    encoding="utf-8")
    _set(root, "records/organizations/org-zl-jsfz.yaml", "name:", PAYLOADS["attr-list"] + PAYLOADS["script"])
    _set(root, "records/revocations/rev-2025-001.yaml", "  medium:", PAYLOADS["breakout"] + PAYLOADS["svg"])
    _set(root, "records/circulars/circ-2025-002.yaml", "    note:", PAYLOADS["md-link"] + PAYLOADS["entities"])
    _set(root, "records/commendations/comm-2026-001.yaml", "award:", PAYLOADS["svg"])


# -- publishing under a subpath ----------------------------------------------------------------------

SUBPATH = "/jxjy/"
SUBPATH_SITE_URL = "https://www.example.gov.cn/jxjy/"  # site_url of the subpath build, as docs/deploy.md says
DEPLOY_DOC = REPO / "docs" / "deploy.md"


def set_config(root: Path, key: str, value: Any) -> None:
    """Set (or, with None, remove) the one line `key: ...` of `root`/mkdocs.yml, keeping its indent."""
    path = root / "mkdocs.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if re.match(rf"\s*{re.escape(key)}:", line))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    if value is None:
        del lines[index]
    else:
        lines[index] = f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}"  # JSON quoting is valid YAML
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def nginx_server_block() -> str:
    """The `server { ... }` of docs/deploy.md, as the bureau's IT staff copy it."""
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "docs/deploy.md should have one nginx block"
    return blocks[0]


def nginx_config(site: Path, port: int, scratch: Path, mime_types: Path) -> str:
    """A whole nginx.conf around the documented server block, serving `site` on 127.0.0.1:`port`."""
    server = nginx_server_block()
    assert "listen 80;" in server and "alias /srv/jxjy-registry/site/;" in server
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    server = server.replace("alias /srv/jxjy-registry/site/;", f"alias {site}/;")
    temp = "\n".join(f"    {kind}_temp_path {scratch / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Workers run as root only when the test does: the site sits in a private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {scratch / 'nginx.pid'};\nerror_log {scratch / 'error.log'};\n"
            f"events {{}}\nhttp {{\n    include {mime_types};\n    default_type application/octet-stream;\n"
            f"    access_log off;\n{temp}\n{server}}}\n")


@contextmanager
def nginx_serving(site: Path, scratch: Path) -> Iterator[str]:
    """`site` served by nginx with docs/deploy.md's config; yields http://127.0.0.1:<port>/jxjy/.

    Skips when nginx is not installed.
    """
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    conf_path = re.search(r"--conf-path=(\S+)", built)
    mime_types = Path(conf_path[1]).parent / "mime.types" if conf_path else None
    if mime_types is None or not mime_types.is_file():
        pytest.skip("nginx's mime.types is missing")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scratch.mkdir(parents=True, exist_ok=True)
    conf = scratch / "nginx.conf"
    conf.write_text(nginx_config(site, port, scratch, mime_types), encoding="utf-8")
    checked = subprocess.run([nginx, "-t", "-p", str(scratch), "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(scratch), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # it logs to scratch/error.log
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (scratch / "error.log").read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}{SUBPATH}"
    finally:
        process.terminate()
        process.wait(timeout=10)
