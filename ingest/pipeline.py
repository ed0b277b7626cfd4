"""Ingest: read → mask PII → store → chunk → embed only what changed → write new index → swap.

What was masked is counted per kind in the report (``IngestReport.masked``; never the values).

The database transaction and the index build are tied together: the new index folder is
written beside the serving one, the transaction commits, and only then is ``current``
swapped. Any failure before that rolls the database back and leaves the serving index as
it was.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from indexes import store
from indexes.db import (
    active_articles,
    articles_from_source,
    knowledge_tickets,
    mark_articles_deleted,
    open_db,
    replace_chunks,
    upsert_article,
    upsert_ticket,
)
from indexes.embedder import load_embedder
from indexes.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from indexes.hybrid import HybridIndex
from indexes.masking import mask_record_article, mask_record_ticket
from indexes.records import IngestIssue, ReadResult
from indexes.settings import Settings
from indexes.types import Chunk
from ingest.sources import read_paths
from ingest.split import chunk_article, chunk_ticket

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)


@dataclass
class IngestReport:
    """What an ingest run did; ``ok`` is False when any error was reported."""

    articles: Counter[str] = field(default_factory=Counter)
    tickets: Counter[str] = field(default_factory=Counter)
    issues: list[IngestIssue] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    build: store.BuildStats = field(default_factory=store.BuildStats)
    masked: Counter[str] = field(default_factory=Counter)  # PII values masked per kind (no values)
    index_folder: str | None = None

    @property
    def errors(self) -> list[IngestIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _source_file(source: str) -> str:
    return source.split("#", 1)[0]


def chunk_knowledge(session: Session, settings: Settings) -> list[Chunk]:
    """All chunks the index should hold: published articles and knowledge tickets."""
    chunks: list[Chunk] = []
    for art in active_articles(session):
        chunks.extend(
            chunk_article(art, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap_sentences)
        )
    for ticket in knowledge_tickets(session):
        chunks.extend(
            chunk_ticket(ticket, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap_sentences)
        )
    return chunks


def _previous_index(settings: Settings) -> HybridIndex | None:
    try:
        return store.load_current(settings.index_root, load_embedder(settings))
    except IndexNotFoundError:
        return None
    except (IndexMismatchError, IndexCorruptError) as exc:
        log.warning("previous index not reusable (%s); embedding everything", exc)
        return None


def _store_records(session: Session, result: ReadResult, settings: Settings, report: IngestReport) -> None:
    allow = settings.pii_allow
    for art in result.articles:
        masked = mask_record_article(art, allow=allow, counts=report.masked)
        report.articles[upsert_article(session, masked)] += 1
        if masked.missing:
            report.incomplete.append(masked.article_id)
    for ticket in result.tickets:
        report.tickets[
            upsert_ticket(
                session,
                mask_record_ticket(ticket, allow=allow, counts=report.masked),
                resolved_statuses=settings.resolved_statuses,
            )
        ] += 1


def _prune(session: Session, paths: Sequence[Path], result: ReadResult, report: IngestReport) -> None:
    """Articles that came from a re-read file (or a folder) but are no longer there are deleted."""
    failed_files = {i.file for i in result.issues if i.severity == "error" and i.line is None}
    current: dict[str, set[str]] = {}
    for art in result.articles:
        current.setdefault(_source_file(art.source), set()).add(art.article_id)
    stale: set[str] = set()
    for file, ids in current.items():
        stale |= set(articles_from_source(session, file)) - ids
    for path in paths:
        if path.is_dir():
            for art_id in articles_from_source(session, str(path)):
                stale.add(art_id)
            stale -= {a for ids in current.values() for a in ids}
    # never delete what a failed read could not see
    for file in failed_files:
        stale -= set(articles_from_source(session, file))
    if stale:
        report.articles["deleted"] += mark_articles_deleted(session, sorted(stale), author="ingest")


def rebuild(
    session: Session, settings: Settings, report: IngestReport, progress: Progress | None = None
) -> Path:
    """Chunk everything, build a new index (re-using unchanged vectors), write it (not swapped)."""
    embedder = load_embedder(settings)
    chunks = chunk_knowledge(session, settings)
    previous = _previous_index(settings)
    todo = len(chunks) - sum(
        1
        for c in chunks
        if previous is not None
        and c.chunk_id in previous.pos_by_id
        and previous.chunks[previous.pos_by_id[c.chunk_id]].hash == c.hash
    )
    if progress:
        progress("embed", 0, todo)
    index, report.build = store.build(
        chunks,
        embedder,
        store.IndexConfig.from_settings(settings),
        previous=previous,
        batch_size=settings.embed_batch_size,
        progress=(lambda n: progress("embed", n, None)) if progress else None,
        pii_allow=settings.pii_allow,
    )
    folder = store.write(index, settings.index_root, store.IndexConfig.from_settings(settings))
    replace_chunks(session, chunks, index_version=folder.name)
    return folder


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    kind: Literal["auto", "articles", "tickets"] = "auto",
    ticket_columns: Mapping[str, str] | None = None,
    prune: bool = True,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files/folders into the database and the serving index (atomically)."""
    report = IngestReport()
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        report.issues.append(IngestIssue(file=str(p), reason="no such file or directory"))
    existing = [p for p in paths if p.exists()]
    result = read_paths(
        existing,
        kind=kind,
        ticket_columns=ticket_columns,
        progress=(lambda n: progress("read", n, None)) if progress else None,
    )
    report.issues.extend(result.issues)
    factory = open_db(settings)
    folder: Path | None = None
    try:
        with factory() as session, session.begin():
            _store_records(session, result, settings, report)
            if prune:
                _prune(session, existing, result, report)
            session.flush()
            folder = rebuild(session, settings, report, progress)
        store.swap(settings.index_root, folder)
    except BaseException:
        if (
            folder is not None
            and folder.exists()
            and store.current_folder_or_none(settings.index_root) != folder
        ):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    report.index_folder = folder.name
    return report


def reindex(settings: Settings, progress: Progress | None = None) -> IngestReport:
    """Rebuild the index from the database (e.g. after changing the embedding model)."""
    report = IngestReport()
    factory = open_db(settings)
    folder: Path | None = None
    try:
        with factory() as session, session.begin():
            folder = rebuild(session, settings, report, progress)
        store.swap(settings.index_root, folder)
    except BaseException:
        if folder is not None and store.current_folder_or_none(settings.index_root) != folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    report.index_folder = folder.name
    return report
