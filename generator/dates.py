"""Dates: what "today" is for a run, and working days on the official holiday calendar."""

from __future__ import annotations

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
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:  # year outside the calendar's data
            working, exact = day.weekday() < 5, False
        count -= working
    return day, exact
