"""What a report is made of: sections with headline figures, tables and what is not recorded.

Every table has a stable ``name`` (the CSV file name and the ``table=`` of the API's CSV export),
an English ``title`` (the web page shows a Korean one from ``assist/web/analytics_labels.py``),
column names and rows of plain values (str, int, float, None).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

Value = str | int | float | None

__all__ = ["Section", "Table", "Value", "ratio", "rounded"]


def ratio(part: float | int | None, whole: float | int | None) -> float | None:
    """``part / whole`` rounded to 4 places; None when the whole is 0 or unknown."""
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def rounded(value: Any, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Value]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": self.rows}

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def pivot(self) -> tuple[list[str], list[str], list[list[Value]]]:
        """A long ``[bucket, series, value]`` table as ``(buckets, series, values[series][bucket])``."""
        buckets = list(dict.fromkeys(str(r[0]) for r in self.rows))
        series = list(dict.fromkeys(str(r[1]) for r in self.rows))
        cells = {(str(r[0]), str(r[1])): r[2] for r in self.rows}
        return buckets, series, [[cells.get((b, s), 0) for b in buckets] for s in series]

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)
        return buf.getvalue()


@dataclass
class Section:
    """One part of the report (volume, agent assist, chatbot, knowledge health, service)."""

    name: str
    title: str
    figures: dict[str, Value] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    not_recorded: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": self.figures,
            "tables": {t.name: t.as_dict() for t in self.tables},
            "not_recorded": self.not_recorded,
        }
