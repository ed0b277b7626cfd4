"""Support tickets stored as rows (CSV/TSV, JSONL, JSON): one row, one :class:`TicketRecord`.

Columns are found by name (case, spacing and punctuation ignored) from :data:`TICKET_COLUMNS`, or
from an explicit ``ticket_columns`` mapping (our field -> the file's column). Nothing is filtered by
status and nothing is masked here: the pipeline and the cleaning step do that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from indexes.records import IngestIssue, ReadResult, TicketRecord

from .dates import parse_datetime
from .labels import normalize_label
from .rows import Row, RowSet
from .structured import cell_text

# our field -> accepted column names
TICKET_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ticket_id", "ticket_no", "티켓번호", "번호"),
    "subject": ("subject", "title", "제목"),
    "inquiry": ("inquiry", "question", "body", "message", "문의", "문의내용", "질문", "q"),
    "resolution": ("resolution", "answer", "reply", "response", "답변", "처리내용", "해결", "a"),
    "status": ("status", "상태"),
    "tags": ("tags", "tag", "태그", "상담태그"),
    "channel": ("channel", "채널"),
    "created_at": ("created_at", "created", "접수일"),
    "resolved_at": ("resolved_at", "closed_at", "처리일"),
    "csat": ("csat", "satisfaction", "만족도"),
    "customer_ref": ("customer", "customer_id", "customer_ref", "고객"),
}
FIELD_SYNONYMS: dict[str, str] = {"ticket_id": "id", "customer": "customer_ref"}
DEFAULT_STATUS = "resolved"  # a file of past Q/A without a status column is knowledge
# (a blank cell in a status column stays "": unknown, so the pipeline does not treat it as resolved)
_TAG_SPLIT = re.compile(r"[,;|]")
_CSAT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:점|%|/\s*\d+(?:\.\d+)?)?\s*")


def normalize_ticket_columns(ticket_columns: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a ``ticket_columns`` override: keys must be ticket fields (``inquiry``, ``id``, ...).

    Raises ValueError naming the unknown key and the accepted ones.
    """
    normalized: dict[str, str] = {}
    for field, column in (ticket_columns or {}).items():
        key = FIELD_SYNONYMS.get(field.strip().lower(), field.strip().lower())
        if key not in TICKET_COLUMNS:
            raise ValueError(
                f"unknown ticket field {field!r} in ticket_columns; expected one of: "
                + ", ".join(TICKET_COLUMNS)
            )
        if not str(column).strip():
            raise ValueError(f"ticket_columns[{field!r}] is empty; give the file's column name")
        normalized[key] = str(column).strip()
    return normalized


def map_ticket_columns(
    columns: Sequence[str], overrides: Mapping[str, str] | None = None
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """``(field -> columns, field -> override column missing from the file)`` for a file's columns.

    An override maps its field to exactly that column, which the default names then leave alone.
    Otherwise every column with an accepted name counts, in :data:`TICKET_COLUMNS` order (JSON rows
    may name a field differently); a row takes the first one it fills.
    """
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalize_label(column), column)
    mapping: dict[str, list[str]] = {}
    missing: dict[str, str] = {}
    for field, column in (overrides or {}).items():
        found = by_norm.get(normalize_label(column))
        if found is None:
            missing[field] = column
        else:
            mapping[field] = [found]
    taken = {column for found in mapping.values() for column in found}
    for field, aliases in TICKET_COLUMNS.items():
        if field in mapping or field in missing:
            continue
        named = [by_norm[norm] for alias in aliases if (norm := normalize_label(alias)) in by_norm]
        free = [column for column in dict.fromkeys(named) if column not in taken]
        if free:
            mapping[field] = free
    return mapping, missing


def read_ticket_rows(rowset: RowSet, path: Path, overrides: Mapping[str, str] | None = None) -> ReadResult:
    """Turn the rows of one structured file into tickets (issues for rows that can't be)."""
    file = str(path)
    result = ReadResult(issues=list(rowset.issues))
    mapping, missing = map_ticket_columns(rowset.columns, overrides)
    if missing:
        for field, column in missing.items():
            result.issues.append(
                IngestIssue(
                    file=file,
                    field=field,
                    value=column,
                    reason=f"ticket_columns maps {field!r} to column {column!r}, which the file does not "
                    f"have (columns: {', '.join(rowset.columns) or 'none'}); no rows were read",
                )
            )
        return result
    if "inquiry" not in mapping and rowset.rows:
        result.issues.append(
            IngestIssue(
                file=file,
                field="inquiry",
                reason="no inquiry column (expected one of: "
                + ", ".join(TICKET_COLUMNS["inquiry"])
                + "); map one with ticket_columns={'inquiry': '<column>'}; no rows were read",
            )
        )
        return result
    for row in rowset.rows:
        ticket = _ticket(row, mapping, path=path, issues=result.issues)
        if ticket is not None:
            result.tickets.append(ticket)
    return result


def _ticket(
    row: Row, mapping: dict[str, list[str]], *, path: Path, issues: list[IngestIssue]
) -> TicketRecord | None:
    file = str(path)

    def raw(field: str) -> Any:
        for column in mapping.get(field, ()):
            value = row.data.get(column)
            if cell_text(value).strip():
                return value
        return None

    def text(field: str) -> str:
        return cell_text(raw(field)).strip()

    inquiry = text("inquiry")
    if not inquiry:
        issues.append(
            IngestIssue(file=file, line=row.line, field="inquiry", reason="row has no inquiry text; skipped")
        )
        return None

    def warn(field: str, value: str, reason: str) -> None:
        issues.append(
            IngestIssue(file=file, line=row.line, field=field, value=value, severity="warning", reason=reason)
        )

    def when(field: str) -> datetime | None:
        value = text(field)
        parsed = parse_datetime(value) if value else None
        if value and parsed is None:
            warn(field, value, "not a date/time (use YYYY-MM-DD or YYYY-MM-DD HH:MM); left empty")
        return parsed

    created_at, resolved_at = when("created_at"), when("resolved_at")
    csat: float | None = None
    raw_csat = raw("csat")
    if isinstance(raw_csat, int | float) and not isinstance(raw_csat, bool):
        csat = float(raw_csat)
    elif cell_text(raw_csat).strip():
        match = _CSAT.fullmatch(cell_text(raw_csat))
        if match:
            csat = float(match.group(1))
        else:
            warn("csat", cell_text(raw_csat).strip(), "not a satisfaction score (a number); left empty")

    return TicketRecord(
        ticket_id=text("id") or f"{path.stem}-{row.number}",
        inquiry=inquiry,
        source=f"{file}#{row.number}",
        line=row.line,
        subject=text("subject"),
        resolution=text("resolution"),
        status=text("status") if "status" in mapping else DEFAULT_STATUS,
        tags=_tags(raw("tags")),
        channel=text("channel"),
        created_at=created_at,
        resolved_at=resolved_at,
        csat=csat,
        customer_ref=text("customer_ref") or None,
    )


def _tags(value: Any) -> list[str]:
    items = value if isinstance(value, list) else _TAG_SPLIT.split(cell_text(value))
    return [tag for item in items if (tag := cell_text(item).strip())]
