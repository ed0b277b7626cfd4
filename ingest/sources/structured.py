"""Articles stored as rows (JSON list, JSONL, CSV/TSV): one row, one article.

Columns are matched after normalisation (case, spacing and punctuation ignored):

- a section: its key or any of its labels (``policy``, ``정책``, ``단계별 절차``, ``Consultation scripts``)
- ``body``/``content``/``본문``/``markdown``: a whole Markdown article, parsed with the template
  parser; section columns then override the sections it found
- metadata: :data:`ARTICLE_META_COLUMNS` (id, tag, updated_at, owner, valid_from, valid_until, lang)

Each record's ``source`` is ``"path#n"`` (n = 1-based record number) and ``line`` the line it starts on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.records import IngestIssue, ReadResult

from .labels import match_label, normalize_label
from .rows import Row, RowSet
from .template import ArticleDraft, build_article, split_sections

ARTICLE_META_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "문서id", "문서번호"),
    "tag": ("tag", "consultation_tag", "상담태그", "상담 태그", "태그"),
    "updated_at": ("updated_at", "updated", "last_updated", "최종 수정일", "최종 업데이트", "수정일"),
    "owner": ("owner", "담당자"),
    "valid_from": ("valid_from", "시행일", "유효 시작일"),
    "valid_until": ("valid_until", "만료일", "유효 종료일"),
    "lang": ("lang", "language", "언어"),
}
BODY_COLUMNS: tuple[str, ...] = ("body", "content", "본문", "markdown")
_META_BY_NORM = {normalize_label(a): key for key, aliases in ARTICLE_META_COLUMNS.items() for a in aliases}
_BODY_NORMS = {normalize_label(name) for name in BODY_COLUMNS}
COLUMN_CUTOFF = 90.0


def article_columns(columns: Sequence[str]) -> dict[str, list[str]]:
    """Map field names (section keys, metadata keys, ``"body"``) to the file's columns naming them.

    A field may be named by several columns (JSON rows written with ``title`` here and ``제목``
    there); a row takes the first of them that it fills.
    """
    mapping: dict[str, list[str]] = {}
    for column in columns:
        norm = normalize_label(column)
        if not norm:
            continue
        field = _META_BY_NORM.get(norm) or ("body" if norm in _BODY_NORMS else None)
        field = field or match_label(column, cutoff=COLUMN_CUTOFF)
        if field is not None:
            mapping.setdefault(field, []).append(column)
    return mapping


def read_article_rows(rowset: RowSet, path: Path) -> ReadResult:
    """Turn the rows of one structured file into articles (issues for rows that can't be)."""
    result = ReadResult(issues=list(rowset.issues))
    file = str(path)
    mapping = article_columns(rowset.columns)
    for row in rowset.rows:
        _read_row(row, mapping, path=path, file=file, result=result)
    return result


def _read_row(row: Row, mapping: dict[str, list[str]], *, path: Path, file: str, result: ReadResult) -> None:
    values = {field: first_filled(row.data, columns) for field, columns in mapping.items()}
    body = values.pop("body", "")
    title_known = bool(values.get("title", "").strip())
    draft = split_sections(body, title_known=title_known) if body.strip() else ArticleDraft()
    if title_known:
        draft.title = values["title"].strip()
    for key, text in values.items():
        if key in ARTICLE_META_COLUMNS or key == "title" or not text.strip():
            continue
        draft.sections[key] = text.strip()
    if not draft.title and not any(text.strip() for text in draft.sections.values()):
        result.issues.append(
            IngestIssue(file=file, line=row.line, reason=f"record #{row.number} has no title and no content")
        )
        return
    overrides = {key: values[key] for key in ARTICLE_META_COLUMNS if values.get(key)}
    record, issues = build_article(
        draft,
        file=file,
        source=f"{file}#{row.number}",
        default_id=f"{path.stem}-{row.number}",
        line=row.line,
        overrides=overrides,
    )
    result.issues.extend(issues)
    if record is not None:
        result.articles.append(record)


def first_filled(data: Mapping[str, Any], columns: Sequence[str]) -> str:
    """The text of the first of ``columns`` that ``data`` fills (non-blank), else ``""``."""
    for column in columns:
        text = cell_text(data.get(column))
        if text.strip():
            return text
    return ""


def cell_text(value: Any) -> str:
    """A cell as text: None is empty, a list becomes one line per item, an object JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
