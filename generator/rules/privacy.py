"""No personal identifiers in public records: ID-card numbers, mobile numbers, home addresses.

Text is NFKC-normalised before matching, so that full-width digits and separators (３２０４０２…)
read as the ASCII ones they stand for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from generator import dates
from generator.diagnostics import Diagnostic
from generator.records import Record
from generator.schemas import SchemaSet
from generator.yamlio import clip

NO_DATE = date(2100, 12, 31)  # records without 成文日期 (organizations)

# GB 11643-1999: 6-digit area code, birth date yyyymmdd, 3-digit sequence, check digit; also written
# in 6-8-4 groups, separated alike by spaces or hyphens. First-generation cards (15 digits) have a
# yymmdd birth date and no check digit, so a real area and birth date must keep the false positives down.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})([ -]?)(\d{4})(\d{2})(\d{2})\2(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID_CARD_15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{2})(\d{2})(\d{2})\d{3}(?![0-9A-Za-z])")
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
# First two digits of an area code: provinces (GB/T 2260), then Hong Kong, Macao and Taiwan residents.
_PROVINCES = {*"11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54".split(),
              *"61 62 63 64 65 71 81 82 83".split()}
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}[- ]?|\.\d{4}\.)\d{4}(?!\d)")
# 家住 (lives at), but not in 国家住房… 国家住建部 (state housing) or 专家住宿 (experts' lodging).
_HOME_WORDS = re.compile(r"家庭住址|家庭地址|现住址|户籍地址|居住地址|(?<!国)家住(?![房宅宿])")
_ROOM = re.compile(r"(?<!\d)\d+\s*(?:幢|栋|号楼)\s*(?:\d+\s*单元)?\s*\d+\s*室")  # (?<!\d): linear time
# Codes that hold digits but nothing personal; links, searched for ID numbers only (a query string
# may carry one; a page number may look like a mobile or an old 15-digit number); office addresses
# may name a room.
_CODES = {"uscc", "index_number", "id"}
_LINKS = {"url", "website"}
_ADDRESS_FIELDS = {"address", "contact"}


def check_record(record: Record, schemas: SchemaSet) -> Iterator[Diagnostic]:
    # A person named in a notice was born before it was written: the record's own date bounds a
    # birth date, so the verdict depends on the record alone (and can be remembered with it).
    latest = dates.parse(record.data.get("written_on")) or NO_DATE
    for path, text in _strings(record.data, ()):
        yield from _scan(schemas, record, path, unicodedata.normalize("NFKC", text), latest)


def _strings(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in _CODES:
                yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _scan(schemas: SchemaSet, record: Record, path: tuple[str | int, ...], text: str,
          latest: date) -> Iterator[Diagnostic]:
    title = schemas.title(record.kind, path)
    link = path[-1] in _LINKS
    numbers = [m for m in _ID_CARD.finditer(text) if _is_id_card(m, latest)]
    if not link:
        numbers += [m for m in _ID_CARD_15.finditer(text) if _is_id_card_15(m)]
    for match in numbers:
        yield record.diag(path, "privacy-id-card",
                          f"「{title}」含有疑似居民身份证号码 {_mask(match.group())}；"
                          "公开记录不得包含个人身份证号，请删除")
    if link:
        return
    for match in _MOBILE.finditer(text):
        yield record.diag(path, "privacy-mobile",
                          f"「{title}」含有疑似手机号码 {_mask(match.group())}；"
                          "公开记录不得包含个人手机号，请改用单位办公电话")
    home = _HOME_WORDS.search(text) or (path[-1] not in _ADDRESS_FIELDS and _ROOM.search(text))
    if home:
        yield record.diag(path, "privacy-address",
                          f"「{title}」含有疑似个人住址（「{clip(home.group())}」）；公开记录不得包含家庭住址，请删除")


def _is_id_card(match: re.Match[str], latest: date) -> bool:
    digits = match[1] + match[3] + match[4] + match[5] + match[6]
    if not _plausible(match[1], match[3], match[4], match[5], latest):
        return False
    total = sum(int(c) * w for c, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17].upper()


def _is_id_card_15(match: re.Match[str]) -> bool:
    return _plausible(match[1], "19" + match[2], match[3], match[4], date(1999, 12, 31))


def _plausible(area: str, year: str, month: str, day: str, latest: date) -> bool:
    """Whether `area` starts with a province code and year-month-day is a day from 1900 to `latest`."""
    try:
        birth = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return area[:2] in _PROVINCES and date(1900, 1, 1) <= birth <= latest


def _mask(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
