"""English BM25 tokens are Snowball stems (PyStemmer); Korean morphemes are never stemmed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from indexes.lexical import LexicalIndex, stem_en, tokenize, tokenize_many


def test_inflections_share_one_stem() -> None:
    for word in ("refunds", "refunded", "refunding", "Refund"):
        assert tokenize(word) == ["refund"], word
    assert tokenize("charges") == tokenize("charging") == tokenize("charged")


def test_korean_morphemes_are_untouched() -> None:
    assert tokenize("환불은 배송이 늦어요") == ["환불", "배송", "늦"]
    assert tokenize_many(["비밀번호를 잊어버렸어요"]) == [tokenize("비밀번호를 잊어버렸어요")]
    assert "환불" in tokenize("환불 refunds 문의") and "refund" in tokenize("환불 refunds 문의")


def test_stopwords_are_dropped_before_stemming() -> None:
    assert tokenize("this was the order") == ["order"]  # not "thi", "wa"


def test_query_and_chunk_tokens_agree() -> None:
    texts = ["How do I get refunds for my charges?", "SMS 인증번호가 안 와요", "Accounts were closed"]
    chunks = tokenize_many(texts)
    assert chunks == [tokenize(t) for t in texts]
    assert chunks == [tokenize(t, typos=True) for t in texts]  # the colloquial search's analysis too
    assert chunks[0] == ["get", "refund", "charg"]


def test_bm25_matches_an_inflected_query() -> None:
    index = LexicalIndex(
        tokenize_many(["Refunds are paid within three days", "Change your shipping address"])
    )
    scores = index.scores(tokenize("refund"))
    assert int(np.argmax(scores)) == 0 and scores[0] > 0
    assert index.scores(tokenize("changing addresses"))[1] > 0


def test_stemmer_is_safe_across_threads() -> None:
    words = [f"refunds{i % 7}" for i in range(200)] + ["running"] * 50
    with ThreadPoolExecutor(max_workers=4) as pool:
        stems = list(pool.map(stem_en, words))
    assert stems == [stem_en(w) for w in words]
    assert stem_en("running") == "run"
