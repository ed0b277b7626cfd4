"""Readers that turn knowledge files into records.

    read_paths(paths, kind="auto", ticket_columns=None, progress=None) -> ReadResult

Formats: Markdown/text and HTML articles (the 9-section KMS template, parsed tolerantly), JSON/JSONL/
CSV/TSV rows of articles or tickets. Problems become :class:`~core.records.IngestIssue` entries in
the result; only a bad ``kind`` or ``ticket_columns`` argument raises (ValueError).

Modules, one concept each: ``labels`` (section label matching), ``template`` (section splitting and
record building), ``metadata`` (tag, dates, owner, validity, language), ``dates``, ``encoding``,
``markdown``, ``html``, ``rows`` (structured file shapes), ``structured`` (rows -> articles),
``tickets`` (rows -> tickets), ``reader`` (walking and dispatch).
"""

from __future__ import annotations

from .encoding import SourceDecodeError, decode_bytes
from .html import html_to_markdown
from .labels import match_label, parse_heading
from .reader import SUPPORTED_SUFFIXES, detect_kind, discover_files, read_file, read_file_guarded, read_paths
from .template import ArticleDraft, build_article, parse_article, split_sections
from .tickets import TICKET_COLUMNS

__all__ = [
    "SUPPORTED_SUFFIXES",
    "TICKET_COLUMNS",
    "ArticleDraft",
    "SourceDecodeError",
    "build_article",
    "decode_bytes",
    "detect_kind",
    "discover_files",
    "html_to_markdown",
    "match_label",
    "parse_article",
    "parse_heading",
    "read_file",
    "read_file_guarded",
    "read_paths",
    "split_sections",
]
