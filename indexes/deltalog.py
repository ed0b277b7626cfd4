"""The delta log: an index folder's append-only record of incremental writes.

``DATA_DIR/indexes/<folder>/delta.log`` holds one line per write (a resolve, approve, article
edit or reconcile): ``<crc32 hex> <json>``, a list of ops, each with the documents and chunk ids
it drops and the chunks it adds (masked text, BM25 tokens, float32 vector in base64). A write appends one line
under an exclusive ``flock`` and fsyncs it before it returns, so after a crash the log holds
either the whole line (the new state) or a torn tail that fails its checksum and is ignored
(the old state); the next append cuts the torn bytes off first. Readers stop at the first line
that does not verify. The folder's other files are never rewritten: ``store.load`` applies the
log on top of them, and a compaction writes a new folder whose log starts empty (or with the
lines appended while it was built) and swaps ``current`` under the same lock.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from core.types import Chunk
from indexes.segments import DeltaOp

LOG = "delta.log"


class StaleFolderError(RuntimeError):
    """The folder is no longer ``current`` (a compaction or ingest swapped in another one)."""


def _body(op: DeltaOp) -> dict[str, Any]:
    vectors = np.ascontiguousarray(op.vectors, dtype=np.float32)
    return {
        "docs": list(op.docs),
        "ids": list(op.ids),
        "add": [
            {"chunk": asdict(c), "tokens": t, "vector": base64.b64encode(vectors[i].tobytes()).decode()}
            for i, (c, t) in enumerate(zip(op.chunks, op.tokens, strict=True))
        ],
    }


def _encode(ops: Sequence[DeltaOp]) -> bytes:
    """One line for all ``ops``: a write is applied whole or not at all."""
    text = json.dumps([_body(op) for op in ops], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(text), text)


def _op(body: dict[str, Any]) -> DeltaOp:
    adds = body["add"]
    vectors = [np.frombuffer(base64.b64decode(a["vector"]), dtype=np.float32) for a in adds]
    return DeltaOp(
        docs=tuple(body["docs"]),
        ids=tuple(body["ids"]),
        chunks=tuple(Chunk(**a["chunk"]) for a in adds),
        vectors=np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32),
        tokens=tuple(list(a["tokens"]) for a in adds),
    )


def _decode(line: bytes) -> list[DeltaOp] | None:
    """The ops of one complete line, or None when it does not verify (a torn write)."""
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    text = line[9:-1]
    try:
        if int(line[:8], 16) != zlib.crc32(text):
            return None
        return [_op(body) for body in json.loads(text)]
    except (ValueError, KeyError, TypeError):
        return None


def _read_from(fd: int, offset: int) -> tuple[list[DeltaOp], int]:
    """Verified ops from ``offset`` on, and the end of the last verified line."""
    size = os.fstat(fd).st_size
    data = os.pread(fd, max(0, size - offset), offset) if size > offset else b""
    ops: list[DeltaOp] = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        line = _decode(data[pos : end + 1]) if end >= 0 else None
        if line is None:
            break
        ops.extend(line)
        pos = end + 1
    return ops, offset + pos


def size(folder: Path) -> int:
    """Bytes in the folder's log (0 when it has none): a cheap 'has it grown?' check."""
    try:
        return (folder / LOG).stat().st_size
    except FileNotFoundError:
        return 0


def read(folder: Path, offset: int = 0) -> tuple[list[DeltaOp], int]:
    """The ops recorded after ``offset`` and the offset after the last one that verifies."""
    try:
        fd = os.open(folder / LOG, os.O_RDONLY)
    except FileNotFoundError:
        return [], offset
    try:
        return _read_from(fd, offset)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[int]:
    """The folder's log opened for writing under an exclusive lock (other processes wait)."""
    existed = (folder / LOG).exists()
    try:
        fd = os.open(folder / LOG, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError as exc:  # the folder itself is gone (pruned after a newer swap)
        raise StaleFolderError(f"{folder.name} no longer exists") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not existed:
            _fsync_dir(folder)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _write_all(fd: int, data: bytes, offset: int) -> None:
    written = 0
    while written < len(data):
        written += os.pwrite(fd, data[written:], offset + written)
    os.fsync(fd)


def _is_current(folder: Path, root: Path | None) -> bool:
    return root is None or (root / "current").resolve() == folder.resolve()


def append(
    folder: Path, ops: Sequence[DeltaOp], *, known: int, root: Path | None = None
) -> tuple[list[DeltaOp], int]:
    """Append ``ops`` durably. Returns the ops other processes appended after ``known`` (apply
    them first) and the new end of the log. Raises ``StaleFolderError`` when ``root/current``
    no longer points at ``folder`` (reload the index and retry)."""
    with locked(folder) as fd:
        if not _is_current(folder, root):
            raise StaleFolderError(f"{folder.name} is no longer the current index")
        foreign, good = _read_from(fd, known)
        if os.fstat(fd).st_size != good:
            os.ftruncate(fd, good)  # a torn line from a crashed writer: it never happened
        data = _encode(ops)
        _write_all(fd, data, good)
        return foreign, good + len(data)


def write_new(folder: Path, ops: Sequence[DeltaOp]) -> int:
    """Start ``folder``'s log with ``ops`` (a compaction carrying writes made while it ran)."""
    if not ops:
        return 0
    with locked(folder) as fd:
        os.ftruncate(fd, 0)
        data = _encode(ops)
        _write_all(fd, data, 0)
        return len(data)
