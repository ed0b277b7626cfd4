"""Topic keywords: Kiwi nouns (and Latin words) weighted by tf-idf against all tickets of the run.

``tf`` is the share of the topic's tickets that use a noun, ``idf`` is smoothed over every
ticket of the run, so words every inquiry uses (주문, 고객) sink and words that set the topic
apart (선물하기, 세금계산서) rise. Generic support words never become keywords.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from korean.abbrev import AFTER_SERVICE
from korean.kiwi import KIWI_LOCK, kiwi

__all__ = ["DocFreq", "keywords", "noun_tokens", "title_for"]

_NOUN_TAGS = ("NNG", "NNP", "XR")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’/-]*")
_STOP = frozenset(
    "문의 고객 고객님 확인 안내 요청 처리 감사 상담 상담원 답변 경우 부분 문제 해결 관련 진행 말씀 방법 가능 "
    "이용 사용 내용 정도 지금 오늘 어제 이번 저번 하나 그거 이거 혹시 다시 정말 계속 때문 어디 언제 얼마 뭐 "
    "what how can why when where which does please thanks thank help need want get know still".split()
)


def noun_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Per text, in text order: Korean nouns and roots (Kiwi) and Latin-script words (a regex:
    Kiwi splits English oddly, "stolen." → s + tolen.), 에이에스 (A/S as ``korean.abbrev`` writes
    it) as one word, lowercased, 2+ characters, English
    stop words and generic support words dropped."""
    if not texts:
        return []
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # scikit-learn loads in seconds

    with KIWI_LOCK:
        analysed = kiwi().tokenize(list(texts))
    out: list[list[str]] = []
    for text, tokens in zip(texts, analysed, strict=True):
        found = [
            (tok.start, tok.form)
            for tok in tokens
            if tok.tag.split("-")[0] in _NOUN_TAGS and not tok.tag.startswith("SL")
        ]
        for m in _LATIN.finditer(text):
            word = m.group(0).strip("'’/-")
            compact = word.replace("/", "")
            # an acronym (AS, A/S, PG, OTP) is one word and never an English stop word
            if compact.isupper() or (compact != word and len(compact) <= 4):
                found.append((m.start(), compact.lower()))
            elif word.lower() not in ENGLISH_STOP_WORDS:
                found.append((m.start(), word.lower()))
        if AFTER_SERVICE in text:  # Kiwi cuts it into 에이 + 에스 after some nouns (드라이기 에이에스)
            pieces = {AFTER_SERVICE[:2], AFTER_SERVICE[2:]}
            found = [f for f in found if f[1] not in pieces and f[1] != AFTER_SERVICE]
            found += [(m.start(), AFTER_SERVICE) for m in re.finditer(AFTER_SERVICE, text)]
        found.sort()
        out.append([w for _, w in found if len(w) >= 2 and w not in _STOP])
    return out


class DocFreq:
    """Document frequencies over a background collection (every ticket of the run)."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.n = len(docs)
        self.df: Counter[str] = Counter(word for doc in docs for word in set(doc))

    def idf(self, word: str) -> float:
        return math.log((1 + self.n) / (1 + self.df.get(word, 0))) + 1.0


def keywords(docs: Sequence[Sequence[str]], background: DocFreq, k: int = 5) -> list[str]:
    """The ``k`` nouns that best set ``docs`` apart from the background (tf-idf, ties by word)."""
    if not docs:
        return []
    tf: Counter[str] = Counter(word for doc in docs for word in set(doc))
    least = 2 if len(docs) >= 4 else 1
    scored = [
        (count / len(docs) * background.idf(word), word) for word, count in tf.items() if count >= least
    ]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [word for _, word in scored[:k]]


def title_for(words: Sequence[str], representative: Sequence[str]) -> str:
    """Keyword-first title: up to three keywords, those of the representative inquiry first."""
    picked = list(words[:3])
    if not picked:
        return "반복 문의 처리 가이드"
    in_rep = {w: representative.index(w) for w in picked if w in representative}
    picked.sort(key=lambda w: (w not in in_rep, in_rep.get(w, 0)))
    return f"{' '.join(picked)} 문의 처리 가이드"
