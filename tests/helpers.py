"""Test helpers: the repository, the pinned day, throwaway copies of the sample (plain and git)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.diagnostics import Diagnostic, Report
from generator.validate import check_repository

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 26)


@dataclass
class Repo:
    """A throwaway repository holding a copy of records/, edited by a test."""

    root: Path

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace `old` (which must occur exactly once) by `new` in a record file."""
        text = self.text(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def line_of(self, rel: str, needle: str) -> int:
        """The 1-based number of the first line of `rel` containing `needle`."""
        for number, line in enumerate(self.text(rel).splitlines(), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {rel}")

    def validate(self, *only: str, as_of: date = AS_OF) -> Report:
        return check_repository(self.root, as_of=as_of, only=[self.root / p for p in only]).report


def copy_from_repo(root: Path, *names: str) -> None:
    """Copy files and folders of this repository (paths relative to it) into `root`."""
    for name in names:
        source, target = REPO / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


# Tests must not depend on the user's git configuration (signing, hooks, default branch).
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass
class GitRepo(Repo):
    """A git repository holding a copy of the sample, changed one commit at a time."""

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.root, env=GIT_ENV, capture_output=True, text=True,
                                check=True)
        return result.stdout.strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    @classmethod
    def with_sample(cls, root: Path, *also: str) -> GitRepo:
        """records/ (and the repository paths in `also`) committed as the first commit on main."""
        copy_from_repo(root, "records", *also)
        repo = cls(root)
        repo.git("init", "-q", "-b", "main")
        repo.git("config", "user.name", "测试")
        repo.git("config", "user.email", "test@example.invalid")
        repo.commit("Sample records")
        return repo


def found(report: Report, rule: str) -> list[Diagnostic]:
    return [d for d in report.diagnostics if d.rule == rule]


def dump_yaml(data: dict[str, Any]) -> bytes:
    """`data` as a block-style YAML record file."""
    dumper = YAML(typ="safe")
    dumper.default_flow_style = False
    stream = io.BytesIO()
    dumper.dump(data, stream)
    return stream.getvalue()
