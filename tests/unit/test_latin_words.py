"""English words at a sentence end stay whole words for BM25 (Kiwi cuts "refund." in two)."""

from __future__ import annotations

from korean.kiwi import KIWI_LOCK, kiwi
from korean.latin import Piece, latin_words


def _pieces(text: str) -> list[tuple[str, str]]:
    with KIWI_LOCK:
        tokens = kiwi().tokenize(text)
    return [(p.form, p.tag) for p in latin_words(tokens)]


def test_a_sentence_final_english_word_is_one_word_without_its_full_stop() -> None:
    assert ("refund", "SL") in _pieces("I want a refund.")
    assert [f for f, t in _pieces("I paid by virtual account, and it's pending.") if t == "SL"][
        -1
    ] == "pending"
    words = [f for f, t in _pieces("my Canadian card won't go through.") if t == "SL"]
    assert words[-1] == "through"
    assert "th" not in words and "rough." not in words


def test_korean_tokens_and_words_apart_are_untouched() -> None:
    pieces = _pieces("KakaoPay로 결제했는데 Wi-Fi가 안돼요")
    assert ("KakaoPay", "SL") in pieces and ("결제", "NNG") in pieces
    # "Wi" and "Fi" are apart in the text (a hyphen between): two words, as Kiwi gives them
    assert ("Wi", "SL") in pieces and ("Fi", "SL") in pieces
    assert ("U.S", "SL") in _pieces("U.S. dollars")


def test_touching_latin_pieces_join_and_punctuation_alone_is_dropped() -> None:
    class Tok:
        def __init__(self, form: str, tag: str, start: int) -> None:
            self.form, self.tag, self.start, self.len = form, tag, start, len(form)

    toks = [
        Tok(
            "th",
            "SL",
            0,
        ),
        Tok("rough.", "SL", 2),
        Tok("환불", "NNG", 9),
        Tok(".", "SL", 12),
    ]
    assert list(latin_words(toks)) == [Piece("through", "SL"), Piece("환불", "NNG")]


def test_bm25_tokens_of_a_sentence_final_english_word_match_the_same_word_elsewhere() -> None:
    from indexes.lexical import tokenize, tokenize_many

    chunk = tokenize_many(["Refunds are approved after the return is inspected."])[0]
    assert "inspect" in chunk and "inspect" in tokenize("when is my return inspected")
    assert tokenize("I want a refund.") == tokenize("I want a refund")
