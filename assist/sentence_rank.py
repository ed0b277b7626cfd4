"""The articles an agent sees beside a ticket, re-ranked by their best sentence: the one sentence
that answers a question says more than the chunk around it.

Retrieval scores chunks: a paraphrase ("할인권이랑 모아둔 포인트를 한 주문에 같이 쓸 수 있어요?")
matches the one 주요 상황 line of the points article that answers it ("쿠폰과 적립금 동시 사용:
함께 쓸 수 있어요") better than any chunk, whose other lines are about something else, while the
coupon article's chunks share more of its words. So the retrieved documents' answer sentences
(each embedded as :func:`assist.answer_sentences.vector_text`, a situation's under its heading),
상담 스크립트 questions and titles (an FAQ entry's title is its question) are compared with the
query vector, and a document whose best sentence is further from the query than the best
document's loses score in proportion:

    score' = max(0, score − weight · top score · (best sentence of all − its best sentence) / unit)

``unit`` is a cosine distance of the bundled e5 model (whose cosines lie in a narrow band) or,
for another model, the spread of the documents' best cosines. The document whose sentence is
closest keeps its score. Sentence vectors come from the cache the serving warm-up fills
(:mod:`assist.sentence_vectors`), so a re-rank costs a few hundred dot products.

Measured with ``kms eval fusion``'s "suggested" row (the product's search, its first ten articles
re-ranked, as then; nDCG@10 against the search alone; twenty now, see :data:`POOL`). Without titles
at weight 1, stackfaq fell 0.9611 → 0.9007 (its answers' sentences, not its questions, were
compared); with titles, weight 1 / 0.5 / 0.25: stackfaq 0.9498 / 0.9624 / 0.9668, abcd_kb 0.7700 →
0.7730 / 0.7863 / 0.7927, welfare_qa_ko 0.8709 → 0.8892 / 0.8869 / 0.8818, parakqc 0.9519 → 0.9527
/ 0.9528 / 0.9533, the 15 fresh KBs 0.9671 → 0.9784 / 0.9773 / 0.9752, the sample KB's safety set
0.8717 → 0.9047 / 0.8990 / 0.8972, the sample KB's eval set 0.9495 → 0.9372 / 0.9370 / 0.9407 (its
close neighbours: a password-reset link question lists the profile article's e-mail link rule
first). 0.5 is the default: every public set gains, and it keeps most of the gain on the product's
own kind of articles. Right article first (answerable rows, the suggestion path): sample KB safety
set 183 → 195 of 216 (weight 1: 197), fresh KBs 578 → 595 of 628 (597).

Only the suggestions' article list is re-ranked. Answers and reply drafts already choose their
sentences by the same sentence similarity across the first three articles (:mod:`assist.compose`),
so re-ranking their evidence gained 4 and 0 right articles on those sets, and the margins it
creates between articles made the calibrated confidence tell right from wrong less well (sample
KB at threshold 0.81, refitted model: wrong-answer rate 0.029 → 0.042, false answers on
unanswerable rows 0.032 → 0.053).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from assist.answer_sentences import answer_chunks, chunk_candidates, doc_chunks, headroom, vector_text
from assist.kept_lru import KeptLRU
from assist.sentence_vectors import sentence_vectors
from core.types import Chunk, DocHit
from indexes.hybrid import HybridIndex

__all__ = ["POOL", "best_sentence_cosines", "by_best_sentence", "chunk_texts", "reserve_texts"]

# articles re-ranked for an agent's list: this many times the number shown (kms eval fusion,
# suggested nDCG@10 with 10 / 15 / 20 / 30 articles: welfare_qa_ko 0.8869 / 0.8880 / 0.8897 /
# 0.8896, parakqc 0.9528 / 0.9560 / 0.9560 / 0.9560, stackfaq 0.9624 / 0.9635 / 0.9635 / 0.9635,
# abcd_kb 0.7863 / 0.7840 / 0.7887 / 0.7864; the sample KB's and fresh KBs' sets equal within 0.0001)
POOL = 4

# a cosine distance of the bundled e5 model that costs one top score at weight 1 (its
# query-sentence cosines of one inquiry span about 0.80-0.92)
_E5_UNIT = 0.05


# per answer chunk (id, content hash): the texts its sentences and script question are embedded as
# (building them again from the chunk's sentences cost ~3.6 ms for five articles of the sample KB)
_TEXTS: KeptLRU[tuple[str, str], tuple[str, ...]] = KeptLRU(20_000)


def reserve_texts(n: int) -> None:
    """Keep the texts of at least ``n`` chunks (the serving warm-up: every answer chunk)."""
    _TEXTS.reserve(headroom(n))


def chunk_texts(chunk: Chunk) -> tuple[str, ...]:
    """What an answer chunk's sentences (:func:`assist.answer_sentences.vector_text`), its script
    question and its document's title are embedded as, once per chunk version: the re-rank compares
    them with an inquiry and the serving warm-up embeds them (:mod:`assist.sentence_warmup`)."""
    key = (chunk.chunk_id, chunk.hash)
    hit = _TEXTS.get(key)
    if hit is None:
        texts = [vector_text(cand) for cand in chunk_candidates(chunk)]
        if chunk.section == "scripts" and chunk.meta.get("question"):
            texts.append(str(chunk.meta["question"]))
        if chunk.title.strip():  # an FAQ entry's title is its question (stackfaq)
            texts.append(chunk.title.strip())
        hit = tuple(dict.fromkeys(texts))
        _TEXTS.put(key, hit)
    return hit


def best_sentence_cosines(index: HybridIndex, docs: Sequence[DocHit], qvec: np.ndarray) -> dict[str, float]:
    """Each document's highest cosine between ``qvec`` and one of its answer sentences or
    script questions (documents without either are left out)."""
    texts: list[str] = []
    owners: list[str] = []
    for doc in docs:
        own: set[str] = set()  # a title is every chunk's; overlapping chunks share a sentence
        for chunk in answer_chunks(doc_chunks(index, doc.doc_id) or [h.chunk for h in doc.chunks]):
            for text in chunk_texts(chunk):
                if text not in own:
                    own.add(text)
                    texts.append(text)
                    owners.append(doc.doc_id)
    if not texts:
        return {}
    cosines = sentence_vectors(index.embedder, texts) @ qvec
    best: dict[str, float] = {}
    for owner, cos in zip(owners, cosines.tolist(), strict=True):
        if cos > best.get(owner, -2.0):
            best[owner] = cos
    return best


def by_best_sentence(
    docs: Sequence[DocHit], index: HybridIndex, qvec: np.ndarray | None, weight: float
) -> list[DocHit]:
    """``docs`` re-scored by their best sentence (see the module) and sorted, best first; the
    same list when there is nothing to compare (no query vector, one document, weight 0)."""
    if qvec is None or len(docs) < 2 or not weight:
        return list(docs)
    best = best_sentence_cosines(index, docs, qvec)
    if len(best) < 2:
        return list(docs)
    closest, farthest = max(best.values()), min(best.values())
    unit = _E5_UNIT if "e5" in index.embedder.model_id else max(closest - farthest, 1e-6)
    top = max(max(d.score for d in docs), 1e-9)
    rescored = [
        replace(d, score=max(d.score - weight * top * (closest - best.get(d.doc_id, farthest)) / unit, 0.0))
        for d in docs
    ]
    return sorted(rescored, key=lambda d: -d.score)
