"""상담 스크립트 and 주요 상황 from a topic's own tickets.

- Scripts: 2-3 real Q/A pairs, picked by maximal marginal relevance (the medoid first, then
  tickets close to the centroid and unlike those already picked) among the tickets whose inquiry
  is a customer's own question without placeholders and whose resolution states something general
  (the answer is those general sentences, customer-facing).
- Situations: the topic's tickets grouped by resolution type (tf-idf of resolution morphemes,
  average-linkage clustering); each group is one entry "<situation>: <solution>", the situation
  named from the group's inquiries ("한도 상향을 요청하는 경우"), the solution the generalised
  outcome of its most typical resolution.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from assist.clustering import agglomerative
from assist.drafts.keywords import DocFreq, noun_tokens
from assist.drafts.lines import BLANK, Line, make_line
from assist.drafts.lint import case_time, has_placeholder, question_problem
from assist.drafts.phrasing import Said, one_line
from assist.drafts.policy import is_action, object_particle
from assist.drafts.titles import best_phrase
from core.records import TicketRecord
from indexes.lexical import tokenize_many
from korean.pii import mask_pii

__all__ = [
    "answer_fit",
    "outcome",
    "pick_examples",
    "script_answer",
    "script_lines",
    "script_question",
    "situation_groups",
    "situation_label",
    "situation_lines",
]

NO_SCRIPTS = "검토 필요: 상담 스크립트로 쓸 티켓 답변을 찾지 못했습니다."
NO_SITUATIONS = "검토 필요: 티켓에서 주요 상황을 찾지 못했습니다."
SITUATION_DISTANCE = 0.85
MAX_SITUATIONS = 4
MAX_SITUATION_STATEMENTS = 2
MAX_ANSWER_SENTENCES = 4
# a script answer must hold this share of its question's noun weight, and this many of its nouns
MIN_FIT = 0.5
MIN_SHARED_NOUNS = 2
REUSE_FIT = 0.75  # an answer serves a second question only when it fits this well
_MAX_QUESTION = 200
_PROBLEM = re.compile(
    r"안\s*(?:돼|되|들어|와|열려|보여|떠)|못\s*(?:받|하|찾)|오류|에러|실패|누락|지연|꺼[져지]|튕|먹통|"
    r"사라졌|없어졌|이상해|잘못"
)
_REQUEST = re.compile(r"해\s*주세요|해주실|원해|싶어|싶은데|요청|바꿔|변경|올려|늘려|취소해|환불해|보내\s*주")
_PROBLEM_EN = re.compile(
    r"\b(?:not|isn't|doesn't|didn't|won't|can't|cannot|never)\b|\b(?:error|failed|declined|missing|"
    r"wrong|broken|stuck|lost|stolen)\b",
    re.IGNORECASE,
)
_REQUEST_EN = re.compile(r"\b(?:please|i want|i'd like|i would like|i need)\b", re.IGNORECASE)
_HANGUL = re.compile(r"[가-힣]")
_LATIN = re.compile(r"[A-Za-z]")
_ADDRESS = re.compile(r"^고객님\s*(?:은|께서는|께서|의|이)\s*")
_PAST_CHECK = re.compile(
    r"확인\s*(?:해\s*보니|결과|되어|돼|해\s+안내)|조회\s*결과|(?:된|한|인)\s*것(?:으로|을|이)\s*확인"
)


def pick_examples(vectors: np.ndarray, eligible: Sequence[int], k: int, *, weight: float = 0.7) -> list[int]:
    """Rows of ``eligible`` by maximal marginal relevance to the centroid of all ``vectors``."""
    if not eligible or k <= 0:
        return []
    center = vectors.mean(axis=0)
    center = center / (np.linalg.norm(center) or 1.0)
    relevance = vectors @ center
    picked = [max(eligible, key=lambda r: (relevance[r], -r))]
    while len(picked) < min(k, len(eligible)):
        rest = [r for r in eligible if r not in picked]
        scores = {
            r: weight * relevance[r] - (1 - weight) * max(float(vectors[r] @ vectors[p]) for p in picked)
            for r in rest
        }
        picked.append(max(rest, key=lambda r: (scores[r], -r)))
    return picked


def script_question(inquiry: str) -> str | None:
    """The inquiry as a script question: the customer's own words, no placeholder, not a memo."""
    text = mask_pii(one_line(inquiry))  # a masked value ("[주문번호]") is a placeholder in a script
    if not 4 <= len(text) <= _MAX_QUESTION or question_problem(text):
        return None
    return text


def script_answer(said: Sequence[Said]) -> str | None:
    """A customer-facing answer: the resolution's general sentences (safe rewrites included)."""
    parts = [
        s.general
        for s in said
        if s.general and not has_placeholder(mask_pii(s.general)) and not case_time(s.general)
    ]
    text = " ".join(list(dict.fromkeys(parts))[:MAX_ANSWER_SENTENCES])
    return text or None


def script_lines(
    tickets: Sequence[TicketRecord], vectors: np.ndarray, said: Mapping[str, Sequence[Said]]
) -> list[Line]:
    """2-3 Q/A pairs (3 when the topic has 6+ customer questions), a blank line between pairs.

    A pair is a real customer question (:func:`script_question`) and the general sentences of a
    resolution of the topic (:func:`script_answer`) that answer it: the one whose nouns cover the
    question's best (:func:`answer_fit`), its own ticket's on a tie. A ticket's resolution need not
    answer its inquiry ("렌탈 약정 … 해지하면 어떻게 되요" was answered, in a script, with how to change
    the rental's payment card, which one agent had also explained); a question no resolution of
    the topic answers is not used, and an answer is used twice only where too few answers fit.
    """
    seen: set[str] = set()
    questions: dict[int, str] = {}
    answers: dict[int, str] = {}
    for row, t in enumerate(tickets):
        question = script_question(t.inquiry)
        if question and question not in seen:
            seen.add(question)
            questions[row] = question
        answer = script_answer(said.get(t.ticket_id, ()))
        if answer and answer not in answers.values():
            answers[row] = answer
    fits = answer_fit(questions, answers)
    eligible = [row for row in questions if fits.get(row)]
    if not eligible:
        return [make_line(NO_SCRIPTS, [t.ticket_id for t in tickets], "generated")]
    want = 3 if len(questions) >= 6 else 2
    order = pick_examples(vectors, eligible, len(eligible))  # typical and varied questions first
    rank = {row: i for i, row in enumerate(order)}
    # the best fitting pairs, each question once (typical questions on a tie)
    candidates = sorted(
        ((fit, -rank[q], q, a) for q in order[: 2 * want] for a, fit in fits[q]), reverse=True
    )
    chosen: dict[int, int] = {}
    for reuse in (False, True):  # an answer twice only where too few answers fit, and fit well
        for fit, _, q, a in candidates:
            fresh = a not in chosen.values()
            if len(chosen) < want and q not in chosen and (fresh or (reuse and fit >= REUSE_FIT)):
                chosen[q] = a
    lines: list[Line] = []
    for q in sorted(chosen, key=rank.__getitem__):
        if lines:
            lines.append(BLANK)
        lines.append(make_line(questions[q], [tickets[q].ticket_id], "extracted", "Q: "))
        lines.append(make_line(answers[chosen[q]], [tickets[chosen[q]].ticket_id], "extracted", "A: "))
    return lines


def answer_fit(
    questions: Mapping[int, str], answers: Mapping[int, str]
) -> dict[int, list[tuple[int, float]]]:
    """Per question row, the answer rows that answer it with their fit (0..1), best first.

    An answer fits when it holds at least :data:`MIN_SHARED_NOUNS` of the question's nouns (a
    question of one noun, "렌탈료가 이번달 더 많이 나왔네요", says too little to tell which answer is
    its) and at least :data:`MIN_FIT` of their weight, each noun weighted by how few answers use
    it (the topic's own word, in every answer, counts least; a noun no answer uses counts most).
    "렌탈 계약서 다시 받을 수 있나요" shares only 렌탈 with how to change the rental's payment card:
    no answer. Ties go to the question's own row, then the earlier one."""
    q_rows, a_rows = list(questions), list(answers)
    nouns = noun_tokens([questions[r] for r in q_rows] + [answers[r] for r in a_rows])
    q_nouns = dict(zip(q_rows, (set(n) for n in nouns[: len(q_rows)]), strict=True))
    a_nouns = dict(zip(a_rows, (set(n) for n in nouns[len(q_rows) :]), strict=True))
    df = Counter(n for found in a_nouns.values() for n in found)
    unused = math.log(1 + len(a_rows)) + 1.0
    weight = {n: math.log((1 + len(a_rows)) / (1 + c)) + 1.0 for n, c in df.items()}
    out: dict[int, list[tuple[int, float]]] = {}
    for q in q_rows:
        asked = q_nouns[q]
        total = sum(weight.get(n, unused) for n in asked)
        scored = []
        for a in a_rows:
            shared = asked & a_nouns[a]
            fit = sum(weight[n] for n in shared) / total if total else 0.0
            if len(shared) >= MIN_SHARED_NOUNS and fit >= MIN_FIT:
                scored.append((fit, a == q, -a))
        out[q] = [(-neg, fit) for fit, _, neg in sorted(scored, reverse=True)]
    return out


def situation_groups(tickets: Sequence[TicketRecord]) -> list[list[int]]:
    """Rows of answered tickets grouped by resolution type, largest first."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = [r for r, t in enumerate(tickets) if t.resolution.strip()]
    if len(rows) < 3:
        return [rows] if rows else []
    tokens = tokenize_many([tickets[r].resolution for r in rows])
    if not any(tokens):
        return [rows]
    matrix = TfidfVectorizer(analyzer=lambda doc: doc).fit_transform(tokens).toarray()
    labels = agglomerative(matrix, threshold=SITUATION_DISTANCE, min_size=1)
    groups = [[rows[i] for i in np.flatnonzero(labels == lab)] for lab in range(int(labels.max()) + 1)]
    groups = [g for g in groups if g]
    shared = [g for g in groups if len(g) >= 2]
    return shared[:MAX_SITUATIONS] if shared else groups[: MAX_SITUATIONS - 1]


def _intent(texts: Sequence[str]) -> str:
    votes = {"request": 0, "problem": 0}
    for text in texts:
        if _PROBLEM.search(text) or _PROBLEM_EN.search(text):
            votes["problem"] += 1
        elif _REQUEST.search(text) or _REQUEST_EN.search(text):
            votes["request"] += 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] * 2 >= len(texts) else "ask"


def situation_label(texts: Sequence[str], background: DocFreq) -> str:
    """The situation of a group of inquiries as a KMS heading ("한도 상향을 요청하는 경우")."""
    phrase = best_phrase(texts, background)
    if not phrase:
        return "그 밖의 문의인 경우"
    intent = _intent(texts)
    joined = " ".join(texts)
    if len(_LATIN.findall(joined)) > len(_HANGUL.findall(joined)):  # an English topic: in English
        lead = {"request": "Requests about", "problem": "Problems with"}.get(intent, "Questions about")
        return f"{lead} {phrase}"
    if intent == "request":
        return f"{phrase}{object_particle(phrase)} 요청하는 경우"
    if intent == "problem":
        return f"{phrase} 문제가 있는 경우"
    return f"{phrase}에 대해 문의하는 경우"


def outcome(said: Sequence[Said]) -> list[str]:
    """A resolution as a situation's solution: its general sentences, then its handling actions
    stated in the present for any customer in that situation (a case's one-off concession
    included: 주요 상황 is where exceptions belong). States, reported checks and what names this
    case's day or schedule ("내일 오전 도착 예정이며 …") are left out."""
    out: list[str] = []
    for s in said:
        text = s.general
        if text is None and s.role in ("case_report", "agent_note") and is_action(s.statement):
            text = _ADDRESS.sub("", s.statement).strip()
            if _PAST_CHECK.search(text) or "고 안내" in text:
                text = None
        if text and not has_placeholder(mask_pii(text)) and not case_time(text) and text not in out:
            out.append(text)
    if out and not any(len(found) >= 2 for found in noun_tokens(out)):
        return []  # "Answered.", "확인 후 처리 결과를 안내드립니다.": no solution to tell
    return out[:MAX_SITUATION_STATEMENTS]


def _same_label(prefix: str, label: str) -> bool:
    return re.sub(r"\s", "", prefix) == re.sub(r"\s", "", f"- {label}: ")


def situation_lines(
    tickets: Sequence[TicketRecord],
    vectors: np.ndarray,
    said: Mapping[str, Sequence[Said]],
    background: DocFreq,
) -> list[Line]:
    """``- <situation>: <solution>`` per resolution type (the heading is the line's prefix, so the
    per-sentence provenance covers the solution taken from the group's most typical ticket)."""
    lines: list[Line] = []
    for group in situation_groups(tickets):
        ranked = [group[i] for i in pick_examples(vectors[group], list(range(len(group))), len(group))]
        for rep in ranked:
            solution = outcome(said.get(tickets[rep].ticket_id, ()))
            if solution:
                break
        else:
            continue
        label = situation_label([f"{tickets[r].subject}\n{tickets[r].inquiry}" for r in group], background)
        if any(_same_label(line.prefix, label) for line in lines):  # "사전 예약" is "사전예약"
            continue
        lines.append(make_line(" ".join(solution), [tickets[rep].ticket_id], "extracted", f"- {label}: "))
    if not lines:
        return [make_line(NO_SITUATIONS, [t.ticket_id for t in tickets], "generated")]
    return lines
