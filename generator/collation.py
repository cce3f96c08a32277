"""Chinese sort order: by pinyin, as a dictionary or a government list orders names (会计 before 农业).

Code-point order (what `sorted` gives) puts 中 before 会 before 农; a browser's Intl.Collator("zh-CN")
reads each character alone, so it cannot know that 会计 is kuàijì, and differs between browsers. The
site sorts once here and its script keeps the order the build gave, so the page as built and the
page as filtered agree.

Readings come from pypinyin's tables, looked up directly: its converter takes about a millisecond a
name, a minute for a directory of 50 000 bases. A character of one reading is read so; one of several
(会 huì/kuài, 行 xíng/háng) as the two- or three-character word around it reads in the phrase table
(会计, 银行), else by its first (most common) reading.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# Where a word around character i may lie, as (start, end) offsets from i: two characters, then three
_WORDS = ((0, 2), (-1, 1), (0, 3), (-1, 2), (-2, 1))


@cache
def _tables() -> tuple[dict[int, str], dict[str, Any]]:
    """pypinyin's character and phrase tables, imported on first use: importing the phrase table
    takes about half a second, which every jxjy command (jxjy validate too) would otherwise pay."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    return PINYIN_DICT, PHRASES_DICT


@cache
def _tone_number(syllable: str) -> str:
    """kuài -> kuai4: letters first, then the tone, as dictionaries order syllables."""
    from pypinyin import Style
    from pypinyin.style import convert

    return str(convert(syllable, Style.TONE3, True, neutral_tone_with_five=True))


@cache
def _readings(char: str) -> tuple[str, ...]:
    """The character's readings with tone numbers, the most common first; () for none."""
    found = _tables()[0].get(ord(char))
    return tuple(_tone_number(r) for r in found.split(",")) if found else ()


def _in_word(text: str, i: int) -> str | None:
    """The reading of character i in the first word around it that the phrase table has."""
    phrases = _tables()[1]
    for start, end in _WORDS:
        if 0 <= i + start and i + end <= len(text):
            word = phrases.get(text[i + start:i + end])
            if word:
                return _tone_number(word[-start][0])
    return None


def pinyin_key(text: str) -> tuple[list[tuple[int, str]], str]:
    """A sort key: per character its pinyin with tone number (kuai4), then the text itself to break ties.

    Characters without a reading (digits, Latin letters, brackets) sort before Chinese ones and
    among themselves by code point, case-blind, as ICU's collation does.
    """
    key = []
    for i, char in enumerate(text):
        readings = _readings(char)
        if not readings:
            key.append((0, char.casefold()))
        else:
            key.append((1, (len(readings) > 1 and _in_word(text, i)) or readings[0]))
    return key, text
