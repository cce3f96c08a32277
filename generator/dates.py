"""Dates: what "today" is for a run, and working days on the official holiday calendar."""

from __future__ import annotations

import functools
import os
from datetime import UTC, date, datetime, timedelta

import chinese_calendar


def default_as_of() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def parse(value: object) -> date | None:
    """A record's ISO date string as a date; None when absent (the schema reports bad ones)."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def add_working_days(start: date, count: int) -> tuple[date, bool]:
    """The `count`-th working day after `start`, and whether the holiday calendar covered it.

    Working days follow the State Council's yearly holiday notice with its make-up working
    days (chinese_calendar). Years the calendar does not know yet fall back to Monday–Friday,
    and the second value is then False so the caller can say so.
    """
    day, exact = start, True
    while count > 0:
        day += timedelta(days=1)
        working, known = _workday(day)
        exact = exact and known
        count -= working
    return day, exact


@functools.cache
def _workday(day: date) -> tuple[bool, bool]:
    """Whether `day` is a working day, and whether the holiday calendar knows its year."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # year outside the calendar's data
        return day.weekday() < 5, False


_DIGITS = "〇一二三四五六七八九"


def cn_date(value: str | date | None) -> str:
    """2011-01-17 -> 2011年1月17日 (GB/T 9704-2012 §7.3.5.4)."""
    day = parse(value) if isinstance(value, str) else value
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_numeral_date(value: str | date | None) -> str:
    """2011-01-17 -> 二〇一一年一月十七日, as documents dated before GB/T 9704-2012 wrote it."""
    day = parse(value) if isinstance(value, str) else value
    if day is None:
        return ""
    year = "".join(_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_small(day.month)}月{_small(day.day)}日"


def _small(n: int) -> str:
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "") if n >= 10 else _DIGITS[n]
