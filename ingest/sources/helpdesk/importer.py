"""``kms ingest --from PRODUCT PATH``: read a helpdesk export and store its conversations as tickets.

Incremental by source id and update time: a conversation whose stored ticket came from the same or a
newer update of it is left alone (``unchanged``, or ``skipped`` when the export is older); a newer
one replaces the ticket through the same upsert as every ticket ingest (``updated``). Tickets are
masked as every ticket ingest masks them (``mask_record_ticket``, counts in ``IngestReport.masked``).
A record that cannot be read is an error naming its number, id and field; the rest is imported
(``failed`` in the summary). The index is rebuilt only when something changed (or none exists).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.masking import mask_record_ticket
from core.records import IngestIssue
from core.settings import Settings
from indexes import store
from ingest.lock import ingest_lock
from ingest.pipeline import IngestEngine, IngestReport, Progress, _rebuild_and_swap
from storage import TicketRow, open_db, upsert_ticket

from . import channeltalk, chatwoot, freshdesk, zendesk
from .conversation import ExportError, HelpdeskRead, Imported, stored_updated_at

READERS: dict[str, Callable[[Path], HelpdeskRead]] = {
    "zendesk": zendesk.read,
    "freshdesk": freshdesk.read,
    "chatwoot": chatwoot.read,
    "channeltalk": channeltalk.read,
}
PRODUCTS = tuple(READERS)
SUFFIXES = (".json", ".jsonl", ".ndjson")
_BATCH = 100  # tickets per write transaction, as in the pipeline


def export_files(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each file given, and the JSON/JSONL files inside each folder (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            files.append(path)
    return files


def read_export(product: str, paths: Sequence[Path], progress: Progress | None = None) -> HelpdeskRead:
    """Every record of ``product``'s export files; a file that is not one is an error, not a crash."""
    if product not in READERS:
        raise ValueError(f"unknown helpdesk {product!r}; expected one of: {', '.join(PRODUCTS)}")
    result = HelpdeskRead()
    files = export_files(paths)
    if progress:
        progress("read", 0, len(files))
    for path in files:
        try:
            part = READERS[product](path)
        except ExportError as exc:
            result.issues.append(
                IngestIssue(file=str(path), reason=f"not a {product} export: {exc}; nothing was read from it")
            )
        else:
            result.items += part.items
            result.issues += part.issues
            result.records += part.records
        if progress:
            progress("read", 1, None)
    return result


def _plan(factory: sessionmaker[Session], items: Sequence[Imported], report: IngestReport) -> list[Imported]:
    """The items to write: newer than what is stored (and than an earlier copy in this export)."""
    ids = list({item.ticket.ticket_id for item in items})
    stored: dict[str, datetime | None] = {}
    with factory() as session:
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(TicketRow.id, TicketRow.source).where(TicketRow.id.in_(ids[start : start + 500]))
            )
            stored.update({row_id: stored_updated_at(source) for row_id, source in rows})
    chosen: dict[str, Imported] = {}
    for item in items:
        key = item.ticket.ticket_id
        previous = chosen[key].updated_at if key in chosen else stored.get(key)
        known = key in chosen or key in stored
        if known and item.updated_at is not None and previous is not None and item.updated_at <= previous:
            report.tickets["unchanged" if item.updated_at == previous else "skipped"] += 1
            continue
        if key in chosen:
            report.tickets["skipped"] += 1  # the older copy of a conversation listed twice
        chosen[key] = item
    return list(chosen.values())


def _store(
    factory: sessionmaker[Session],
    items: Sequence[Imported],
    settings: Settings,
    report: IngestReport,
    progress: Progress | None,
) -> bool:
    """Mask (outside any transaction) and upsert in batches; True when anything was written."""
    todo = _plan(factory, items, report)
    tickets = [mask_record_ticket(i.ticket, allow=settings.pii_allow, counts=report.masked) for i in todo]
    if progress:
        progress("store", 0, len(tickets))
    changed = False
    for start in range(0, len(tickets), _BATCH):
        with factory() as session, session.begin():
            for ticket in tickets[start : start + _BATCH]:
                outcome = upsert_ticket(session, ticket, resolved_statuses=settings.resolved_statuses)
                report.tickets[outcome] += 1
                changed = changed or outcome != "unchanged"
        if progress:
            progress("store", len(tickets[start : start + _BATCH]), None)
    return changed


def import_helpdesk(
    paths: Sequence[Path],
    product: str,
    settings: Settings,
    *,
    progress: Progress | None = None,
    lock_wait_s: float = 0.0,
    engine: IngestEngine | None = None,
) -> IngestReport:
    """Import ``product``'s export files/folders into the database and the serving index.

    The export is read and masked in this process (a helpdesk's JSON, not a folder of files to
    spread); ``engine`` (default: this process) chunks and embeds the rebuilt index, as for
    ``ingest_paths``."""
    report = IngestReport()
    for path in paths:
        if not path.exists():
            report.issues.append(IngestIssue(file=str(path), reason="no such file or directory"))
    existing = [p for p in paths if p.exists()]
    if not existing:
        return report
    with ingest_lock(settings.data_dir, wait_s=lock_wait_s):
        read = read_export(product, existing, progress)
        report.issues.extend(read.issues)
        if read.failed:
            report.tickets["failed"] += read.failed
        factory = open_db(settings)
        try:
            changed = _store(factory, read.items, settings, report, progress)
            if changed or (read.items and store.current_folder_or_none(settings.index_root) is None):
                report.index_folder = _rebuild_and_swap(factory, settings, report, progress, engine).name
        finally:
            factory.kw["bind"].dispose()
    return report
