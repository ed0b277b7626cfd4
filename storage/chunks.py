"""The ``chunks`` table as a mirror of the built index: sync, incremental add, read back.

Works on plain column tuples and ORM bulk statements (no objects in the identity map), so a
sync of tens of thousands of chunks stays cheap. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.masking import mask_value
from core.types import Chunk
from korean.pii import MaskMode
from storage.models import ChunkRow, utcnow

_BATCH = 500
# Columns compared to decide whether a stored chunk must be rewritten.
_COMPARED = ("doc_id", "doc_type", "source_id", "title", "section", "text", "body", "content_hash",
             "vector_id", "meta", "index_version")  # fmt: skip


@dataclass(frozen=True)
class ChunkChanges:
    """What a chunk sync did."""

    added: int = 0
    updated: int = 0
    removed: int = 0


def source_id(doc_id: str) -> str:
    """``"article:A-1"`` -> ``"A-1"`` (the article or ticket id a chunk comes from)."""
    return doc_id.split(":", 1)[1] if ":" in doc_id else doc_id


def _values(chunk: Chunk, index_version: str, allow: Sequence[str] = ()) -> dict[str, Any]:
    """The row of ``chunk``, its text PII-masked (bulk statements skip the mapper events of
    ``masking.py``, so this is the chunks table's choke point)."""
    mode: MaskMode = "personal" if chunk.doc_type == "ticket" else "article"
    return {
        "id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "doc_type": chunk.doc_type,
        "source_id": source_id(chunk.doc_id),
        "title": mask_value(chunk.title, mode, allow),
        "section": chunk.section,
        "text": mask_value(chunk.text, mode, allow),
        "body": mask_value(chunk.body, mode, allow),
        "content_hash": chunk.hash,
        "vector_id": chunk.vid,
        "meta": mask_value(dict(chunk.meta), mode, allow),
        "index_version": index_version,
    }


def _batches(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _stored(session: Session, ids: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    """The compared columns of stored chunks: all of them, or those with the given ids."""
    stmt = select(ChunkRow.id, *(getattr(ChunkRow, name) for name in _COMPARED))
    if ids is None:
        rows = list(session.execute(stmt))
    else:
        rows = [row for batch in _batches(ids) for row in session.execute(stmt.where(ChunkRow.id.in_(batch)))]
    return {row.id: {name: getattr(row, name) for name in _COMPARED} for row in rows}


def _upsert(
    session: Session, chunks: Sequence[Chunk], index_version: str, stored: dict[str, dict[str, Any]]
) -> ChunkChanges:
    new: dict[str, dict[str, Any]] = {}
    allow = tuple(session.info.get("pii_allow", ()))
    for chunk in chunks:  # last one wins on a repeated id
        new[chunk.chunk_id] = _values(chunk, index_version, allow)
    inserts = [values | {"created_at": utcnow()} for cid, values in new.items() if cid not in stored]
    updates = [
        values
        for cid, values in new.items()
        if cid in stored and any(stored[cid][name] != values[name] for name in _COMPARED)
    ]
    for batch in _batches(inserts):
        session.execute(insert(ChunkRow), list(batch))
    for batch in _batches(updates):
        session.execute(update(ChunkRow), list(batch))
    return ChunkChanges(added=len(inserts), updated=len(updates))


def replace_chunks(session: Session, chunks: Sequence[Chunk], *, index_version: str) -> ChunkChanges:
    """Make the chunks table equal to ``chunks``: delete ids not given, insert new ones, rewrite
    changed ones (content, metadata or ``index_version``)."""
    session.flush()
    stored = _stored(session, None)
    keep = {chunk.chunk_id for chunk in chunks}
    gone = sorted(set(stored) - keep)
    for batch in _batches(gone):
        session.execute(delete(ChunkRow).where(ChunkRow.id.in_(batch)))
    changes = _upsert(session, chunks, index_version, stored)
    return ChunkChanges(added=changes.added, updated=changes.updated, removed=len(gone))


def add_chunks(session: Session, chunks: Sequence[Chunk], *, index_version: str) -> ChunkChanges:
    """Insert or rewrite ``chunks``; other stored chunks are left alone."""
    session.flush()
    stored = _stored(session, sorted({chunk.chunk_id for chunk in chunks}))
    return _upsert(session, chunks, index_version, stored)


def delete_chunks(session: Session, doc_ids: Iterable[str]) -> int:
    """Remove every chunk of the given documents ("article:<id>", "ticket:<id>"); returns the count."""
    wanted = sorted(set(doc_ids))
    removed = 0
    for batch in _batches(wanted):
        result = session.execute(delete(ChunkRow).where(ChunkRow.doc_id.in_(batch)))
        removed += result.rowcount or 0  # type: ignore[attr-defined]
    return removed


def to_chunk(row: ChunkRow) -> Chunk:
    return Chunk(
        chunk_id=row.id,
        doc_id=row.doc_id,
        doc_type=row.doc_type,  # type: ignore[arg-type]
        title=row.title,
        section=row.section,
        text=row.text,
        body=row.body,
        meta=dict(row.meta or {}),
    )


def get_chunks(session: Session, chunk_ids: Sequence[str] | None = None) -> list[Chunk]:
    """Stored chunks as ``Chunk`` values: the given ids (in that order, missing ones skipped) or
    all of them by id."""
    if chunk_ids is None:
        return [to_chunk(row) for row in session.scalars(select(ChunkRow).order_by(ChunkRow.id))]
    found: dict[str, Chunk] = {}
    for batch in _batches(list(dict.fromkeys(chunk_ids))):
        for row in session.scalars(select(ChunkRow).where(ChunkRow.id.in_(batch))):
            found[row.id] = to_chunk(row)
    return [found[cid] for cid in chunk_ids if cid in found]
