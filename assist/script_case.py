"""A 상담 스크립트 answer's sentences as one customer's case: the values of its own question it
repeats ("4주" after "2주에서 4주로 바꿀 수 있나요?"), and what it says after reporting what was
checked or done for that customer ("확인해 보니 고객님 계정은 …"). Used where KB sentences get
their roles (:func:`assist.answer_sentences.chunk_candidates`) and where reply drafts check a
script's sentence against the inquiry (:mod:`assist.reply_draft`)."""

from __future__ import annotations

import re

from korean.role_cues import CHECKED
from korean.roles import RoleLabel, classify
from korean.roles_en import DONE_FOR_CASE

__all__ = ["echo_label", "echoed", "reports_a_check", "sentence_role", "values_of"]

# a number with its unit ("4주", "270 사이즈", "3,000원"): a value one customer may have asked about
_VALUE = re.compile(
    r"\d[\d,.]*\s*(?:주(?!문)|일(?![반부])|개월|달|년|시간|분|원|%|사이즈|회|장|개|번|kg|cm|mm)"
)


def echoed(text: str, question: str) -> frozenset[str]:
    """The values of ``question`` that ``text`` repeats ("4주" in "… 4주 간격으로 …" after
    "2주에서 4주로 바꿀 수 있나요?"): a script answer saying them states that customer's case."""
    return frozenset(values_of(text) & values_of(question)) if question else frozenset()


def sentence_role(text: str, echo: frozenset[str]) -> RoleLabel:
    """The sentence's role; a script answer sentence that repeats a value of its own question
    ("배송 주기를 2주에서 4주로 바꿀 수 있나요?" → "… 4주 간격으로 결제되고 배송돼요", "270사이즈
    언제 재입고돼요?" → "… 270 사이즈 재입고 알림도 …") states that customer's case."""
    label = classify(text)
    return echo_label(echo) if echo and label.role == "general" else label


def reports_a_check(text: str, role: RoleLabel) -> bool:
    """A case report that says what was checked or done for one customer (not a rule in a
    case's words): what a script answer says after it rests on that case."""
    return role.reason == DONE_FOR_CASE or bool(CHECKED.search(text))


def echo_label(echo: frozenset[str]) -> RoleLabel:
    """The role of a sentence repeating its script question's values: that customer's case."""
    return RoleLabel("case_report", f"repeats its script question's {', '.join(sorted(echo))}")


def values_of(text: str) -> set[str]:
    """The numbers with their units in ``text`` ("4주", "270사이즈", "3,000원"), spaces removed."""
    return {re.sub(r"\s+", "", v) for v in _VALUE.findall(text)}
