"""Chinese sort order: by pinyin, as a dictionary or a government list orders names (会计 before 农业).

Code-point order (what `sorted` gives) puts 中 before 会 before 农; a browser's Intl.Collator("zh-CN")
reads each character alone, so it cannot know that 会计 is kuàijì, and differs between browsers. The
site sorts once here, by phrase-aware pinyin, and its script keeps the order the build gave, so the
page as built and the page as filtered agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from pypinyin import Style, lazy_pinyin

# pypinyin's `errors`: text without a reading comes back as a list of its characters, one entry each,
# so readings line up with characters. The code takes a list (pypinyin/converter.py, handle_nopinyin);
# its type stub names only a str.
_EACH_CHARACTER = cast("Callable[[str], str]", list)


def pinyin_key(text: str) -> tuple[list[tuple[int, str]], str]:
    """A sort key: per character its pinyin with tone number (kuai4), then the text itself to break ties.

    Characters without a reading (digits, Latin letters, brackets) sort before Chinese ones and
    among themselves by code point, case-blind, as ICU's collation does.
    """
    readings = lazy_pinyin(text, style=Style.TONE3, errors=_EACH_CHARACTER, neutral_tone_with_five=True)
    return [(1, reading) if reading != char else (0, char.casefold())
            for char, reading in zip(text, readings, strict=True)], text
