"""The period a report covers: ``[since, until)`` in UTC, an optional channel, and its time buckets.

Buckets are computed here, in Python, and handed to SQL as plain datetime ranges (a ``CASE``
over the boundaries, ``sql.bucket_of``), so one query serves SQLite and PostgreSQL alike.
A period of up to 62 days is bucketed by day, a longer one by ISO week (Monday to Sunday; the
first and last weeks are clipped to the period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from assist.errors import InvalidInputError

Bucket = Literal["day", "week"]
DEFAULT_DAYS = 28
DAY_BUCKETS_UP_TO = 62
MAX_DAYS = 3660  # ten years of weekly buckets at most
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)

__all__ = ["DEFAULT_DAYS", "Bucket", "Period", "make_period"]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    """``[since, until)`` (aware UTC datetimes), the channel filter and the bucket size."""

    since: datetime
    until: datetime
    channel: str | None = None
    bucket: Bucket = "day"

    @property
    def days(self) -> int:
        return max(1, round((self.until - self.since) / timedelta(days=1)))

    def previous(self) -> Period:
        """The period of the same length just before this one (for new and rising tags)."""
        length = self.until - self.since
        return Period(self.since - length, self.since, self.channel, self.bucket)

    def buckets(self) -> list[tuple[datetime, datetime]]:
        """``[(start, end), ...]`` covering the period: days, or ISO weeks clipped to it."""
        out: list[tuple[datetime, datetime]] = []
        start = self.since
        while start < self.until:
            if self.bucket == "day":
                end = start + timedelta(days=1)
            else:
                monday = _midnight(start.date() - timedelta(days=start.weekday()))
                end = monday + timedelta(days=7)
            out.append((start, min(end, self.until)))
            start = end
        return out

    def labels(self) -> list[str]:
        """One label per bucket: the day, or the first day of the (clipped) week."""
        return [start.date().isoformat() for start, _ in self.buckets()]

    def as_dict(self) -> dict[str, str | None]:
        return {
            "since": self.since.date().isoformat(),
            "until": (self.until - timedelta(days=1)).date().isoformat(),
            "channel": self.channel,
            "bucket": self.bucket,
        }


def make_period(
    since: date | None = None,
    until: date | None = None,
    channel: str | None = None,
    *,
    today: date | None = None,
    bucket: Bucket | None = None,
) -> Period:
    """The period from ``since`` to ``until`` (both days included); by default the last
    ``DEFAULT_DAYS`` days up to today. A start after the end raises InvalidInputError."""
    last = until or today or datetime.now(UTC).date()
    first = since or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInputError(
            f"--since {first.isoformat()} is after --until {last.isoformat()}", field="since"
        )
    for day, name in ((first, "since"), (last, "until")):
        if not EARLIEST <= day <= LATEST:
            raise InvalidInputError(f"--{name} {day.isoformat()} is out of range (1970..2999)", field=name)
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise InvalidInputError(f"a period of {days} days is too long (at most {MAX_DAYS})", field="since")
    chosen: Bucket = bucket or ("day" if days <= DAY_BUCKETS_UP_TO else "week")
    return Period(_midnight(first), _midnight(last + timedelta(days=1)), channel or None, chosen)


def parse_day(value: str | None, field: str) -> date | None:
    """``YYYY-MM-DD`` → date; None/empty → None; anything else raises InvalidInputError."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(f"{field} must be a date YYYY-MM-DD, not {value!r}", field=field) from None
