"""Every git command the tool runs: one wrapper with a timeout, a fixed locale and one error.

Commands name refs only after `resolve` has turned them into commit ids (a ref starting with `-`
is refused), paths are never quoted (core.quotePath=false), and git's own messages are read in
the C locale. Anything that goes wrong is a GitError with a Chinese message.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import JxjyError

TIMEOUT = 120  # seconds for one git command


class GitError(JxjyError):
    """A ref cannot be resolved, the folder is no repository, or git fails."""


def run(repo: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    """`git -C repo args`, its output as text (undecodable bytes replaced)."""
    return _run(repo, args, ok, binary=False)


def run_bytes(repo: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[bytes]:
    """`git -C repo args`, its output as bytes (an archive, a file's content)."""
    return _run(repo, args, ok, binary=True)


def _run(repo: Path, args: tuple[str, ...], ok: tuple[int, ...], *, binary: bool) -> subprocess.CompletedProcess[Any]:
    if not repo.is_dir():
        raise GitError(f"找不到仓库目录：{repo}")
    command = ["git", "-C", str(repo), "-c", "core.quotePath=false", *args]
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"}
    try:
        if binary:
            result: subprocess.CompletedProcess[Any] = subprocess.run(command, capture_output=True, timeout=TIMEOUT,
                                                                      env=env)
        else:
            result = subprocess.run(command, capture_output=True, timeout=TIMEOUT, env=env, encoding="utf-8",
                                    errors="replace")
    except FileNotFoundError:
        raise GitError("找不到 git 命令，请先安装 git") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} 超时（{TIMEOUT} 秒）") from None
    if result.returncode not in ok:
        stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode("utf-8", "replace")
        if "not a git repository" in stderr:
            raise GitError(f"{repo} 不是 git 仓库")
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else f"退出码 {result.returncode}"
        raise GitError(f"git {args[0]} 失败：{detail}")
    return result


def resolve(repo: Path, ref: str) -> str:
    """The commit id of `ref`; GitError when it names no commit."""
    if not ref or ref.startswith("-"):
        raise GitError(f"无效的版本引用：「{ref}」")
    result = run(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", ok=(0, 1, 128))
    if "not a git repository" in result.stderr:
        raise GitError(f"{repo} 不是 git 仓库")
    if result.returncode != 0 or not result.stdout.strip():
        raise GitError(f"找不到版本「{ref}」（分支、标签或提交编号）；CI 中请先 git fetch 该分支")
    return result.stdout.strip()


def changed_files(repo: Path, base: str, head: str | None, where: str = "records/", *,
                  since_fork: bool = False) -> dict[str, str]:
    """Paths under `where` (":/" for the whole repository) that differ, each with A (added),
    M (modified) or D (deleted), sorted.

    Renames count as a deletion plus an addition. With `head` None the working tree is compared,
    untracked files (not ignored) included. With `since_fork` the comparison starts where `head`
    forked from `base` (git merge-base), as a pull request's changes are counted.
    """
    start = resolve(repo, base)
    if since_fork:
        start = merge_base(repo, base, head) or start
    commits = [start] + ([resolve(repo, head)] if head is not None else [])
    out = run(repo, "diff", "--name-status", "--no-renames", "-z", *commits, "--", where).stdout
    parts = out.split("\0")
    found: dict[str, str] = {}
    for status, path in zip(parts[0::2], parts[1::2], strict=False):
        if path:
            found[path] = {"A": "A", "D": "D"}.get(status[:1], "M")
    if head is None:
        untracked = run(repo, "ls-files", "--others", "--exclude-standard", "-z", "--", where).stdout
        for path in untracked.split("\0"):
            if path:
                found.setdefault(path, "A")
    return dict(sorted(found.items()))


def merge_base(repo: Path, base: str, head: str | None) -> str | None:
    """The commit `base` and `head` (None: the working tree's HEAD) forked from; None when unrelated."""
    result = run(repo, "merge-base", resolve(repo, base), resolve(repo, head or "HEAD"), ok=(0, 1))
    return result.stdout.strip() or None


def show(repo: Path, ref: str | None, path: str) -> bytes | None:
    """The bytes of `path` at `ref` (None: the working tree), or None when it does not exist there.
    A symlink in the working tree is not followed: it reads as absent."""
    if ref is None:
        file = repo / path
        if file.is_symlink() or not file.is_file():
            return None
        return file.read_bytes()
    result = run_bytes(repo, "cat-file", "blob", f"{resolve(repo, ref)}:{path}", ok=(0, 128))
    return result.stdout if result.returncode == 0 else None


def record_ids(repo: Path, commit: str) -> set[str]:
    """The ids (file names) of the records at `commit`."""
    out = run(repo, "ls-tree", "-r", "--name-only", "-z", commit, "--", "records/").stdout
    return {PurePosixPath(p).stem for p in out.split("\0") if p.endswith(".yaml")}


def deleted_ids(repo: Path, *refs: str) -> dict[str, str]:
    """Every record id whose file was deleted in the history of the `refs`, with the deleted path."""
    out = run(repo, "log", "--no-renames", "--diff-filter=D", "--name-only", "--format=", "-z",
              *(resolve(repo, ref) for ref in refs), "--", "records/").stdout
    found: dict[str, str] = {}
    for path in out.replace("\n", "\0").split("\0"):
        if path.endswith(".yaml"):
            found.setdefault(PurePosixPath(path).stem, path)
    return found


def remote_commits(repo: Path) -> list[str]:
    """The commits of every remote-tracking branch, sorted."""
    return sorted(set(run(repo, "for-each-ref", "--format=%(objectname)", "refs/remotes/").stdout.split()))


def head_commit(repo: Path) -> str | None:
    """HEAD's commit, None in a repository without commits."""
    return run(repo, "rev-parse", "--verify", "--quiet", "HEAD", ok=(0, 1)).stdout.strip() or None


def export(repo: Path, ref: str, folder: str, into: Path) -> None:
    """Write `folder` as it is at `ref` under `into` (nothing when `ref` has no such folder).

    Extracted as tarfile's "data" filter does, but every symlink is kept inside `into` as a dangling
    link, which the loader reports (record-path) as it does in a work tree. git archive writes no
    hard links; any other member is refused by the filter.
    """
    commit = resolve(repo, ref)
    if not run(repo, "ls-tree", "--name-only", commit, "--", folder).stdout.strip():
        return
    archive = run_bytes(repo, "archive", "--format=tar", commit, "--", folder).stdout
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter=_no_links)
    except (tarfile.TarError, OSError) as exc:
        raise GitError(f"无法导出版本「{ref}」的 {folder}/：{exc}") from None


def _no_links(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    if member.islnk():
        return None
    if member.issym():
        member = member.replace(linkname=".link-not-followed", deep=False)
    return tarfile.data_filter(member, dest)


def log_name_status(repo: Path, separator: str, folder: str) -> str:
    """`git log --name-status` of `folder`, each commit introduced by `separator`, day and short id."""
    return run(repo, "log", "--no-renames", f"--format={separator}%cs%x09%h", "--name-status", "--", folder).stdout
