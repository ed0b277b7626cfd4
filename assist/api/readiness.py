"""Is the service ready? The lifespan's opening of the knowledge base, the ``IndexedKB``
dependency (503 before any work when there is no index) and the /readyz report: database
reachable and writable, free disk, index loaded, index and database agreeing."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from sqlalchemy.engine import make_url

from assist.api.deps import KB
from assist.api.models import Health
from assist.knowledge import KnowledgeBase
from core.errors import KmsError
from indexes.lexical import tokenize
from storage import counts

log = logging.getLogger(__name__)


def open_kb(kb: KnowledgeBase) -> dict[str, str]:
    """Open the DB and load model, index and Kiwi once; returns {step: problem} (never raises)."""
    problems: dict[str, str] = {}
    steps = (
        ("database", lambda: kb.sessions),
        ("model", lambda: kb.embedder),
        ("index", kb.warm_up),
    )
    for name, step in steps:
        try:
            step()
        except KmsError as exc:
            log.warning("%s not ready: %s", name, exc.message)
            problems[name] = exc.message
        except Exception as exc:  # never crash start-up: serve degraded and say why in /readyz
            log.exception("%s not ready", name)
            problems[name] = f"{name} failed to load: {type(exc).__name__}: {exc}"
    if problems:
        tokenize("환불 문의")  # Kiwi at least, so the first request after an ingest is fast
    return problems


def require_index(kb: KB) -> KnowledgeBase:
    """The KB, after checking its serving index loads (IndexNotFoundError etc. → 503)."""
    _ = kb.index
    return kb


IndexedKB = Annotated[KnowledgeBase, Depends(require_index)]


def health_report(kb: KnowledgeBase, *, model_loaded: bool) -> Health:
    """Live state: re-checks the index (picking up one built since startup) and the DB."""
    problems: list[str] = []
    db_counts: dict[str, int] = {}
    db_ok = False
    try:
        with kb.sessions() as session:
            db_counts = counts(session)
        db_ok = True
    except Exception as exc:  # any driver error means "not reachable"
        problems.append(getattr(exc, "message", None) or f"database not reachable: {exc}")
    index_name: str | None = None
    embedder_id: str | None = None
    try:
        index = kb.index
        folder = kb.index_folder
        index_name = folder.name if folder is not None else None
        embedder_id = index.embedder.model_id
        db_counts["indexed_chunks"] = len(index.chunks)
    except KmsError as exc:
        problems.append(exc.message)
    index_ok = index_name is not None
    ready = index_ok and db_ok
    return Health(
        status="ok" if ready else "degraded",
        ready=ready,
        index_loaded=index_ok,
        model_loaded=model_loaded or index_ok,
        db_reachable=db_ok,
        counts=db_counts,
        index=index_name,
        embedder=embedder_id,
        problems=problems,
    )


class Readiness(Health):
    checks: dict[str, str] = Field(
        default_factory=dict, description="Each readiness check: 'ok' or what is wrong."
    )
    warnings: list[str] = Field(
        default_factory=list, description="Serving, but not as intended (e.g. on a fallback index)."
    )
    load: dict[str, int | float] = Field(
        default_factory=dict, description="Heavy requests in flight, queued, served, shed, timed out."
    )


PROBE = ".kms-readyz-probe"


def probe_write(folder: Path) -> None:
    """Write, sync and remove a small file in ``folder`` (raises OSError when it cannot)."""
    path = folder / PROBE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, b"ok")
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()


def sqlite_writable(url: str, *, timeout_s: float = 0.25) -> str | None:
    """None when a write transaction can start on the SQLite database of ``url`` (else why not);
    None for other databases (their reachability is the health report's check)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    try:
        conn = sqlite3.connect(parsed.database, timeout=timeout_s, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"database is not writable ({exc}): check the data folder, the disk and other writers"
    return None


def readiness_checks(kb: KnowledgeBase, report: Health) -> dict[str, str]:
    """Checks beyond the health report; each 'ok' or a problem saying what to fix."""
    settings = kb.settings
    checks = {
        "database": "ok" if report.db_reachable else "database not reachable",
        "index": "ok" if report.index_loaded else "no index loaded",
    }
    data_dir = settings.data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe_write(data_dir)
        checks["data_dir_writable"] = "ok"
    except OSError as exc:
        checks["data_dir_writable"] = f"data folder {data_dir} is not writable: {exc.strerror or exc}"
    checks["database_writable"] = sqlite_writable(settings.db_url) or "ok"
    try:
        free_mb = shutil.disk_usage(data_dir).free // (1024 * 1024)
        low = free_mb < settings.min_free_disk_mb
        checks["disk"] = (
            f"only {free_mb} MB free on the data folder's disk (KMS_MIN_FREE_DISK_MB="
            f"{settings.min_free_disk_mb})"
            if low
            else "ok"
        )
    except OSError as exc:
        checks["disk"] = f"free disk unknown: {exc}"
    if settings.index_backend == "milvus":
        checks["search_backend"] = kb.backend_problem() or "ok"
    db_chunks, indexed = report.counts.get("chunks"), report.counts.get("indexed_chunks")
    if db_chunks is not None and indexed is not None and db_chunks != indexed:
        checks["index_matches_database"] = (
            f"the index has {indexed} chunks but the database {db_chunks}: an ingest is under way "
            "or was interrupted; run `kms reindex` if this persists"
        )
    elif report.index_loaded and report.db_reachable:
        checks["index_matches_database"] = "ok"
    return checks


def readiness_report(kb: KnowledgeBase, *, model_loaded: bool, load: dict[str, int | float]) -> Readiness:
    """The health report plus writability, disk and agreement checks and fallback warnings."""
    report = health_report(kb, model_loaded=model_loaded)
    checks = readiness_checks(kb, report)
    failed = [problem for problem in checks.values() if problem != "ok"]
    warnings = [kb.index_warning] if kb.index_warning else []
    ready = not failed
    problems = list(dict.fromkeys([*report.problems, *failed]))
    fields = report.model_dump()
    fields.update(
        status="ok" if ready and not warnings else "degraded",
        ready=ready,
        problems=problems,
        checks=checks,
        warnings=warnings,
        load=load,
    )
    return Readiness(**fields)
