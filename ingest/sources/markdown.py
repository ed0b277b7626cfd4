"""Markdown and plain-text articles: one file, one article."""

from __future__ import annotations

from pathlib import Path

from core.records import ReadResult

from .template import parse_article


def read_markdown(text: str, path: Path) -> ReadResult:
    """Read the article held in a ``.md``/``.markdown``/``.txt`` file's decoded ``text``.

    The article id is the front matter's ``id`` or else the file stem.
    """
    result = ReadResult()
    record, issues = parse_article(text, file=str(path), default_id=path.stem, line=1)
    result.issues.extend(issues)
    if record is not None:
        result.articles.append(record)
    return result
