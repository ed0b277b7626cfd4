"""Draft sections to Markdown (``prompts/article_draft.j2``) and back to an ``ArticleRecord``.

The Markdown uses the template's ``## <Korean label>`` headings so that the project's own reader
(``ingest.sources.parse_article``) gets every section back; content lines that the reader would
take for a section heading are escaped first (:func:`guard_line`).
"""

from __future__ import annotations

from collections.abc import Mapping

from assist.prompts import render_text
from core.masking import mask_record_article
from core.records import SECTION_KEYS, SECTION_LABELS_KO, ArticleRecord
from ingest.sources.labels import parse_heading
from ingest.sources.template import parse_article
from korean.pii import mask_pii

__all__ = ["guard_line", "guard_section", "render_markdown", "to_record"]


def guard_line(line: str) -> str:
    """``line`` changed just enough that the template reader keeps it as content."""
    if parse_heading(line) is None:
        return line
    if line.lstrip().startswith("#"):
        hashes, _, rest = line.strip().partition(" ")
        return f"{hashes} 상황: {rest}"
    return f"- {line.strip()}"


def guard_section(body: str) -> str:
    return "\n".join(guard_line(line) for line in body.splitlines())


def render_markdown(title: str, sections: Mapping[str, str]) -> str:
    """The draft as a templated Markdown article (PII-masked once more on the way out)."""
    text = render_text(
        "article_draft.j2",
        title=" ".join(title.split()),
        sections={key: guard_section(body) for key, body in sections.items() if body.strip()},
        labels=SECTION_LABELS_KO,
        order=list(SECTION_KEYS),
    )
    return mask_pii(text) + "\n"


def to_record(markdown: str, *, article_id: str, source: str) -> ArticleRecord:
    """The article the Markdown is, read by the project's template parser (PII-masked)."""
    record, issues = parse_article(markdown, file=source, default_id=article_id, source=source)
    if record is None:  # cannot happen for a rendered draft: it always has sections
        raise ValueError(f"draft {article_id} has no readable sections: {[str(i) for i in issues]}")
    record.article_id = article_id
    return mask_record_article(record)
