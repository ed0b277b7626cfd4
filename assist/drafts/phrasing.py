"""Resolution sentences as article statements: cut into clauses, reported speech made direct.

Agents write resolutions as reports ("7일 이내 수정 가능하다고 안내드렸고, 방법을 알려드렸습니다").
An article states the rule and the action ("7일 이내 수정 가능합니다.", "방법을 알려드립니다.").
With Kiwi morphemes:

- ``clauses``: a sentence is cut after a past-tense connective (``-었고``, ``-었으며``), the seam
  between two reported actions;
- ``to_statement``: a quoted statement (``-다고/-라고`` + 안내/말씀/설명 ...) keeps what was said;
  otherwise the main predicate loses its past tense; either way it ends in 하십시오체
  (``-ㅂ니다/-습니다``), rebuilt with ``Kiwi.join``. Text Kiwi can't read this way (English, noun
  endings like "확인 후 안내 예정") is returned as it was.

- ``to_step``: a handling action as an instruction to the agent, benefactive 드리다 and past tense
  dropped ("방법을 안내드렸고" -> "방법을 안내하세요.", "추적을 요청했습니다" -> "추적을 요청하세요.");
- ``read_resolution``: every clause with its sentence role (:mod:`korean.roles`), the general,
  customer-facing sentence it states (a ``general`` clause, or the safe rewrite of a quotative
  agent note) and its step form.

Only endings change, never content words, so a statement stays supported by its source ticket.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from korean.kiwi import KIWI_LOCK, kiwi
from korean.roles import Role, classify
from korean.sentences import split_sentences

__all__ = ["Said", "clauses", "one_line", "read_resolution", "statements", "to_statement", "to_step"]

_QUOTATIVE = frozenset({"다고", "ᆫ다고", "는다고", "라고", "이라고", "냐고", "자고"})
_REPORT_NOUNS = frozenset({"안내", "말씀", "설명", "전달", "고지", "공지", "답변", "회신", "문자", "통보"})
_PREDICATES = frozenset({"VV", "VA", "VX", "XSV", "XSA", "VCP", "VCN"})
_PAST = frozenset({"었", "았", "였", "었었", "았었"})
_SEAM_ENDINGS = frozenset({"고", "으며", "며"})
_ENDING = ("ᆸ니다", "EF")
_DONE_NOUNS = frozenset({"완료", "성공", "종료"})
_TRAILING = re.compile(r"[\s.,!?…~]+$")


def one_line(text: str) -> str:
    """Whitespace (line breaks included) collapsed to single spaces."""
    return " ".join(text.split())


def _tokens(text: str) -> list[Any]:
    with KIWI_LOCK:
        return list(kiwi().tokenize(text))


def _join(morphs: Sequence[tuple[str, str]]) -> str:
    with KIWI_LOCK:
        return str(kiwi().join(list(morphs)))


def clauses(sentence: str) -> list[str]:
    """``sentence`` cut after each past-tense connective (``안내드렸고,`` | ``확인했으며``)."""
    text = one_line(sentence)
    tokens = _tokens(text)
    cuts: list[int] = []
    for prev, tok in pairwise(tokens):
        if tok.tag == "EC" and tok.form in _SEAM_ENDINGS and prev.tag == "EP" and prev.form in _PAST:
            end = tok.start + tok.len
            while end < len(text) and text[end] in ", ":
                end += 1
            cuts.append(end)
    pieces: list[str] = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut].strip().rstrip(",").strip()
        if piece:
            pieces.append(piece)
        start = cut
    return pieces


def _stem_index(tokens: Sequence[Any], before: int) -> int | None:
    """Index of the last predicate stem before position ``before`` (skipping past-tense marks)."""
    i = before - 1
    while i >= 0 and tokens[i].tag == "EP":
        i -= 1
    return i if i >= 0 and tokens[i].tag.split("-")[0] in _PREDICATES else None


def to_statement(clause: str) -> str:
    """A clause as a direct 하십시오체 statement in the present ("…합니다."), or unchanged."""
    text = _TRAILING.sub("", one_line(clause))
    if not text:
        return ""
    tokens = _tokens(text)
    if not tokens:
        return text
    quote = next(
        (
            i
            for i in range(len(tokens) - 1, 0, -1)
            if tokens[i].tag == "EC"
            and tokens[i].form in _QUOTATIVE
            and any(t.form in _REPORT_NOUNS or t.tag.startswith("V") for t in tokens[i + 1 :])
        ),
        None,
    )
    if quote is not None:  # "…가능하다고 안내드렸습니다" -> "…가능합니다"
        stem = quote - 1
        if tokens[stem].tag == "EP" and stem > 0:
            stem -= 1
        if tokens[stem].tag.split("-")[0] not in _PREDICATES:
            return text + "."
        morphs = [(t.form, t.tag) for t in tokens[stem:quote]]
        return text[: tokens[stem].start] + _join([*morphs, _ENDING]) + "."
    last = len(tokens) - 1
    if tokens[last].tag not in ("EF", "EC"):
        return text + "."
    end_stem = _stem_index(tokens, last)
    if end_stem is None:
        return text + "."
    head = tokens[end_stem]
    return text[: head.start] + _join([(head.form, head.tag), _ENDING]) + "."


def statements(text: str) -> list[str]:
    """Every clause of ``text`` (a resolution) as a statement, in order."""
    out: list[str] = []
    for sentence in split_sentences(text):
        for clause in clauses(sentence):
            statement = to_statement(clause)
            if statement and re.search(r"\w", statement):
                out.append(statement)
    return out


def to_step(clause: str) -> str | None:
    """The clause's main action as an instruction to the agent ("…을 안내하세요."), or None."""
    text = _TRAILING.sub("", one_line(clause))
    tokens = _tokens(text) if text else []
    if not tokens or tokens[-1].tag not in ("EF", "EC"):
        return None
    i = len(tokens) - 2
    while i >= 0 and tokens[i].tag == "EP":
        i -= 1
    benefactive = None
    if i >= 0 and tokens[i].form == "드리" and tokens[i].tag.startswith("V"):  # 안내드리다, 처리해 드리다
        benefactive = tokens[i]
        i -= 1
        if i >= 0 and tokens[i].tag.startswith("NN"):
            return text[: tokens[i].start + tokens[i].len] + "하세요."
        if i >= 0 and tokens[i].tag == "EC":
            i -= 1
    if i < 0 or tokens[i].tag.split("-")[0] not in ("VV", "XSV") or tokens[i].form in ("되", "있", "없"):
        return None
    if tokens[i].form == "하" and tokens[i].tag.startswith("XSV"):
        if i > 0 and tokens[i - 1].form in _DONE_NOUNS:  # "재설정 완료했습니다": a report, not an action
            return None
        return text[: tokens[i].start] + "하세요."
    if benefactive is not None:  # "알려드렸고" -> "알려 주세요."
        return text[: benefactive.start].rstrip() + " 주세요."
    return (
        text[: tokens[i].start] + _join([(tokens[i].form, tokens[i].tag.split("-")[0]), ("세요", "EF")]) + "."
    )


@dataclass(frozen=True)
class Said:
    """One clause of a resolution: as written, its role, its general sentence and its step form."""

    clause: str
    statement: str  # the clause as a present 하십시오체 statement (to_statement)
    role: Role
    general: str | None  # customer-facing and true for any customer, else None
    step: str | None  # the clause's action as an instruction to the agent, else None


def read_resolution(text: str) -> list[Said]:
    """Every clause of a resolution with its role (see the module docstring), in order."""
    out: list[Said] = []
    for sentence in split_sentences(text):
        for clause in clauses(sentence):
            statement = to_statement(clause)
            if not statement or not re.search(r"\w", statement):
                continue
            label = classify(clause)
            general = statement if label.role == "general" else label.rewrite
            out.append(Said(clause, statement, label.role, general, to_step(clause)))
    return out
