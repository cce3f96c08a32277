"""docs/deploy.md's nginx configuration, run for real: the site under /jxjy/, its 404 page, compression, caching.

Skips when nginx is not installed; the browser tests (tests/test_browser.py) open the same pages.
"""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_fixtures import SUBPATH, nginx_serving

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
