"""The main segment's chunks read from the folder's ``chunks.jsonl`` on demand, not held in memory.

At 100k chunks the chunk objects were the largest thing a serving process held: a ticket chunk
carries its text three times (``text``, ``body`` and ``meta`` inquiry + resolution), as Python
strings of 2 bytes a Hangul character, with a dict per chunk. :class:`ChunkFile` keeps only what
is read across the whole corpus (chunk id, document id and type, section, content hash) plus each
line's byte offset. A chunk it hands out is a :class:`StoredChunk`: its ids, type and section are set, and
its title, text, body and meta are read (``os.pread`` of its line, parsed) the first time one
of them is used, so a search that fuses a hundred candidates reads the lines of the few whose text
is shown (parsing a line costs ~30 us). The most recently handed-out chunks are kept. The file's
descriptor stays open, so an index folder pruned while its index still serves stays readable.
What holds a chunk long (the answer-sentence cache) holds an :class:`UnkeptChunk`, which reads
its text again each time it is used.
Index folders are never edited after they are written (writes go to ``delta.log``), so the
offsets stay right.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

import numpy as np

from core.types import Chunk, content_hash

CACHE_SIZE = 4096  # chunks kept after being handed out (a search hands out up to ~100)


class ChunkKey(NamedTuple):
    """What corpus-wide comparisons read of a chunk (no text)."""

    chunk_id: str
    doc_id: str
    doc_type: str
    hash: str


def key_of(chunk: Chunk) -> ChunkKey:
    """The :class:`ChunkKey` of a chunk held in memory."""
    return ChunkKey(chunk.chunk_id, chunk.doc_id, chunk.doc_type, chunk.hash)


_CHUNK_FIELDS = frozenset(Chunk.__dataclass_fields__) | {"hash"}


def chunk_to_json(c: Chunk) -> str:
    from dataclasses import asdict

    row = asdict(c)
    row["hash"] = c.hash
    return json.dumps(row, ensure_ascii=False)


def chunk_from_json(row: dict[str, Any]) -> Chunk:
    """A stored chunk row (``chunk_to_json``) as a Chunk. Rows with exactly the stored fields skip
    the frozen dataclass's __init__ (a fifth of a 100k-chunk load); others go through it (and fail
    with TypeError when a field is missing or unknown)."""
    row.pop("hash", None)
    if len(row) == len(_CHUNK_FIELDS) - 1 and _CHUNK_FIELDS.issuperset(row) and isinstance(row["meta"], dict):
        chunk = object.__new__(Chunk)
        chunk.__dict__.update(row)
        return chunk
    return Chunk(**row)


_LAZY = ("title", "text", "body", "meta")
_SEEK_LOCK = threading.Lock()


def _pread(fd: int, size: int, offset: int) -> bytes:
    """``os.pread``, or a seek and read under a lock where there is none (Windows)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    with _SEEK_LOCK:  # pragma: no cover - POSIX has pread
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, size)


class StoredChunk(Chunk):
    """A chunk of a :class:`ChunkFile`: equal to (and used as) the Chunk its line holds; the
    fields in ``_LAZY`` are read from the file when first used and kept, ``hash`` is the stored one."""

    def __getattr__(self, name: str) -> Any:  # only for attributes not in __dict__ yet
        state = self.__dict__
        source = state.get("_source")
        if name not in _LAZY or source is None:
            raise AttributeError(name)
        full = source[0].chunk_at(source[1])
        for field in _LAZY:
            state.setdefault(field, getattr(full, field))
        return state[name]

    @property
    def hash(self) -> str:
        source = self.__dict__.get("_source")
        return source[0].hash_at(source[1]) if source is not None else content_hash(self.text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Chunk):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in Chunk.__dataclass_fields__)

    __hash__ = Chunk.__hash__

    def __repr__(self) -> str:
        return repr(self.plain())

    def plain(self) -> Chunk:
        """The same chunk as a plain :class:`Chunk` (what a copy or a pickle holds)."""
        return Chunk(**{f: getattr(self, f) for f in Chunk.__dataclass_fields__})

    def __reduce__(self) -> tuple[Any, ...]:
        return (Chunk, tuple(getattr(self, f) for f in Chunk.__dataclass_fields__))


class UnkeptChunk(StoredChunk):
    """A :class:`StoredChunk` that reads its title, text, body and meta from the file each time
    one is used and keeps none of them: for chunks held long beside a brief use of their text.
    The answer-sentence cache holds one per article chunk it split (at 100k chunks the warm-up's
    ~26k), where a kept chunk would hold its text, body and meta for as long as its sentences."""

    def __getattr__(self, name: str) -> Any:
        source = self.__dict__["_source"]
        if name not in _LAZY:
            raise AttributeError(name)
        return getattr(source[0].chunk_at(source[1]), name)


def unkept(chunk: Chunk) -> Chunk:
    """``chunk`` as an :class:`UnkeptChunk` when it is read from a file, else itself (a chunk of
    a delta segment or of an index in memory is held by its index anyway)."""
    if not isinstance(chunk, StoredChunk):
        return chunk
    source: tuple[ChunkFile, int] = chunk.__dict__["_source"]
    return source[0].unkept(source[1])


def read_through(chunk: Chunk) -> Chunk:
    """``chunk`` with every field at hand: a :class:`StoredChunk` not read yet is parsed into a
    plain Chunk, leaving the stored one unread (for one pass over many chunks, such as the
    warm-up splitting every article's sentences, which would otherwise fill the file's cache with
    read chunks only to drop them); any other chunk is itself."""
    if not isinstance(chunk, StoredChunk) or "text" in chunk.__dict__:
        return chunk
    source: tuple[ChunkFile, int] = chunk.__dict__["_source"]
    return source[0].chunk_at(source[1])


class ChunkFile(Sequence[Chunk]):
    """``chunks.jsonl`` as a read-only sequence of chunks; see the module docstring.

    Raises ValueError / TypeError / KeyError / OSError (as a plain read of the file would) when
    a line is not a chunk row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._fd = fd
        weakref.finalize(self, os.close, fd)
        offsets = array("q", [0])
        ids: list[str] = []
        docs: list[str] = []
        types: list[str] = []
        sections: list[str] = []
        hashes: list[bytes] = []
        shared: dict[str, str] = {}
        pos = 0
        with open(path, "rb") as fh:  # every row is parsed once: a damaged file fails the load
            for line in fh:
                row = json.loads(line)
                chunk = chunk_from_json(dict(row))  # checks the fields as a full load did
                pos += len(line)
                offsets.append(pos)
                ids.append(chunk.chunk_id)
                docs.append(shared.setdefault(chunk.doc_id, chunk.doc_id))
                types.append(sys.intern(chunk.doc_type))
                sections.append(sys.intern(chunk.section))
                stored = row.get("hash")
                hashes.append((stored if isinstance(stored, str) else chunk.hash).encode("ascii"))
        self._offsets = np.frombuffer(offsets, dtype=np.int64)
        self.chunk_ids, self.doc_ids, self.doc_types, self.sections = ids, docs, types, sections
        self._hashes = np.array(hashes, dtype="S32") if hashes else np.zeros(0, dtype="S32")
        self._cache: OrderedDict[int, StoredChunk] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def hash_at(self, pos: int) -> str:
        return bytes(self._hashes[pos]).decode("ascii")

    def key_at(self, pos: int) -> ChunkKey:
        return ChunkKey(self.chunk_ids[pos], self.doc_ids[pos], self.doc_types[pos], self.hash_at(pos))

    def keys(self) -> Iterator[ChunkKey]:
        for pos in range(len(self)):
            yield self.key_at(pos)

    @overload
    def __getitem__(self, pos: int) -> Chunk: ...

    @overload
    def __getitem__(self, pos: slice) -> list[Chunk]: ...

    def __getitem__(self, pos: int | slice) -> Chunk | list[Chunk]:
        if isinstance(pos, slice):
            return [self[i] for i in range(*pos.indices(len(self)))]
        n = len(self)
        if pos < 0:
            pos += n
        if not 0 <= pos < n:
            raise IndexError(pos)
        with self._lock:
            chunk = self._cache.get(pos)
            if chunk is None:
                chunk = self._cache[pos] = self._stored(pos)
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(pos)
        return chunk

    def _stored(self, pos: int, kind: type[StoredChunk] = StoredChunk) -> StoredChunk:
        chunk = object.__new__(kind)
        state = chunk.__dict__
        state["chunk_id"], state["doc_id"] = self.chunk_ids[pos], self.doc_ids[pos]
        state["doc_type"], state["section"] = self.doc_types[pos], self.sections[pos]
        state["_source"] = (self, pos)
        return chunk

    def unkept(self, pos: int) -> StoredChunk:
        """Chunk ``pos`` as an :class:`UnkeptChunk` (not put in the cache)."""
        return self._stored(pos, UnkeptChunk)

    def chunk_at(self, pos: int) -> Chunk:
        """Line ``pos`` as a plain Chunk, kept nowhere."""
        return chunk_from_json(self.row(pos))

    def row(self, pos: int) -> dict[str, Any]:
        """Line ``pos`` of the file, parsed."""
        lo, hi = int(self._offsets[pos]), int(self._offsets[pos + 1])
        row: dict[str, Any] = json.loads(_pread(self._fd, hi - lo, lo))
        return row

    def __iter__(self) -> Iterator[Chunk]:
        """Every chunk in order (read when used, as by index; not kept unless they were)."""
        cache, lock = self._cache, self._lock
        for pos in range(len(self)):
            with lock:
                chunk = cache.get(pos)
            yield chunk if chunk is not None else self._stored(pos)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:  # a copy (pickle, multiprocessing) holds the chunks
        return (list, (list(self),))


class LiveChunks(Sequence[Chunk]):
    """The live chunks of an index with a pending delta (``Segments.live_chunks``): its live
    ``rows``, each read on demand with ``row`` (no list of every chunk is built). ``parts``, when
    no row is dead: the main segment's chunks and the delta's, iterated in order."""

    def __init__(
        self,
        rows: np.ndarray,
        row: Callable[[int], Chunk],
        key_at: Callable[[int], ChunkKey],
        parts: tuple[Sequence[Chunk], ...] | None = None,
    ) -> None:
        self.rows, self._row, self._key_at, self._parts = rows, row, key_at, parts

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, pos: int) -> Chunk: ...

    @overload
    def __getitem__(self, pos: slice) -> list[Chunk]: ...

    def __getitem__(self, pos: int | slice) -> Chunk | list[Chunk]:
        if isinstance(pos, slice):
            return [self._row(int(p)) for p in self.rows[pos]]
        return self._row(int(self.rows[pos]))

    def __iter__(self) -> Iterator[Chunk]:
        if self._parts is not None:  # a file is read a block at a time, not a line at a time
            for part in self._parts:
                yield from part
            return
        for p in self.rows.tolist():
            yield self._row(p)

    def keys(self) -> Iterator[ChunkKey]:
        for p in self.rows.tolist():
            yield self._key_at(p)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]
