"""Why chosen answer sentences do not answer the question, in words (a hand-off's reason).

The composer (:mod:`assist.compose`) checks a whole script answer and a composed answer the same
way: the time, cost or quantity asked for outright is given (:func:`korean.focus.unanswered`),
a thing asked about as well is named (:func:`assist.unmentioned.also_left_out`), and the
sentences speak neither of the contrary case (국제선 for 국내선) nor of what the question rules
out (:mod:`korean.contrasts`).
"""

from __future__ import annotations

from collections.abc import Sequence

from assist.unmentioned import also_left_out
from korean.contrasts import contrary_case, excluded_case
from korean.focus import unanswered

__all__ = ["why_unanswered"]


def why_unanswered(texts: Sequence[str], wanted: frozenset[str], question: str) -> str:
    """Why the answer's sentences ``texts`` do not answer the question, or "" when they do."""
    kinds = unanswered(texts, wanted)
    if kinds:
        return "no sentence gives the " + ", ".join(sorted(kinds)) + " asked for"
    if also_left_out(texts, question):
        return "no sentence names what is asked about as well"
    if contrary_case(texts, question):
        return "the closest sentences speak of the other case"
    if excluded_case(texts, question):
        return "the closest sentences speak of what the question rules out"
    return ""
