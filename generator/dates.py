"""Dates: what "today" is for a run, the dates a record may hold, and working days on the official
holiday calendar."""

from __future__ import annotations

import functools
import os
import re
from datetime import UTC, date, datetime, timedelta

import chinese_calendar

from generator.errors import JxjyError


class AsOfError(JxjyError):
    """SOURCE_DATE_EPOCH does not name a day."""


def default_as_of() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds and tests).

    Raises:
        AsOfError: SOURCE_DATE_EPOCH is not a number of seconds within Python's calendar.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise AsOfError(f"环境变量 SOURCE_DATE_EPOCH「{epoch[:40]}」不是有效的 Unix 时间戳（秒）") from None
    return date.today()


# The dates a record may hold, at both ends inclusive. A record states a decision of a Chinese
# people's government, or a date such a decision sets (a deadline, the end of a 公示 or of a
# validity period): none can come before the People's Republic was founded, 1949-10-01. The end,
# 2100-12-31, is the last day of the last year the schema admits as a 年度 (defs.schema.json): a
# period that runs longer is open-ended, not dated. The window keeps every date computation
# (the day after a deadline, 20 working days after a 成文日期) far from the ends of Python's
# calendar (0001-01-01 .. 9999-12-31), so none can overflow, and it rejects the year 0000, which
# ISO 8601 has but Python's calendar does not. It does not depend on "today", so a record valid
# once stays valid.
EARLIEST = date(1949, 10, 1)
LATEST = date(2100, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: not ２０２５-01-01


def calendar_date(value: object) -> date | None:
    """A YYYY-MM-DD string naming a real day of Python's calendar as a date, else None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None  # fromisoformat alone also takes 20250101 and 2025-W01-1
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2025-02-29, 2025-13-01, 0000-01-01
        return None


def parse(value: object) -> date | None:
    """A record's date as a date; None when absent or not admissible (the schema reports those)."""
    day = calendar_date(value)
    return day if day is not None and EARLIEST <= day <= LATEST else None


def is_record_date(value: object) -> bool:
    """JSON Schema's `format: date` for records, the same for both validators (generator.schemas):
    a YYYY-MM-DD day between EARLIEST and LATEST. Like every format, it says nothing of non-strings."""
    return not isinstance(value, str) or parse(value) is not None


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


def working_days(first: date, last: date) -> tuple[int, bool]:
    """The working days from `first` to `last`, both included, and whether the calendar covered them."""
    count, exact, day = 0, True, first
    while day <= last:
        working, known = _workday(day)
        count, exact = count + working, exact and known
        day += timedelta(days=1)
    return count, exact


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
