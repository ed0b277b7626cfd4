"""A pool of distinct, real text chunks to grow benchmark corpora to 100k+ chunks.

Sources under the data root: welfare_qa_ko documents, korean_petitions (title + body),
chatbot_data_ko (question + answer), banking77 and parakqc utterances, or any corpus file / list
of documents given by the caller. Documents are cut with :func:`ingest.split.split_text` in passes
of decreasing ``max_chars`` (700, 300, 150, 80): each pass cuts at other sentence boundaries, so
its chunks are new text, not copies; chunks whose text was already seen are skipped. The first
pass comes first (seeded shuffle, KB-like long-document chunks before short utterances), so small
corpora are made of realistic chunks of up to 700 characters.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from core.types import Chunk
from eval.datasets import Doc, read_jsonl
from ingest.split import split_text

__all__ = ["PASSES", "PoolDoc", "build_pool", "corpus_documents", "sample_kb_chunks", "shared_documents"]

PASSES = (700, 300, 150, 80)


@dataclass(frozen=True)
class PoolDoc:
    source: str
    doc_id: str
    title: str
    text: str


def _rows(path: Path) -> Iterator[dict[str, object]]:
    if path.is_file():
        for _, row in read_jsonl(path):
            yield row


def shared_documents(data_root: Path) -> list[PoolDoc]:
    """Real documents from the shared datasets that exist under ``data_root``."""
    docs: list[PoolDoc] = []
    for r in _rows(data_root / "welfare_qa_ko" / "corpus.jsonl"):
        docs.append(PoolDoc("welfare", str(r["doc_id"]), str(r.get("title") or ""), str(r.get("text") or "")))
    for r in _rows(data_root / "korean_petitions" / "petitions.jsonl"):
        docs.append(PoolDoc("petition", str(r["id"]), str(r.get("title") or ""), str(r.get("text") or "")))
    for r in _rows(data_root / "chatbot_data_ko" / "qa.jsonl"):
        docs.append(PoolDoc("chatbot", str(r["id"]), "", f"{r.get('question', '')}\n{r.get('answer', '')}"))
    for r in _rows(data_root / "banking77" / "queries.jsonl"):
        docs.append(PoolDoc("banking77", str(r["id"]), "", str(r.get("text") or "")))
    for r in _rows(data_root / "parakqc" / "utterances.jsonl"):
        docs.append(PoolDoc("parakqc", str(r["id"]), "", str(r.get("text") or "")))
    return [d for d in docs if d.text.strip()]


def corpus_documents(corpus: dict[str, Doc], source: str = "corpus") -> list[PoolDoc]:
    return [PoolDoc(source, d.doc_id, d.title, d.text) for d in corpus.values()]


def build_pool(docs: Iterable[PoolDoc], target: int, *, seed: int = 0, overlap: int = 1) -> list[Chunk]:
    """Up to ``target`` distinct chunks; fewer when the documents run out of new text.

    The first pass puts chunks of long documents (> 300 characters: KB-like prose) first, then the
    short utterances, each group shuffled; later passes visit documents in a shuffled order and
    stop as soon as the target is reached."""
    docs = list(docs)
    seen: set[str] = set()
    pool: list[Chunk] = []
    rng = random.Random(seed)
    for number, max_chars in enumerate(PASSES):
        if number == 0:
            long_docs = [d for d in docs if len(d.text) > 300]
            short_docs = [d for d in docs if len(d.text) <= 300]
            for group in (long_docs, short_docs):
                batch = [c for d in group for c in _chunks(d, max_chars, overlap, seen)]
                rng.shuffle(batch)
                pool.extend(batch)
        else:
            order = [d for d in docs if len(d.text) > max_chars]
            rng.shuffle(order)
            for d in order:
                pool.extend(_chunks(d, max_chars, overlap, seen))
                if len(pool) >= target:
                    break
        if len(pool) >= target:
            break
    return pool[:target]


def _chunks(d: PoolDoc, max_chars: int, overlap: int, seen: set[str]) -> list[Chunk]:
    out: list[Chunk] = []
    doc_id = f"doc:{d.source}:{d.doc_id}"
    for n, piece in enumerate(split_text(d.text, max_chars, overlap)):
        text = f"{d.title}\n{piece}" if d.title else piece
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        title = d.title or d.doc_id
        out.append(
            Chunk(
                f"{doc_id}#p{max_chars}-{n}", doc_id, "doc", title, "body", text, piece, {"source": d.source}
            )
        )
    return out


def sample_kb_chunks(settings: Settings) -> list[Chunk]:
    """Chunks of the bundled sample KB, read, PII-masked and chunked as the ingest pipeline does
    (no database, no embedding)."""
    from core.masking import mask_record_article, mask_record_ticket
    from ingest.chunking import article_chunks, ticket_chunks
    from ingest.sample import sample_paths
    from ingest.sources import read_paths

    result = read_paths([p for p in sample_paths() if p.exists()])
    chunks: list[Chunk] = []
    for art in result.articles:
        chunks += article_chunks(mask_record_article(art), settings)
    for ticket in result.tickets:
        chunks += ticket_chunks(mask_record_ticket(ticket), settings)
    return chunks
