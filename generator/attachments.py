"""Attachments (附件): files kept beside a notice, records/<kind>/<id>/<file>, and published beside its page.

A file's name must be safe in a URL and on every system that checks the repository out (lower case
ASCII, no Windows device name), its type one that government notices attach, its size bounded.
Its SHA-256 is read in blocks, never the whole file at once, and only when asked for (the site,
the open data, the append-only check); validation looks at names, types and sizes only.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from generator.files import ReadRefused
from generator.kinds import KIND

# 20 MB a file: a scanned multi-page PDF or a list of a thousand bases fits; a published notice's
# files stay in the repository for good (append-only), every clone carries them, and GitHub warns
# from 50 MB a file. A larger annex belongs on the issuer's own site, linked from the body.
MAX_BYTES = 20 * 1024 * 1024

# What real notices attach: lists and forms as Word/Excel (and the WPS Office formats many
# government offices save in), signed or scanned versions as PDF or OFD (GB/T 33190, the national
# fixed-layout format), data as CSV. No archives (.zip, .rar: their contents cannot be reviewed in
# the pull request) and no executables or web pages.
TYPES = {
    "pdf": "PDF 文档",
    "ofd": "OFD 版式文档",
    "doc": "Word 文档",
    "docx": "Word 文档",
    "wps": "WPS 文字文档",
    "xls": "Excel 表格",
    "xlsx": "Excel 表格",
    "et": "WPS 表格",
    "csv": "CSV 表格",
}
# The schema's 「文件名」 pattern (tests/test_attachments.py keeps the two equal).
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}\.(pdf|ofd|doc|docx|wps|xls|xlsx|et|csv)$")
# Windows cannot create these, whatever the extension: a checkout there would fail.
_DEVICE_NAMES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])\.")
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Attachment:
    """A file in a record's folder, as found on disk."""

    rel: str  # records/<kind>/<id>/<name>, POSIX, relative to the root
    path: Path
    size: int

    @property
    def name(self) -> str:
        return PurePosixPath(self.rel).name

    @property
    def type_title(self) -> str:
        return TYPES.get(self.name.rsplit(".", 1)[-1], "文件")

    @cached_property
    def sha256(self) -> str:
        return sha256_of(self.path)


def open_plain(path: Path) -> BinaryIO:
    """The regular file `path` opened for reading, never through a symlink nor blocking on a FIFO
    (one may have replaced the file since it was listed).

    Raises:
        ReadRefused: it is a symlink or not a regular file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise ReadRefused(f"{path}：附件无法读取（{exc.strerror}，符号链接不跟随）") from None
    handle = os.fdopen(fd, "rb", buffering=0)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise ReadRefused(f"{path}：附件不是普通文件（命名管道、设备或目录）")
    return handle


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read a block at a time."""
    digest = hashlib.sha256()
    with open_plain(path) as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def copy_to(attachment: Attachment, target: Path) -> None:
    """Copy the file to `target` a block at a time."""
    with open_plain(attachment.path) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, _BLOCK)


def owner_of(rel: str) -> str | None:
    """The record file an attachment path belongs to (records/<kind>/<id>/<file> ->
    records/<kind>/<id>.yaml); None for any other path. A .yaml file there is a record one folder
    too deep, not an attachment."""
    parts = rel.split("/")
    if len(parts) == 4 and parts[0] == "records" and parts[1] in KIND and not parts[3].endswith(".yaml"):
        return f"{PurePosixPath(rel).parent}.yaml"
    return None


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an attachment's file name, in Chinese; None when it can."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in TYPES:
        return (f"附件「{name}」的类型（{'.' + suffix if suffix else '无扩展名'}）不能发布，可用："
                + "、".join(f".{t}" for t in TYPES))
    if not NAME.match(name) or _DEVICE_NAMES.match(name):
        return (f"附件文件名「{name}」不能用：须以小写字母或数字开头，只用小写字母、数字、点、连字符和下划线"
                "（不用中文、空格和大写字母，网址和各种系统上都不会出错），扩展名前不超过 80 个字符，"
                "且不是 con、nul 等设备名")
    return None


def size_text(size: int) -> str:
    """12.3 KB, 1.5 MB: a file's size as the page shows it."""
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def size_problem(size: int) -> str | None:
    if size <= MAX_BYTES:
        return None
    return (f"附件大小 {size_text(size)}，超过上限 {MAX_BYTES // 1024 // 1024} MB；"
            "请压缩（如 PDF 降低扫描分辨率），或放在发文机关网站上、在正文中给出链接")


def entry_attachment(entry: os.DirEntry[str], rel: str) -> Attachment:
    return Attachment(rel, Path(entry.path), entry.stat(follow_symlinks=False).st_size)
