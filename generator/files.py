"""Files the tool reads or writes that anyone may have put there: a record, mkdocs.yml, a teams
list, a report named by --output, the CI job summary.

Reads open without following a symlink and without blocking, check that what was opened is a
regular file (not a FIFO or a device, which would hang or never end) and read at most a limit.
Writes go through a temporary file in the same folder (atomic), never through a symlink, never
over something that is not a plain file, and inside the folder they are meant for.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from generator.errors import JxjyError

# The folders of a records repository that hold its data and the site's sources: a report
# written with --output never lands in them.
SOURCE_DIRS = ("records", "docs", "schema")


class WriteRefused(JxjyError):
    """A write was refused before anything was touched (exit 2); the message is Chinese."""


class ReadRefused(JxjyError):
    """A file the command needs is not a regular file or cannot be read (exit 2); the message says
    why, for the caller to name the file."""


def read_plain(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of the regular file `path`, so that the caller can tell a file over
    its limit.

    Raises:
        FileNotFoundError: there is no such file.
        ReadRefused: it is a symlink, not a regular file, or unreadable.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ReadRefused("是符号链接，不跟随" if os.path.islink(path) else f"无法读取（{exc.strerror}）") from None
    try:
        # fstat before opening a file object: io refuses a directory with a bare IsADirectoryError
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadRefused("不是普通文件（命名管道、设备或目录）")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def append_file(path: Path, text: str) -> None:
    """Append `text` (UTF-8) to the regular file `path`, created if missing (a CI job summary):
    never through a symlink, never to a FIFO or a device.

    Raises:
        WriteRefused: `path` is a symlink or not a regular file.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0),
                     0o644)
    except OSError as exc:
        reason = "是符号链接，不跟随" if os.path.islink(path) else f"无法写入：{exc.strerror}"
        raise WriteRefused(f"{path} {reason}，拒绝写入") from None
    with os.fdopen(fd, "a", encoding="utf-8", errors="surrogateescape") as out:
        if not stat.S_ISREG(os.fstat(out.fileno()).st_mode):
            raise WriteRefused(f"{path} 不是普通文件，拒绝写入")
        out.write(text)


def write_file(path: Path, text: str, *, inside: Path | None = None, replace: bool = True) -> bool:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder, so that a reader
    sees the old content or the new, never a part.

    Args:
        inside: the folder `path` must stay in once symlinks are resolved (a .github/ that is a
            symlink out of the repository is refused); its missing folders are created.
        replace: whether an existing file may be replaced; False raises FileExistsError instead,
            atomically (two writers cannot both create the file).

    Returns:
        Whether an existing file was replaced.

    Raises:
        WriteRefused: `path` is a symlink, exists and is not a regular file, or leaves `inside`.
        FileExistsError: `path` exists and `replace` is False.
        OSError: the folder cannot be written.
    """
    if inside is not None and not path.parent.resolve().is_relative_to(inside.resolve()):
        raise WriteRefused(f"{path} 不在 {inside} 之内（路径中有指向外部的符号链接？），拒绝写入")
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISLNK(mode):
        raise WriteRefused(f"{path} 是符号链接，不跟随，拒绝写入")
    if mode is not None and not stat.S_ISREG(mode):
        raise WriteRefused(f"{path} 已存在且不是普通文件，拒绝写入")
    if inside is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", errors="surrogateescape",
                                     dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        out.write(text)
    try:
        os.chmod(out.name, 0o644)  # as a file written in place would be, not the temporary file's 0600
        if replace:
            os.replace(out.name, path)
        else:
            os.link(out.name, path)  # fails when the file exists, whoever made it in between
    finally:
        if os.path.lexists(out.name):
            os.unlink(out.name)
    return mode is not None


def write_output(path: Path, text: str, root: Path) -> bool:
    """Write a report named by --output: anywhere but into the records repository's own data
    (SOURCE_DIRS of `root`), as write_file does. Returns whether an existing file was replaced.

    Raises:
        WriteRefused: as write_file, or `path` is inside records/, docs/ or schema/ of `root`.
    """
    target = path.parent.resolve() / path.name
    for name in SOURCE_DIRS:
        if target.is_relative_to((root / name).resolve()):
            raise WriteRefused(f"{path} 在仓库的 {name}/ 之内，报告不能写在这里（会成为仓库的数据），拒绝写入")
    return write_file(path, text)
