"""Milvus backend configuration, collection naming and schema (no search logic here).

One collection per (model, dimension, tokenizer, BM25 parameters): a new model or tokenizer gets a
new collection name, so an index built by another model is never searched with this one's vectors.
BM25 terms are the Kiwi morphemes of ``indexes.lexical.tokenize`` written as opaque hashed words
(``m`` + 16 hex digits): Milvus Lite's analyzers offer only ``standard`` and ``jieba`` tokenizers
(no ``whitespace``), and a hashed word is one token for ``standard`` whatever the morpheme holds
(digits, dots, Latin), so Milvus counts exactly the terms the local BM25 counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import KmsError
from core.types import Chunk
from indexes.lexical import TOKENIZER_ID, doc_terms

SCHEMA_VERSION = 2
INDEX_TYPES = ("FLAT", "IVF_FLAT", "HNSW")


class MilvusBackendError(KmsError):
    """Milvus cannot be reached, or refused a request (the message is one line naming the URI)."""

    code = "milvus_error"


@dataclass(frozen=True)
class MilvusConfig:
    """Where the collection lives and how its dense field is indexed and searched."""

    uri: str = "milvus.db"  # a Milvus Lite file (*.db) or http://host:19530
    token: str = ""  # "user:password" or an API key for a secured cluster
    prefix: str = "kms"  # collection name prefix (one per site/contact centre sharing a cluster)
    index_type: str = "HNSW"  # FLAT | IVF_FLAT | HNSW (Milvus Lite: FLAT/IVF_FLAT/HNSW accepted)
    nlist: int = 1024  # IVF_FLAT clusters
    nprobe: int = 64  # IVF_FLAT clusters searched
    hnsw_m: int = 32
    ef_construction: int = 200
    ef: int = 128  # HNSW search breadth (at least the candidates fetched)
    k1: float = 1.2  # BM25, as the local index
    b: float = 0.75
    timeout_s: float = 10.0
    fusion: str = "product"  # "product": indexes.fusion over both lists; "milvus-rrf": Milvus's RRFRanker

    def __post_init__(self) -> None:
        if self.index_type not in INDEX_TYPES:
            raise MilvusBackendError(
                f"unknown Milvus index type {self.index_type!r}; use one of {', '.join(INDEX_TYPES)}"
            )
        if self.fusion not in ("product", "milvus-rrf"):
            raise MilvusBackendError(f"unknown Milvus fusion {self.fusion!r}; use 'product' or 'milvus-rrf'")

    @classmethod
    def from_settings(cls, settings: object, **overrides: Any) -> MilvusConfig:
        """Values of ``settings``' ``milvus_*`` fields where it has them (``overrides`` win)."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = getattr(settings, f"milvus_{name}", None)
            if value is not None:
                values[name] = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        if "k1" not in values and getattr(settings, "bm25_k1", None) is not None:
            values["k1"] = settings.bm25_k1  # type: ignore[attr-defined]
        if "b" not in values and getattr(settings, "bm25_b", None) is not None:
            values["b"] = settings.bm25_b  # type: ignore[attr-defined]
        values.update(overrides)
        return cls(**values)


def _slug(text: str, width: int) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()[:width]


def collection_name(config: MilvusConfig, model_id: str, dim: int, tokenizer: str = TOKENIZER_ID) -> str:
    """``<prefix>_<model>_<tokenizer>_d<dim>_<hash>``: readable, and versioned by everything that
    changes what is stored (the hash covers the full model id, tokenizer, BM25 and schema)."""
    key = f"{model_id}|{dim}|{tokenizer}|{config.k1}|{config.b}|v{SCHEMA_VERSION}"
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest()
    name = f"{_slug(config.prefix, 32)}_{_slug(model_id, 48)}_{_slug(tokenizer, 24)}_d{dim}_{digest}"
    return name if name[0].isalpha() or name[0] == "_" else f"c_{name}"


def term(token: str) -> str:
    """One morpheme as the word Milvus's ``standard`` analyzer keeps whole."""
    return "m" + hashlib.blake2b(token.encode("utf-8"), digest_size=8).hexdigest()


def terms_text(tokens: Sequence[str], *, document: bool) -> str:
    """A chunk's (``document``: empty chunks count one placeholder term, as in the local BM25)
    or a query's morphemes as the analysed text field."""
    return " ".join(term(t) for t in (doc_terms(tokens) if document else [t for t in tokens if t]))


def one_line(exc: BaseException) -> str:
    """An exception as one short line (pymilvus messages span lines and repeat the code)."""
    text = " ".join(str(getattr(exc, "message", "") or exc).split())
    return (text or type(exc).__name__)[:300]


def schema_and_indexes(client: Any, dim: int, config: MilvusConfig) -> tuple[Any, Any]:
    """The collection schema (chunk id primary; doc id, type, section; the chunk as JSON; dense
    vector; BM25 sparse field computed by Milvus from ``terms``) and its index parameters."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=512)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
    schema.add_field("doc_type", DataType.VARCHAR, max_length=16)
    schema.add_field("section", DataType.VARCHAR, max_length=128)
    schema.add_field("hash", DataType.VARCHAR, max_length=64)  # content hash: what a sync compares
    schema.add_field("chunk", DataType.JSON)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field(
        "terms",
        DataType.VARCHAR,
        max_length=65535,
        enable_analyzer=True,
        analyzer_params={"tokenizer": "standard"},
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=["terms"],
            output_field_names=["sparse"],
        )
    )
    params = client.prepare_index_params()
    dense: dict[str, Any] = {}
    if config.index_type == "IVF_FLAT":
        dense = {"nlist": config.nlist}
    elif config.index_type == "HNSW":
        dense = {"M": config.hnsw_m, "efConstruction": config.ef_construction}
    params.add_index("vector", index_type=config.index_type, metric_type="IP", params=dense)
    params.add_index(
        "sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": config.k1, "bm25_b": config.b},
    )
    params.add_index("doc_id", index_type="INVERTED")
    return schema, params


def dense_search_params(config: MilvusConfig, limit: int) -> dict[str, Any]:
    if config.index_type == "IVF_FLAT":
        return {"metric_type": "IP", "params": {"nprobe": config.nprobe}}
    if config.index_type == "HNSW":
        return {"metric_type": "IP", "params": {"ef": max(config.ef, limit)}}
    return {"metric_type": "IP", "params": {}}


def to_row(chunk: Chunk, vector: np.ndarray, tokens: Sequence[str]) -> dict[str, Any]:
    """A chunk as a collection row (the dense vector and its BM25 terms beside it)."""
    c = chunk
    return {
        "chunk_id": c.chunk_id, "doc_id": c.doc_id, "doc_type": c.doc_type, "section": c.section,
        "hash": c.hash, "chunk": {"title": c.title, "text": c.text, "body": c.body, "meta": c.meta},
        "vector": np.asarray(vector, dtype=np.float32).tolist(), "terms": terms_text(tokens, document=True),
    }  # fmt: skip


def to_chunk(row: dict[str, Any]) -> Chunk:
    data = row["chunk"]
    meta = dict(data.get("meta") or {})
    return Chunk(
        row["chunk_id"],
        row["doc_id"],
        row["doc_type"],
        data["title"],
        row["section"],
        data["text"],
        data["body"],
        meta,
    )
