"""The in-memory hybrid index: chunks + FAISS + BM25, searched and fused per query."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core.types import Chunk, ChunkHit, DocHit
from indexes.chunk_store import ChunkKey, LiveChunks
from indexes.dense import DenseIndex
from indexes.embedder import Embedder
from indexes.fusion import rrf_fusion, weighted_fusion
from indexes.fusion_weight import WeightModel, query_features, weight_model_for
from indexes.lexical import LexicalIndex, tokenize
from indexes.ranker import FusionRanker, QueryStats, feature_matrix, ranker_for
from indexes.segments import DeltaOp, DenseView, LexicalView, Main, Segments
from indexes.spelling import corrected
from korean.colloquial import expand_tokens, normalize_query, unknown_tokens
from korean.lexicon import Lexicon


@dataclass(frozen=True)
class SearchParams:
    """How one query is searched; defaults come from Settings (see ``from_settings``)."""

    k: int = 5
    candidates: int = 50
    fusion: str = "weighted"  # "auto" | "adaptive" | "weighted" | "rrf" | "dense" | "bm25"
    w_dense: float = 0.5
    w_lexical: float = 0.5
    rrf_k: int = 60
    doc_types: Collection[str] | None = None  # restrict to "article"/"ticket"/"doc"
    chunks_per_doc: int = 3
    # Colloquial-Korean lexicon for the query (None: the query is searched as written).
    lexicon: Lexicon | None = field(default=None, compare=False)
    # The learned fusion model for fusion="adaptive" (None: the bundled one).
    ranker: FusionRanker | None = field(default=None, compare=False)
    # The per-query dense weight model for fusion="auto" (None: the bundled one).
    weight_model: WeightModel | None = field(default=None, compare=False)

    @classmethod
    def from_settings(cls, settings: object, **overrides: object) -> SearchParams:
        """Settings' values (``overrides`` win); adaptive fusion gets DATA_DIR's model if it has one."""
        base = {
            "candidates": settings.candidates,  # type: ignore[attr-defined]
            "fusion": settings.fusion,  # type: ignore[attr-defined]
            "w_dense": settings.weight_dense,  # type: ignore[attr-defined]
            "w_lexical": settings.weight_lexical,  # type: ignore[attr-defined]
            "rrf_k": settings.rrf_k,  # type: ignore[attr-defined]
        }
        base.update(overrides)
        if base["fusion"] == "adaptive" and base.get("ranker") is None:
            base["ranker"] = ranker_for(getattr(settings, "data_dir", None))
        if base["fusion"] == "auto" and base.get("weight_model") is None:
            base["weight_model"] = weight_model_for(getattr(settings, "data_dir", None))
        return cls(**base)

    def auto_weight(self, coverage: float, query: str) -> float:
        """fusion="auto": the dense weight for a query with this BM25 vocabulary coverage."""
        model = self.weight_model or weight_model_for(None)
        return model.dense_weight(query_features(coverage, query))


@dataclass
class SearchTrace:
    """Per-stage timings (ms) and leg sizes of one search, for logs and benchmarks."""

    timings_ms: dict[str, float] = field(default_factory=dict)
    # BM25 tokens of the (normalised) query: what confidence's term coverage counts.
    query_tokens: list[str] = field(default_factory=list)
    # What BM25 scored: query_tokens plus the lexicon's synonyms that occur in the index. Kept
    # apart because counting synonyms in coverage lowered it for every query with one (sample
    # KB: abstention AUC 0.974 -> 0.965, coverage@FAR 0.1 0.93 -> 0.88).
    bm25_tokens: list[str] = field(default_factory=list)
    normalized_query: str = ""  # the query as searched (after colloquial normalisation)
    query_vector: np.ndarray | None = None  # the dense query vector (answer composition reuses it)
    # fusion="adaptive": the ranker's feature rows, aligned with the returned hits (fitting reads them)
    fusion_features: np.ndarray | None = None
    # fusion="auto": the dense weight this query got (BM25 got 1 - it)
    fusion_weight: float | None = None
    # query_tokens that no live chunk holds, nor any synonym of theirs (None: no BM25 leg searched)
    unknown_terms: list[str] | None = None


class HybridIndex:
    """Chunks + FAISS + BM25 as segments (``indexes.segments``): an immutable main segment plus a
    delta of recent writes and tombstones, searched as one corpus with its live statistics.

    ``chunks``, ``pos_by_id``, ``dense`` and ``lexical`` describe the live chunks (positions in
    ``chunks``), as before segments; searches use the segments' own row numbers."""

    # loaded from a folder whose BM25 tokens another tokenizer made, and re-tokenised in memory
    # (indexes.store.load): a compaction writes the new tokens (indexes.compaction.due)
    retokenised: bool = False

    def __init__(
        self,
        chunks: Sequence[Chunk],
        dense: DenseIndex,
        lexical: LexicalIndex,
        embedder: Embedder,
        *,
        vids: np.ndarray | None = None,
    ) -> None:
        if lexical.size != len(chunks):
            raise ValueError("lexical index and chunk list differ in length")
        self.embedder = embedder
        self.segments = Segments(Main(chunks, dense, lexical, vids))
        self.delta_offset = 0  # bytes of the folder's delta log applied (indexes.deltalog)

    @classmethod
    def of(cls, segments: Segments, embedder: Embedder, delta_offset: int) -> HybridIndex:
        out = cls.__new__(cls)
        out.embedder, out.segments, out.delta_offset = embedder, segments, delta_offset
        return out

    # ------------------------------------------------------------------ live views (built lazily)
    @cached_property
    def chunks(self) -> Sequence[Chunk]:
        """The live chunks in row order: a list (a build), or read on demand from the folder's
        chunks.jsonl (a load; ``indexes.chunk_store``). Corpus-wide passes that need no text
        read ``chunk_keys`` instead."""
        seg = self.segments
        return seg.main.chunks if seg.clean else seg.live_chunks()

    def chunk_keys(self) -> Iterator[ChunkKey]:
        """Each live chunk's id, document, type and content hash, in row order (no text read)."""
        seg = self.segments
        if seg.clean:
            return (seg.main.key_at(p) for p in range(seg.m))
        chunks = self.chunks
        assert isinstance(chunks, LiveChunks)
        return chunks.keys()

    def key_at(self, pos: int) -> ChunkKey:
        """``chunks[pos]``'s id, document, type and content hash (no text read)."""
        seg, chunks = self.segments, self.chunks
        return seg.key_at(int(chunks.rows[pos])) if isinstance(chunks, LiveChunks) else seg.key_at(pos)

    @cached_property
    def pos_by_id(self) -> dict[str, int]:
        seg = self.segments  # no delta: the main segment's own map (not a second copy of it)
        if seg.clean:
            return seg.main.pos_by_id
        return {seg.chunk_id_at(p): i for i, p in enumerate(seg.live_rows())}

    @cached_property
    def pos_by_vid(self) -> dict[int, int]:
        seg = self.segments
        return seg.main.pos_by_vid if seg.clean else {seg.vid_at(p): i for i, p in enumerate(seg.live_rows())}

    @cached_property
    def dense(self) -> DenseIndex | DenseView:
        return self.segments.main.dense if self.segments.clean else DenseView(self.segments)

    @cached_property
    def lexical(self) -> LexicalIndex | LexicalView:
        return self.segments.main.lexical if self.segments.clean else LexicalView(self.segments)

    # ------------------------------------------------------------------ maintenance
    # Each returns a NEW HybridIndex; the main segment is shared and never edited, so searches
    # running on the old object stay consistent; the caller swaps the reference.
    def applied(self, ops: Sequence[DeltaOp], *, delta_offset: int | None = None) -> HybridIndex:
        """This index with ``ops`` in its delta: searchable at once, no rebuild."""
        offset = self.delta_offset if delta_offset is None else delta_offset
        return HybridIndex.of(self.segments.apply(ops), self.embedder, offset)

    def added(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[list[str]]) -> HybridIndex:
        """This index plus ``chunks`` (existing ids are replaced)."""
        return self.applied([DeltaOp(chunks=tuple(chunks), vectors=vectors, tokens=tuple(tokens))])

    def removed(self, chunk_ids: Collection[str]) -> HybridIndex:
        """This index without the given chunks (unknown ids are ignored)."""
        ids = tuple(c for c in chunk_ids if self.segments.row_of(c) is not None)
        return self.applied([DeltaOp(ids=ids)]) if ids else self

    def doc_chunk_ids(self, doc_ids: Collection[str]) -> list[str]:
        """Live chunk ids of the given documents (without building the live chunk list)."""
        seg = self.segments
        return [seg.chunk_id_at(p) for d in doc_ids for p in seg.doc_rows(d)]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        """The live chunks of one document, in row order (no live chunk list is built)."""
        return [self.segments.row(p) for p in sorted(self.segments.doc_rows(doc_id))]

    def stored_vectors(self, chunks: Sequence[Chunk], doc_ids: Collection[str]) -> list[np.ndarray | None]:
        """For each of ``chunks``, the vector a live chunk of ``doc_ids`` with the same text
        (content hash) already has, else None: an article edit embeds only the chunks it changed
        (a long chunk costs a few hundred ms on two cores)."""
        seg = self.segments
        by_hash: dict[str, int] = {}
        for doc_id in doc_ids:
            for pos in seg.doc_rows(doc_id):
                by_hash.setdefault(seg.key_at(pos).hash, pos)
        rows = [by_hash.get(c.hash) for c in chunks]
        known = [r for r in rows if r is not None]
        vectors = iter(seg.vectors_at(known)) if known else iter(())
        return [None if r is None else next(vectors) for r in rows]

    def tokens_of(self, chunk_id: str) -> list[str] | None:
        """The BM25 tokens of a live chunk, or None."""
        pos = self.segments.row_of(chunk_id)
        return None if pos is None else self.segments.tokens_at(pos)

    @property
    def pending(self) -> int:
        """Delta chunks plus tombstoned main chunks (what a compaction folds in)."""
        return self.segments.pending

    @property
    def compactable(self) -> bool:
        """Whether a compaction would write anything: pending writes, or re-made BM25 tokens."""
        return self.pending > 0 or self.retokenised

    def compacted(self) -> HybridIndex:
        """The live chunks as one fresh main segment (what a full build over them gives)."""
        seg = self.segments
        if seg.clean:
            return self
        chunks, vectors, tokens = seg.live()
        old = seg.main.dense
        dense = DenseIndex.build(
            vectors,
            np.array([c.vid for c in chunks], dtype=np.int64),
            old.dim,
            old.kind,
            hnsw_m=old.hnsw_m,
            ef_search=old.ef_search,
            vectors_type=old.vectors,
        )
        lexical = LexicalIndex(tokens, k1=seg.main.lexical.k1, b=seg.main.lexical.b)
        return HybridIndex(chunks, dense, lexical, self.embedder)

    # ------------------------------------------------------------------ search
    def search_chunks(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[ChunkHit]:
        """Chunks ranked for ``query``, fused from the dense and BM25 legs.

        With ``params.lexicon`` the query is first normalised (colloquial Korean → the KB's
        wording) for both legs, BM25 uses Kiwi's typo-tolerant analysis and adds synonyms
        the index knows (``trace.bm25_tokens``; ``trace.query_tokens`` has none). A ``qvec``
        given by the caller is used as is (embed ``trace.normalized_query`` if it should match).
        """
        trace = trace if trace is not None else SearchTrace()
        lexicon = params.lexicon
        if lexicon is not None:
            t0 = time.perf_counter()
            query = normalize_query(query, lexicon)
            trace.timings_ms["normalize"] = (time.perf_counter() - t0) * 1000
        trace.normalized_query = query
        seg = self.segments
        if not seg.n_live:
            return []
        mask = seg.mask(params.doc_types)
        use_dense = params.fusion != "bm25"
        use_lexical = params.fusion != "dense"
        dense_hits: list[tuple[int, float]] = []
        qtokens: list[str] = []
        if use_dense:
            t0 = time.perf_counter()
            if qvec is None:
                qvec = self.embedder.embed_queries([query])[0]
            trace.query_vector = qvec
            trace.timings_ms["embed"] = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            fetch = params.candidates * (4 if mask is not None else 1)
            for pos, score in seg.dense_search(qvec, fetch):
                if mask is None or mask[pos]:
                    dense_hits.append((pos, score))
            dense_hits = dense_hits[: params.candidates]
            trace.timings_ms["dense"] = (time.perf_counter() - t0) * 1000
        lex_scores = None
        lexical_hits: list[tuple[int, float]] = []
        if use_lexical:
            t0 = time.perf_counter()
            qtokens = tokenize(query, typos=lexicon is not None)
            if lexicon is not None:  # English misspellings, as Kiwi's typo model reads Korean ones
                qtokens = corrected(qtokens, seg.knows, seg.nearest_term)
            trace.query_tokens = list(qtokens)
            if lexicon is not None:  # only synonyms that occur somewhere can change a score
                extra = expand_tokens(qtokens, lexicon)[len(qtokens) :]
                qtokens = qtokens + [t for t in extra if seg.knows(t)]
            trace.bm25_tokens = qtokens
            trace.unknown_terms = unknown_tokens(trace.query_tokens, seg.knows, lexicon)
            lex_scores = seg.lex_scores(qtokens)
            if mask is not None:
                lex_scores = np.where(mask, lex_scores, 0.0)
            # the k best among the rows that score at all (selecting over every row, most of them
            # 0, took ~7 ms of a query at 100k chunks); ties, at the cut too, go to the earlier row
            positive = np.flatnonzero(lex_scores > 0)
            k = min(params.candidates, len(positive))
            if k > 0:
                scores = lex_scores[positive]
                kth = np.partition(scores, len(scores) - k)[len(scores) - k]
                idx = positive[scores >= kth]
                idx = idx[np.argsort(-lex_scores[idx], kind="stable")][:k]
                lexical_hits = [(int(i), float(lex_scores[i])) for i in idx]
            trace.timings_ms["bm25"] = (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        dense_rank = {p: r for r, (p, _) in enumerate(dense_hits, start=1)}
        lex_rank = {p: r for r, (p, _) in enumerate(lexical_hits, start=1)}
        dense_score = dict(dense_hits)
        lex_score = dict(lexical_hits)
        union = list(dict.fromkeys([p for p, _ in dense_hits] + [p for p, _ in lexical_hits]))
        if use_dense and qvec is not None:
            missing = [p for p in union if p not in dense_score]
            if missing:
                vecs = seg.vectors_at(missing)
                for p, s in zip(missing, vecs @ qvec, strict=True):
                    dense_score[p] = float(s)
        if lex_scores is not None:
            for p in union:
                lex_score.setdefault(p, float(lex_scores[p]))

        if params.fusion == "dense":
            fused = {p: dense_score[p] for p in union}
        elif params.fusion == "bm25":
            fused = {p: lex_score[p] for p in union}
        elif params.fusion == "rrf":
            fused = rrf_fusion(
                [p for p, _ in dense_hits],
                [p for p, _ in lexical_hits],
                k=params.rrf_k,
                w_dense=params.w_dense,
                w_lexical=params.w_lexical,
            )
        elif params.fusion == "adaptive":
            known = [t for t in trace.query_tokens if seg.knows(t)]
            stats = QueryStats(len(known) / max(1, len(trace.query_tokens)), len(trace.query_tokens))
            features = feature_matrix(
                np.array([dense_score.get(p, 0.0) for p in union]),
                np.array([lex_score.get(p, 0.0) for p in union]),
                np.array([dense_rank.get(p, 0) for p in union]),
                np.array([lex_rank.get(p, 0) for p in union]),
                stats,
            )
            ranker = params.ranker or ranker_for(None)
            fused = dict(zip(union, ranker.score(features).tolist(), strict=True))
        elif params.fusion == "auto":
            n_known = sum(1 for t in trace.query_tokens if seg.knows(t))
            w = params.auto_weight(n_known / max(1, len(trace.query_tokens)), query)
            trace.fusion_weight = w
            fused = weighted_fusion(dense_score, lex_score, w_dense=w, w_lexical=1.0 - w)
        else:
            fused = weighted_fusion(
                dense_score, lex_score, w_dense=params.w_dense, w_lexical=params.w_lexical
            )
        ranked = sorted(union, key=lambda p: (-fused[p], p))
        if params.fusion == "adaptive":
            row = {p: i for i, p in enumerate(union)}
            trace.fusion_features = features[[row[p] for p in ranked]]
        hits = [
            ChunkHit(
                chunk=seg.row(p),
                score=float(fused[p]),
                dense=dense_score.get(p),
                lexical=lex_score.get(p),
                dense_rank=dense_rank.get(p),
                lexical_rank=lex_rank.get(p),
            )
            for p in ranked
        ]
        trace.timings_ms["fuse"] = (time.perf_counter() - t0) * 1000
        return hits

    def search(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[DocHit]:
        """Documents ranked by their best chunk, each with its best-matching sections."""
        chunk_hits = self.search_chunks(query, params, qvec=qvec, trace=trace)
        return aggregate(chunk_hits, k=params.k, chunks_per_doc=params.chunks_per_doc)


def aggregate(chunk_hits: Sequence[ChunkHit], *, k: int, chunks_per_doc: int = 3) -> list[DocHit]:
    docs: dict[str, DocHit] = {}
    for hit in chunk_hits:  # already best first
        doc = docs.get(hit.chunk.doc_id)
        if doc is None:
            if len(docs) >= k:
                continue
            docs[hit.chunk.doc_id] = DocHit(
                doc_id=hit.chunk.doc_id,
                doc_type=hit.chunk.doc_type,
                title=hit.chunk.title,
                score=hit.score,
                chunks=[hit],
                meta=dict(hit.chunk.meta),
            )
        elif len(doc.chunks) < chunks_per_doc:
            doc.chunks.append(hit)
    return list(docs.values())
