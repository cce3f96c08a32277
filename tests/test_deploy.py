"""docs/deploy.md's configuration, run for real: nginx serving the site under /jxjy/ (its 404 page,
compression, caching), the systemd units, and the cron line.

Each test skips when its program is not installed; the browser tests (tests/test_browser.py) open
the same pages through the same nginx.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_fixtures import DEPLOY_DOC, SUBPATH, nginx_serving

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def nginx(subpath_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with nginx_serving(subpath_site, tmp_path_factory.mktemp("nginx")) as url:
        yield url


def get(base: str, path: str, *, gzipped: bool = False) -> http.client.HTTPResponse:
    """One request, redirects not followed; the response is read (its body in `.data`)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    response = connection.getresponse()
    response.data = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def body(response: http.client.HTTPResponse) -> str:
    data = response.data  # type: ignore[attr-defined]
    return (gzip.decompress(data) if response.getheader("Content-Encoding") == "gzip" else data).decode("utf-8")


def test_pages_are_served_under_the_subpath_and_never_cached_stale(nginx: str, subpath_site: Path) -> None:
    for path in ("", "bases/base-2021-001/", "search/", "data/bases.csv", "pagefind/pagefind-entry.json"):
        response = get(nginx, SUBPATH + path)
        assert response.status == 200, path
        assert response.getheader("Cache-Control") == "no-cache", path
        assert response.data == (subpath_site / (path + "index.html" if path.endswith("/") or not path else path)).read_bytes()
    home = get(nginx, SUBPATH)
    assert home.getheader("Content-Type") == "text/html; charset=utf-8"
    moved = get(nginx, SUBPATH.rstrip("/"))
    assert moved.status == 301 and urlsplit(moved.getheader("Location")).path == SUBPATH


def test_a_missing_page_gets_the_sites_404_page_with_links_under_the_subpath(nginx: str, subpath_site: Path) -> None:
    response = get(nginx, SUBPATH + "bases/no-such-base/")
    assert response.status == 404
    page = body(response)
    assert page == (subpath_site / "404.html").read_text(encoding="utf-8")
    assert f'href="{SUBPATH}assets/site.css"' in page and f'src="{SUBPATH}assets/site.js"' in page
    assert get(nginx, "/jxjy-other/").status == 404  # outside the subpath: not the site


def test_text_is_compressed_and_pagefind_files_are_not_compressed_twice(nginx: str, subpath_site: Path) -> None:
    for path in ("", "assets/site.css", "assets/site.js", "bases/directory.json", "atom.xml"):
        response = get(nginx, SUBPATH + path, gzipped=True)
        assert response.getheader("Content-Encoding") == "gzip", path
        assert "Accept-Encoding" in (response.getheader("Vary") or ""), path
    fragment = next((subpath_site / "pagefind" / "fragment").iterdir())
    response = get(nginx, f"{SUBPATH}pagefind/fragment/{fragment.name}", gzipped=True)
    assert response.getheader("Content-Encoding") is None
    assert response.data == fragment.read_bytes() and response.data[:2] == b"\x1f\x8b"  # Pagefind's own gzip


def test_pagefinds_hashed_files_are_cached_for_good(nginx: str, subpath_site: Path) -> None:
    bundle = subpath_site / "pagefind"
    hashed = [next((bundle / folder).iterdir()) for folder in ("fragment", "index", "filter")]
    hashed += list(bundle.glob("pagefind.*.pf_meta"))
    assert len(hashed) == 4
    for path in hashed:
        response = get(nginx, SUBPATH + path.relative_to(subpath_site).as_posix())
        assert response.status == 200 and response.getheader("Cache-Control") == IMMUTABLE, path
    for name in ("pagefind-entry.json", "pagefind-ui.js"):
        assert get(nginx, f"{SUBPATH}pagefind/{name}").getheader("Cache-Control") == "no-cache", name


# -- the nightly rebuild -----------------------------------------------------------------------------

def _doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_systemd_units_of_the_docs_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    units = dict(re.findall(r"`/etc/systemd/system/([^`]+)`：\n\n```ini\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"),
                            re.DOTALL))
    assert set(units) == {"jxjy-rebuild.service", "jxjy-rebuild.timer"}
    for name, text in units.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    service = units["jxjy-rebuild.service"]
    assert "ExecStart=-/usr/bin/git pull --ff-only\n" in service and "ExecStart=/usr/bin/make site\n" in service
    assert "OnCalendar=*-*-* 00:10:00 Asia/Shanghai" in units["jxjy-rebuild.timer"]
    result = subprocess.run([analyze, "verify", "--man=no", *(str(tmp_path / n) for n in sorted(units))],
                            capture_output=True, text=True, timeout=60)
    # A unit that does not parse, or names a missing program, is reported on stderr.
    assert result.returncode == 0 and "jxjy-rebuild" not in result.stderr, result.stderr


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "测试",
           "GIT_AUTHOR_EMAIL": "test@example.invalid", "GIT_COMMITTER_NAME": "测试",
           "GIT_COMMITTER_EMAIL": "test@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_the_cron_line_pulls_the_mirror_and_rebuilds_even_when_the_mirror_is_down(tmp_path: Path) -> None:
    (cron,) = _doc_blocks("cron")
    (line,) = [x for x in cron.splitlines() if x and not x.startswith("#") and "=" not in x.split()[0]]
    fields = line.split(None, 6)
    assert fields[:5] == ["10", "0", "*", "*", "*"] and fields[5] == "jxjy"
    command = fields[6]
    # A mirror, the bureau's checkout of it, and `make` and `logger` stand-ins that record their calls.
    source, mirror, checkout, bin_dir = (tmp_path / n for n in ("source", "mirror.git", "checkout", "bin"))
    source.mkdir()
    _git(source, "init", "-q", "-b", "main")
    _git(source, "commit", "-q", "--allow-empty", "-m", "first")
    _git(tmp_path, "clone", "-q", "--bare", str(source), str(mirror))
    _git(tmp_path, "clone", "-q", str(mirror), str(checkout))
    _git(source, "commit", "-q", "--allow-empty", "-m", "second")
    _git(source, "push", "-q", str(mirror), "main")
    bin_dir.mkdir()
    for name, also in (("make", ""), ("logger", f'cat >> "{tmp_path}/log"\n')):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\n{also}', encoding="utf-8")
        stub.chmod(0o755)
    assert command.startswith("cd /srv/jxjy-registry && ")
    run = command.replace("/srv/jxjy-registry", str(checkout), 1)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["sh", "-c", run], env=env, check=True, timeout=60, stdin=subprocess.DEVNULL)
    assert _git(checkout, "rev-parse", "HEAD") == _git(source, "rev-parse", "HEAD")  # pulled
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert sorted(calls) == ["logger -t jxjy-rebuild", "make site"]  # the two ends of a pipe: either starts first
    mirror.rename(tmp_path / "mirror-away")  # the mirror cannot be reached: the site is still rebuilt
    (tmp_path / "calls").unlink()
    subprocess.run(["sh", "-c", run], env=env, check=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "make site" in (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert "fatal" in (tmp_path / "log").read_text(encoding="utf-8")  # git's complaint reaches the log
