"""The articles listed beside a ticket are re-ranked by their best sentence (KMS_SENTENCE_RANK)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from assist.knowledge import KnowledgeBase
from assist.sentence_rank import best_sentence_cosines, by_best_sentence
from assist.suggest import suggest
from core.types import Chunk, ChunkHit, DocHit
from indexes.embedder import HashEmbedder
from tests.tinykb import article_kb

QUERY = "쿠폰과 적립금을 한 주문에 함께 쓸 수 있나요?"


def _chunk(doc_id: str, n: int, section: str, text: str, **meta: object) -> Chunk:
    return Chunk(f"{doc_id}#{section}-{n}", doc_id, "article", doc_id, section, text, text, dict(meta))


@dataclass
class _Index:
    """The two things the re-rank reads from an index: a document's chunks and the embedder."""

    chunks: dict[str, list[Chunk]]
    embedder: HashEmbedder = field(default_factory=HashEmbedder)

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return self.chunks.get(doc_id, [])


COUPON = [
    _chunk(
        "article:coupon",
        0,
        "policy",
        "쿠폰은 주문서에서 적용합니다. 같은 종류의 쿠폰 2장은 한 주문에 쓸 수 없습니다.",
    ),
    _chunk("article:coupon", 1, "policy", "쿠폰 유효기간이 지나면 복원되지 않습니다."),
]
POINTS = [
    _chunk("article:points", 0, "policy", "적립금은 결제금액의 최대 30%까지 쓸 수 있어요."),
    _chunk("article:points", 1, "scripts", "네, 함께 쓰실 수 있어요.", question=QUERY),
]
INDEX = _Index({"article:coupon": COUPON, "article:points": POINTS, "article:empty": []})


def _doc(doc_id: str, score: float) -> DocHit:
    chunks = INDEX.chunks.get(doc_id) or [_chunk(doc_id, 0, "title", doc_id)]
    return DocHit(doc_id, "article", doc_id, score, [ChunkHit(chunks[0], score)], {})


def _qvec(text: str) -> np.ndarray:
    return INDEX.embedder.embed_queries([text])[0]


def test_the_article_whose_sentence_is_closest_comes_first() -> None:
    docs = [_doc("article:coupon", 0.9), _doc("article:points", 0.8)]
    best = best_sentence_cosines(INDEX, docs, _qvec(QUERY))  # type: ignore[arg-type]
    assert best["article:points"] > best["article:coupon"]  # its script question is the inquiry
    ranked = by_best_sentence(docs, INDEX, _qvec(QUERY), 1.0)  # type: ignore[arg-type]
    assert [d.doc_id for d in ranked] == ["article:points", "article:coupon"]
    assert ranked[0].score == pytest.approx(0.8)  # the closest keeps its score
    assert ranked[1].score == 0.0  # the spread of a non-e5 model's cosines is one top score
    assert docs[0].score == 0.9  # the input is not changed


def test_a_smaller_weight_moves_articles_less() -> None:
    docs = [_doc("article:coupon", 0.9), _doc("article:points", 0.8)]
    ranked = by_best_sentence(docs, INDEX, _qvec(QUERY), 0.05)  # type: ignore[arg-type]
    assert [d.doc_id for d in ranked] == ["article:coupon", "article:points"]
    assert ranked[0].score == pytest.approx(0.9 - 0.05 * 0.9)


def test_nothing_to_compare_keeps_the_retrieval_order() -> None:
    docs = [_doc("article:coupon", 0.9), _doc("article:points", 0.8)]
    qvec = _qvec(QUERY)
    assert by_best_sentence(docs, INDEX, None, 1.0) == docs  # type: ignore[arg-type]
    assert by_best_sentence(docs, INDEX, qvec, 0.0) == docs  # type: ignore[arg-type]
    assert by_best_sentence(docs[:1], INDEX, qvec, 1.0) == docs[:1]  # type: ignore[arg-type]
    # a document without answer sentences counts as far as the farthest one
    with_empty = [_doc("article:empty", 1.0), *docs]
    ranked = by_best_sentence(with_empty, INDEX, qvec, 1.0)  # type: ignore[arg-type]
    assert ranked[0].doc_id == "article:points"
    assert {d.doc_id: d.score for d in ranked}["article:empty"] == 0.0


def test_a_documents_title_is_compared_too() -> None:
    """An FAQ entry's title is its question; its answer's sentences may share little with the inquiry
    (stackfaq: without titles the re-rank put another entry first for 12 % of the questions)."""
    faq = "How do I delete my account?"
    entries = {
        "doc:delete": [
            Chunk("doc:delete#body-0", "doc:delete", "doc", faq, "body", "Go to the help page.", "")
        ],
        "doc:other": [
            Chunk(
                "doc:other#body-0", "doc:other", "doc", "Change my e-mail", "body", "Delete my account?", ""
            )
        ],
    }
    index = _Index(entries)
    docs = [
        DocHit(d, "doc", chunks[0].title, 0.8, [ChunkHit(chunks[0], 0.8)], {})
        for d, chunks in entries.items()
    ]
    best = best_sentence_cosines(index, docs, _qvec(faq))  # type: ignore[arg-type]
    assert best["doc:delete"] == pytest.approx(1.0, abs=1e-3)  # the title is the inquiry (float16 cache)
    ranked = by_best_sentence(docs[::-1], index, _qvec(faq), 1.0)  # type: ignore[arg-type]
    assert ranked[0].doc_id == "doc:delete"


ARTICLE = """# {title}

## 요약
{summary}

## 정책
{policy}

## 상담 스크립트
Q: {question}
A: {answer}
"""


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rank")
    settings = article_kb(
        root,
        "coupon.md",
        ARTICLE.format(
            title="쿠폰 사용 안내",
            summary="쿠폰과 적립금을 한 주문에 함께 쓸 수 있는지, 쿠폰끼리 함께 쓸 수 있는지 정리했습니다.",
            policy="- 쿠폰은 한 주문에 종류별로 한 장씩 함께 쓸 수 있습니다.\n"
            "- 같은 종류의 쿠폰 두 장은 한 주문에 함께 쓸 수 없나요? 네, 쓸 수 없습니다.",
            question="쿠폰 두 장을 한 주문에 함께 쓸 수 있나요?",
            answer="같은 종류의 쿠폰은 한 주문에 한 장만 함께 쓰실 수 있습니다.",
        ),
    )
    (root / "src" / "points.md").write_text(
        ARTICLE.format(
            title="적립금 안내",
            summary="적립금이 쌓이는 시점과 사용 한도를 정리했습니다.",
            policy="- 적립금은 결제금액의 최대 30%까지 쓸 수 있습니다.",
            question=QUERY,
            answer="네. 결제 화면에서 먼저 할인이 반영되고, 남은 결제금액의 30% 안에서 차감됩니다. "
            "차감된 금액은 취소하면 복원되며, 복원 시점에 기한이 지났으면 소멸됩니다.",
        ),
        encoding="utf-8",
    )
    from ingest.pipeline import ingest_paths

    assert ingest_paths([root / "src"], settings).ok
    return settings.data_dir


def test_suggestions_list_the_re_ranked_articles(two_articles: Path) -> None:
    from core.settings import Settings

    on = KnowledgeBase(Settings(data_dir=two_articles, embedder="hash"))  # type: ignore[call-arg]
    off = KnowledgeBase(Settings(data_dir=two_articles, embedder="hash", sentence_rank=0))  # type: ignore[call-arg]
    listed_on = [a.article_id for a in suggest(on, QUERY, log=False).articles]
    listed_off = [a.article_id for a in suggest(off, QUERY, log=False).articles]
    assert sorted(listed_on) == sorted(listed_off)  # the same articles, maybe in another order
    # the coupon article's chunks share more of the inquiry's words; the points article's script
    # question is the inquiry, word for word
    assert listed_off[0] == "coupon"
    assert listed_on[0] == "points"
    scores = [a.score for a in suggest(on, QUERY, log=False).articles]
    assert scores == sorted(scores, reverse=True)


def test_an_article_below_the_first_k_can_be_listed(two_articles: Path) -> None:
    from core.settings import Settings

    on = KnowledgeBase(Settings(data_dir=two_articles, embedder="hash"))  # type: ignore[call-arg]
    off = KnowledgeBase(Settings(data_dir=two_articles, embedder="hash", sentence_rank=0))  # type: ignore[call-arg]
    assert [a.article_id for a in suggest(off, QUERY, k=1, log=False).articles] == ["coupon"]
    one = suggest(on, QUERY, k=1, log=False)
    assert [a.article_id for a in one.articles] == ["points"]  # re-ranked from twice the articles shown
    assert len(one.tickets) <= 1
    # the reply draft and its confidence come from the first k articles, re-rank or not
    assert one.confidence == suggest(off, QUERY, k=1, log=False).confidence
