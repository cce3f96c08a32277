"""Shared fixtures: a private copy of the sample records, the sample site built once, a private cache."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from helpers import AS_OF, REPO, Repo

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from browsing import Tab


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    shutil.copytree(REPO / "records", tmp_path / "records")
    return Repo(tmp_path)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once per test run (writes REPO/build/docs) into a private folder."""
    from generator.site.build import build

    return build(REPO, as_of=AS_OF, site_dir=tmp_path_factory.mktemp("site") / "site").site


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a payload in many string fields, built once per run."""
    from generator.site.build import build

    from site_fixtures import write_hostile_records

    root = tmp_path_factory.mktemp("hostile")
    write_hostile_records(root)
    return build(root, as_of=AS_OF).site


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built for publishing under /jxjy/: mkdocs.yml's site_url names the subpath."""
    from generator.site.build import build

    from site_fixtures import SUBPATH_SITE_URL, copy_build_inputs, set_config

    root = tmp_path_factory.mktemp("subpath")
    copy_build_inputs(root)
    set_config(root, "site_url", SUBPATH_SITE_URL)
    return build(root, as_of=AS_OF).site


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`jxjy` runs started by the tests remember verdicts in a folder of this run, not ~/.cache."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("JXJY_CACHE_DIR")
    os.environ["JXJY_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["JXJY_CACHE_DIR"]
    else:
        os.environ["JXJY_CACHE_DIR"] = before


# -- the browser tests' fixtures (tests/browsing.py; Playwright is imported only when they run) --------

@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """The sample site on a free loopback port."""
    from browsing import serving

    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium: the tests fail, not skip, without it, and Playwright never downloads one."""
    from playwright.sync_api import sync_playwright

    from browsing import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
                    "(apt-get install chromium); Playwright must not download a browser.", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Tab]:
    """A fresh watched tab on the sample site (default viewport)."""
    from browsing import open_tab

    with open_tab(browser, server) as opened:
        yield opened
