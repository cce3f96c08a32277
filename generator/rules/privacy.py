"""No personal identifiers in public records: ID-card numbers, mobile numbers, home addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.rules.context import Context

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{4})(\d{2})(\d{2})\d{3}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_HOME_WORDS = re.compile(r"家庭住址|家庭地址|现住址|户籍地址|居住地址|家住")
_ROOM = re.compile(r"\d+\s*(?:幢|栋|号楼)\s*(?:\d+\s*单元)?\s*\d+\s*室")
# Codes and links that hold digits but nothing personal; office addresses may name a room.
_SKIP = {"uscc", "index_number", "id", "url", "website"}
_ADDRESS_FIELDS = {"address", "contact"}


def check(ctx: Context) -> Iterator[Diagnostic]:
    for record in ctx.records.valid():
        for path, text in _strings(record.data, ()):
            yield from _scan(ctx, record, path, text)


def _strings(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in _SKIP:
                yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _scan(ctx: Context, record: Record, path: tuple[str | int, ...], text: str) -> Iterator[Diagnostic]:
    title = ctx.title(record, *path)
    for match in _ID_CARD.finditer(text):
        if _is_id_card(match):
            yield record.diag(path, "privacy-id-card",
                              f"「{title}」含有疑似居民身份证号码 {_mask(match.group())}；"
                              "公开记录不得包含个人身份证号，请删除")
    for match in _MOBILE.finditer(text):
        yield record.diag(path, "privacy-mobile",
                          f"「{title}」含有疑似手机号码 {_mask(match.group())}；"
                          "公开记录不得包含个人手机号，请改用单位办公电话")
    home = _HOME_WORDS.search(text) or (path[-1] not in _ADDRESS_FIELDS and _ROOM.search(text))
    if home:
        yield record.diag(path, "privacy-address",
                          f"「{title}」含有疑似个人住址（「{home.group()}」）；公开记录不得包含家庭住址，请删除")


def _is_id_card(match: re.Match[str]) -> bool:
    digits = match.group()
    try:
        date(int(match[2]), int(match[3]), int(match[4]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17].upper()


def _mask(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
