"""Ingest: read → mask PII → store → chunk → embed only what changed → write new index → swap.

What was masked is counted per kind in the report (``IngestReport.masked``; never the values).

Writes never block serving: records are committed in bounded batches, the index is built
from a read snapshot with no transaction open, and only the final step touches what serving
reads (one short transaction syncing the chunks table, then the atomic swap of ``current``,
carrying the resolves made meanwhile: ``indexes.compaction.swap_carrying``).
A failure before the swap leaves the serving index and chunks table as they were; stored
records stay (a re-run finds them unchanged). One ingest per data folder (``ingest.lock``).

Where reading + masking and chunking + embedding run is the ``engine``'s business
(:class:`IngestEngine`): :class:`LocalEngine` here (this process, the default) or
``ingest.ray_engine.RayEngine`` (a Ray Data pipeline). Database writes, the index build and the
swap always happen here, the same way for both, so both give the same index and chunks table.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from core.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from core.masking import mask_record_article, mask_record_ticket
from core.records import ArticleRecord, IngestIssue, ReadResult, TicketRecord
from core.settings import Settings
from core.types import Chunk
from indexes import compaction, deltalog, store
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex
from ingest.chunking import chunk_records
from ingest.lock import ingest_lock
from ingest.reconcile import remember_build
from ingest.sources import read_paths
from ingest.unchanged import unchanged_index
from storage import (
    active_articles,
    articles_from_source,
    knowledge_tickets,
    mark_articles_deleted,
    open_db,
    replace_chunks,
    upsert_article,
    upsert_ticket,
)

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
    index_unchanged: bool = False  # the serving index already held it all: nothing built or written

    @property
    def errors(self) -> list[IngestIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _source_file(source: str) -> str:
    return source.split("#", 1)[0]


def mask_result(result: ReadResult, settings: Settings, counts: Counter[str]) -> ReadResult:
    """``result`` with every record PII-masked (``counts`` gets one per masked value per kind)."""
    allow = settings.pii_allow
    return ReadResult(
        articles=[mask_record_article(a, allow=allow, counts=counts) for a in result.articles],
        tickets=[mask_record_ticket(t, allow=allow, counts=counts) for t in result.tickets],
        issues=result.issues,
    )


class IngestEngine(Protocol):
    """Where the heavy steps run. ``embeds_in_build``: True when ``store.build`` does the
    embedding (and reports it); False when :meth:`chunk_embed` already did."""

    embeds_in_build: ClassVar[bool]

    def read_masked(
        self,
        paths: Sequence[Path],
        settings: Settings,
        *,
        kind: Literal["auto", "articles", "tickets"],
        ticket_columns: Mapping[str, str] | None,
        counts: Counter[str],
        progress: Progress | None,
    ) -> ReadResult:
        """``read_paths`` then :func:`mask_result`: records in file order, masked."""
        ...

    def chunk_embed(
        self,
        articles: Sequence[ArticleRecord],
        tickets: Sequence[TicketRecord],
        settings: Settings,
        embedder: Embedder,
        previous: HybridIndex | None,
        progress: Progress | None,
    ) -> tuple[list[Chunk], Embedder]:
        """:func:`chunk_records`, and the embedder ``store.build`` is to use on them."""
        ...


class LocalEngine:
    """Everything in this process."""

    embeds_in_build: ClassVar[bool] = True

    def read_masked(
        self,
        paths: Sequence[Path],
        settings: Settings,
        *,
        kind: Literal["auto", "articles", "tickets"],
        ticket_columns: Mapping[str, str] | None,
        counts: Counter[str],
        progress: Progress | None,
    ) -> ReadResult:
        result = read_paths(
            paths,
            kind=kind,
            ticket_columns=ticket_columns,
            progress=(lambda n: progress("read", n, None)) if progress else None,
        )
        return mask_result(result, settings, counts)

    def chunk_embed(
        self,
        articles: Sequence[ArticleRecord],
        tickets: Sequence[TicketRecord],
        settings: Settings,
        embedder: Embedder,
        previous: HybridIndex | None,
        progress: Progress | None,
    ) -> tuple[list[Chunk], Embedder]:
        return chunk_records(articles, tickets, settings), embedder


def _previous_index(settings: Settings) -> HybridIndex | None:
    try:
        return store.load_current(settings.index_root, load_embedder(settings))
    except IndexNotFoundError:
        return None
    except (IndexMismatchError, IndexCorruptError) as exc:
        log.warning("previous index not reusable (%s); embedding everything", exc)
        return None


_STORE_BATCH = 100  # records per write transaction: the write lock is held for ≈ a few ms each


def _store_records(
    factory: sessionmaker[Session],
    result: ReadResult,
    settings: Settings,
    report: IngestReport,
    progress: Progress | None = None,
) -> None:
    """Store masked records in bounded batches, each its own commit."""
    if progress:
        progress("store", 0, len(result.articles) + len(result.tickets))
    articles, tickets = result.articles, result.tickets
    for start in range(0, len(articles), _STORE_BATCH):
        with factory() as session, session.begin():
            for masked in articles[start : start + _STORE_BATCH]:
                report.articles[upsert_article(session, masked)] += 1
                if masked.missing:
                    report.incomplete.append(masked.article_id)
        if progress:
            progress("store", len(articles[start : start + _STORE_BATCH]), None)
    for start in range(0, len(tickets), _STORE_BATCH):
        with factory() as session, session.begin():
            for ticket in tickets[start : start + _STORE_BATCH]:
                report.tickets[
                    upsert_ticket(session, ticket, resolved_statuses=settings.resolved_statuses)
                ] += 1
        if progress:
            progress("store", len(tickets[start : start + _STORE_BATCH]), None)


def _changed(outcomes: Counter[str]) -> bool:
    """Whether a run stored or deleted anything (``unchanged`` and ``failed`` store nothing)."""
    return any(n for outcome, n in outcomes.items() if outcome not in ("unchanged", "failed"))


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


def _build_folder(
    articles: Sequence[ArticleRecord],
    tickets: Sequence[TicketRecord],
    settings: Settings,
    report: IngestReport,
    progress: Progress | None,
    engine: IngestEngine,
) -> tuple[Path, list[Chunk], HybridIndex]:
    """Chunk, build a new index (re-using unchanged vectors) and write its folder (not swapped).
    No database transaction is open meanwhile: embedding never holds the write lock."""
    if progress:
        progress("model", 0, None)  # a stage of its own: loading never counts as reading or embedding
    embedder = load_embedder(settings)
    previous = _previous_index(settings)
    chunks, build_embedder = engine.chunk_embed(articles, tickets, settings, embedder, previous, progress)
    todo = len(chunks) - sum(
        1
        for c in chunks
        if previous is not None
        and c.chunk_id in previous.pos_by_id
        and previous.key_at(previous.pos_by_id[c.chunk_id]).hash == c.hash
    )
    build_progress = progress if progress and engine.embeds_in_build else None
    if build_progress:
        build_progress("embed", 0, todo)
    index, report.build = store.build(
        chunks,
        build_embedder,
        store.IndexConfig.from_settings(settings),
        previous=previous,
        batch_size=settings.embed_batch_size,
        progress=(lambda n: build_progress("embed", n, None)) if build_progress else None,
        pii_allow=settings.pii_allow,
    )
    return store.write(index, settings.index_root, store.IndexConfig.from_settings(settings)), chunks, index


def _rebuild_and_swap(
    factory: sessionmaker[Session],
    settings: Settings,
    report: IngestReport,
    progress: Progress | None,
    engine: IngestEngine | None = None,
    *,
    skip_unchanged: bool = False,
) -> Path:
    """Snapshot the knowledge (a read: never blocks writers under WAL), build and write the new
    folder, then one short write transaction syncs the chunks table and ``current`` is swapped.
    A failure before the swap removes the new folder and leaves serving as it was.
    ``skip_unchanged`` (an ingest that stored no new or changed record; never ``reindex``): when
    the serving index already holds exactly what the build would write
    (:func:`ingest.unchanged.unchanged_index`), nothing is loaded, built, written or swapped."""
    engine = engine if engine is not None else LocalEngine()
    old = store.current_folder_or_none(settings.index_root)
    since = (old, deltalog.size(old)) if old is not None else None  # writes after this are carried
    if skip_unchanged and isinstance(engine, LocalEngine):  # reads the knowledge itself
        same = unchanged_index(factory, settings, store.IndexConfig.from_settings(settings))
        if same is not None:
            report.build = store.BuildStats(chunks=same[1], reused=same[1])
            report.index_unchanged = True
            return same[0]
    with factory() as session:
        articles, tickets = active_articles(session), knowledge_tickets(session)
    folder: Path | None = None
    try:
        folder, chunks, index = _build_folder(articles, tickets, settings, report, progress, engine)
        with factory() as session, session.begin():
            replace_chunks(session, chunks, index_version=folder.name)
        compaction.swap_carrying(settings.index_root, folder, since)
        remember_build(settings, [*articles, *tickets], index)
    except BaseException:
        if (
            folder is not None
            and folder.exists()
            and store.current_folder_or_none(settings.index_root) != folder
        ):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    kind: Literal["auto", "articles", "tickets"] = "auto",
    ticket_columns: Mapping[str, str] | None = None,
    prune: bool = True,
    progress: Progress | None = None,
    lock_wait_s: float = 0.0,
    engine: IngestEngine | None = None,
) -> IngestReport:
    """Ingest files/folders into the database and the serving index.

    One ingest at a time per data folder (``ingest.lock``; a second waits ``lock_wait_s`` and
    then raises ``IngestLockedError`` naming the running one). Records are committed in
    batches of ``_STORE_BATCH``; serving only sees the result at the final chunks sync + swap.
    ``engine`` (default :class:`LocalEngine`) runs reading, masking, chunking and embedding.
    """
    engine = engine if engine is not None else LocalEngine()
    report = IngestReport()
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        report.issues.append(IngestIssue(file=str(p), reason="no such file or directory"))
    existing = [p for p in paths if p.exists()]
    if not existing:  # nothing to read: the database and the serving index stay as they are
        return report
    with ingest_lock(settings.data_dir, wait_s=lock_wait_s):
        result = engine.read_masked(
            existing,
            settings,
            kind=kind,
            ticket_columns=ticket_columns,
            counts=report.masked,
            progress=progress,
        )
        report.issues.extend(result.issues)
        factory = open_db(settings)
        try:
            _store_records(factory, result, settings, report, progress)
            if prune:
                with factory() as session, session.begin():
                    _prune(session, existing, result, report)
            stored_nothing = not (_changed(report.articles) or _changed(report.tickets))
            report.index_folder = _rebuild_and_swap(
                factory, settings, report, progress, engine, skip_unchanged=stored_nothing
            ).name
        finally:
            factory.kw["bind"].dispose()
    return report


def reindex(
    settings: Settings,
    progress: Progress | None = None,
    *,
    lock_wait_s: float = 0.0,
    engine: IngestEngine | None = None,
) -> IngestReport:
    """Rebuild the index from the database (e.g. after changing the embedding model)."""
    report = IngestReport()
    with ingest_lock(settings.data_dir, wait_s=lock_wait_s):
        factory = open_db(settings)
        try:
            report.index_folder = _rebuild_and_swap(factory, settings, report, progress, engine).name
        finally:
            factory.kw["bind"].dispose()
    return report
