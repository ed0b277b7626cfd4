"""Support tickets stored as rows (CSV/TSV, JSONL, JSON): one row, one :class:`TicketRecord`.

Columns are found by name (case, spacing and punctuation ignored) from :data:`TICKET_COLUMNS`, or
from an explicit ``ticket_columns`` mapping (our field -> the file's column). Date columns named
``<stage><date word>`` (상담접수일시, 최종완료일자) are recognised too. Columns that no field reads are
reported as one warning per file, so an export's data is never dropped silently. Nothing is
filtered by status and nothing is masked here: the pipeline and the cleaning step do that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core.records import IngestIssue, ReadResult, TicketRecord
from korean.pii import mask_pii

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
    "created_at": tuple(
        "created_at created opened_at 접수일 접수일시 접수일자 접수시간 접수시각 등록일 등록일시 등록일자 "
        "생성일 생성일시 문의일 문의일시 문의일자".split()
    ),
    "resolved_at": tuple(
        "resolved_at closed_at resolved closed 처리일 처리일시 처리일자 처리시간 완료일 완료일시 완료일자 "
        "종료일 종료일시 해결일 해결일시 답변일 답변일시".split()
    ),
    "csat": ("csat", "satisfaction", "만족도"),
    "customer_ref": ("customer", "customer_id", "customer_ref", "고객"),
    "first_response_at": tuple(
        "first_response_at first_responded_at first_reply_at first_replied_at first_response first_reply "
        "첫응답일 첫응답일시 첫응답시간 첫응답시각 첫답변일 첫답변일시 첫답변시간 최초응답일 최초응답일시 "
        "최초응답시간 최초답변일 최초답변일시 최초답변시간 1차응답일시 1차답변일시".split()
    ),
    "reopens": tuple(
        "reopens reopen_count reopened ticket_reopens 재오픈 재오픈횟수 재오픈수 재개횟수".split()
    ),
}
FIELD_SYNONYMS: dict[str, str] = {"ticket_id": "id", "customer": "customer_ref"}
# Date headers not listed above: "<stage><date word>" such as 상담접수일시 or 최종처리일자.
_DATE_WORDS = ("일시", "일자", "날짜", "시각", "시간", "일")
_DATE_STAGES: dict[str, tuple[str, ...]] = {  # first match wins: 첫답변일시 is not a resolve
    "first_response_at": ("첫응답", "첫답변", "최초응답", "최초답변", "1차응답", "1차답변", "첫회신"),
    "created_at": ("접수", "등록", "생성", "문의", "요청"),
    "resolved_at": ("처리", "완료", "종료", "해결", "답변", "마감"),
}
DEFAULT_STATUS = "resolved"  # a file of past Q/A without a status column is knowledge
# (a blank cell in a status column stays "": unknown, so the pipeline does not treat it as resolved)
_TAG_SPLIT = re.compile(r"[,;|]")
_CSAT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:점|%|/\s*\d+(?:\.\d+)?)?\s*")
_COUNT = re.compile(r"\s*(\d+)\s*(?:회|번)?\s*")
_YES, _NO = {"y", "yes", "true", "예", "o"}, {"n", "no", "false", "아니오", "x"}  # a reopened flag: 1 or 0


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
    taken = {column for found in mapping.values() for column in found}
    for field, column in _date_columns(columns, taken).items():
        if field not in mapping and field not in missing:
            mapping[field] = [column]
    return mapping, missing


def _date_columns(columns: Sequence[str], taken: set[str]) -> dict[str, str]:
    """Date fields of columns named like a date header (``상담접수일시`` -> created_at)."""
    found: dict[str, str] = {}
    for column in columns:
        norm = normalize_label(column)
        if column in taken or not norm.endswith(_DATE_WORDS):
            continue
        for field, stages in _DATE_STAGES.items():
            if any(stage in norm for stage in stages):
                found.setdefault(field, column)
                break
    return found


def unmapped_columns(columns: Sequence[str], mapping: Mapping[str, Sequence[str]]) -> list[str]:
    """The file's columns that no ticket field reads (reported, so no data is dropped silently)."""
    used = {column for found in mapping.values() for column in found}
    return [c for c in columns if c not in used and c.strip()]


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
                    f"have (columns: {mask_pii(', '.join(rowset.columns)) or 'none'}); no rows were read",
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
    unread = unmapped_columns(rowset.columns, mapping)
    if unread and rowset.rows:
        listed = mask_pii(", ".join(unread))  # a headerless file's "columns" are a customer's data
        result.issues.append(
            IngestIssue(
                file=file,
                field="columns",
                value=listed,
                severity="warning",
                reason=f"{len(unread)} column(s) are not read: {listed}; map one with "
                "ticket_columns={'<field>': '<column>'} (fields: " + ", ".join(TICKET_COLUMNS) + ")",
            )
        )
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
    reopens = _count(raw("reopens"))
    if reopens is None and text("reopens"):
        warn("reopens", text("reopens"), "not a reopen count (a whole number, or yes/no); left empty")
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
        first_response_at=when("first_response_at"),
        reopens=reopens,
    )


def _count(value: Any) -> int | None:
    """A reopen count: a whole number (3, "3", "3회"), or a yes/no flag as 1/0; None if neither."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    word = cell_text(value).strip().casefold()
    if (match := _COUNT.fullmatch(word)) is not None:
        return int(match.group(1))
    return 1 if word in _YES else 0 if word in _NO else None


def _tags(value: Any) -> list[str]:
    items = value if isinstance(value, list) else _TAG_SPLIT.split(cell_text(value))
    return [tag for item in items if (tag := cell_text(item).strip())]
