"""Dates as Korean and English support documents write them.

Accepted date shapes: ``2026-09-14``, ``2026.09.14``, ``2026/09/14`` (spaces around the separators
allowed) and ``2026년 9월 14일``. Timestamps may add ``HH:MM[:SS]`` (``T`` or a space between,
``오전``/``오후`` or ``AM``/``PM`` allowed) and an ISO offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

DATE_PATTERN = (
    r"(?<!\d)(?P<y>\d{4})\s*(?:[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)"
    r"|년\s*(?P<m2>\d{1,2})\s*월\s*(?P<d2>\d{1,2})\s*일?)"
)
_DATE = re.compile(DATE_PATTERN)
_TIMESTAMP = re.compile(
    DATE_PATTERN + r"\.?(?:(?:\s*T\s*|\s+)(?:(?P<ampm1>오전|오후|AM|PM|am|pm)\s*)?(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<ampm2>AM|PM|am|pm)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)


def _date_of(match: re.Match[str]) -> date | None:
    year = int(match.group("y"))
    month = int(match.group("m") or match.group("m2"))
    day = int(match.group("d") or match.group("d2"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iter_dates(text: str) -> Iterator[tuple[date, int, int]]:
    """Every valid date in ``text`` with its start and end offsets, in order."""
    for match in _DATE.finditer(text):
        found = _date_of(match)
        if found is not None:
            yield found, match.start(), match.end()


def parse_date(value: str) -> date | None:
    """The date that ``value`` holds (a timestamp's date part is accepted), else None."""
    value = value.strip()
    if not value:
        return None
    stamp = parse_datetime(value)
    return stamp.date() if stamp is not None else None


def parse_datetime(value: str) -> datetime | None:
    """The date and time that ``value`` holds (a date alone means midnight), else None."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return None
    day = _date_of(match)
    if day is None:
        return None
    if match.group("H") is None:
        return datetime(day.year, day.month, day.day)
    hour, minute, second = int(match.group("H")), int(match.group("M")), int(match.group("S") or 0)
    ampm = (match.group("ampm1") or match.group("ampm2") or "").upper()
    if ampm in ("오후", "PM") and hour < 12:
        hour += 12
    elif ampm in ("오전", "AM") and hour == 12:
        hour = 0
    try:
        stamp = datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None
    tz = match.group("tz")
    if tz:
        try:
            return datetime.fromisoformat(stamp.isoformat() + ("+00:00" if tz == "Z" else tz))
        except ValueError:
            return None
    return stamp
