"""Incremental writes to the serving index, and compaction of its delta into a new main segment.

``write_ops`` makes a resolve, approve or article edit durable in O(its chunks): one fsynced line
in the current folder's delta log (``indexes.deltalog``), then the in-memory index gets the op in
its delta segment (``indexes.segments``); nothing else on disk is rewritten and BM25 is not
rebuilt. ``compact`` folds the delta into a fresh folder: the new main segment is built and
written aside while the old index keeps serving, then, under the log's lock, the lines appended
meanwhile are carried into the new folder's log and ``current`` is swapped. A kill at any point
leaves ``current`` on the old folder with its complete log, or on the new one with the carried
lines: the same live chunks either way.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from indexes import deltalog, store
from indexes.hybrid import HybridIndex
from indexes.segments import DeltaOp

log = logging.getLogger(__name__)


def write_ops(index: HybridIndex, folder: Path, root: Path, ops: Sequence[DeltaOp]) -> HybridIndex:
    """``index`` (served from ``folder``) with ``ops`` appended durably to the folder's delta log.

    Ops another process appended first are applied before these. Raises
    ``deltalog.StaleFolderError`` when ``folder`` is no longer current (reload, then retry)."""
    foreign, end = deltalog.append(folder, ops, known=index.delta_offset, root=root)
    return index.applied([*foreign, *ops], delta_offset=end)


def refreshed(index: HybridIndex, folder: Path) -> HybridIndex:
    """``index`` with the ops other processes appended to ``folder``'s log since it was read."""
    if deltalog.size(folder) == index.delta_offset:
        return index
    ops, end = deltalog.read(folder, index.delta_offset)
    return index.applied(ops, delta_offset=end) if end != index.delta_offset else index


def due(index: HybridIndex, *, max_chunks: int, max_share: float) -> bool:
    """Whether the delta is big enough to compact: ``max_chunks`` pending chunks, or more than
    ``max_share`` of the live chunks (never for fewer than 16); or the index was re-tokenised at
    load (an older tokenizer's folder: until a compaction writes the new tokens, every process
    start would re-tokenise every chunk again)."""
    if index.retokenised:
        return True
    pending = index.pending
    return pending >= max_chunks or (pending >= 16 and pending > max_share * len(index.segments.main.chunks))


def build_aside(index: HybridIndex, root: Path, config: store.IndexConfig) -> tuple[HybridIndex, Path]:
    """The live chunks as a fresh main segment, written as a new folder (not yet current). Slow
    (a full BM25 and FAISS build); runs with no lock held while ``index`` keeps serving."""
    fresh = index.compacted()
    folder = store.write(fresh, root, config)
    return store.file_backed(fresh, folder), folder  # the built lists are not kept while serving


def finish(
    fresh: HybridIndex, new: Path, index: HybridIndex, folder: Path, root: Path
) -> tuple[HybridIndex, Path] | None:
    """Carry the lines appended to ``folder``'s log after ``index`` was read into ``new``'s log and
    make ``new`` current, under the log's lock; None (``new`` removed) when ``folder`` is no longer
    current (another process compacted or ingested first)."""
    carried: list[DeltaOp] = []
    try:
        with deltalog.locked(folder):
            if store.current_folder_or_none(root) != folder.resolve():
                shutil.rmtree(new, ignore_errors=True)
                return None
            carried, _end = deltalog.read(folder, index.delta_offset)
            offset = deltalog.write_new(new, carried)
            store.swap(root, new)
    except deltalog.StaleFolderError:  # ``folder`` was pruned: long since not current
        shutil.rmtree(new, ignore_errors=True)
        return None
    except BaseException:
        if store.current_folder_or_none(root) != new.resolve():
            shutil.rmtree(new, ignore_errors=True)
        raise
    log.info("compacted %d pending chunks into %s (%d writes carried)", index.pending, new.name, len(carried))
    return fresh.applied(carried, delta_offset=offset), new


def compact(
    index: HybridIndex, folder: Path, root: Path, config: store.IndexConfig
) -> tuple[HybridIndex, Path] | None:
    """``build_aside`` then ``finish``: fold ``index``'s delta (served from ``folder``) into a new
    current folder; serving continues on ``index`` meanwhile."""
    fresh, new = build_aside(index, root, config)
    return finish(fresh, new, index, folder, root)


def swap_carrying(root: Path, new: Path, since: tuple[Path, int] | None) -> None:
    """Swap ``new`` in (a full build from the database) carrying the ops appended to the old
    folder's log after ``since`` (folder, offset) was noted: writes made while it was built."""
    if since is None or not since[0].exists():
        store.swap(root, new)
        return
    old, offset = since
    with deltalog.locked(old):
        carried, _end = deltalog.read(old, offset)
        deltalog.write_new(new, carried)
        store.swap(root, new)


class ManifestEmbedder:
    """Stands in for the model when only stored vectors are moved (``compact_current``): it
    describes the model the folder was built with and embeds nothing, so no model is loaded."""

    def __init__(self, built: dict[str, Any]) -> None:
        self.model_id, self.dim = str(built.get("id")), int(built.get("dim", 0))
        self.runtime, self.precision = str(built.get("runtime", "torch")), str(built.get("precision", "fp32"))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("compaction embeds nothing")

    embed_documents = embed_queries


def compact_current(root: Path, config: store.IndexConfig) -> tuple[int, Path] | None:
    """Compact the current folder's delta now (``kms index compact``; no model is loaded), or write
    the tokens of a folder an older tokenizer made. Returns (pending chunks folded in, new folder),
    or None when there was nothing to do or another process swapped ``current`` meanwhile."""
    folder = store.current_folder(root)
    index = store.load(folder, ManifestEmbedder(store.read_manifest(folder).get("embedder", {})), config)
    if not index.compactable:
        return None
    done = compact(index, folder, root, config)
    return (index.pending, done[1]) if done is not None else None
