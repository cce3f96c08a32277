"""Change history of record files from git, in one pass; empty outside a git checkout.

Commit subjects are written in English by the project's rule, so a page shows what happened
(新增 / 修改) with the commit id rather than the subject line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import git

_SEPARATOR = "\x1e"  # record separator: cannot occur in a commit subject line


ACTIONS = {"A": "新增", "M": "修改", "D": "删除", "T": "修改"}


@dataclass(frozen=True)
class Change:
    day: str  # ISO date of the commit
    action: str  # 新增 / 修改 / 删除, from git's status letter
    commit: str  # abbreviated commit id, to trace the change in the repository


def history(root: Path) -> dict[str, list[Change]]:
    """Every commit touching records/, by record path (relative to root), newest first.

    Returns an empty mapping when `root` is not a git checkout or git is missing, so the
    site still builds from an exported tarball.
    """
    try:
        log = git.log_name_status(root, _SEPARATOR, "records")
    except git.GitError:
        return {}
    found: dict[str, list[Change]] = {}
    for block in log.split(_SEPARATOR)[1:]:
        header, _, lines = block.partition("\n")
        day, _, commit = header.partition("\t")
        for line in lines.splitlines():
            status, _, name = line.partition("\t")
            if name:
                found.setdefault(name, []).append(Change(day, ACTIONS.get(status[:1], "修改"), commit))
    return found
