"""Retrieval shared by suggestions and answers: input checks, search, confidence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from core.types import ChunkHit, DocHit
from indexes.hybrid import SearchTrace, aggregate
from korean.lang import detect_lang
from korean.pii import mask_pii


def clean_query(text: object, settings: Settings, *, field_name: str) -> str:
    """Validated, PII-masked query text; raises InvalidInputError naming the field."""
    if not isinstance(text, str):
        raise InvalidInputError(f"'{field_name}' must be a string", field=field_name)
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError(f"'{field_name}' is empty; send the customer's question", field=field_name)
    if len(stripped) > settings.max_inquiry_chars:
        raise InvalidInputError(
            f"'{field_name}' has {len(stripped)} characters; the limit is {settings.max_inquiry_chars} "
            "(KMS_MAX_INQUIRY_CHARS)",
            field=field_name,
            value=len(stripped),
        )
    return mask_pii(stripped, allow=settings.pii_allow)


@dataclass
class Evidence:
    """What one retrieval found: chunk hits (best first) and per-type documents.

    Confidence is not here: it belongs to a composed answer (:mod:`assist.confidence`)."""

    query: str
    chunk_hits: list[ChunkHit]
    articles: list[DocHit]
    tickets: list[DocHit]
    docs: list[DocHit]
    lang: str
    trace: SearchTrace = field(default_factory=SearchTrace)

    @property
    def knowledge(self) -> list[DocHit]:
        """Articles and plain documents, best first (what chatbot answers may cite)."""
        return sorted(self.articles + self.docs, key=lambda d: -d.score)


def gather(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int = 5,
    doc_types: Collection[str] | None = None,
) -> Evidence:
    """Search once over all chunk types and split the results per document type."""
    trace = SearchTrace()
    hits = kb.searcher.search_chunks(query, kb.params(doc_types=doc_types), trace=trace)
    by_type: dict[str, list[ChunkHit]] = {"article": [], "ticket": [], "doc": []}
    for hit in hits:
        by_type.setdefault(hit.chunk.doc_type, []).append(hit)
    return Evidence(
        query=query,
        chunk_hits=hits,
        articles=aggregate(by_type["article"], k=k),
        tickets=aggregate(by_type["ticket"], k=k),
        docs=aggregate(by_type["doc"], k=k),
        lang=detect_lang(query),
        trace=trace,
    )
