"""Make the serving index and the chunks table agree with the database again.

Resolve, approve and article edits commit the database first and write the index after; a
crash or a failed index write in between leaves a resolved ticket (or a new article version)
that is not searchable. ``plan`` compares what the index should hold (published articles and
knowledge tickets, chunked and masked as a build would) with what it holds, per document; the
caller re-indexes the documents that differ (``KnowledgeBase.reconcile``). ``chunk_rows_differ``
says whether the chunks table mirrors the index (ids and content hashes).

Chunking every document is most of a start-up at scale (100k chunks: ~220 s of the ~250 s until
ready). A memo (``DATA_DIR/cache/reconcile-memo.json``) remembers, per document, the fingerprint
of the database record and of the index's chunk set the last time the two were seen to agree; a
document whose record and index chunks still have those fingerprints is not chunked again.
Chunking is deterministic given the record, the chunk and PII settings and the code that chunks
and masks, so the memo is keyed by those (a digest of the settings, the kiwipiepy version and the
source files of the chunker, the masking and the Korean text layer): any change there, a lost or
damaged memo, and the plan chunks everything as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.files import replace_file
from core.masking import mask_chunk
from core.records import ArticleRecord, TicketRecord
from core.settings import Settings
from core.types import Chunk, content_hash
from indexes.chunk_store import ChunkKey
from indexes.hybrid import HybridIndex
from ingest.chunking import chunk_records
from storage import active_articles, knowledge_tickets
from storage.models import ChunkRow

log = logging.getLogger(__name__)
MEMO_FILE = "reconcile-memo.json"
_PLAN_BATCH = 1000  # documents chunked at a time by ``plan``


@dataclass
class ReconcilePlan:
    """Documents to (re-)index: ``chunks`` to add after dropping every doc in ``replace_docs``.
    ``agreed``: the memo entries of the documents seen to agree (:func:`write_memo`)."""

    chunks: list[Chunk] = field(default_factory=list)
    replace_docs: list[str] = field(default_factory=list)
    agreed: dict[str, list[str]] = field(default_factory=dict)
    chunked: int = 0  # documents chunked to compare (the others were known to agree)

    @property
    def empty(self) -> bool:
        return not self.replace_docs


def _by_doc(chunks: Iterable[Chunk | ChunkKey]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for c in chunks:
        out.setdefault(c.doc_id, set()).add((c.chunk_id, c.hash))
    return out


def _record_key(record: ArticleRecord | TicketRecord) -> str:
    return content_hash(
        json.dumps(dataclasses.asdict(record), sort_keys=True, default=str, ensure_ascii=False)
    )


def _chunks_key(chunks: set[tuple[str, str]] | None) -> str:
    return content_hash("\n".join(f"{i}\t{h}" for i, h in sorted(chunks or ())))


def memo_key(settings: Settings) -> str:
    """What chunking and masking depend on besides the record: settings, library and code."""
    import kiwipiepy

    import core.masking
    import core.records
    import core.types
    import ingest.split
    import korean.kiwi
    import korean.lang
    import korean.pii
    import korean.sentences

    h = hashlib.sha256()
    h.update(
        json.dumps(
            [settings.chunk_max_chars, settings.chunk_overlap_sentences, sorted(settings.pii_allow)]
        ).encode()
    )
    h.update(str(getattr(kiwipiepy, "__version__", "")).encode())
    modules = (core.masking, core.records, core.types, ingest.split, korean.kiwi, korean.lang)
    files = [Path(str(m.__file__)) for m in (*modules, korean.sentences)]
    files += sorted(Path(str(korean.pii.__file__)).parent.glob("*.py"))
    for path in files:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:24]


def read_memo(path: Path, key: str) -> dict[str, list[str]]:
    """The memo's entries when it was written under ``key``; else none (everything is chunked)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("reconcile memo %s ignored (%s); every document is compared", path, exc)
        return {}
    docs = data.get("docs") if isinstance(data, dict) and data.get("key") == key else None
    return docs if isinstance(docs, dict) else {}


def write_memo(path: Path, key: str, agreed: dict[str, list[str]]) -> None:
    """Replace the memo (atomically) with ``agreed``."""
    data = json.dumps({"key": key, "docs": agreed}).encode("utf-8")
    replace_file(path, lambda fh: fh.write(data))


def memo_entries(
    records: Iterable[ArticleRecord | TicketRecord], have: dict[str, set[tuple[str, str]]]
) -> dict[str, list[str]]:
    """Per document, the memo entry of its record and of ``have``'s chunks of it (``_by_doc``)."""
    return {r.doc_id: [_record_key(r), _chunks_key(have.get(r.doc_id))] for r in records}


def memo_path(settings: Settings) -> Path:
    """Where the data dir keeps the memo."""
    return settings.data_dir / "cache" / MEMO_FILE


def save_memo(settings: Settings, key: str, agreed: dict[str, list[str]]) -> None:
    """Replace the data dir's memo with ``agreed``; only a cache: a failed write is a warning and
    costs the next comparison a full chunking."""
    path = memo_path(settings)
    try:
        write_memo(path, key, agreed)
    except OSError as exc:
        log.warning("reconcile memo %s not written (%s)", path, exc)


def remember_build(
    settings: Settings, records: Iterable[ArticleRecord | TicketRecord], index: HybridIndex
) -> None:
    """After a build from ``records``: every document agrees with ``index`` by construction, so
    the memo says so (the next comparison, an unchanged ingest or a start-up, chunks none of
    them). A record or chunk set that changes later no longer matches its entry and is compared."""
    save_memo(settings, memo_key(settings), memo_entries(records, _by_doc(index.chunk_keys())))


def plan(
    session: Session, settings: Settings, index: HybridIndex, *, memo: dict[str, list[str]] | None = None
) -> ReconcilePlan:
    """What differs between the database's knowledge and ``index``, document by document.

    ``memo`` (:func:`read_memo`): documents whose record and index chunks still have the
    fingerprints recorded there agree without being chunked again."""
    articles, tickets = active_articles(session), knowledge_tickets(session)
    have = _by_doc(index.chunk_keys())  # ids and hashes only: no chunk text is read
    known = memo or {}
    entries = memo_entries([*articles, *tickets], have)
    todo = {doc_id for doc_id, entry in entries.items() if known.get(doc_id) != entry}
    todo_articles = [a for a in articles if a.doc_id in todo]
    todo_tickets = [t for t in tickets if t.doc_id in todo]
    del articles, tickets
    # chunked a batch at a time, keeping only the chunks of documents that differ: the chunks of
    # every document (100k chunks: hundreds of MB of text) are never held at once
    differ: set[str] = set()
    chunks: list[Chunk] = []
    for start in range(0, len(todo_articles) + len(todo_tickets), _PLAN_BATCH):
        end = start + _PLAN_BATCH
        batch_articles = todo_articles[start:end]
        batch_tickets = todo_tickets[max(0, start - len(todo_articles)) : max(0, end - len(todo_articles))]
        expected = [
            mask_chunk(c, allow=settings.pii_allow)
            for c in chunk_records(batch_articles, batch_tickets, settings)
        ]
        want = _by_doc(expected)
        batch = {a.doc_id for a in batch_articles} | {t.doc_id for t in batch_tickets}
        differ |= {d for d in batch if want.get(d) != have.get(d)}
        chunks += [c for c in expected if c.doc_id in differ]
    stale = set(have) - set(entries)  # indexed, no longer knowledge in the database
    docs = sorted(differ | stale)  # a stale document has indexed chunks: it always differs
    wanted = set(docs)
    return ReconcilePlan(
        chunks=chunks,
        replace_docs=docs,
        agreed={doc_id: entry for doc_id, entry in entries.items() if doc_id not in wanted},
        chunked=len(todo),
    )


def chunk_rows_differ(session: Session, index: HybridIndex) -> bool:
    """True when the chunks table does not hold exactly the index's chunks (ids and hashes)."""
    stored = set(session.execute(select(ChunkRow.id, ChunkRow.content_hash)).tuples())
    return stored != {(k.chunk_id, k.hash) for k in index.chunk_keys()}
