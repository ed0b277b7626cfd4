"""Plain functions over a ``Session``: articles (with revisions), tickets and counts.

None of them commits: the caller owns the transaction (``with sessions.begin() as s: ...``).
Chunk bookkeeping (``chunks.py``) and query logs (``logs.py``) are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import DuplicateIdError
from core.records import ArticleRecord, TicketRecord
from storage.chunks import ChunkChanges as ChunkChanges
from storage.chunks import add_chunks as add_chunks
from storage.chunks import delete_chunks as delete_chunks
from storage.chunks import get_chunks as get_chunks
from storage.chunks import replace_chunks as replace_chunks
from storage.logs import add_feedback as add_feedback
from storage.logs import log_query as log_query
from storage.logs import query_hash as query_hash
from storage.logs import save_suggestion as save_suggestion
from storage.models import (
    ARTICLE_STATUSES,
    SECTION_ATTRS,
    ArticleRevisionRow,
    ArticleRow,
    ChunkRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    TicketRow,
    utcnow,
)

Outcome = Literal["created", "updated", "unchanged"]


def _sha256(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _known_sections(sections: dict[str, str]) -> dict[str, str]:
    """The template sections of ``sections`` with a non-empty body (title and unknown keys dropped)."""
    return {key: sections[key] for key in SECTION_ATTRS if sections.get(key)}


def article_hash(rec: ArticleRecord) -> str:
    """Hash of what makes an article's content: title, sections, tag and validity dates."""
    return _sha256(
        {
            "title": rec.title,
            "sections": _known_sections(rec.sections),
            "tag": rec.tag,
            "valid_from": rec.valid_from,
            "valid_until": rec.valid_until,
        }
    )


_TICKET_FIELDS = ("channel", "subject", "inquiry", "resolution", "status", "created_at", "resolved_at",
                  "csat", "customer_ref", "source", "line")  # fmt: skip


_SERVICE_FIELDS = ("first_response_at", "reopens")  # 0010: hashed only when known (older hashes hold)


def ticket_hash(rec: TicketRecord) -> str:
    """Hash of every stored field of a ticket except where it was read from (the service times
    only when known, so the hash of a ticket without them is what it was before 0010)."""
    payload = {name: getattr(rec, name) for name in _TICKET_FIELDS if name not in ("source", "line")}
    known = {name: value for name in _SERVICE_FIELDS if (value := getattr(rec, name)) is not None}
    return _sha256(payload | known | {"tags": list(rec.tags)})


# --- articles ------------------------------------------------------------------------------


def _write_revision(session: Session, row: ArticleRow, *, author: str, change_note: str | None) -> None:
    session.add(
        ArticleRevisionRow(
            article_id=row.id,
            version=row.version,
            title=row.title,
            sections=row.sections(),
            tag=row.tag,
            status=row.status,
            content_hash=row.content_hash,
            change_note=change_note,
            author=author,
        )
    )


def _apply_record(row: ArticleRow, rec: ArticleRecord) -> None:
    sections = _known_sections(rec.sections)
    row.title = rec.title
    for key, attr in SECTION_ATTRS.items():
        setattr(row, attr, sections.get(key, ""))
    row.tag = rec.tag
    row.valid_from, row.valid_until = rec.valid_from, rec.valid_until
    _apply_metadata(row, rec)


def _apply_metadata(row: ArticleRow, rec: ArticleRecord) -> None:
    """Fields that don't make a new version (where the article was read from, who owns it...)."""
    row.owner, row.lang, row.updated_at = rec.owner, rec.lang, rec.updated_at
    row.missing, row.complete = list(rec.missing), rec.complete
    row.source, row.line = rec.source, rec.line


def upsert_article(
    session: Session, rec: ArticleRecord, *, author: str = "ingest", change_note: str | None = None
) -> Outcome:
    """Insert or update an article; a new version and revision are written only when its content
    hash changed (or when a deleted article comes back, which publishes it again)."""
    digest = article_hash(rec)
    row = session.get(ArticleRow, rec.article_id)
    if row is None:
        row = ArticleRow(id=rec.article_id, status="published", version=1, content_hash=digest)
        _apply_record(row, rec)
        session.add(row)
        _write_revision(session, row, author=author, change_note=change_note or "created")
        return "created"
    if row.content_hash == digest and row.status != "deleted":
        _apply_metadata(row, rec)  # a moved file or a new owner is not a new version
        return "unchanged"
    note = change_note or ("restored" if row.status == "deleted" else "updated")
    _apply_record(row, rec)
    row.content_hash = digest
    row.version += 1
    row.modified_at = utcnow()
    if row.status == "deleted":
        row.status = "published"
    _write_revision(session, row, author=author, change_note=note)
    return "updated"


def articles_from_source(session: Session, source_prefix: str, *, include_deleted: bool = False) -> list[str]:
    """Ids of articles whose ``source`` ("path" or "path#row") starts with ``source_prefix``."""
    stmt = select(ArticleRow.id).where(ArticleRow.source.startswith(source_prefix, autoescape=True))
    if not include_deleted:
        stmt = stmt.where(ArticleRow.status != "deleted")
    return list(session.scalars(stmt.order_by(ArticleRow.id)))


def mark_articles_deleted(
    session: Session, ids: Iterable[str], *, author: str, change_note: str | None = "deleted"
) -> int:
    """Set status "deleted" (new version + revision) on each id; returns how many changed."""
    wanted = sorted(set(ids))
    changed = 0
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        rows = session.scalars(
            select(ArticleRow).where(ArticleRow.id.in_(batch), ArticleRow.status != "deleted")
        )
        for row in rows:
            row.status = "deleted"
            row.version += 1
            row.modified_at = utcnow()
            _write_revision(session, row, author=author, change_note=change_note)
            changed += 1
    return changed


def to_record(row: ArticleRow) -> ArticleRecord:
    """An article row back as an ``ArticleRecord`` (e.g. to re-chunk it)."""
    return ArticleRecord(
        article_id=row.id,
        title=row.title,
        sections=row.sections(),
        source=row.source,
        line=row.line,
        tag=row.tag,
        updated_at=row.updated_at,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        owner=row.owner,
        lang=row.lang,
        missing=list(row.missing or []),
    )


def active_articles(session: Session) -> list[ArticleRecord]:
    """Every published article, by id."""
    rows = session.scalars(select(ArticleRow).where(ArticleRow.status == "published").order_by(ArticleRow.id))
    return [to_record(row) for row in rows]


def get_article(session: Session, article_id: str) -> ArticleRow | None:
    return session.get(ArticleRow, article_id)


def list_revisions(session: Session, article_id: str) -> list[ArticleRevisionRow]:
    """An article's revisions, oldest first."""
    stmt = select(ArticleRevisionRow).where(ArticleRevisionRow.article_id == article_id)
    return list(session.scalars(stmt.order_by(ArticleRevisionRow.version)))


# --- tickets -------------------------------------------------------------------------------


class StatusAndResolution(Protocol):
    """A ticket as :func:`is_knowledge` reads it (a record to store, or one shown on a page)."""

    @property
    def status(self) -> str: ...

    @property
    def resolution(self) -> str: ...


def is_knowledge(rec: StatusAndResolution, resolved_statuses: Sequence[str]) -> bool:
    """Resolved (status in ``resolved_statuses``, case-insensitive) and has a resolution."""
    resolved = {status.strip().casefold() for status in resolved_statuses}
    return rec.status.strip().casefold() in resolved and bool(rec.resolution.strip())


def reopened(old_status: str, new_status: str, resolved_statuses: Sequence[str]) -> bool:
    """Whether a status change takes a resolved ticket back to an open one (a blank new status
    is unknown, not a reopen)."""
    resolved = {status.strip().casefold() for status in resolved_statuses}
    new = new_status.strip().casefold()
    return old_status.strip().casefold() in resolved and bool(new) and new not in resolved


def _service_times(row: TicketRow, rec: TicketRecord, resolved_statuses: Sequence[str]) -> None:
    """The record's first reply and reopen count where it knows them; else the stored ones, a
    reopen seen here (resolved before, open now) counting one more."""
    if rec.first_response_at is not None or row.first_response_at is None:
        row.first_response_at = rec.first_response_at
    if rec.reopens is not None:
        row.reopens = rec.reopens
    elif row.status is not None and reopened(row.status, rec.status, resolved_statuses):
        row.reopens = (row.reopens or 0) + 1


def upsert_ticket(session: Session, rec: TicketRecord, *, resolved_statuses: Sequence[str]) -> Outcome:
    """Insert or update a ticket (decided by its content hash); sets ``is_knowledge``. An update
    that takes a resolved ticket back to open counts a reopen (unless the record says how many)."""
    digest = ticket_hash(rec)
    knowledge = is_knowledge(rec, resolved_statuses)
    row = session.get(TicketRow, rec.ticket_id)
    if row is not None and row.content_hash == digest:
        row.source, row.line, row.is_knowledge = rec.source, rec.line, knowledge
        return "unchanged"
    outcome: Outcome = "updated"
    if row is None:
        row = TicketRow(id=rec.ticket_id)
        session.add(row)
        outcome = "created"
    _service_times(row, rec, resolved_statuses)
    for name in _TICKET_FIELDS:
        setattr(row, name, getattr(rec, name))
    row.tags, row.content_hash, row.is_knowledge = list(rec.tags), digest, knowledge
    row.ingested_at = utcnow()
    return outcome


def insert_ticket(session: Session, rec: TicketRecord, *, resolved_statuses: Sequence[str]) -> None:
    """Insert a new ticket; an existing id is a conflict (``DuplicateIdError``), never an update.
    (A concurrent insert of the same id fails at flush with the primary key's IntegrityError.)"""
    if session.get(TicketRow, rec.ticket_id) is not None:
        raise DuplicateIdError(
            f"ticket {rec.ticket_id!r} already exists", details={"ticket_id": rec.ticket_id}
        )
    row = TicketRow(id=rec.ticket_id)
    for name in _TICKET_FIELDS:
        setattr(row, name, getattr(rec, name))
    row.tags, row.content_hash = list(rec.tags), ticket_hash(rec)
    row.first_response_at, row.reopens = rec.first_response_at, rec.reopens
    row.is_knowledge = is_knowledge(rec, resolved_statuses)
    row.ingested_at = utcnow()
    session.add(row)
    session.flush()


def ticket_to_record(row: TicketRow) -> TicketRecord:
    return TicketRecord(
        ticket_id=row.id,
        inquiry=row.inquiry,
        source=row.source,
        line=row.line,
        subject=row.subject,
        resolution=row.resolution,
        status=row.status,
        tags=list(row.tags or []),
        channel=row.channel,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        csat=row.csat,
        customer_ref=row.customer_ref,
        first_response_at=row.first_response_at,
        reopens=row.reopens,
    )


def knowledge_tickets(session: Session) -> list[TicketRecord]:
    """Tickets marked as knowledge (resolved, with a resolution), by id."""
    rows = session.scalars(select(TicketRow).where(TicketRow.is_knowledge.is_(True)).order_by(TicketRow.id))
    return [ticket_to_record(row) for row in rows]


def get_ticket(session: Session, ticket_id: str) -> TicketRow | None:
    return session.get(TicketRow, ticket_id)


# --- counts ----------------------------------------------------------------------------------


def counts(session: Session) -> dict[str, int]:
    """Row counts: ``articles`` and ``articles_<status>`` for every status, ``articles_incomplete``
    (not deleted, missing a required section), ``tickets``, ``knowledge_tickets``, ``chunks``,
    ``revisions``, ``query_logs``, ``suggestions``, ``feedback``."""
    out = {f"articles_{status}": 0 for status in ARTICLE_STATUSES}
    for status, n in session.execute(select(ArticleRow.status, func.count()).group_by(ArticleRow.status)):
        out[f"articles_{status}"] = n
    out["articles"] = sum(out.values())

    def count(model: type[Any], *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    out["articles_incomplete"] = count(
        ArticleRow, ArticleRow.complete.is_(False), ArticleRow.status != "deleted"
    )

    out["tickets"] = count(TicketRow)
    out["knowledge_tickets"] = count(TicketRow, TicketRow.is_knowledge.is_(True))
    out["chunks"] = count(ChunkRow)
    out["revisions"] = count(ArticleRevisionRow)
    out["query_logs"] = count(QueryLogRow)
    out["suggestions"] = count(SuggestionRow)
    out["feedback"] = count(FeedbackRow)
    return out
