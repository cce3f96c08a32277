"""The hash-pinned locks in requirements/ cover every dependency and are what the tests run on."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest

from helpers import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
    found = {_normal(m[1]): m[2] for m in PIN.finditer(text)}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(found), "every requirement is pinned with == and sha256 hashes"
    return found


def _names(requirements: list[str]) -> set[str]:
    return {_normal(re.match(r"[A-Za-z0-9._-]+", r)[0]) for r in requirements}


@pytest.mark.parametrize("lock, groups", [("site.txt", []), ("test.txt", ["test"])])
def test_lock_pins_every_dependency_with_hashes(lock: str, groups: list[str]) -> None:
    wanted = _names(PYPROJECT["dependencies"]).union(*(_names(PYPROJECT["optional-dependencies"][g]) for g in groups))
    assert wanted <= set(pins(lock)), wanted - set(pins(lock))
    assert "setuptools" in pins(lock)  # the build backend, installed with --no-build-isolation


def test_site_lock_agrees_with_test_lock() -> None:
    site, test = pins("site.txt"), pins("test.txt")
    assert {name: test.get(name) for name in site} == site


def test_tests_run_on_the_locked_versions() -> None:
    installed = {_normal(d.metadata["Name"]): d.version for d in metadata.distributions()}
    locked = pins("test.txt")
    assert {name: installed.get(name) for name in locked if name != "setuptools"} == {
        name: version for name, version in locked.items() if name != "setuptools"
    }
