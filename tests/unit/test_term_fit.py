"""Term fit: local IDF over a candidate pool, weighted overlap, and a script question's fit."""

from __future__ import annotations

import pytest

from assist.term_fit import as_searched, overlap, script_fit, term_set, weights
from korean.lexicon import load_lexicon


def test_a_term_in_every_candidate_weighs_less_than_a_rare_one() -> None:
    pool = [
        term_set("적립금 유효기간은 1년입니다"),
        term_set("적립금은 결제 시 사용"),
        term_set("적립금 소멸 안내"),
    ]
    w = weights(pool)
    assert w["적립금"] < w["유효"]  # Kiwi: 유효기간 = 유효 + 기간


def test_overlap_is_the_weighted_share_of_the_question_terms_found() -> None:
    w = {"적립금": 0.5, "유효기간": 2.0}
    q = frozenset({"적립금", "유효기간"})
    assert overlap(q, frozenset({"유효기간"}), w, 1.0) == pytest.approx(0.8)
    assert overlap(q, frozenset({"적립금", "유효기간"}), w, 1.0) == pytest.approx(1.0)
    assert overlap(frozenset({"미지"}), frozenset({"미지"}), w, 3.0) == pytest.approx(1.0)  # default weight
    assert overlap(frozenset(), frozenset({"적립금"}), w, 1.0) == 0.0


def test_a_script_question_fits_by_its_words_and_not_without_one() -> None:
    question = "적립금 유효기간이 얼마나 되나요?"
    qterms = term_set(question)
    w = weights([qterms, term_set("적립금 소멸 안내")])
    same = script_fit(question, qterms, "적립금 유효기간은 얼마나 되나요?", w)
    other = script_fit(question, qterms, "배송지는 어디서 바꾸나요?", w)
    assert 0.8 < same <= 1.0 and other < 0.5
    assert script_fit(question, qterms, "", w) == 0.0


def test_a_script_question_is_compared_in_the_wording_the_inquiry_is_searched_in() -> None:
    # "비번 까먹었어요" is searched as "비밀번호 잊어버렸어요"; the script question "비밀번호를
    # 까먹었어요." said the same thing in the words the lexicon rewrites, and fitted 0.71 only
    lexicon = load_lexicon(None)
    inquiry = as_searched("비번 까먹었어요", lexicon)
    asked = as_searched("비밀번호를 까먹었어요.", lexicon)
    assert "잊어버렸" in inquiry and "잊어버렸" in asked
    qterms = term_set(inquiry)
    w = weights([qterms, term_set("비밀번호 규칙은 8~20자입니다")])
    assert script_fit(inquiry, qterms, asked, w) > 0.9
    assert script_fit(inquiry, qterms, "비밀번호를 까먹었어요.", w) < 0.8
    assert as_searched("비밀번호를 까먹었어요.", None) == "비밀번호를 까먹었어요."


def test_the_term_cache_drops_the_least_recently_used_and_a_reserve_never_shrinks_it(
    tokenised: list[str],
) -> None:
    from assist import term_fit

    first = term_fit._terms("적립금 유효기간")
    term_fit._terms("쿠폰 사용 기간")
    assert term_fit._terms("적립금 유효기간") is first  # held, and now the most recent
    assert tokenised == ["적립금 유효기간", "쿠폰 사용 기간"]
    term_fit._terms("배송 지연 안내")  # pushes out 쿠폰, the least recently used
    assert term_fit.terms_held() == 2 and "쿠폰 사용 기간" not in term_fit._TERMS
    # term_set: the same terms as a set, kept as one for the texts used last
    assert term_fit.term_set("적립금 유효기간") == frozenset(first)
    assert term_fit.term_set("적립금 유효기간") is term_fit.term_set("적립금 유효기간")
    assert tokenised == ["적립금 유효기간", "쿠폰 사용 기간", "배송 지연 안내"]
    term_fit.reserve_terms(5)
    term_fit.reserve_terms(3)
    assert term_fit._TERMS.size == 5
    # the same morpheme in two sets is one string object (interned)
    a, b = term_fit.term_set("적립금 소멸"), term_fit.term_set("적립금 사용")
    assert next(t for t in a if t == "적립금") is next(t for t in b if t == "적립금")
