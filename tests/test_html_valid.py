"""Every generated page is valid HTML: the Nu HTML Checker (vnu) reports no error on any of them.

vnu is the checker behind validator.w3.org/nu. It is pinned in tools/vnu/package-lock.json and runs on the
machine's Java; `make test` installs both (`npm ci --prefix tools/vnu --ignore-scripts`, Debian's
default-jre-headless). A missing checker fails these tests rather than skipping them: an unchecked site
must not pass as a valid one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers import REPO
from site_fixtures import html_files

VNU_DIR = REPO / "tools" / "vnu"
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run `make test` (it installs Java and the pinned checker: `npm ci --prefix tools/vnu --ignore-scripts`)"
# vnu's schema evaluation recurses deeply (it asks for at least 512k of thread stack). One serial-GC,
# C1-only JVM checks the ~100 pages of both sites in about 2.5 s on one core; the default tiered JIT
# takes longer and twice the CPU at this size.
JAVA_OPTIONS = ("-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
MIN_JAVA = 11  # vnu.jar's classes are Java 11 bytecode (class file version 55)
# As mkdocs-material's base.html writes it; `jxjy build` removes the attribute (generator/site/build.py), which HTML
# allows only on text-like inputs.
MATERIAL_TOGGLE = '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'


@dataclass(frozen=True)
class Message:
    file: str  # relative to the site folder
    line: int
    column: int
    kind: str
    text: str
    markup: str  # the highlighted part of vnu's extract

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.text}  [{self.markup.strip()[:160]}]"


def java_or_fail() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"java is not installed: {INSTALL_HINT}", pytrace=False)
    shown = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    major = int(found[1]) if found else 0
    if major == 1 and found and found[2]:  # "1.8.0_392" is Java 8
        major = int(found[2])
    if major < MIN_JAVA:
        pytest.fail(f"vnu needs Java {MIN_JAVA} or newer, {java} is {major or 'unknown'}: {INSTALL_HINT}", pytrace=False)
    return java


def vnu_jar_or_fail() -> Path:
    if not VNU_JAR.is_file():
        pytest.fail(f"the Nu HTML Checker is not installed ({VNU_JAR.relative_to(REPO)} is missing): {INSTALL_HINT}",
                    pytrace=False)
    pinned = json.loads((VNU_DIR / "package-lock.json").read_text(encoding="utf-8"))
    wanted = pinned["packages"]["node_modules/vnu-jar"]["version"]
    installed = json.loads((VNU_JAR.parents[2] / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != wanted:
        pytest.fail(f"vnu-jar {installed} is installed but tools/vnu/package-lock.json pins {wanted}: {INSTALL_HINT}",
                    pytrace=False)
    return VNU_JAR


def run_vnu(files: list[Path]) -> tuple[list[dict], set[Path]]:
    """vnu's messages on `files` (one JVM for all of them) and the files it says it checked."""
    java, jar = java_or_fail(), vnu_jar_or_fail()
    command = [java, *JAVA_OPTIONS, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always",
               "--verbose", *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False, timeout=600)
    try:
        report = json.loads(result.stderr)  # --format json writes the report to stderr,
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"[:4000],
                    pytrace=False)
    checked = {Path(line) for line in result.stdout.splitlines() if line.strip()}  # --verbose each file to stdout
    return report["messages"], checked


def _local_path(url: str) -> Path:
    parts = urlsplit(url)
    assert parts.scheme == "file", url
    return Path(unquote(parts.path))


def to_message(raw: dict, sites: dict[str, Path]) -> tuple[str, Message]:
    """(site name, message) for one entry of vnu's JSON report."""
    path = _local_path(raw["url"]) if raw.get("url") else None
    name = next((n for n, site in sites.items() if path is not None and path.is_relative_to(site)), None)
    assert name is not None, f"vnu reported on no page of a site (a checker failure?): {raw}"
    site = sites[name]
    extract = raw.get("extract", "")
    start, length = raw.get("hiliteStart"), raw.get("hiliteLength")
    markup = extract[start:start + length] if start is not None and length is not None else extract
    kind = raw["type"] if raw["type"] != "info" else raw.get("subType", "info")
    return name, Message(path.relative_to(site).as_posix(), raw.get("lastLine", raw.get("firstLine", 0)),
                         raw.get("firstColumn", raw.get("lastColumn", 0)), kind, raw.get("message", ""), markup)


@pytest.fixture(scope="session")
def vnu_report(site_dir: Path, hostile_site: Path) -> dict[str, tuple[list[Path], list[Message]]]:
    """Both built sites checked in one vnu run: site name -> (pages checked, messages on them)."""
    sites = {"sample": site_dir, "hostile": hostile_site}
    pages = {name: html_files(site) for name, site in sites.items()}
    raw, checked = run_vnu([page for site_pages in pages.values() for page in site_pages])
    unchecked = [p for site_pages in pages.values() for p in site_pages if p not in checked]
    assert not unchecked, f"vnu did not check {len(unchecked)} pages, e.g. {unchecked[:3]}"
    messages: dict[str, list[Message]] = {name: [] for name in sites}
    for entry in raw:
        name, message = to_message(entry, sites)
        messages[name].append(message)
    return {name: (pages[name], messages[name]) for name in sites}


@pytest.mark.parametrize("site", ["sample", "hostile"])
def test_every_page_is_valid_html(vnu_report: dict[str, tuple[list[Path], list[Message]]], site: str) -> None:
    pages, messages = vnu_report[site]
    assert len(pages) > 40, f"only {len(pages)} pages in the {site} site"
    assert not messages, f"vnu found {len(messages)} errors in {len(pages)} pages of the {site} site:\n" + "\n".join(
        map(str, sorted(messages, key=lambda m: (m.file, m.line, m.column))))


def test_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    """The checker is really running: a page with known errors, Material's own toggle among them, is reported."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>t</title></head><body>\n'
                    f'{MATERIAL_TOGGLE}\n<p id="x">a</p><p id="x">b</p>\n<div><span></div>\n</body></html>\n',
                    encoding="utf-8")
    raw, checked = run_vnu([page])
    assert checked == {page}
    reported = [to_message(entry, {"fake": tmp_path})[1] for entry in raw]
    assert any(m.line == 2 and "autocomplete" in m.text for m in reported), reported
    assert any(m.line == 3 and "Duplicate ID" in m.text for m in reported), reported
    assert any(m.line == 4 and "span" in m.text for m in reported), reported
    assert all(str(m).startswith(f"bad.html:{m.line}:{m.column}: error: ") for m in reported)


def test_the_build_makes_materials_toggles_valid(site_dir: Path) -> None:
    page = (site_dir / "index.html").read_text(encoding="utf-8")
    assert MATERIAL_TOGGLE not in page
    assert MATERIAL_TOGGLE.replace(' autocomplete="off"', "") in page
