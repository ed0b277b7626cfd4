"""Rows of a structured file (CSV/TSV, JSON, JSONL) with the line each starts on.

Both structured articles and tickets are read from rows; this module knows only the file shapes:

- CSV/TSV: a header line, then one row per record (quoted multi-line cells allowed). A ``.csv`` whose
  header has no comma but tabs or semicolons uses those instead.
- JSONL: one JSON value per line; blank lines are skipped.
- JSON: a list of objects, or an object wrapping one list (``{"articles": [...]}``,
  ``{"tickets": [...]}``, ``rows``/``data``/``items``), or a single object.

Malformed JSON lines, rows that are not objects and CSV rows with surplus cells become issues; the
rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from core.records import IngestIssue

WRAPPER_KEYS = ("articles", "tickets", "rows", "data", "items", "records")


@dataclass
class Row:
    """One record of a structured file."""

    number: int  # 1-based position among the file's records
    line: int | None  # 1-based line where the record starts
    data: dict[str, Any]


@dataclass
class RowSet:
    """The rows of one file, its column names (in first-seen order) and what went wrong."""

    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)
    wrapper: str | None = None  # the key of a wrapping JSON object, e.g. "tickets"


def load_rows(text: str, *, file: str, suffix: str) -> RowSet:
    """Parse ``text`` as the structured format named by ``suffix`` (``.csv``, ``.json``, ...)."""
    suffix = suffix.lower()
    if suffix in (".csv", ".tsv"):
        result = _csv_rows(text, file=file, tab=suffix == ".tsv")
    elif suffix == ".jsonl":
        result = _jsonl_rows(text, file=file)
    elif suffix == ".json":
        result = _json_rows(text, file=file)
    else:
        raise ValueError(f"{file}: not a structured file suffix: {suffix!r}")
    if not result.columns:
        seen: dict[str, None] = {}
        for row in result.rows:
            seen.update(dict.fromkeys(row.data))
        result.columns = list(seen)
    return result


def _csv_rows(text: str, *, file: str, tab: bool) -> RowSet:
    result = RowSet()
    first = text.split("\n", 1)[0]
    delimiter = "\t" if tab else ","
    if not tab and "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
        result.columns = [name for name in header if name]
        previous = reader.line_num
        number = 0
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            if len(cells) > len(header):
                result.issues.append(
                    IngestIssue(
                        file=file,
                        line=start,
                        severity="warning",
                        reason=f"row has {len(cells)} cells but the header has {len(header)} columns; "
                        "the extra cells were ignored (check the quoting)",
                    )
                )
            data = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
            result.rows.append(Row(number, start, data))
    except StopIteration:
        pass
    except csv.Error as exc:
        result.issues.append(
            IngestIssue(file=file, line=reader.line_num, reason=f"malformed CSV: {exc}; rest of file skipped")
        )
    return result


def _jsonl_rows(text: str, *, file: str) -> RowSet:
    result = RowSet()
    number = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            result.issues.append(
                IngestIssue(file=file, line=line_no, reason=f"malformed JSON line ({exc.msg}); line skipped")
            )
            continue
        _add(result, value, number=number, line=line_no, file=file)
    return result


def _json_rows(text: str, *, file: str) -> RowSet:
    result = RowSet()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        result.issues.append(
            IngestIssue(file=file, line=exc.lineno, reason=f"malformed JSON ({exc.msg}); file skipped")
        )
        return result
    items: list[Any]
    lines: list[int] = []
    if isinstance(value, list):
        items = value
        lines = _array_lines(text, text.index("["))
    elif isinstance(value, dict):
        key = next((k for k in WRAPPER_KEYS if isinstance(value.get(k), list)), None)
        if key is None:
            items, lines = [value], [text.count("\n", 0, text.index("{")) + 1]
        else:
            result.wrapper = key
            items = value[key]
            opening = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
            lines = _array_lines(text, opening.end() - 1) if opening else []
    else:
        result.issues.append(IngestIssue(file=file, reason="JSON file holds neither a list nor an object"))
        return result
    if items and not any(isinstance(item, dict) for item in items):
        kinds = ", ".join(sorted({type(item).__name__ for item in items}))
        result.issues.append(
            IngestIssue(file=file, reason=f"JSON list holds no objects (only {kinds}); skipped")
        )
        return result
    if len(lines) != len(items):
        lines = []
    for index, item in enumerate(items):
        _add(result, item, number=index + 1, line=lines[index] if lines else None, file=file)
    return result


def _add(result: RowSet, value: Any, *, number: int, line: int | None, file: str) -> None:
    if isinstance(value, dict):
        result.rows.append(Row(number, line, {str(k).strip(): v for k, v in value.items()}))
    else:
        result.issues.append(
            IngestIssue(
                file=file,
                line=line,
                reason=f"record #{number} is a JSON {type(value).__name__}, not an object; skipped",
            )
        )


def _array_lines(text: str, start: int) -> list[int]:
    """The 1-based line on which each element of the JSON array opening at ``start`` begins."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    pos, line, counted = start + 1, 1 + text.count("\n", 0, start), start
    try:
        while True:
            while text[pos] in " \t\r\n,":
                pos += 1
            if text[pos] == "]":
                return lines
            line += text.count("\n", counted, pos)
            counted = pos
            lines.append(line)
            _value, pos = decoder.raw_decode(text, pos)
    except (ValueError, IndexError):
        return []
