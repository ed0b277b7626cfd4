"""A draft's chunks embedded ahead of its approval, so that approving it does not wait for the model.

Approving a new-article draft indexes the whole article at once; on two cores each chunk costs a
few hundred ms to embed (measured at 100k chunks: approval p50 0.9 s, p95 2.1 s, against ~70 ms
for an article edit, which re-embeds only what it changed). :func:`embed_ahead` runs after
``kms drafts generate`` stored its drafts: it chunks each draft as its approval will (the same
render, record, chunker and PII masking; the 문서 관리 section, which approval rewrites, is not
indexed) and keeps the vectors in ``DATA_DIR/cache/draft-vectors/<draft id>-<model>.npz``, keyed
by the chunk text's hash. :func:`vectors_ahead` reads them at approval; a chunk whose text the
reviewer changed since is simply embedded then. The chunks' BM25 tokens are kept beside them
(``<draft id>-tokens-<tokenizer>.json``; Kiwi took up to ~120 ms of an approval at 100k chunks):
:func:`tokens_ahead`. The files are a cache: a missing or unreadable one costs only the time it
would save, and :func:`forget` removes them once the draft is decided.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from assist.drafts.render import render_markdown, to_record
from assist.knowledge import KnowledgeBase
from assist.sentence_store import load_vectors, model_key, text_key, write_vectors
from core.files import replace_file
from core.masking import mask_chunk
from core.types import Chunk
from indexes.lexical import TOKENIZER_ID, tokenize_many
from ingest.chunking import article_chunks
from storage import DraftRow

__all__ = ["draft_chunks", "embed_ahead", "forget", "tokens_ahead", "vectors_ahead"]

log = logging.getLogger(__name__)


def _path(kb: KnowledgeBase, draft_id: int) -> Path:
    return kb.settings.data_dir / "cache" / "draft-vectors" / f"{draft_id}-{model_key(kb.embedder)}.npz"


def _tokens_path(kb: KnowledgeBase, draft_id: int) -> Path:
    return kb.settings.data_dir / "cache" / "draft-vectors" / f"{draft_id}-tokens-{TOKENIZER_ID}.json"


def draft_chunks(kb: KnowledgeBase, row: DraftRow, article_id: str) -> list[Chunk]:
    """The chunks the draft's article will be indexed as, PII-masked as the index masks them."""
    s = kb.settings
    markdown = render_markdown(row.title, dict(row.sections or {}))
    rec = to_record(markdown, article_id=article_id, source=f"drafts/{row.id}")
    return [mask_chunk(c, allow=s.pii_allow) for c in article_chunks(rec, s)]


def embed_ahead(kb: KnowledgeBase, rows: Sequence[tuple[DraftRow, str]]) -> int:
    """Embed and keep the chunks of each (draft, article id it will get); returns how many chunks
    were embedded. A failure to write is one warning: approval then embeds them itself."""
    done = 0
    for row, article_id in rows:
        texts = list(dict.fromkeys(c.text for c in draft_chunks(kb, row, article_id)))
        if not texts:
            continue
        vectors = kb.embedder.embed_documents(texts)
        path = _path(kb, row.id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            keyed = {text_key(t): v for t, v in zip(texts, vectors, strict=True)}
            write_vectors(path, keyed, kb.embedder.dim)
        except OSError as exc:
            log.warning("draft %s: chunk vectors not kept (%s); its approval will embed them", row.id, exc)
            continue
        tokens = {text_key(t).hex(): toks for t, toks in zip(texts, tokenize_many(texts), strict=True)}
        try:
            replace_file(_tokens_path(kb, row.id), functools.partial(_write_json, tokens))
        except OSError as exc:
            log.warning("draft %s: chunk tokens not kept (%s); its approval will tokenise them", row.id, exc)
        done += len(texts)
    return done


def _write_json(value: object, fh: BinaryIO) -> None:
    fh.write(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def vectors_ahead(kb: KnowledgeBase, draft_id: int) -> dict[bytes, np.ndarray]:
    """The kept vectors of a draft's chunks, by the masked chunk text's key (``text_key``), as
    ``KnowledgeBase.index_documents`` looks them up once it has masked the chunks itself."""
    return load_vectors(_path(kb, draft_id), kb.embedder.dim)


def tokens_ahead(kb: KnowledgeBase, draft_id: int) -> dict[bytes, list[str]]:
    """The kept BM25 tokens of a draft's chunks, by the masked chunk text's key (empty when there
    is no usable file, or it was written by another tokenizer)."""
    try:
        data = json.loads(_tokens_path(kb, draft_id).read_text(encoding="utf-8"))
        return {bytes.fromhex(k): [str(t) for t in v] for k, v in data.items() if isinstance(v, list)}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError) as exc:
        log.warning("draft %s: its kept chunk tokens are unreadable (%s); approval tokenises", draft_id, exc)
        return {}


def forget(kb: KnowledgeBase, draft_id: int) -> None:
    """Remove a decided draft's kept vectors and tokens (nothing when there are none)."""
    try:
        _path(kb, draft_id).unlink(missing_ok=True)
        _tokens_path(kb, draft_id).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("draft %s: its kept chunk vectors were not removed (%s)", draft_id, exc)
