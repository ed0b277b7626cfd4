"""What a conversation already told the customer: the sentences of earlier assistant turns, and
whether an answer sentence says one of them again (a follow-up is not sent the last answer twice)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assist.answer_sentences import Candidate
from assist.term_fit import term_set
from korean.sentences import split_sentences

__all__ = ["said_before", "said_sentences"]

_CITATION = re.compile(r"\s*\[\d+\]")


def said_sentences(turns: Sequence[str]) -> list[str]:
    """The sentences of earlier assistant turns, without their citation marks."""
    return [s for turn in turns for s in split_sentences(_CITATION.sub("", turn)) if s.strip()]


def said_before(cand: Candidate, said: Sequence[str]) -> bool:
    """The conversation already told the customer this (a follow-up such as "그래도 똑같으면요?"
    asks for what comes next, not for the last answer again): at least 75 % of the sentence's
    morphemes are in one said sentence, whatever its endings or speech level. One way only: a
    sentence that says more than a short earlier one ("환불 계좌로 입금됩니다." → "… 영업일
    1~2일 안에 입금됩니다.") is what the follow-up asks for."""
    terms = term_set(cand.send_text)
    if not terms:
        return any(cand.send_text.strip() == s.strip() for s in said)
    return any(len(terms & term_set(s)) >= 0.75 * len(terms) for s in said)
