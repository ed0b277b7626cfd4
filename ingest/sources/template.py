"""The KMS article template: split a text into its sections and build an :class:`ArticleRecord`.

Shared by every article format (Markdown/text, HTML, JSON/CSV rows). The flow is

    text --split_sections--> ArticleDraft --build_article--> (ArticleRecord | None, issues)

``split_sections`` finds headings with :func:`labels.parse_heading`; the title comes from the 제목/Title
section, else the first heading before any section, else the first non-empty line. Text before the
first section that is not the title is kept as (the start of) the summary, so untemplated documents
lose nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from core.records import REQUIRED_SECTIONS, SECTION_KEYS, SECTION_LABELS_KO, ArticleRecord, IngestIssue
from korean.lang import detect_lang

from .dates import parse_date
from .labels import parse_heading
from .metadata import (
    FRONT_MATTER_KEYS,
    find_owner,
    find_tag,
    find_updated,
    find_validity,
    split_front_matter,
)

_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
TITLE_MAX_CHARS = 200


@dataclass
class ArticleDraft:
    """What the template parser found in one article's text, before it becomes a record."""

    title: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)  # front matter: id, tag, owner, lang, ...


def split_sections(text: str, *, title_known: bool = False) -> ArticleDraft:
    """Split an article's Markdown/plain text into title, sections and front-matter metadata.

    With ``title_known`` (the caller has the title, e.g. from a column) a plain first line is not
    taken as a fallback title (only a ``#`` heading is): the text goes to the summary.
    """
    front, body, _removed = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    buckets: dict[str, list[str]] = {}
    preamble: list[str] = []
    current: str | None = None
    in_fence = False
    last_was_heading = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else parse_heading(line)
        if heading is not None and heading.key != current:
            current = heading.key
            bucket = buckets.setdefault(current, [])
            if bucket:
                bucket.append("")
            if heading.rest:
                bucket.append(heading.rest)
            last_was_heading = True
            continue
        if last_was_heading and re.fullmatch(r"\s*(?:={3,}|-{3,})\s*", line):
            continue  # a setext underline below a label line
        last_was_heading = False
        (preamble if current is None else buckets[current]).append(line.rstrip())

    title_lines = _trim(buckets.pop("title", []))
    title = ""
    if title_lines:
        title = _clean_title(title_lines[0])
        preamble = [*title_lines[1:], "", *preamble]
    preamble = _trim(preamble)
    if not title and preamble:
        index = next((i for i, line in enumerate(preamble) if _MD_HEADING.match(line)), None)
        if index is None and not title_known:
            index = 0
        if index is not None:
            title = _clean_title(preamble.pop(index))
            preamble = _trim(preamble)

    sections = {key: "\n".join(_trim(buckets[key])) for key in SECTION_KEYS if key in buckets}
    if preamble:
        intro = "\n".join(preamble)
        sections["summary"] = intro + ("\n\n" + sections["summary"] if sections.get("summary") else "")
    return ArticleDraft(
        title=title[:TITLE_MAX_CHARS],
        sections={key: sections[key] for key in SECTION_KEYS if sections.get(key)},
        meta={key: value for key, value in front.items() if key in FRONT_MATTER_KEYS and value},
    )


def build_article(
    draft: ArticleDraft,
    *,
    file: str,
    source: str,
    default_id: str,
    line: int | None = None,
    overrides: Mapping[str, str] | None = None,
) -> tuple[ArticleRecord | None, list[IngestIssue]]:
    """Turn a draft into a record, extracting metadata and listing missing required sections.

    ``overrides`` (e.g. row columns) win over front matter, which wins over what the text says.
    Returns no record, and an error issue, when there is no content besides the title.
    """
    issues: list[IngestIssue] = []
    meta = {**draft.meta, **{k: v.strip() for k, v in (overrides or {}).items() if v and v.strip()}}
    sections = {
        key: draft.sections[key]
        for key in SECTION_KEYS
        if key != "title" and draft.sections.get(key, "").strip()
    }
    title = meta.get("title") or draft.title
    if not sections:
        reason = "article has a title but no body" if title else "no article content found"
        return None, [IngestIssue(file=file, line=line, reason=reason + " (nothing to index)")]

    ordered = [sections.get("steps", "")] + [body for key, body in sections.items() if key != "steps"]
    whole = "\n".join([title, *sections.values()])
    management = sections.get("management", "")
    valid_from, valid_until = find_validity(whole)
    record = ArticleRecord(
        article_id=meta.get("id") or default_id,
        title=title,
        sections=sections,
        source=source,
        line=line,
        tag=meta.get("tag") or find_tag(*ordered),
        updated_at=find_updated(management, fallback=whole),
        valid_from=valid_from,
        valid_until=valid_until,
        owner=meta.get("owner") or find_owner(management, whole),
        lang=(meta.get("lang") or detect_lang(whole)).lower()[:2] or "ko",
    )
    for name in ("updated_at", "valid_from", "valid_until"):
        if name in meta:
            value = _meta_date(meta[name], name=name, file=file, line=line, issues=issues)
            if value is not None:
                setattr(record, name, value)
    if not record.title:
        record.title = record.article_id
    record.missing = [
        key
        for key in REQUIRED_SECTIONS
        if (key == "title" and not title) or (key != "title" and key not in sections)
    ]
    if record.missing:
        labels = ", ".join(SECTION_LABELS_KO[key] for key in record.missing)
        issues.append(
            IngestIssue(
                file=file, line=line, severity="warning", reason=f"missing required section(s): {labels}"
            )
        )
    return record, issues


def parse_article(
    text: str, *, file: str, default_id: str, source: str | None = None, line: int | None = None
) -> tuple[ArticleRecord | None, list[IngestIssue]]:
    """Parse one templated article held in ``text`` (Markdown or plain text)."""
    if not text.strip():
        return None, [IngestIssue(file=file, line=line, reason="empty document (nothing to index)")]
    return build_article(
        split_sections(text), file=file, source=source or file, default_id=default_id, line=line
    )


def _meta_date(
    value: str, *, name: str, file: str, line: int | None, issues: list[IngestIssue]
) -> date | None:
    parsed = parse_date(value)
    if parsed is None:
        issues.append(
            IngestIssue(
                file=file,
                line=line,
                field=name,
                value=value,
                severity="warning",
                reason="not a date (use YYYY-MM-DD); the value was ignored",
            )
        )
    return parsed


def _trim(lines: list[str]) -> list[str]:
    """Drop blank lines and horizontal rules at both ends."""
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or _RULE.match(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or _RULE.match(lines[end - 1])):
        end -= 1
    return lines[start:end]


def _clean_title(line: str) -> str:
    text = re.sub(r"^\s*#{1,6}\s*", "", line).strip()
    text = re.sub(r"^(\*\*|__)(.+)\1$", r"\2", text).strip()
    return text.strip("\"'“”").strip()
