"""The suggestion benchmark's corpus: records written as database rows, and the chunks the product
cuts from those rows (what ``benchmarks/latency.py suggest`` indexes).

The server's start-up reconcile (``assist.consistency.reconcile``, ``ingest.reconcile.plan``)
makes the index hold exactly the chunks of the database's published articles and knowledge
tickets, chunked and masked as a build would. So the corpus is made of records, not chunks:
:func:`records` grows them from real text in ../shared/data, :func:`write_rows` stores them through
the storage layer (``upsert_article`` / ``upsert_ticket``, in batched transactions) and returns
``chunk_knowledge`` of what was stored, masked as ``plan`` masks it; after the index is persisted,
:func:`write_chunk_rows` fills the chunks table as ingest does. A server started on that data
folder then finds index and database agreeing and keeps the index.

Records: the sample KB's articles, then (in a seeded shuffle) welfare_qa_ko documents (policy
articles), korean_petitions (untemplated articles: one summary section), and welfare_qa_ko,
chatbot_data_ko and banking77 train queries as resolved tickets (banking77 has no answers: its
intent label is the resolution, since a ticket without one is not knowledge and is not indexed).
Beyond the unique records they repeat under new ids (``<id>~<copy>``). Records are taken while
their chunks fit in ``size``, so the corpus has ``size`` chunks, or a few fewer where masking
in the database changes a split.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy.orm import Session, sessionmaker

from core.masking import mask_chunk, mask_record_article, mask_record_ticket
from core.records import ArticleRecord, TicketRecord
from core.settings import Settings
from core.types import Chunk
from ingest.chunking import chunk_knowledge, chunk_records
from ingest.sample import SAMPLE_DIR
from ingest.sources import read_paths
from storage import open_db, replace_chunks, upsert_article, upsert_ticket

HOLDOUT = 200  # welfare questions kept out of the tickets, used as queries
_BATCH = 1000  # records per write transaction

Record: TypeAlias = ArticleRecord | TicketRecord


def jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _unique(data: Path) -> list[Record]:
    """Every distinct record: the sample KB's articles first, then the rest in a seeded shuffle."""
    head: list[Record] = list(read_paths([SAMPLE_DIR / "articles"]).articles)
    rest: list[Record] = []
    for n, row in enumerate(jsonl(data / "welfare_qa_ko" / "corpus.jsonl")):
        rest.append(ArticleRecord(f"W{n}", row["title"], {"policy": row["text"]}, f"bench:welfare#{n}"))
    for row in jsonl(data / "korean_petitions" / "petitions.jsonl"):
        rest.append(ArticleRecord(f"P{row['id']}", row["title"], {"summary": row["text"]}, "bench:petitions"))
    rest += [
        TicketRecord(f"WQ{r['qid']}", r["question"], "bench:welfare", resolution=r["reference_answer"])
        for r in jsonl(data / "welfare_qa_ko" / "queries.jsonl")[:-HOLDOUT]
    ]
    rest += [
        TicketRecord(f"CB{r['id']}", r["question"], "bench:chatbot", resolution=r["answer"])
        for r in jsonl(data / "chatbot_data_ko" / "qa.jsonl")
    ]
    rest += [
        TicketRecord(
            r["id"], r["text"], "bench:banking77", resolution=r["label"].replace("_", " "), tags=[r["label"]]
        )
        for r in jsonl(data / "banking77" / "queries.jsonl")
        if r["split"] == "train"
    ]
    random.Random(0).shuffle(rest)
    return head + rest


def _copies(unique: Sequence[Record]) -> Iterator[Record]:
    yield from unique
    copy = 1
    while True:
        for rec in unique:
            if isinstance(rec, ArticleRecord):
                yield replace(rec, article_id=f"{rec.article_id}~{copy}")
            else:
                yield replace(rec, ticket_id=f"{rec.ticket_id}~{copy}")
        copy += 1


def records(data: Path, size: int, settings: Settings) -> tuple[list[Record], int]:
    """Masked records (as ingest stores them) whose chunks number ``size``; and how many of
    those chunks are unique (not from a repeated record)."""
    unique = _unique(data)
    allow = settings.pii_allow
    out: list[Record] = []
    total = unique_chunks = skipped = 0
    for n, rec in enumerate(_copies(unique)):
        if total >= size or skipped > len(unique):  # nothing left is short enough
            break
        if isinstance(rec, ArticleRecord):
            rec = mask_record_article(rec, allow=allow)
            count = len(chunk_records([rec], [], settings))
        else:
            rec = mask_record_ticket(rec, allow=allow)
            count = len(chunk_records([], [rec], settings))
        if not count or total + count > size:  # too long for what is left: a shorter one follows
            skipped += 1
            continue
        skipped = 0
        out.append(rec)
        total += count
        unique_chunks += count if n < len(unique) else 0
    return out, unique_chunks


def write_rows(settings: Settings, recs: Sequence[Record]) -> list[Chunk]:
    """Store ``recs`` as article and ticket rows; returns the chunks the index must hold for
    the reconcile to keep it (``chunk_knowledge`` masked, as ``ingest.reconcile.plan`` computes
    them), in the order of ``recs``."""
    sessions = open_db(settings)
    try:
        return _write(sessions, settings, recs)
    finally:
        sessions.kw["bind"].dispose()


def _write(sessions: sessionmaker[Session], settings: Settings, recs: Sequence[Record]) -> list[Chunk]:
    for start in range(0, len(recs), _BATCH):
        with sessions() as session, session.begin():
            for rec in recs[start : start + _BATCH]:
                if isinstance(rec, ArticleRecord):
                    upsert_article(session, rec, author="benchmark")
                else:
                    upsert_ticket(session, rec, resolved_statuses=settings.resolved_statuses)
    with sessions() as session:
        chunks = [mask_chunk(c, allow=settings.pii_allow) for c in chunk_knowledge(session, settings)]
    order = {r.doc_id: n for n, r in enumerate(recs)}
    return sorted(chunks, key=lambda c: order[c.doc_id])


def write_chunk_rows(settings: Settings, chunks: Sequence[Chunk], index_version: str) -> None:
    """The chunks table for the persisted index (what ingest writes before its swap)."""
    sessions = open_db(settings)
    try:
        with sessions() as session, session.begin():
            replace_chunks(session, chunks, index_version=index_version)
    finally:
        sessions.kw["bind"].dispose()
