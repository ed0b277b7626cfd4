"""The whole report: every section over one period, as JSON, CSV files or tables to print.

``build_report(session, period)`` runs the sections' queries (SQL aggregation: each is a
``GROUP BY`` or an aggregate over the period's rows, never a loop over them in Python).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assist.analytics.agent_assist import agent_assist_section
from assist.analytics.chatbot import chatbot_section
from assist.analytics.health import health_section
from assist.analytics.period import Period
from assist.analytics.scans import report_scope
from assist.analytics.service import service_section
from assist.analytics.tables import Section, Table
from assist.analytics.unanswered import TextModels
from assist.analytics.volume import volume_section
from assist.errors import NotFoundError

__all__ = ["Report", "build_report"]


@dataclass
class Report:
    period: Period
    sections: list[Section]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    elapsed_ms: float = 0.0
    section_ms: dict[str, float] = field(default_factory=dict)

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)

    def tables(self) -> dict[str, Table]:
        return {t.name: t for s in self.sections for t in s.tables}

    def table(self, name: str) -> Table:
        tables = self.tables()
        if name not in tables:
            raise NotFoundError(f"no table {name!r}; tables are {', '.join(tables)}", details={"table": name})
        return tables[name]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.as_dict(),
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "section_ms": {name: round(ms, 1) for name, ms in self.section_ms.items()},
            "sections": {s.name: s.as_dict() for s in self.sections},
        }

    def write_csv(self, folder: Path) -> list[Path]:
        """One ``<table>.csv`` per table (UTF-8 with a BOM, so spreadsheet programs read Korean)."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in self.tables().items():
            path = folder / f"{name}.csv"
            path.write_text(table.to_csv(), encoding="utf-8-sig")
            paths.append(path)
        return paths


def build_report(
    session: Session,
    period: Period,
    *,
    stale_after_days: int = 365,
    now: datetime | None = None,
    models: TextModels | None = None,
) -> Report:
    """``models`` (``TextModels.of(kb)``): what clusters the unanswered questions into topics."""
    builders: list[Callable[[], Section]] = [
        lambda: volume_section(session, period),
        lambda: service_section(session, period),
        lambda: agent_assist_section(session, period),
        lambda: chatbot_section(session, period, models),
        lambda: health_section(session, period, stale_after_days=stale_after_days, now=now),
    ]
    report = Report(period, [])
    t0 = time.perf_counter()
    with report_scope(session):
        for build in builders:
            t1 = time.perf_counter()
            section = build()
            report.sections.append(section)
            report.section_ms[section.name] = (time.perf_counter() - t1) * 1000
    report.elapsed_ms = (time.perf_counter() - t0) * 1000
    return report
