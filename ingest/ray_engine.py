"""`kms ingest --engine ray`: reading, masking, chunking and embedding as Ray Data pipelines.

Two pipelines, with the database writes of :mod:`ingest.pipeline` between them (which records are
published articles or knowledge tickets is the database's decision, so chunks are cut from its
snapshot, as the local pipeline does):

1. files -> ``read_file_guarded`` + ``mask_result`` (Ray tasks, one block of files each);
2. records -> ``chunk_records`` + ``mask_chunk`` -> embedding, in one ``map_batches`` with a
   class: a pool of ``workers`` actors, each holding the model, ``cpus_per_worker`` CPUs and as
   many model threads. Chunks whose id and masked content hash are in the previous index are not
   embedded (their vectors are re-used by ``store.build``, as locally).

Chunking runs inside the embedding actors on purpose: as a task stage of its own before a pool of
one-CPU actors that fills every CPU (2 actors on 2 cores), its tasks never got a CPU and the
pipeline hung. No repartition either, for the same reason.

Everything else is the local pipeline's own code on the driver: storing, pruning, ``store.build``
(given the vectors computed here through :class:`PrecomputedEmbedder`), ``store.write``, the
chunks table sync and the swap. So both engines give the same chunks, vectors and search results.

Paths, the data folder's models and this package must be visible to every Ray node (a shared
filesystem and the same install), as for any Ray Data read.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from core.errors import KmsError
from core.masking import mask_chunk
from core.records import ArticleRecord, ReadResult, TicketRecord
from core.settings import Settings
from core.types import Chunk
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex
from ingest.chunking import chunk_records
from ingest.pipeline import Progress, mask_result
from ingest.sources.reader import discover_files, read_file_guarded
from ingest.sources.tickets import normalize_ticket_columns

log = logging.getLogger(__name__)

MISSING_RAY = "kms ingest --engine ray needs the 'scale' extra: pip install 'kms-assist[scale]'"
Batch = dict[str, np.ndarray]
_LOG_EVERY_S = 5.0  # progress lines in logs at most this often per stage
_RECORDS_PER_BATCH = 8  # records an actor chunks and embeds at a time (the model batches inside)


class RayEngineError(KmsError):
    """Ray is not installed, or the cluster cannot be reached."""

    code = "ray_engine_error"


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayEngineError(MISSING_RAY) from exc
    return ray


class PrecomputedEmbedder:
    """The model's identity (manifest) and queries from ``base``; documents from the vectors the
    Ray actors computed, by masked text. A text it lacks is embedded here (and logged)."""

    def __init__(self, base: Embedder, vectors: Mapping[str, np.ndarray]) -> None:
        self.base = base
        self.model_id, self.dim = base.model_id, base.dim
        self.runtime, self.precision = base.runtime, base.precision
        self.vectors = vectors
        self.missed = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.base.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.missed += len(missing)
            log.warning("ray ingest: %d chunk(s) had no vector from the cluster; embedded here", len(missing))
        local = dict(zip(missing, self.base.embed_documents(missing), strict=True)) if missing else {}
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self.vectors[text] if text in self.vectors else local[text]
        return out


# --- what runs on the cluster (module level: pickled by reference) -------------------------


def _read_block(
    batch: Batch, *, settings: Settings, kind: str, ticket_columns: dict[str, str] | None
) -> Batch:
    """Read and mask each file of the batch: one pickled (ReadResult, Counter) per file."""
    out = []
    for path in batch["path"]:
        counts: Counter[str] = Counter()
        result = read_file_guarded(Path(str(path)), kind=kind, ticket_columns=ticket_columns)  # type: ignore[arg-type]
        out.append(pickle.dumps((mask_result(result, settings, counts), counts)))
    return {"i": batch["i"], "result": np.array(out, dtype=object)}


def _chunk_block(batch: Batch, *, settings: Settings, previous: dict[str, str]) -> Batch:
    """Chunk each record; one row per chunk, with its masked text and whether it needs a vector
    (not when ``previous`` has its id with the same masked content hash, as in ``store.build``)."""
    rec_i: list[int] = []
    chunk_j: list[int] = []
    blobs: list[bytes] = []
    texts: list[str] = []
    todo: list[bool] = []
    for i, blob, is_ticket in zip(batch["i"], batch["record"], batch["ticket"], strict=True):
        record = pickle.loads(blob)
        chunks = chunk_records([], [record], settings) if is_ticket else chunk_records([record], [], settings)
        for j, chunk in enumerate(chunks):
            masked = mask_chunk(chunk, allow=settings.pii_allow)
            rec_i.append(int(i))
            chunk_j.append(j)
            blobs.append(pickle.dumps(chunk))
            texts.append(masked.text)
            todo.append(previous.get(masked.chunk_id) != masked.hash)
    return {
        "i": np.array(rec_i, dtype=np.int64),
        "j": np.array(chunk_j, dtype=np.int64),
        "chunk": np.array(blobs, dtype=object),
        "text": np.array(texts, dtype=object),
        "todo": np.array(todo, dtype=bool),
    }


class _ChunkEmbedActor:
    """One model per actor, loaded once; chunks a batch of records (:func:`_chunk_block`) and
    embeds the chunks marked ``todo`` (others get zeros)."""

    def __init__(self, settings: Settings, previous: dict[str, str]) -> None:
        self.settings, self.previous = settings, previous
        self.embedder = load_embedder(settings)

    def __call__(self, records: Batch) -> Batch:
        batch = _chunk_block(records, settings=self.settings, previous=self.previous)
        todo = np.flatnonzero(batch["todo"])
        vectors = np.zeros((len(batch["todo"]), self.embedder.dim), dtype=np.float32)
        if len(todo):
            vectors[todo] = self.embedder.embed_documents([str(batch["text"][k]) for k in todo])
        return {
            "i": batch["i"],
            "j": batch["j"],
            "chunk": batch["chunk"],
            "todo": batch["todo"],
            "text": batch["text"],
            "vector": vectors,
        }


# --- the driver ------------------------------------------------------------------------------


class _Ticker:
    """Progress for the CLI (every batch) and log lines (at most every few seconds)."""

    def __init__(self, stage: str, what: str, progress: Progress | None, total: int | None) -> None:
        self.stage, self.what, self.progress, self.total = stage, what, progress, total
        self.done, self.started, self.logged = 0, time.monotonic(), time.monotonic()
        self.logged_done = -1
        if progress:
            progress(stage, 0, total)

    def advance(self, n: int, *, force: bool = False) -> None:
        self.done += n
        if self.progress and n:
            self.progress(self.stage, n, None)
        now = time.monotonic()
        if (force and self.done != self.logged_done) or now - self.logged >= _LOG_EVERY_S:
            self.logged, self.logged_done = now, self.done
            of = f"/{self.total:,}" if self.total is not None else ""
            elapsed = now - self.started
            rate = self.done / elapsed if elapsed > 0 else 0.0
            log.info(
                "ray ingest: %s %s%s %s in %.1f s (%.1f/s)",
                self.stage,
                f"{self.done:,}",
                of,
                self.what,
                elapsed,
                rate,
            )


class RayEngine:
    """An :class:`ingest.pipeline.IngestEngine` running on a connected Ray cluster (see
    :func:`connect`)."""

    embeds_in_build: ClassVar[bool] = False

    def __init__(self, workers: int, *, cpus_per_worker: int = 1, address: str | None = None) -> None:
        self.workers = workers
        self.cpus_per_worker = cpus_per_worker
        self.address = address
        self.embedded = 0  # chunks embedded on the cluster by the last chunk_embed

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
        ray = _import_ray()
        if kind not in ("auto", "articles", "tickets"):
            raise ValueError(f"kind must be 'auto', 'articles' or 'tickets', not {kind!r}")
        overrides = normalize_ticket_columns(ticket_columns)  # a bad mapping raises before any read
        files, issues = discover_files(paths)
        result = ReadResult(issues=issues)
        ticker = _Ticker("read", "files", progress, len(files))
        if not files:
            return result
        ds = ray.data.from_items(
            [{"i": i, "path": str(p)} for i, p in enumerate(files)],
            override_num_blocks=min(len(files), self.workers * 8),
        ).map_batches(
            _read_block,
            fn_kwargs={"settings": settings, "kind": kind, "ticket_columns": overrides},
            batch_format="numpy",
            batch_size=None,
        )
        parts: dict[int, tuple[ReadResult, Counter[str]]] = {}
        for batch in ds.iter_batches(batch_format="numpy", batch_size=None):
            for i, blob in zip(batch["i"], batch["result"], strict=True):
                parts[int(i)] = pickle.loads(blob)
            ticker.advance(len(batch["i"]))
        ticker.advance(0, force=True)
        for i in range(len(files)):
            part, masked = parts[i]
            result.extend(part)
            counts.update(masked)
        return result

    def chunk_embed(
        self,
        articles: Sequence[ArticleRecord],
        tickets: Sequence[TicketRecord],
        settings: Settings,
        embedder: Embedder,
        previous: HybridIndex | None,
        progress: Progress | None,
    ) -> tuple[list[Chunk], Embedder]:
        ray = _import_ray()
        records: list[ArticleRecord | TicketRecord] = [*articles, *tickets]
        reuse: dict[str, str] = {}
        if previous is not None and previous.dense.dim == embedder.dim:  # as store.build decides
            reuse = {cid: previous.key_at(pos).hash for cid, pos in previous.pos_by_id.items()}
        ticker = _Ticker("embed", "chunks", progress, None)
        self.embedded = 0
        if not records:
            return [], PrecomputedEmbedder(embedder, {})
        actor_settings = settings.model_copy(update={"embed_threads": self.cpus_per_worker})
        items = [
            {"i": i, "record": pickle.dumps(rec), "ticket": i >= len(articles)}
            for i, rec in enumerate(records)
        ]
        ds = ray.data.from_items(
            items, override_num_blocks=max(1, min(len(items), self.workers * 8))
        ).map_batches(
            _ChunkEmbedActor,
            fn_constructor_kwargs={"settings": actor_settings, "previous": reuse},
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=self.cpus_per_worker,
            batch_format="numpy",
            batch_size=_RECORDS_PER_BATCH,
            udf_modifying_row_count=True,
        )
        rows: list[tuple[int, int, bytes]] = []
        vectors: dict[str, np.ndarray] = {}
        for out in ds.iter_batches(batch_format="numpy", batch_size=None):
            for i, j, blob in zip(out["i"], out["j"], out["chunk"], strict=True):
                rows.append((int(i), int(j), blob))
            todo = np.flatnonzero(out["todo"])
            for k in todo:
                vectors[str(out["text"][k])] = out["vector"][k]
            self.embedded += len(todo)
            ticker.advance(len(todo))
        ticker.advance(0, force=True)
        rows.sort(key=lambda r: (r[0], r[1]))
        chunks = [pickle.loads(blob) for _, _, blob in rows]
        log.info(
            "ray ingest: %d chunks from %d records, %d embedded on the cluster",
            len(chunks),
            len(records),
            self.embedded,
        )
        return chunks, PrecomputedEmbedder(embedder, vectors)


def _probe(address: str, timeout_s: float = 5.0) -> None:
    """Fail fast when ``host:port`` (or ``ray://host:port``) does not answer: ``ray.init`` itself
    retries an unreachable address for minutes."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto", or no port: ray.init decides (and fails quickly)
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise RayEngineError(f"cannot reach the Ray cluster at {address}: {reason}") from exc


def _ray_init(ray: Any, address: str | None, workers: int | None) -> None:
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # else a FutureWarning at init
    common: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if address:
        try:
            ray.init(address=address, **common)
        except Exception as exc:  # ConnectionError, TimeoutError, RuntimeError... one line either way
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise RayEngineError(f"cannot reach the Ray cluster at {address}: {reason}") from exc
    else:
        ray.init(num_cpus=workers, **common)  # a local Ray (all CPUs when workers is None)


@contextmanager
def connect(
    address: str | None = None, *, workers: int | None = None, cpus_per_worker: int = 1
) -> Iterator[RayEngine]:
    """A :class:`RayEngine` on the cluster at ``address`` (``ray://host:10001``, ``host:6379`` or
    ``auto``), or on a local Ray started here (and shut down at the end) when None; an already
    initialised Ray (tests) is used as it is. ``workers``: embedding actors (default: the
    cluster's CPUs / ``cpus_per_worker``)."""
    ray = _import_ray()
    if address:
        _probe(address)
    started = not ray.is_initialized()
    if started:
        _ray_init(ray, address, None if workers is None else workers * cpus_per_worker)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # our own progress lines read well in logs
        ctx.print_on_execution_start = False
        # embedding batches are long by nature: no "task running longer than average" warnings
        detectors = ctx.issue_detectors_config.detectors
        ctx.issue_detectors_config.detectors = [d for d in detectors if "Hanging" not in d.__name__]
        for handler in logging.getLogger("ray.data").handlers:  # its INFO lines stay in ray-data.log
            if handler.get_name() == "console":
                handler.setLevel(logging.WARNING)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        size = workers if workers is not None else max(1, cpus // cpus_per_worker)
        where = address or "a local Ray"
        log.info(
            "ray ingest: %d embedding worker(s) x %d CPU on %s (%d CPUs)", size, cpus_per_worker, where, cpus
        )
        yield RayEngine(size, cpus_per_worker=cpus_per_worker, address=address)
    finally:
        if started:
            ray.shutdown()
