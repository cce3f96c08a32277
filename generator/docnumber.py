"""发文字号: parse the canonical form, and suggest it for the forms people actually type."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# GB/T 9704-2012 §7.2.5: 机关代字 + 〔four-digit year〕 + serial without leading zeros + 号
_CANONICAL = re.compile(
    r"^(?P<agency>[\u4e00-\u9fa5A-Za-z]{1,20})〔(?P<year>(?:19|20)\d{2})〕(?P<serial>[1-9]\d{0,4})号$"
)
# What arrives instead: ASCII, full-width or lenticular brackets, 字第, leading zeros, spaces.
_LOOSE = re.compile(
    r"^(?P<agency>[\u4e00-\u9fa5A-Za-z]{1,20}?)字?"
    r"[\[\(【〔﹝〖]\s*(?P<year>(?:19|20)\d{2})\s*[\]\)】〕﹞〗]"
    r"字?第?0*(?P<serial>[1-9]\d{0,4})号?$"
)


@dataclass(frozen=True)
class DocNumber:
    agency: str  # 机关代字, e.g. 常人社发
    year: int
    serial: int


def parse(text: str) -> DocNumber | None:
    """The parts of a canonical 发文字号, or None when it is not canonical."""
    match = _CANONICAL.match(text)
    if match is None:
        return None
    return DocNumber(match["agency"], int(match["year"]), int(match["serial"]))


def suggest(text: str) -> str | None:
    """The canonical form of a mistyped 发文字号, e.g. 常人社发[2011]011号 -> 常人社发〔2011〕11号."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _LOOSE.match(folded)
    if match is None:
        return None
    return f"{match['agency']}〔{match['year']}〕{int(match['serial'])}号"
