"""The Milvus index backend: one collection holding every chunk's dense vector and a BM25 sparse
field over the Kiwi morphemes the local index uses, searched leg by leg and fused by the product's
own fusion (``indexes.backends.fuse``) or, with ``fusion="milvus-rrf"``, by Milvus's RRFRanker.

Writes (``upsert``/``delete``/``delete_docs``) go straight to the collection and are visible to the
next search (strong consistency). Scores match the local index's scales: dense is the inner
product, BM25 is divided by (k1 + 1) (Milvus's BM25 has the factor, bm25s' does not).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from core.types import Chunk, ChunkHit, DocHit
from indexes.backends.fuse import fuse
from indexes.backends.milvus_config import (
    MilvusBackendError,
    MilvusConfig,
    collection_name,
    dense_search_params,
    one_line,
    schema_and_indexes,
    terms_text,
    to_chunk,
    to_row,
)
from indexes.embedder import Embedder
from indexes.hybrid import SearchParams, SearchTrace, aggregate
from indexes.lexical import tokenize
from indexes.ranker import QueryStats
from korean.colloquial import expand_tokens, normalize_query, unknown_tokens

_BATCH = 1000  # rows per insert call (a gRPC message stays far below its 64 MB cap)


def _quoted(values: Collection[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


class MilvusBackend:
    """Hybrid search over one Milvus collection (see the module docstring)."""

    def __init__(self, client: Any, name: str, embedder: Embedder, config: MilvusConfig) -> None:
        self.client, self.name, self.embedder, self.config = client, name, embedder, config

    @classmethod
    def open(cls, config: MilvusConfig, embedder: Embedder, *, create: bool = True) -> MilvusBackend:
        """Connect and (``create``) make this model's collection if missing. Raises
        :class:`MilvusBackendError` (one line, naming the URI) when Milvus cannot be reached."""
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise MilvusBackendError(
                "the Milvus backend needs pymilvus and milvus-lite: pip install -e '.[milvus]'"
            ) from exc
        name = collection_name(config, embedder.model_id, embedder.dim)
        try:
            client = MilvusClient(uri=config.uri, token=config.token, timeout=config.timeout_s)
            exists = client.has_collection(name)
            if not exists and create:
                schema, indexes = schema_and_indexes(client, embedder.dim, config)
                client.create_collection(
                    name, schema=schema, index_params=indexes, consistency_level="Strong"
                )
            elif not exists:
                raise MilvusBackendError(f"Milvus at {config.uri} has no collection {name}; build the index")
            client.load_collection(name)
        except MilvusBackendError:
            raise
        except Exception as exc:  # pymilvus raises MilvusException, gRPC and OS errors
            raise MilvusBackendError(
                f"Milvus at {config.uri} cannot be used ({one_line(exc)}); check KMS_MILVUS_URI"
            ) from exc
        return cls(client, name, embedder, config)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise MilvusBackendError(
                f"Milvus at {self.config.uri} refused {what} on {self.name} ({one_line(exc)})"
            ) from exc

    # ------------------------------------------------------------------ writes
    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[list[str]]) -> None:
        """Insert or replace chunks (by chunk id); searchable on return."""
        self._write("an upsert", self.client.upsert, chunks, vectors, tokens)

    def bulk_load(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[list[str]]) -> None:
        """Fill a new, empty collection (plain inserts, no id lookups), then seal it so its
        indexes are built: a full build or a migration from the local backend."""
        self._write("an insert", self.client.insert, chunks, vectors, tokens)
        self._call("a flush", self.client.flush, self.name)

    def _write(self, what: str, fn: Any, chunks: Sequence[Chunk], vectors: np.ndarray,
               tokens: Sequence[list[str]]) -> None:  # fmt: skip
        if len(chunks) != len(vectors) or len(chunks) != len(tokens):
            raise ValueError("chunks, vectors and tokens differ in length")
        vecs = np.asarray(vectors, dtype=np.float32)
        for lo in range(0, len(chunks), _BATCH):
            rows = [to_row(c, vecs[i], tokens[i]) for i, c in enumerate(chunks[lo : lo + _BATCH], start=lo)]
            self._call(what, fn, self.name, rows)

    def delete(self, chunk_ids: Collection[str]) -> None:
        if chunk_ids:
            self._call("a delete", self.client.delete, self.name, filter=f"chunk_id in {_quoted(chunk_ids)}")

    def delete_docs(self, doc_ids: Collection[str]) -> None:
        if doc_ids:
            self._call("a delete", self.client.delete, self.name, filter=f"doc_id in {_quoted(doc_ids)}")

    def count(self) -> int:
        rows = self._call("a count", self.client.query, self.name, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def hashes(self) -> dict[str, str]:
        """Every stored chunk id with its content hash (paged: fine for millions of rows)."""
        out: dict[str, str] = {}
        it = self._call("a scan", self.client.query_iterator, self.name, batch_size=5000, filter="",
                        output_fields=["chunk_id", "hash"])  # fmt: skip
        try:
            while rows := self._call("a scan", it.next):
                out.update((r["chunk_id"], r["hash"]) for r in rows)
        finally:
            it.close()
        return out

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------------ search
    def _filter(self, params: SearchParams, extra: str = "") -> str:
        parts = [f"doc_type in {_quoted(sorted(params.doc_types))}"] if params.doc_types else []
        return " and ".join([*parts, extra] if extra else parts)

    def _leg(
        self, field: str, data: Any, limit: int, params: SearchParams, extra: str = ""
    ) -> list[tuple[str, float]]:
        if limit <= 0:
            return []
        search = (
            dense_search_params(self.config, limit)
            if field == "vector"
            else {"metric_type": "BM25", "params": {}}
        )
        res = self._call(
            "a search",
            self.client.search,
            self.name,
            data=[data],
            anns_field=field,
            limit=limit,
            filter=self._filter(params, extra),
            search_params=search,
            output_fields=["doc_id"],
        )
        if field == "vector":
            return [(h["chunk_id"], float(h["distance"])) for h in res[0]]
        scale = 1.0 + self.config.k1  # Milvus Lite reports BM25 negated; the magnitude is the score
        return [(h["chunk_id"], abs(float(h["distance"])) / scale) for h in res[0]]

    def _has(self, token: str, params: SearchParams) -> bool:
        """Some chunk (of ``params``' types) holds ``token``: a one-result BM25 search."""
        return bool(self._leg("sparse", terms_text([token], document=False), 1, params))

    def _known(self, tokens: Sequence[str], params: SearchParams) -> int:
        """How many query tokens occur in some chunk (one tiny BM25 search each)."""
        return sum(1 for t in tokens if t and self._has(t, params))

    def search_chunks(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[ChunkHit]:
        """Chunks ranked for ``query``, as ``HybridIndex.search_chunks`` ranks them."""
        trace = trace if trace is not None else SearchTrace()
        lexicon = params.lexicon
        if lexicon is not None:
            query = normalize_query(query, lexicon)
        trace.normalized_query = query
        use_dense, use_lexical = params.fusion != "bm25", params.fusion != "dense"
        if use_dense and qvec is None:
            t0 = time.perf_counter()
            qvec = self.embedder.embed_queries([query])[0]
            trace.timings_ms["embed"] = (time.perf_counter() - t0) * 1000
        trace.query_vector = qvec if use_dense else None
        qtokens: list[str] = []
        if use_lexical:
            qtokens = tokenize(query, typos=lexicon is not None)
            trace.query_tokens = list(qtokens)
            if lexicon is not None:  # unknown synonyms score nothing in Milvus either
                qtokens = expand_tokens(qtokens, lexicon)
            trace.bm25_tokens = qtokens
            # as HybridIndex reads them off its vocabulary: chunks of every type
            anywhere = SearchParams(doc_types=None)
            trace.unknown_terms = unknown_tokens(
                trace.query_tokens, lambda t: self._has(t, anywhere), lexicon
            )
        qterms = terms_text(qtokens, document=False)
        if self.config.fusion == "milvus-rrf" and params.fusion not in ("dense", "bm25") and qterms:
            assert qvec is not None
            return self._milvus_rrf(qvec, qterms, params, trace)
        t0 = time.perf_counter()
        dense = self._leg("vector", np.asarray(qvec).tolist(), params.candidates, params) if use_dense else []
        trace.timings_ms["dense"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        lexical = self._leg("sparse", qterms, params.candidates, params) if qterms else []
        trace.timings_ms["bm25"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        ids = list(dict.fromkeys([c for c, _ in dense] + [c for c, _ in lexical]))
        num = {c: i for i, c in enumerate(ids)}
        rows = self._rows(ids, with_vectors=use_dense)
        d_score = {num[c]: s for c, s in dense}
        l_score = {num[c]: s for c, s in lexical}
        if use_dense and qvec is not None:  # the other leg's finds: their inner product, as locally
            for c in ids:
                if num[c] not in d_score:
                    d_score[num[c]] = float(np.dot(np.asarray(rows[c]["vector"], np.float32), qvec))
        missing = [c for c in ids if num[c] not in l_score]
        if qterms and missing:  # BM25 of the dense leg's finds: a search restricted to them
            found = dict(self._leg("sparse", qterms, len(missing), params, f"chunk_id in {_quoted(missing)}"))
            for c in missing:
                l_score[num[c]] = found.get(c, 0.0)
        stats, auto_weight = None, None
        if params.fusion in ("adaptive", "auto"):
            n_tok = len(trace.query_tokens)
            stats = QueryStats(self._known(trace.query_tokens, params) / max(1, n_tok), n_tok)
        if params.fusion == "auto" and stats is not None:
            auto_weight = trace.fusion_weight = params.auto_weight(stats.coverage, query)
        d_ranked, l_ranked = [num[c] for c, _ in dense], [num[c] for c, _ in lexical]
        fused, features = fuse(params, d_ranked, l_ranked, d_score, l_score, stats, auto_weight)
        ranked = sorted(fused, key=lambda p: (-fused[p], ids[p]))
        if features is not None:
            row_of = {p: i for i, p in enumerate(dict.fromkeys([*d_ranked, *l_ranked]))}
            trace.fusion_features = features[[row_of[p] for p in ranked]]
        d_rank = {p: r for r, p in enumerate(d_ranked, start=1)}
        l_rank = {p: r for r, p in enumerate(l_ranked, start=1)}
        hits = [
            ChunkHit(
                to_chunk(rows[ids[p]]),
                float(fused[p]),
                d_score.get(p) if use_dense else None,
                l_score.get(p) if use_lexical else None,
                d_rank.get(p),
                l_rank.get(p),
            )
            for p in ranked
            if ids[p] in rows  # deleted between the search and the fetch
        ]
        trace.timings_ms["fuse"] = (time.perf_counter() - t0) * 1000
        return hits

    def _rows(self, ids: Sequence[str], *, with_vectors: bool) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        fields = ["chunk_id", "doc_id", "doc_type", "section", "chunk", *(["vector"] if with_vectors else [])]
        # a filter with JSON-quoted ids, not ``client.get``: pymilvus quotes the ids of ``get`` with
        # bare single quotes, so an article id holding one (일본군'위안부') broke every search it hit
        got = self._call(
            "a fetch",
            self.client.query,
            self.name,
            filter=f"chunk_id in {_quoted(ids)}",
            output_fields=fields,
        )
        return {r["chunk_id"]: r for r in got}

    def _milvus_rrf(
        self, qvec: np.ndarray, qterms: str, params: SearchParams, trace: SearchTrace
    ) -> list[ChunkHit]:
        """Both legs fused inside Milvus (RRFRanker; weights are not applied)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        t0 = time.perf_counter()
        flt = self._filter(params)
        reqs = [
            AnnSearchRequest(
                [np.asarray(qvec).tolist()],
                "vector",
                dense_search_params(self.config, params.candidates),
                params.candidates,
                expr=flt,
            ),
            AnnSearchRequest([qterms], "sparse", {"metric_type": "BM25"}, params.candidates, expr=flt),
        ]
        res = self._call(
            "a hybrid search",
            self.client.hybrid_search,
            self.name,
            reqs,
            RRFRanker(params.rrf_k),
            limit=params.candidates,
        )
        order = [(h["chunk_id"], float(h["distance"])) for h in res[0]]
        rows = self._rows([c for c, _ in order], with_vectors=False)
        trace.timings_ms["hybrid"] = (time.perf_counter() - t0) * 1000
        return [ChunkHit(to_chunk(rows[c]), s) for c, s in order if c in rows]

    def search(
        self,
        query: str,
        params: SearchParams,
        *,
        qvec: np.ndarray | None = None,
        trace: SearchTrace | None = None,
    ) -> list[DocHit]:
        """Documents ranked by their best chunk, each with its best-matching sections."""
        hits = self.search_chunks(query, params, qvec=qvec, trace=trace)
        return aggregate(hits, k=params.k, chunks_per_doc=params.chunks_per_doc)
