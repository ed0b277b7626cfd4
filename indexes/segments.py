"""The serving index as segments: an immutable main segment plus a small delta.

A resolve, approve or article edit never rebuilds the main segment: its new chunks go to the
delta (their vectors and BM25 term counts) and the chunks it replaces are tombstoned (rows
marked dead). Rows are numbered main first (0..M-1), then delta (M..M+D-1); dead rows are
never returned. Both legs score with the statistics of the live corpus:

* BM25: N, avgdl and df = main df + delta df − dead rows' df, so every live chunk gets exactly
  the score a build over the live chunks would give (same formula, same float operations).
* Dense: the main FAISS index is searched for k + (dead main rows) and merged with a brute-force
  inner product over the delta vectors: the same top k as a search over the live vectors.

Compaction (``live``) hands the live chunks, vectors and tokens, main rows first, to a fresh
build. A ``Segments`` value is never changed after ``apply`` returns it, so searches running on
an older one stay consistent while a newer one is swapped in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core.types import Chunk, vector_id
from indexes.chunk_store import ChunkFile, ChunkKey, LiveChunks, key_of
from indexes.dense import DenseIndex
from indexes.lexical import Bm25Stats, LexicalIndex, doc_terms
from indexes.spelling import Spelling


@dataclass(frozen=True)
class DeltaOp:
    """One write: drop the live chunks of ``docs`` and the chunks ``ids``, then add ``chunks``."""

    docs: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    chunks: tuple[Chunk, ...] = ()
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    tokens: tuple[list[str], ...] = ()


class Main:
    """The main segment (as loaded or built) and lookups derived from it once. ``chunks`` is a
    list (a build) or the folder's :class:`ChunkFile` (a load: chunks read on demand); the
    corpus-wide lookups read only its id, document and type columns."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        dense: DenseIndex,
        lexical: LexicalIndex,
        vids: np.ndarray | None = None,
    ) -> None:
        self.chunks, self.dense, self.lexical = chunks, dense, lexical
        self._vids = vids  # the chunks' vector ids when already computed (a load checks them)

    @cached_property
    def chunk_ids(self) -> Sequence[str]:
        chunks = self.chunks
        return chunks.chunk_ids if isinstance(chunks, ChunkFile) else [c.chunk_id for c in chunks]

    @cached_property
    def doc_ids(self) -> Sequence[str]:
        chunks = self.chunks
        return chunks.doc_ids if isinstance(chunks, ChunkFile) else [c.doc_id for c in chunks]

    @cached_property
    def doc_types(self) -> Sequence[str]:
        chunks = self.chunks
        return chunks.doc_types if isinstance(chunks, ChunkFile) else [c.doc_type for c in chunks]

    def key_at(self, pos: int) -> ChunkKey:
        chunks = self.chunks
        if isinstance(chunks, ChunkFile):
            return chunks.key_at(pos)
        return key_of(chunks[pos])

    @cached_property
    def vids(self) -> np.ndarray:
        """The chunks' vector ids (int64), in row order."""
        if self._vids is not None:  # Chunk.vid hashes the chunk id: 0.5 s at 100k chunks
            return self._vids
        return np.fromiter((vector_id(i) for i in self.chunk_ids), dtype=np.int64, count=len(self.chunks))

    @cached_property
    def pos_by_vid(self) -> dict[int, int]:
        return dict(zip(self.vids.tolist(), range(len(self.chunks)), strict=True))

    @cached_property
    def pos_by_id(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.chunk_ids)}

    @cached_property
    def spelling(self) -> Spelling:
        """The English stems of the BM25 vocabulary (query spelling, :mod:`indexes.spelling`)."""
        return Spelling(self.lexical.terms)

    @cached_property
    def doc_rows(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, doc_id in enumerate(self.doc_ids):
            out.setdefault(doc_id, []).append(i)
        return out

    @cached_property
    def type_masks(self) -> dict[str, np.ndarray]:
        types = np.array(self.doc_types, dtype=object)
        return {t: types == t for t in set(types.tolist())}


class Segments:
    """Main + delta + tombstones; see the module docstring."""

    def __init__(self, main: Main) -> None:
        self.main = main
        self.m = len(main.chunks)
        self.d_chunks: list[Chunk] = []
        self.d_vectors = np.zeros((0, main.dense.dim), dtype=np.float32)
        self.d_tokens: list[list[str]] = []
        self.d_len: list[int] = []
        self.d_total = 0
        self.d_post: dict[str, tuple[tuple[int, float], ...]] = {}  # token -> (delta row, tf)
        self.d_pos_by_id: dict[str, int] = {}  # chunk id -> global row (delta rows, live or dead)
        self.d_doc_rows: dict[str, tuple[int, ...]] = {}
        self.dead: frozenset[int] = frozenset()
        self.dead_main = 0
        self.dead_df: dict[str, int] = {}
        self.dead_len = 0

    # ------------------------------------------------------------------ sizes
    @property
    def n_rows(self) -> int:
        return self.m + len(self.d_chunks)

    @property
    def n_live(self) -> int:
        return self.n_rows - len(self.dead)

    @property
    def pending(self) -> int:
        """Delta rows plus tombstones: what a compaction would fold into the main segment."""
        return len(self.d_chunks) + self.dead_main

    @property
    def clean(self) -> bool:
        return not self.d_chunks and not self.dead

    def row(self, pos: int) -> Chunk:
        return self.main.chunks[pos] if pos < self.m else self.d_chunks[pos - self.m]

    def key_at(self, pos: int) -> ChunkKey:
        """A row's ids and content hash, without reading its chunk from the main segment's file."""
        if pos < self.m:
            return self.main.key_at(pos)
        return key_of(self.d_chunks[pos - self.m])

    def chunk_id_at(self, pos: int) -> str:
        return self.main.chunk_ids[pos] if pos < self.m else self.d_chunks[pos - self.m].chunk_id

    def vid_at(self, pos: int) -> int:
        return int(self.main.vids[pos]) if pos < self.m else self.d_chunks[pos - self.m].vid

    def tokens_at(self, pos: int) -> list[str]:
        return self.main.lexical.tokens[pos] if pos < self.m else self.d_tokens[pos - self.m]

    def live_chunks(self) -> LiveChunks:
        """The live chunks in row order, read on demand (``HybridIndex.chunks`` with a delta)."""
        parts = None if self.dead else (self.main.chunks, self.d_chunks)
        return LiveChunks(np.asarray(self.live_rows(), dtype=np.int64), self.row, self.key_at, parts)

    def live_rows(self) -> list[int]:
        dead = self.dead
        return [p for p in range(self.n_rows) if p not in dead] if dead else list(range(self.n_rows))

    def row_of(self, chunk_id: str) -> int | None:
        """The live row holding ``chunk_id``, or None."""
        pos = self.d_pos_by_id.get(chunk_id)
        if pos is None:
            pos = self.main.pos_by_id.get(chunk_id)
        return None if pos is None or pos in self.dead else pos

    def doc_rows(self, doc_id: str) -> list[int]:
        rows = self.main.doc_rows.get(doc_id, []) + list(self.d_doc_rows.get(doc_id, ()))
        return [p for p in rows if p not in self.dead]

    # ------------------------------------------------------------------ edits
    def apply(self, ops: Sequence[DeltaOp]) -> Segments:
        """A new ``Segments`` with ``ops`` applied in order (this one is left as it is)."""
        if not ops:
            return self
        new = Segments.__new__(Segments)
        new.__dict__.update(self.__dict__)
        new.d_chunks, new.d_tokens, new.d_len = list(self.d_chunks), list(self.d_tokens), list(self.d_len)
        new.d_post, new.d_pos_by_id = dict(self.d_post), dict(self.d_pos_by_id)
        new.d_doc_rows, new.dead_df = dict(self.d_doc_rows), dict(self.dead_df)
        dead, vectors = set(self.dead), [self.d_vectors]
        for op in ops:
            gone = {p for d in op.docs for p in new.doc_rows(d)}
            gone |= {
                p for c in (*op.ids, *(c.chunk_id for c in op.chunks)) if (p := new.row_of(c)) is not None
            }
            for pos in gone - dead:
                dead.add(pos)
                new.dead = frozenset(dead)  # row_of/doc_rows read it while the op is applied
                new.dead_main += pos < new.m
                terms = doc_terms(new.tokens_at(pos))
                new.dead_len += len(terms)
                for t in set(terms):
                    new.dead_df[t] = new.dead_df.get(t, 0) + 1
            new.dead = frozenset(dead)
            for chunk, toks in zip(op.chunks, op.tokens, strict=True):
                local, pos = len(new.d_chunks), new.m + len(new.d_chunks)
                new.d_chunks.append(chunk)
                new.d_tokens.append(toks)
                terms = doc_terms(toks)
                new.d_len.append(len(terms))
                new.d_total += len(terms)
                for t, tf in Counter(terms).items():
                    new.d_post[t] = (*new.d_post.get(t, ()), (local, float(tf)))
                new.d_pos_by_id[chunk.chunk_id] = pos
                new.d_doc_rows[chunk.doc_id] = (*new.d_doc_rows.get(chunk.doc_id, ()), pos)
            if len(op.chunks):
                # rounded as the main segment stores them: what a rebuild's index would hand back
                vectors.append(self.main.dense.stored(op.vectors).reshape(len(op.chunks), -1))
        new.d_vectors = np.ascontiguousarray(np.vstack(vectors)) if len(vectors) > 1 else self.d_vectors
        for name in ("_alive", "_type_masks", "stats", "_delta_dense"):
            new.__dict__.pop(name, None)
        return new

    # ------------------------------------------------------------------ search
    @cached_property
    def _alive(self) -> np.ndarray | None:
        if not self.dead:
            return None
        alive = np.ones(self.n_rows, dtype=bool)
        alive[np.fromiter(self.dead, dtype=np.int64, count=len(self.dead))] = False
        return alive

    @cached_property
    def _type_masks(self) -> dict[str, np.ndarray]:
        delta = np.array([c.doc_type for c in self.d_chunks], dtype=object)
        kinds = set(self.main.type_masks) | set(delta.tolist())
        empty = np.zeros(self.m, dtype=bool)
        return {t: np.concatenate([self.main.type_masks.get(t, empty), delta == t]) for t in kinds}

    def mask(self, doc_types: Collection[str] | None) -> np.ndarray | None:
        """Rows of the given document types (live or not: both legs drop dead rows), or None."""
        if not doc_types:
            return None
        mask = np.zeros(self.n_rows, dtype=bool)
        for t in doc_types:
            if t in self._type_masks:
                mask |= self._type_masks[t]
        return mask

    @cached_property
    def stats(self) -> Bm25Stats:
        main = self.main.lexical

        def df(token: str) -> int:
            return main.doc_freq(token) + len(self.d_post.get(token, ())) - self.dead_df.get(token, 0)

        return Bm25Stats(self.n_live, main.total_len + self.d_total - self.dead_len, df)

    def knows(self, token: str) -> bool:
        return bool(token) and self.stats.df(token) > 0

    def nearest_term(self, token: str) -> str | None:
        """The live English stem one slip from ``token`` (:mod:`indexes.spelling`), if any."""
        return self.main.spelling.nearest(token, self.d_post)

    def lex_scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every row for the query with the live corpus's statistics (dead rows: 0)."""
        stats = self.stats
        main = self.main.lexical.scores(query_tokens, stats)
        if not self.d_chunks and self._alive is None:
            return main
        delta = np.zeros(len(self.d_chunks), dtype=np.float32)
        if self.d_chunks and stats.n_docs:
            lex = self.main.lexical
            norm = lex.k1 * ((1 - lex.b) + lex.b * np.asarray(self.d_len, dtype=np.float64) / stats.avgdl)
            for token in query_tokens:
                entries = self.d_post.get(token) if token else None
                if entries:
                    rows = np.fromiter((r for r, _ in entries), dtype=np.int64, count=len(entries))
                    tf = np.fromiter((f for _, f in entries), dtype=np.float64, count=len(entries))
                    delta[rows] += (stats.idf(token) * (tf / (norm[rows] + tf))).astype(np.float32)
        out = np.concatenate([main, delta])
        if self._alive is not None:
            out[~self._alive] = 0.0
        return out

    def dense_search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The top ``k`` live rows by inner product, best first."""
        if k <= 0:
            return []
        hits: list[tuple[int, float]] = []
        pos_by_vid, dead = self.main.pos_by_vid, self.dead
        for vid, score in self.main.dense.search(query, k + self.dead_main):
            pos = pos_by_vid.get(vid)
            if pos is not None and pos not in dead:
                hits.append((pos, score))
        if self.d_chunks:  # FAISS computes the delta's scores too: the same floats a rebuild gets
            alive = self._alive
            fetch = k + (len(self.dead) - self.dead_main)
            for local, score in self._delta_dense.search(query, fetch):
                pos = self.m + local
                if alive is None or alive[pos]:
                    hits.append((pos, score))
        hits.sort(key=lambda h: (-h[1], h[0]))  # equal scores: the earlier row first, as in a build
        return hits[:k]

    @cached_property
    def _delta_dense(self) -> DenseIndex:
        main = self.main.dense  # the same vector storage, so a row scores as a rebuild scores it
        return DenseIndex.build(
            self.d_vectors, np.arange(len(self.d_chunks), dtype=np.int64), main.dim, vectors_type=main.vectors
        )

    def vectors_at(self, rows: Sequence[int]) -> np.ndarray:
        out = np.zeros((len(rows), self.main.dense.dim), dtype=np.float32)
        main = [(i, p) for i, p in enumerate(rows) if p < self.m]
        if main:
            vids = self.main.vids
            out[[i for i, _ in main]] = self.main.dense.vectors_for([int(vids[p]) for _, p in main])
        for i, p in enumerate(rows):
            if p >= self.m:
                out[i] = self.d_vectors[p - self.m]
        return out

    # ------------------------------------------------------------------ compaction
    def live(self) -> tuple[list[Chunk], np.ndarray, list[list[str]]]:
        """Live chunks, vectors and tokens, main rows first: what a compacted build holds."""
        rows = self.live_rows()
        main_rows = [p for p in rows if p < self.m]
        ids, vecs = self.main.dense.all_vectors()
        at = {int(v): i for i, v in enumerate(ids)}
        vids = self.main.vids
        main_vecs = vecs[[at[int(vids[p])] for p in main_rows]] if main_rows else vecs[:0]
        delta_vecs = self.d_vectors[[p - self.m for p in rows if p >= self.m]]
        vectors = np.vstack([main_vecs.reshape(-1, self.main.dense.dim), delta_vecs])
        return [self.row(p) for p in rows], vectors, [self.tokens_at(p) for p in rows]


class DenseView:
    """``HybridIndex.dense`` while a delta is pending: the live vectors, looked up by chunk vid."""

    def __init__(self, seg: Segments) -> None:
        self._seg = seg
        self.kind, self.dim, self.vectors = seg.main.dense.kind, seg.main.dense.dim, seg.main.dense.vectors
        self.stored = seg.main.dense.stored  # how a vector is kept (float16 storage rounds it)

    @property
    def size(self) -> int:
        return self._seg.n_live

    @cached_property
    def _delta_rows(self) -> dict[int, int]:
        seg = self._seg
        return {seg.vid_at(p): p for p in seg.d_pos_by_id.values() if p not in seg.dead}

    def vectors_for(self, ids: list[int]) -> np.ndarray:
        by_vid = self._seg.main.pos_by_vid
        return self._seg.vectors_at([self._delta_rows.get(vid, by_vid.get(vid, -1)) for vid in ids])

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        return [(self._seg.row(p).vid, s) for p, s in self._seg.dense_search(query, k)]


class LexicalView:
    """``HybridIndex.lexical`` while a delta is pending: rows align with the live chunk list."""

    def __init__(self, seg: Segments) -> None:
        self._seg = seg
        self.k1, self.b = seg.main.lexical.k1, seg.main.lexical.b

    @cached_property
    def _rows(self) -> list[int]:
        return self._seg.live_rows()

    @cached_property
    def tokens(self) -> list[list[str]]:
        return [self._seg.tokens_at(p) for p in self._rows]

    @property
    def size(self) -> int:
        return self._seg.n_live

    def knows(self, token: str) -> bool:
        return self._seg.knows(token)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        return self._seg.lex_scores(query_tokens)[self._rows]
