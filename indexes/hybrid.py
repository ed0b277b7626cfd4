"""The in-memory hybrid index: chunks + FAISS + BM25, searched and fused per query."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from indexes.dense import DenseIndex
from indexes.embedder import Embedder
from indexes.fusion import rrf_fusion, weighted_fusion
from indexes.lexical import LexicalIndex, tokenize
from indexes.ranker import FusionRanker, QueryStats, feature_matrix, ranker_for
from indexes.types import Chunk, ChunkHit, DocHit
from korean.colloquial import expand_tokens, normalize_query
from korean.lexicon import Lexicon


@dataclass(frozen=True)
class SearchParams:
    """How one query is searched; defaults come from Settings (see ``from_settings``)."""

    k: int = 5
    candidates: int = 50
    fusion: str = "weighted"  # "adaptive" | "weighted" | "rrf" | "dense" | "bm25"
    w_dense: float = 0.5
    w_lexical: float = 0.5
    rrf_k: int = 60
    doc_types: Collection[str] | None = None  # restrict to "article"/"ticket"/"doc"
    chunks_per_doc: int = 3
    # Colloquial-Korean lexicon for the query (None: the query is searched as written).
    lexicon: Lexicon | None = field(default=None, compare=False)
    # The learned fusion model for fusion="adaptive" (None: the bundled one).
    ranker: FusionRanker | None = field(default=None, compare=False)

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
        return cls(**base)  # type: ignore[arg-type]


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


class HybridIndex:
    """Rows (positions) align across ``chunks``, the BM25 matrix and the vid map."""

    def __init__(
        self, chunks: list[Chunk], dense: DenseIndex, lexical: LexicalIndex, embedder: Embedder
    ) -> None:
        if lexical.size != len(chunks):
            raise ValueError("lexical index and chunk list differ in length")
        self.chunks = chunks
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self._reindex()

    def _reindex(self) -> None:
        self.pos_by_vid = {c.vid: i for i, c in enumerate(self.chunks)}
        self.pos_by_id = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        types = np.array([c.doc_type for c in self.chunks], dtype=object)
        self._type_masks = {t: types == t for t in set(types.tolist())}

    # ------------------------------------------------------------------ maintenance
    # Both return a NEW HybridIndex sharing the (locked) FAISS index, so searches running on
    # the old object keep a consistent chunk list; the caller swaps the reference.
    def added(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[list[str]]) -> HybridIndex:
        """This index plus ``chunks`` (existing ids are replaced): searchable at once, no rebuild."""
        base = self.removed([c.chunk_id for c in chunks if c.chunk_id in self.pos_by_id])
        base.dense.add(vectors, np.array([c.vid for c in chunks], dtype=np.int64))
        lexical = LexicalIndex(base.lexical.tokens + list(tokens), k1=base.lexical.k1, b=base.lexical.b)
        return HybridIndex(base.chunks + list(chunks), base.dense, lexical, base.embedder)

    def removed(self, chunk_ids: Collection[str]) -> HybridIndex:
        """This index without the given chunks (unknown ids are ignored)."""
        drop = {cid for cid in chunk_ids if cid in self.pos_by_id}
        if not drop:
            return self
        self.dense.remove(np.array([self.chunks[self.pos_by_id[c]].vid for c in drop], dtype=np.int64))
        keep = [i for i, c in enumerate(self.chunks) if c.chunk_id not in drop]
        lexical = LexicalIndex([self.lexical.tokens[i] for i in keep], k1=self.lexical.k1, b=self.lexical.b)
        return HybridIndex([self.chunks[i] for i in keep], self.dense, lexical, self.embedder)

    # ------------------------------------------------------------------ search
    def _mask(self, doc_types: Collection[str] | None) -> np.ndarray | None:
        if not doc_types:
            return None
        mask = np.zeros(len(self.chunks), dtype=bool)
        for t in doc_types:
            if t in self._type_masks:
                mask |= self._type_masks[t]
        return mask

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
        if not self.chunks:
            return []
        mask = self._mask(params.doc_types)
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
            for vid, score in self.dense.search(qvec, fetch):
                pos = self.pos_by_vid.get(vid)
                if pos is not None and (mask is None or mask[pos]):
                    dense_hits.append((pos, score))
            dense_hits = dense_hits[: params.candidates]
            trace.timings_ms["dense"] = (time.perf_counter() - t0) * 1000
        lex_scores = None
        lexical_hits: list[tuple[int, float]] = []
        if use_lexical:
            t0 = time.perf_counter()
            qtokens = tokenize(query, typos=lexicon is not None)
            trace.query_tokens = list(qtokens)
            if lexicon is not None:  # only synonyms that occur somewhere can change a score
                extra = expand_tokens(qtokens, lexicon)[len(qtokens) :]
                qtokens = qtokens + [t for t in extra if self.lexical.knows(t)]
            trace.bm25_tokens = qtokens
            lex_scores = self.lexical.scores(qtokens)
            if mask is not None:
                lex_scores = np.where(mask, lex_scores, 0.0)
            positive = int((lex_scores > 0).sum())
            k = min(params.candidates, positive)
            if k > 0:
                idx = np.argpartition(-lex_scores, k - 1)[:k]
                idx = idx[np.argsort(-lex_scores[idx], kind="stable")]
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
                vecs = self.dense.vectors_for([self.chunks[p].vid for p in missing])
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
            known = [t for t in trace.query_tokens if self.lexical.knows(t)]
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
                chunk=self.chunks[p],
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
