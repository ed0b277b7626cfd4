"""Where a question asks: its sentences, its clauses of circumstance, the clause that asks.

"모레 출국인데 항공권 이름 오타 지금 발견함;; 고객센터서 고쳐줘요?" asks about the name on the
ticket, not about leaving the day after tomorrow; "주소 잘못넣었어요ㅠ 교재 배송지 바꿀수있나요" is a
statement, then a question, with no full stop between them. :func:`sentences` cuts a question
into its sentences (after ?/!/. and after a sentence-final ending more words follow) and
:func:`asking_clause` gives the clause of a sentence that asks: what follows its last clause of
circumstance ("충전하면 …", "시켰는데 …", "결제할 때 …"). The readers of :mod:`korean.things` work
on these. Kiwi's typo-tolerant analysis of each text is made once (:func:`analysed`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any

from korean.colloquial import typo_tokens

__all__ = ["SENTENCE_END", "analysed", "asking_clause", "asking_tokens", "sentences"]


@functools.lru_cache(maxsize=4096)
def analysed(text: str) -> tuple[Any, ...]:
    """Kiwi's typo-tolerant tokens of ``text``, once per text: the sentence splitter and the
    yes/no, given/exists, what, to-do and noun readers each look at the same sentences of one
    question (up to five analyses of one sentence on the hand-off check's path)."""
    return tuple(typo_tokens(text))


SENTENCE_END = re.compile(r"(?<=[?？!.\n])\s*")
# connective endings that close a clause of circumstance before the one that asks ("충전하면 …",
# "시켰는데 …", "결제해도 …"); 려면/려고 (what the customer wants to do) and an ending before an
# auxiliary verb ("받고 싶어요", "해야 하나요") keep the asking clause open (Kiwi writes the final
# consonant of ᆫ데, ᆫ다면 as a jamo)
_CLAUSE_END = frozenset(
    "는데 ᆫ데 은데 인데 면 으면 다면 ᆫ다면 는다면 라면 이라면 면서 으면서 니까 으니까 니 으니 서 아서 어서 "
    "여서 지만 다가 자 거나 고 아도 어도 여도 도 는데도 더니 길래".split()
)
# "… 움직임이 없을 시", "… 결제할 때", "… 분실한 경우": a noun after a modifier ending closes a
# clause of circumstance too
_WHEN_NOUNS = frozenset("시 때 경우 동안 도중 중 후 뒤 전 다음".split())
_WHETHER_AFTER = frozenset("되 돼 괜찮 좋".split())


def sentences(question: str) -> list[str]:
    """The question's sentences: cut after ?/!/./newline, then after final endings more words follow."""
    return [s for part in SENTENCE_END.split(question) for s in _said_apart(part)]


def _said_apart(text: str) -> list[str]:
    """``text`` cut after each sentence-final ending that more words follow: chat leaves out the
    full stop ("주소 잘못넣었어요ㅠ 교재 배송지 바꿀수있나요" is a statement, then the question)."""
    if not text.strip():
        return [text]
    tokens = analysed(text)
    cuts = [tok.end for i, tok in enumerate(tokens) if _ends_sentence(tokens, i)]
    return [text[a:b] for a, b in itertools.pairwise([0, *cuts, len(text)])]


# the polite ending as Kiwi splits it after a sentence-final ending
_POLITE = frozenset("요 여 용".split())


def _ends_sentence(tokens: Sequence[Any], i: int) -> bool:
    """Token ``i`` is a sentence-final ending that more words (not only symbols, nor the polite 요
    that Kiwi splits from "…인가요?", "…일까요?") follow."""
    return tokens[i].tag == "EF" and any(
        not t.tag.startswith("S") and not (t.tag == "JX" and t.form in _POLITE) for t in tokens[i + 1 :]
    )


def asking_tokens(text: str) -> Sequence[Any]:
    """The tokens of the clause of ``text`` that asks (from :func:`_asking_start`)."""
    tokens = analysed(text)
    return tokens[_asking_start(tokens) :]


def asking_clause(text: str) -> str | None:
    """The clause of ``text`` that asks; None when nothing is left."""
    asking = asking_tokens(text)
    return text[asking[0].start :] if asking else None


def _asking_start(tokens: Sequence[Any]) -> int:
    """Index of the first token of the clause that asks: after the last clause of circumstance
    ("충전하면 …", "시켰는데 …", "결제할 때 …") or sentence-final ending that more words follow.
    면/도 before 되/괜찮 ends no clause: "어떤 서류를 내면 되나요?", "어디서 나는지 찾아봐도
    괜찮을까요?" ask with the whole predicate, 되/괜찮 saying whether."""
    start = _after_circumstance(tokens)
    while 0 < start < len(tokens) and tokens[start].form in _WHETHER_AFTER and tokens[start - 1].tag == "EC":
        start = _after_circumstance(tokens[: start - 1])
    return start


def _after_circumstance(tokens: Sequence[Any]) -> int:
    """Index after the last clause of circumstance or inner sentence-final ending (0: none)."""
    start = 0
    for i, tok in enumerate(tokens):
        after = tokens[i + 1].tag if i + 1 < len(tokens) else ""
        ends = _ends_sentence(tokens, i)
        when = tok.form in _WHEN_NOUNS and i > 0 and tokens[i - 1].tag == "ETM"
        # "요금제 쓰는데 …": Kiwi reads the connective 는데 as 는/ETM + 데/NNB (no particle after)
        when = when or (
            tok.form == "데" and i > 0 and tokens[i - 1].tag == "ETM" and not after.startswith("J")
        )
        if ends or when or (tok.tag == "EC" and tok.form in _CLAUSE_END and not after.startswith("VX")):
            start = i + 1
    return start
