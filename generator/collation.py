"""Chinese sort order: by pinyin, as a dictionary or a government list orders names (会计 before 农业).

Code-point order (what `sorted` gives) puts 中 before 会 before 农; Chromium's Intl.Collator("zh-CN")
reads every character alone (会计 as huì). The site sorts once here, by phrase-aware pinyin, and its
script keeps the order the build gave, so the page as built and the page as filtered agree.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> list[tuple[int, str, str]]:
    """A sort key: per character, its pinyin with tone number (kuai4) and the character itself.

    Characters without a reading (digits, Latin letters, brackets) sort before Chinese ones and
    among themselves by code point, case-blind, as ICU's collation does.
    """
    readings = lazy_pinyin(text, style=Style.TONE3, errors=list, neutral_tone_with_five=True)
    return [(1, reading, char) if reading != char else (0, char.casefold(), char)
            for char, reading in zip(text, readings, strict=True)]
