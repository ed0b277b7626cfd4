"""KMS articles for the web pages: list/search, one article with its history, diffs, edits.

Plain functions over a :class:`KnowledgeBase`; they raise domain errors
(:class:`NotFoundError`, :class:`InvalidInputError`, :class:`ConflictError`) and know nothing of
HTTP. An edit writes a new version + revision (``upsert_article``) and re-indexes that one article
incrementally, so agents' suggestions see the change at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select

from assist.consistency import doc_matches, index_or_reconcile
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from assist.suggest import staleness
from core.masking import mask_record_article
from core.records import REQUIRED_SECTIONS, SECTION_KEYS
from ingest.chunking import article_chunks
from ingest.sources.template import ArticleDraft, build_article
from storage import ARTICLE_STATUSES, ArticleRevisionRow, ArticleRow, get_article, list_revisions
from storage import upsert_article as db_upsert_article
from storage.repo import to_record

__all__ = [
    "MAX_SECTION_CHARS",
    "ArticleDiff",
    "ArticleListItem",
    "ArticleView",
    "DiffLine",
    "EditResult",
    "SectionDiff",
    "diff_revisions",
    "edit_article",
    "existing_ids",
    "get_article_view",
    "list_articles",
    "revisions",
]

MAX_SECTION_CHARS = 20_000
STATUS_FILTERS = (*ARTICLE_STATUSES, "all")


@dataclass
class ArticleListItem:
    article_id: str
    title: str
    tag: str | None
    status: str
    version: int
    updated_at: date | None
    stale: bool
    stale_reason: str | None
    score: float | None = None  # set for search results
    section_label: str | None = None  # best-matching section of a search result
    snippet: str | None = None
    missing: list[str] = field(default_factory=list)  # required sections it lacks (incomplete)


@dataclass
class ArticleView:
    article_id: str
    title: str
    sections: dict[str, str]  # every template key (title excluded) -> body, "" when empty
    tag: str | None
    status: str
    version: int
    owner: str | None
    updated_at: date | None
    valid_until: date | None
    modified_at: datetime | None
    stale: bool
    stale_reason: str | None
    missing: list[str]
    revisions: list[ArticleRevisionRow] = field(default_factory=list)  # newest first


@dataclass
class DiffLine:
    op: Literal["equal", "delete", "insert"]
    segments: list[tuple[str, bool]]  # (text, changed) pieces of the line


@dataclass
class SectionDiff:
    key: str
    changed: bool
    lines: list[DiffLine]


@dataclass
class ArticleDiff:
    article_id: str
    title: str
    old: ArticleRevisionRow
    new: ArticleRevisionRow
    sections: list[SectionDiff]  # in template order, title first

    @property
    def changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.changed]


@dataclass
class EditResult:
    article_id: str
    version: int
    outcome: str  # "updated" | "unchanged"
    reindexed: bool
    missing: list[str]


def _stale(kb: KnowledgeBase, updated_at: date | None, valid_until: date | None) -> tuple[bool, str | None]:
    meta: dict[str, object] = {"updated_at": updated_at, "valid_until": valid_until}
    return staleness(meta, today=datetime.now(UTC).date(), max_age_days=kb.settings.stale_after_days)


def _tag_matches(tag: str | None, wanted: str | None) -> bool:
    return not wanted or (tag is not None and (tag == wanted or tag.startswith(wanted + "::")))


def _item(kb: KnowledgeBase, row: ArticleRow) -> ArticleListItem:
    stale, reason = _stale(kb, row.updated_at, row.valid_until)
    item = ArticleListItem(row.id, row.title, row.tag, row.status, row.version, row.updated_at, stale, reason)
    item.missing = list(row.missing or [])
    return item


def list_articles(
    kb: KnowledgeBase,
    q: str | None = None,
    tag: str | None = None,
    status: str | None = "published",
    *,
    incomplete: bool = False,
    limit: int = 50,
) -> list[ArticleListItem]:
    """Articles matching a search ``q`` (hybrid search over articles, best first), or, without
    ``q``, every article of ``status`` ("all" for any) by title; ``tag`` filters by tag prefix,
    ``incomplete`` keeps only articles missing a required section."""
    status = (status or "published").strip()
    if status not in STATUS_FILTERS:
        raise InvalidInputError(
            f"status must be one of {', '.join(STATUS_FILTERS)}, not {status!r}", field="status", value=status
        )
    tag = (tag or "").strip() or None
    if q and q.strip():
        hits = kb.search(q.strip(), k=limit, doc_types={"article"})
        ids = [h.doc_id.split(":", 1)[1] for h in hits]
        with kb.sessions() as session:
            rows = {r.id: r for r in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(ids)))}
        out = []
        for hit, art_id in zip(hits, ids, strict=True):
            row = rows.get(art_id)
            if row is None or not _tag_matches(row.tag, tag) or status not in ("all", row.status):
                continue
            if incomplete and row.complete:
                continue
            item = _item(kb, row)
            best = hit.best.chunk
            item.score = round(hit.score, 4)
            item.section_label = str(best.meta.get("section_label", best.section))
            item.snippet = best.body[:240]
            out.append(item)
        return out
    stmt = select(ArticleRow).order_by(ArticleRow.title, ArticleRow.id)
    if status != "all":
        stmt = stmt.where(ArticleRow.status == status)
    if incomplete:
        stmt = stmt.where(ArticleRow.complete.is_(False))
    with kb.sessions() as session:
        rows_list = list(session.scalars(stmt))
    return [_item(kb, r) for r in rows_list if _tag_matches(r.tag, tag)][:limit]


def _require(kb: KnowledgeBase, article_id: str) -> ArticleRow:
    with kb.sessions() as session:
        row = get_article(session, article_id)
    if row is None:
        raise NotFoundError(f"article {article_id!r} does not exist", details={"article_id": article_id})
    return row


def existing_ids(kb: KnowledgeBase, candidates: Iterable[str]) -> set[str]:
    """The ``candidates`` that are ids of stored articles (of any status but deleted)."""
    wanted = sorted(set(candidates))[:500]
    if not wanted:
        return set()
    with kb.sessions() as session:
        found = session.scalars(
            select(ArticleRow.id).where(ArticleRow.id.in_(wanted), ArticleRow.status != "deleted")
        )
        return set(found)


def revisions(kb: KnowledgeBase, article_id: str) -> list[ArticleRevisionRow]:
    """An article's revisions, newest first."""
    _require(kb, article_id)
    with kb.sessions() as session:
        return list(reversed(list_revisions(session, article_id)))


def get_article_view(kb: KnowledgeBase, article_id: str) -> ArticleView:
    row = _require(kb, article_id)
    body = row.sections()
    stale, reason = _stale(kb, row.updated_at, row.valid_until)
    return ArticleView(
        article_id=row.id,
        title=row.title,
        sections={key: body.get(key, "") for key in SECTION_KEYS if key != "title"},
        tag=row.tag,
        status=row.status,
        version=row.version,
        owner=row.owner,
        updated_at=row.updated_at,
        valid_until=row.valid_until,
        modified_at=row.modified_at,
        stale=stale,
        stale_reason=reason,
        missing=list(row.missing or []),
        revisions=revisions(kb, article_id),
    )


# --- diffs -----------------------------------------------------------------------------------


def _tidy(segments: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Unchanged islands of one or two characters between changes join the change; neighbours
    with the same flag merge (``3``·``~``·``5`` reads better as one changed ``3~5``)."""
    flags = [
        changed
        or (0 < i < len(segments) - 1 and len(text) <= 2 and segments[i - 1][1] and segments[i + 1][1])
        for i, (text, changed) in enumerate(segments)
    ]
    out: list[tuple[str, bool]] = []
    for (text, _), changed in zip(segments, flags, strict=True):
        if out and out[-1][1] == changed:
            out[-1] = (out[-1][0] + text, changed)
        else:
            out.append((text, changed))
    return out


def _intraline(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Character-level changed pieces of a changed line (Korean has few spaces to split on)."""
    a: list[tuple[str, bool]] = []
    b: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if old[i1:i2]:
            a.append((old[i1:i2], tag != "equal"))
        if new[j1:j2]:
            b.append((new[j1:j2], tag != "equal"))
    return _tidy(a), _tidy(b)


def diff_text(old: str, new: str) -> list[DiffLine]:
    """Line diff of two section bodies; paired changed lines carry character-level highlights."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", [(line, False)]) for line in a[i1:i2])
            continue
        olds, news = a[i1:i2], b[j1:j2]
        if tag == "replace" and len(olds) == len(news):
            pairs = [_intraline(o, n) for o, n in zip(olds, news, strict=True)]
            lines.extend(DiffLine("delete", p[0]) for p in pairs)
            lines.extend(DiffLine("insert", p[1]) for p in pairs)
            continue
        lines.extend(DiffLine("delete", [(line, True)]) for line in olds)
        lines.extend(DiffLine("insert", [(line, True)]) for line in news)
    return lines


def _section_texts(rev: ArticleRevisionRow) -> dict[str, str]:
    sections = dict(rev.sections or {})
    return {key: rev.title if key == "title" else str(sections.get(key, "")) for key in SECTION_KEYS}


def diff_revisions(kb: KnowledgeBase, article_id: str, from_version: int, to_version: int) -> ArticleDiff:
    """Per-section diff between two versions of an article (in template order)."""
    row = _require(kb, article_id)
    with kb.sessions() as session:
        by_version = {r.version: r for r in list_revisions(session, article_id)}
    for name, version in (("from", from_version), ("to", to_version)):
        if version not in by_version:
            known = ", ".join(str(v) for v in sorted(by_version)) or "none"
            raise NotFoundError(
                f"article {article_id!r} has no version {version} (versions: {known})",
                details={"article_id": article_id, name: version},
            )
    old, new = by_version[from_version], by_version[to_version]
    a, b = _section_texts(old), _section_texts(new)
    sections = [SectionDiff(key, a[key] != b[key], diff_text(a[key], b[key])) for key in SECTION_KEYS]
    return ArticleDiff(article_id, row.title, old, new, sections)


# --- edits -----------------------------------------------------------------------------------


def _clean_sections(sections: Mapping[str, str]) -> dict[str, str]:
    unknown = sorted(set(sections) - set(SECTION_KEYS))
    if unknown:
        raise InvalidInputError(
            f"unknown section(s) {', '.join(unknown)}; use {', '.join(SECTION_KEYS)}", field=unknown[0]
        )
    out: dict[str, str] = {}
    for key in SECTION_KEYS:
        text = (sections.get(key) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_SECTION_CHARS:
            raise InvalidInputError(
                f"section {key!r} is {len(text)} characters; at most {MAX_SECTION_CHARS} are allowed",
                field=key,
            )
        out[key] = text
    return out


def edit_article(
    kb: KnowledgeBase,
    article_id: str,
    sections: Mapping[str, str],
    change_note: str | None,
    author: str,
) -> EditResult:
    """Save new section texts as a new version (PII-masked) and re-index the article.

    ``sections`` maps template keys (``title`` included) to their bodies; a key left out is
    emptied. Tag, owner, dates are re-read from the text as at ingest; where the text names none,
    the previous value is kept. An edit that changes nothing writes nothing (outcome "unchanged").
    """
    row = _require(kb, article_id)
    if row.status == "deleted":
        raise ConflictError(
            f"article {article_id!r} is deleted; restore it by ingesting its source first",
            details={"article_id": article_id},
        )
    author = (author or "").strip()
    if not author:
        raise InvalidInputError("'author' is empty; say who made this change", field="author")
    texts = _clean_sections(sections)
    if not texts["title"]:
        raise InvalidInputError("'title' is empty; an article needs a title", field="title")
    draft = ArticleDraft(
        title=texts["title"], sections={k: v for k, v in texts.items() if k != "title" and v}
    )
    rec, _issues = build_article(
        draft, file=row.source, source=row.source, default_id=row.id, line=row.line, overrides={"id": row.id}
    )
    if rec is None:
        raise InvalidInputError("every section is empty; an article needs a body", field="purpose")
    old = to_record(row)
    rec.tag = rec.tag or old.tag
    rec.owner = rec.owner or old.owner
    rec.updated_at = rec.updated_at or old.updated_at
    rec.valid_from = rec.valid_from or old.valid_from
    rec.valid_until = rec.valid_until or old.valid_until
    rec.lang = old.lang
    rec.missing = [k for k in REQUIRED_SECTIONS if not texts[k]]
    masked = mask_record_article(rec)
    note = (change_note or "").strip() or "edited"
    with kb.sessions() as session, session.begin():
        outcome = db_upsert_article(session, masked, author=author[:255], change_note=note)
        session.flush()
        saved = get_article(session, article_id)
        assert saved is not None
        version, status = saved.version, saved.status
    reindexed = False
    chunks = article_chunks(masked, kb.settings)
    doc_id = f"article:{article_id}"
    # a retried edit whose first index write failed is "unchanged" in the database: index it now
    if status == "published" and (outcome != "unchanged" or not doc_matches(kb, doc_id, chunks)):
        index_or_reconcile(kb, chunks, doc_id)
        reindexed = True
    return EditResult(article_id, version, outcome, reindexed, list(masked.missing))
