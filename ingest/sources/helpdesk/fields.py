"""Reading one exported record's fields: each reader returns the value in our terms or raises a
:class:`RecordError` naming the field, its value and why (the importer reports the record and goes
on). Shared by every product module (zendesk, freshdesk, chatwoot, channeltalk) and ``conversation``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Literal


class RecordError(ValueError):
    """A record the importer cannot read: names the field, its value and why."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def parse_time(value: Any, field: str, *, unit: Literal["s", "ms"] = "s") -> datetime | None:
    """A timestamp (ISO 8601 text, or epoch seconds/milliseconds) as aware UTC; None for null."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value / 1000 if unit == "ms" else value, tz=UTC)
        stamp = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise RecordError(field, value, "not a timestamp (ISO 8601 or epoch)") from None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def record_id(record: Mapping[str, Any], key: str = "id") -> str:
    """The record's id as text; a missing or empty id is a :class:`RecordError`."""
    value = record.get(key)
    if value is None or isinstance(value, bool | dict | list) or not str(value).strip():
        raise RecordError(key, value, "missing or empty id")
    return str(value).strip()


def text_list(value: Any, field: str) -> list[str]:
    """A list of tags/labels (null is empty); anything but a list of strings is a RecordError."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(field, value, "expected a list of strings")
    return [v.strip() for v in value if v.strip()]


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (for optional nested objects)."""
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list[Any]:
    """``value`` when it is a JSON list, else an empty one (for optional lists)."""
    return value if isinstance(value, list) else []


def as_list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(field, type(value).__name__, "expected a list")
    return value


def objects(value: Any, field: str, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(n, item)`` of a list field whose items must be JSON objects (``what``: "a message object")."""
    for n, item in enumerate(as_list(value, field)):
        if not isinstance(item, dict):
            raise RecordError(f"{field}[{n}]", type(item).__name__, f"expected {what}")
        yield n, item


def optional_text(value: Any, field: str) -> str | None:
    """``value`` when it is text or null; anything else is a :class:`RecordError`."""
    if value is not None and not isinstance(value, str):
        raise RecordError(field, value, "expected text")
    return value


def flag(value: Any, field: str) -> bool:
    """``value`` when it is true or false; anything else is a :class:`RecordError`."""
    if not isinstance(value, bool):
        raise RecordError(field, value, "expected true or false")
    return value


def mapped(value: Any, field: str, table: Mapping[str, str], what: str) -> str:
    """``table[value]`` (the product's status as ours); an unknown value names the known ones."""
    key = str(value or "")
    if key not in table:
        raise RecordError(field, value, f"not a {what} (" + ", ".join(table) + ")")
    return table[key]
