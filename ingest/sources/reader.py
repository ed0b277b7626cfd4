"""Read files and folders into records: walk, decode, pick a reader per file, collect issues.

One bad file never stops a batch: it becomes an :class:`IngestIssue` and the next file is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from core.records import SECTION_KEYS, IngestIssue, ReadResult
from korean.pii import mask_pii

from .encoding import SourceDecodeError, decode_bytes
from .html import read_html
from .labels import normalize_label
from .markdown import read_markdown
from .rows import RowSet, load_rows
from .structured import BODY_COLUMNS, article_columns, first_filled, read_article_rows
from .template import split_sections
from .tickets import map_ticket_columns, normalize_ticket_columns, read_ticket_rows

logger = logging.getLogger(__name__)

Kind = Literal["auto", "articles", "tickets"]
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
HTML_SUFFIXES = (".html", ".htm")
STRUCTURED_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv")
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES + STRUCTURED_SUFFIXES
_BODY_ONLY = normalize_label("body")
_SNIFF_ROWS = 5


log = logging.getLogger(__name__)


def discover_files(paths: Sequence[Path | str] | Path | str) -> tuple[list[Path], list[IngestIssue]]:
    """The files named by ``paths``: files as given, folders walked recursively in sorted order.

    Hidden files and folders (names starting with ``.``) inside a walked folder are skipped. A path
    that does not exist, or is neither a file nor a folder, becomes an error issue.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files: dict[Path, None] = {}
    issues: list[IngestIssue] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and child.is_file():
                    files.setdefault(child, None)
        elif path.is_file():
            files.setdefault(path, None)
        elif path.exists():
            issues.append(IngestIssue(file=str(path), reason="not a regular file or folder; skipped"))
        else:
            issues.append(IngestIssue(file=str(path), reason="no such file or folder"))
    return list(files), issues


def read_paths(
    paths: Sequence[Path],
    kind: Kind = "auto",
    ticket_columns: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read every supported file under ``paths`` into articles and tickets.

    ``kind="auto"`` decides per file (see :func:`read_file`). ``ticket_columns`` maps ticket fields
    to column names (``{"inquiry": "Customer message"}``); an unknown field raises ValueError before
    anything is read. ``progress`` is called with 1 after each file (e.g. ``tqdm.update``); use
    :func:`discover_files` for the total.
    """
    if kind not in ("auto", "articles", "tickets"):
        raise ValueError(f"kind must be 'auto', 'articles' or 'tickets', not {kind!r}")
    overrides = normalize_ticket_columns(ticket_columns)
    files, issues = discover_files(paths)
    result = ReadResult(issues=issues)
    for path in files:
        result.extend(read_file_guarded(path, kind=kind, ticket_columns=overrides))
        if progress is not None:
            progress(1)
    return result


def read_file_guarded(
    path: Path, *, kind: Kind = "auto", ticket_columns: Mapping[str, str] | None = None
) -> ReadResult:
    """:func:`read_file`, with an unexpected error turned into an issue naming the file (one
    unreadable file must not stop a batch; ``ingest.ray_engine`` reads files one by one)."""
    try:
        return read_file(path, kind=kind, ticket_columns=ticket_columns)
    except Exception as exc:
        log.exception("unexpected error reading %s", path)
        return _issue(str(path), f"could not be read ({type(exc).__name__}: {exc}); skipped")


def read_file(
    path: Path, *, kind: Kind = "auto", ticket_columns: Mapping[str, str] | None = None
) -> ReadResult:
    """Read one file. Markdown/text/HTML hold one article; JSON/JSONL/CSV/TSV hold rows of
    articles or tickets, decided by :func:`detect_kind` when ``kind="auto"``."""
    file = str(path)
    ticket_columns = normalize_ticket_columns(ticket_columns)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        reason = f"unsupported file type {suffix or '(no extension)'!r}; skipped (supported: "
        return _issue(file, reason + ", ".join(SUPPORTED_SUFFIXES) + ")", severity="warning")
    if kind == "tickets" and suffix not in STRUCTURED_SUFFIXES:
        return _issue(file, f"{suffix} files hold articles, but kind='tickets'; skipped", severity="warning")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _issue(file, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = decode_bytes(data, file)
    except SourceDecodeError as exc:
        return _issue(file, exc.reason)
    logger.debug("reading %s (%d bytes)", file, len(data))
    if suffix in MARKDOWN_SUFFIXES:
        return read_markdown(text, path)
    if suffix in HTML_SUFFIXES:
        return read_html(text, path)
    rowset = load_rows(text, file=file, suffix=suffix)
    if not rowset.rows:
        result = ReadResult(issues=list(rowset.issues))
        if not rowset.issues:
            result.issues.append(IngestIssue(file=file, severity="warning", reason="no records in the file"))
        return result
    chosen = kind if kind != "auto" else detect_kind(rowset, ticket_columns)
    if chosen == "tickets":
        return read_ticket_rows(rowset, path, ticket_columns)
    if chosen == "articles":
        return read_article_rows(rowset, path)
    result = ReadResult(issues=list(rowset.issues))
    columns = mask_pii(", ".join(rowset.columns)) or "none"  # a headerless file's "columns" are data
    result.issues.append(
        IngestIssue(
            file=file,
            reason=f"cannot tell whether the rows are articles or tickets (columns: {columns}); name an "
            "inquiry column (inquiry/question/문의) for tickets or section columns (title/policy/정책...) "
            "for articles, or pass kind='articles' or kind='tickets'",
        )
    )
    return result


def detect_kind(
    rowset: RowSet, ticket_columns: Mapping[str, str] | None = None
) -> Literal["articles", "tickets"] | None:
    """Articles or tickets, judged from a structured file's wrapper key and columns.

    An inquiry-like column means tickets, section columns (or ``content``/``본문``) mean articles. A
    ``body`` column alone is ambiguous: articles when its first rows contain template sections, else
    tickets. Failing all that, a ``ticket_columns`` mapping means tickets; None means undecided.
    """
    if rowset.wrapper == "articles":
        return "articles"
    if rowset.wrapper == "tickets":
        return "tickets"
    mapping, _missing = map_ticket_columns(rowset.columns, ticket_columns)
    inquiry = mapping.get("inquiry", [])
    if "inquiry" in (ticket_columns or {}) and inquiry:
        return "tickets"
    if any(normalize_label(column) != _BODY_ONLY for column in inquiry):
        return "tickets"
    fields = article_columns(rowset.columns)
    body_names = {normalize_label(name) for name in BODY_COLUMNS} - {_BODY_ONLY}
    has_sections = any(key in SECTION_KEYS and key != "title" for key in fields)
    if has_sections or any(normalize_label(column) in body_names for column in rowset.columns):
        return "articles"
    if inquiry:
        for row in rowset.rows[:_SNIFF_ROWS]:
            if len(split_sections(first_filled(row.data, inquiry)).sections) >= 2:
                return "articles"
        return "tickets"
    if ticket_columns:
        return "tickets"  # so that a mapped column the file lacks is reported as such
    return None


def _issue(file: str, reason: str, *, severity: Literal["error", "warning"] = "error") -> ReadResult:
    return ReadResult(issues=[IngestIssue(file=file, reason=reason, severity=severity)])
