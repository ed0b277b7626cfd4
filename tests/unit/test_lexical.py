from __future__ import annotations

import numpy as np

from indexes.lexical import LexicalIndex, tokenize, tokenize_many


def test_particles_are_dropped() -> None:
    for text in ("환불은", "환불이", "환불", "환불을", "환불도"):
        assert tokenize(text) == ["환불"], text


def test_stems_foreign_words_and_numbers_kept() -> None:
    tokens = tokenize("에어팟 Pro 배송이 늦어요 3000원")
    assert "에어팟" in tokens
    assert "pro" in tokens  # lowercased
    assert "배송" in tokens
    assert "늦" in tokens  # adjective/verb stem
    assert "3000" in tokens
    assert "이" not in tokens


def test_english_lowercased_without_stopwords() -> None:
    assert tokenize("The Refund of my order") == ["refund", "order"]


def test_tokenize_many_matches_single() -> None:
    texts = ["결제가 두 번 됐어요", "비밀번호를 잊어버렸어요"]
    assert tokenize_many(texts) == [tokenize(t) for t in texts]


def test_bm25_matches_across_particles() -> None:
    docs = ["환불은 3~5영업일이 걸립니다", "배송지를 변경하는 방법", "쿠폰 사용 기한 안내"]
    index = LexicalIndex(tokenize_many(docs))
    for query in ("환불이 언제 되나요", "환불을 받고 싶어요", "환불"):
        scores = index.scores(tokenize(query))
        assert int(np.argmax(scores)) == 0, query
        assert scores[0] > 0


def test_unknown_query_tokens_score_zero() -> None:
    index = LexicalIndex(tokenize_many(["환불 안내"]))
    assert index.scores(tokenize("날씨 어때")).tolist() == [0.0]
    assert index.scores([]).tolist() == [0.0]


def test_save_and_load_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    index = LexicalIndex(tokenize_many(["환불 안내", "배송 조회"]), k1=1.5, b=0.6)
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.tokens == index.tokens
    assert (loaded.k1, loaded.b) == (1.5, 0.6)
    np.testing.assert_allclose(loaded.scores(["배송"]), index.scores(["배송"]))


def test_english_stopwords_are_bm25s_ones() -> None:
    from bm25s.stopwords import STOPWORDS_EN as BM25S_STOPWORDS_EN

    from indexes.lexical import STOPWORDS_EN

    assert tuple(STOPWORDS_EN) == tuple(BM25S_STOPWORDS_EN)
