"""发文字号: parse the canonical forms, and suggest them for the forms people actually type.

Two forms carry a number (a regulation passed by a people's congress, 条例, carries none: leave
the field out):

- 机关代字〔年份〕序号号 (GB/T 9704-2012 §7.2.5): 常人社发〔2011〕11号, 苏人社字〔2021〕3号,
  苏人社（职）发〔2020〕1号;
- an order, 发文机关令第序号号, with no year: 人力资源社会保障部令第25号.

A 机关代字 is Chinese characters and Latin letters, the trailing 字 included (苏人社字 is one 代字).
It may hold parenthesised parts in full-width parentheses, one to ten Chinese characters each and
not at its start (苏人社（职）发): that is how offices within a bureau mark their documents.
ASCII, square or lenticular parentheses there are mistyped full-width ones; 〔〕 belongs to the year.

The schema (defs.schema.json#/$defs/doc_number) states the same forms as one pattern;
tests/test_docnumber.py holds the two to the same answers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 50  # the schema's maxLength: the pattern bounds the serial, not the 代字
_HAN = "\u4e00-\u9fa5"
_AGENCY = rf"[{_HAN}A-Za-z](?:[{_HAN}A-Za-z]|（[{_HAN}]{{1,10}}）)*"
_SERIAL = r"[1-9][0-9]{0,4}"
_CANONICAL = re.compile(
    rf"^(?:(?P<agency>{_AGENCY})〔(?P<year>(?:19|20)[0-9]{{2}})〕(?P<serial>{_SERIAL})号"
    rf"|(?P<order>[{_HAN}]{{1,29}}令)第(?P<order_serial>{_SERIAL})号)$"
)
# What arrives instead, after NFKC (which turns （） into ()) and without spaces: ASCII, square or
# lenticular brackets round the year or a 代字's part, 字第 or 第 before the serial, leading zeros,
# no 号; an order without 第.
_LOOSE_YEAR = re.compile(
    rf"^(?P<agency>[{_HAN}A-Za-z](?:[{_HAN}A-Za-z]|[\(\[【〖][{_HAN}]{{1,10}}[\)\]】〗])*)"
    r"[\[\(【〔〖]\s*(?P<year>(?:19|20)[0-9]{2})\s*[\]\)】〕〗]"
    r"字?第?0*(?P<serial>[1-9][0-9]{0,4})号?$"
)
_LOOSE_ORDER = re.compile(rf"^(?P<order>[{_HAN}]{{1,29}}令)第?0*(?P<serial>[1-9][0-9]{{0,4}})号?$")
_PART = re.compile(rf"[\(\[【〖]([{_HAN}]{{1,10}})[\)\]】〗]")


@dataclass(frozen=True)
class DocNumber:
    agency: str  # 机关代字 (常人社发), or the order's issuer with 令 (人力资源社会保障部令)
    year: int | None  # None for an order: 令 are numbered without a year
    serial: int


def parse(text: str) -> DocNumber | None:
    """The parts of a canonical 发文字号, or None when it is not canonical."""
    match = _CANONICAL.match(text) if len(text) <= MAX_LENGTH else None
    if match is None:
        return None
    if match["order"] is not None:
        return DocNumber(match["order"], None, int(match["order_serial"]))
    return DocNumber(match["agency"], int(match["year"]), int(match["serial"]))


def suggest(text: str) -> str | None:
    """The canonical form of a mistyped 发文字号, the 代字 kept whole: 常人社发[2011]011号 ->
    常人社发〔2011〕11号, 苏人社字[2021]003号 -> 苏人社字〔2021〕3号, 人社部令25号 -> 人社部令第25号."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _LOOSE_YEAR.match(folded)
    if match is not None:
        agency = _PART.sub(r"（\1）", match["agency"])
        return f"{agency}〔{match['year']}〕{int(match['serial'])}号"
    match = _LOOSE_ORDER.match(folded)
    if match is not None:
        return f"{match['order']}第{int(match['serial'])}号"
    return None
