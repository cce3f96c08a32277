"""Writing files for the commands that write: atomically, never through a symlink, never over
something that is not a plain file, and inside the folder they are meant for."""

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
