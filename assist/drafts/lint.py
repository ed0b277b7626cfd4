"""Draft lint: what keeps an article draft from being publishable as written.

Checks, each a :class:`LintFinding` with a Korean message for the review page and the CLI:

- ``case_specific`` (정책, 단계별 절차): a sentence written for one case, not a rule or a step:
  the sentence role (:mod:`korean.roles`) is ``case_report``, a policy sentence is an agent note,
  a step reports a past action, the sentence addresses one customer ("고객님은 …", "고객님의 …"),
  or it is a one-off concession ("팀장 승인으로 …", "예외적으로 …"), which belongs in 주요 상황.
  In 주요 상황 and the script answers, where a case's outcome may be told as what is done in that
  situation, a sentence that names this case's day or schedule ("내일 오전 도착 예정이며 …",
  "오늘 오후 출고됩니다") is one too: no customer of the article shares that day (:func:`case_time`).
- ``placeholder`` (상담 스크립트): a masked value or a fill-in mark ("[이메일]", "○○", "***").
- ``script_memo`` (상담 스크립트): a question written as an agent's memo ("… 문의함", "고객이 …").
- ``missing_section``: a required section that is empty.
- ``review_marker``: a section that still says "검토 필요".
- ``generator_note``: text about how the draft was made (similarity, cluster sizes, "자동 생성",
  "사례 1 (6건)") outside 문서 관리.
- ``duplicate``: the topic's tickets are already answered by one article (the draft's evidence:
  an "update article X" proposal, or median coverage at or above the gap threshold with that
  article nearest for most tickets).

Generation uses the same sentence judgements (:func:`case_problem`, :func:`has_placeholder`) to
leave such sentences out, so a generated draft lints clean unless its evidence says otherwise.
Approval is blocked by any finding unless the reviewer overrides it with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from core.records import REQUIRED_SECTIONS, REVIEW_MARKER, SECTION_KEYS, SECTION_LABELS_KO
from korean.kiwi import KIWI_LOCK, kiwi
from korean.roles import classify
from korean.sentences import split_sentences

__all__ = [
    "LINT_CODES",
    "REVIEW_MARKER",
    "LintFinding",
    "case_problem",
    "case_time",
    "has_placeholder",
    "is_generator_note",
    "lint_draft",
    "question_problem",
    "sentences_of",
]

_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-*•]\s+|[QA]\d*\s*[:：]\s*|#{1,6}\s+)")
_PLACEHOLDER = re.compile(
    r"\[[^\]\n]{1,15}\]|\{\{[^}]*\}\}|\{[a-z_]+\}|<[^<>\n]{1,15}>|[○◯●]{2,}|\b(?:OO|XX|xx|xxx)\b|\*{3,}"
)
_ONE_CUSTOMER = re.compile(r"고객님\s*(?:은|께서|의|이|도)(?!\s*(?:요청|원|문의)하시는\s*경우)")
_CONCESSION = re.compile(
    r"(?:팀장|파트장|관리자|책임자|센터장|매니저)\s*(?:님\s*)?(?:승인|재량|허가|확인)|예외적으로|특별히|"
    r"이번(?:에|만)\s*한해|1회에?\s*한해|도의적|재량으로|(?:보상|위로|사과)\s*(?:적립금|쿠폰|포인트|금)|"
    r"(?:적립금|쿠폰|포인트)\s*[\d,]+\s*(?:원|P|점)?\s*(?:을|를)?\s*(?:지급|발급|적립)"
)
_GENERATOR = re.compile(
    r"유사도|중앙값|클러스터|coverage|자동\s*(?:생성|초안)|해결된\s*문의\s*\d+\s*건|사례\s*\d+\s*\(\d+\s*건\)|"
    r"\(\d+\s*건\)|티켓\s*\d+\s*건|대표\s*문의\s*:|반복된\s*주제입니다"
)
_CASE_REASON = re.compile(
    r"(?:이내|기간|건|상태|대상|주문|상품|계정|경우)(?:이)?(?:라서?|이므로|여서|이어서)\s|"
    r"(?:확인|조회)(?:되어|돼서|되므로|되어서)\s|(?:현재|지금|오늘)(?:는|은)\s|\d+\s*일째|"
    r"^해당\s|해당\s*(?:송장|운송장|주문|건|상품|결제|택배|계정)|[가-힣](?:가|이)\s*(?:있어|없어)(?:서)?\s|"
    # this customer's count of things: "리뷰 1건을 제외하고 2건의 적립금 …" ("월 2건의 …", "1건당",
    # "3건까지" are rules)
    r"(?<![월일주년회당]\s)(?<![월일주년회당])\b\d+\s*건(?:을|의|이|은|만|도)\s"
)
# this case's day or schedule: days counted from the conversation and what is scheduled for it
_CASE_TIME = re.compile(
    r"방금|어제|그제|오늘|내일|모레|글피|금일|명일|익일\s*오전|익일\s*오후|"
    # a week or month counted from now ("다음 주에", not "다음 주문"; "이번 달부터" announces a rule)
    r"(?:(?:지난|저번|다음)\s*주|(?:지난|저번)\s*달|이번\s*(?:주|달)(?!\s*(?:부터|까지)))"
    r"(?=\s|[.,!?]|$|(?:에|에는|은|는|중|말|초|쯤|까지|부터|안에|내)(?![가-힣]))|(?:이번|지난|다음)\s*주말|"
    r"예정(?:입니다|이에요|이예요|이며|이고|이라|이니|으로|임)"
)
# what has happened in this case, told as a finding: "… 완료되었음을 안내", "… 처리됐음을 알려"
_PAST_STATE = re.compile(r"(?:었|았|였|됐|했|왔|갔)음을\s*(?:안내|알려|알리|설명|전달|고지|말씀)")
_PAST = frozenset({"었", "았", "였", "었었", "았었"})
_MESSAGES: dict[str, str] = {
    "case_specific": "한 고객의 사례로 보이는 문장입니다 ({why}). {advice}",
    "placeholder": "상담 스크립트에 채워지지 않은 값이 있습니다 ({why}). 실제 문장으로 바꾸세요.",
    "script_memo": "상담 스크립트 질문이 고객의 말이 아니라 상담 메모입니다. 고객이 묻는 문장으로 바꾸세요.",
    "missing_section": "필수 섹션이 비어 있습니다.",
    "review_marker": "'검토 필요' 표시가 남아 있습니다. 내용을 채우거나 표시를 지우세요.",
    "generator_note": "초안 생성 메모가 본문에 있습니다 ({why}). 문서 내용이 아니므로 지우세요.",
    "duplicate": "기존 문서 {why}와(과) 같은 주제입니다. 새 문서 대신 병합을 검토하세요.",
}
LINT_CODES: tuple[str, ...] = tuple(_MESSAGES)
_WHY: dict[str, str] = {
    "case_report": "처리 결과·약속",
    "agent_note": "상담 메모",
    "past": "과거 처리 보고",
    "one_customer": "특정 고객 지칭",
    "concession": "일회성 예외·보상",
    "case_time": "이 사례의 날짜·일정",
}


@dataclass(frozen=True)
class LintFinding:
    """One problem: its code, the section key, the offending text and a Korean message."""

    code: str
    section: str
    text: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


_ADVICE = "일반 규칙·절차로 고치거나 주요 상황으로 옮기세요."
_TIME_ADVICE = "어느 고객에게나 맞는 문장으로 고치거나 지우세요."


def _finding(code: str, section: str, text: str, why: str = "", advice: str = _ADVICE) -> LintFinding:
    return LintFinding(code, section, text, _MESSAGES[code].format(why=why, advice=advice))


def sentences_of(body: str) -> list[str]:
    """The sentences of a section body, list and Q/A markers dropped, headings skipped."""
    out: list[str] = []
    for raw in body.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        text = _MARKER.sub("", raw).strip()
        out.extend(split_sentences(text) if text else [])
    return out


def _past_report(sentence: str) -> bool:
    """A past-tense final predicate ("… 처리했습니다", "… 안내드렸습니다")."""
    with KIWI_LOCK:
        tokens = kiwi().tokenize(sentence)
    for i, tok in enumerate(tokens):
        if tok.tag == "EF" and i > 0 and tokens[i - 1].tag == "EP" and tokens[i - 1].form in _PAST:
            return True
    return False


def case_problem(sentence: str, section: str) -> str | None:
    """Why ``sentence`` cannot stand in ``section`` (policy or steps) as a general line, else None."""
    if _CONCESSION.search(sentence):
        return "concession"
    if case_time(sentence):  # "택배사 물류센터 적체로 1~2일 지연 예정임을 안내하세요"
        return "case_time"
    if _PAST_STATE.search(sentence):  # "환불 승인 완료되었음을 안내하세요": this case's state
        return "case_report"
    if _ONE_CUSTOMER.search(sentence):
        return "one_customer"
    if _CASE_REASON.search(sentence):
        return "case_report"
    role = classify(sentence).role
    if role == "case_report":
        return "case_report"
    if section == "policy" and role == "agent_note":
        return "agent_note"
    if section == "steps" and _past_report(sentence):
        return "past"
    return None


def case_time(sentence: str) -> str | None:
    """The words that tie ``sentence`` to one case's day or schedule ("내일", "… 예정입니다"), else None."""
    match = _CASE_TIME.search(sentence)
    return match.group(0) if match else None


def has_placeholder(text: str) -> str | None:
    """The first placeholder in ``text`` ("[이메일]", "○○", "***"), else None."""
    match = _PLACEHOLDER.search(text)
    return match.group(0) if match else None


def question_problem(question: str) -> str | None:
    """Why ``question`` is not a customer's own question for a script: a placeholder or a memo."""
    if has_placeholder(question):
        return "placeholder"
    for sentence in split_sentences(question) or [question]:
        # read without its question mark: a question is what a script question should be, while
        # the roles call any question a note (it is no answer to send)
        asked = sentence.rstrip().rstrip("?？").rstrip() or sentence
        if classify(asked).role == "agent_note":
            return "script_memo"
    return None


def is_generator_note(sentence: str) -> str | None:
    match = _GENERATOR.search(sentence)
    return match.group(0) if match else None


def _duplicate(evidence: Mapping[str, Any], coverage_threshold: float) -> str | None:
    proposal = evidence.get("proposal") or {}
    if proposal.get("kind") == "update" and proposal.get("article_id"):
        return str(proposal["article_id"])
    coverage = evidence.get("coverage")
    nearest = evidence.get("nearest_articles") or []
    total = len(evidence.get("ticket_ids") or [])
    if coverage is None or not nearest or not total or float(coverage) < coverage_threshold:
        return None
    top = max(nearest, key=lambda n: int(n.get("tickets", 0)))
    return str(top["article_id"]) if 2 * int(top.get("tickets", 0)) > total else None


def lint_draft(
    title: str,
    sections: Mapping[str, str],
    *,
    evidence: Mapping[str, Any] | None = None,
    coverage_threshold: float = 0.905,
) -> list[LintFinding]:
    """Every finding of a draft, in template order of its sections."""
    found: list[LintFinding] = []
    bodies = {"title": title, **sections}
    for key in SECTION_KEYS:
        body = (bodies.get(key) or "").strip()
        if key in REQUIRED_SECTIONS and not body:
            found.append(_finding("missing_section", key, SECTION_LABELS_KO.get(key, key)))
            continue
        if REVIEW_MARKER in body:
            line = next(ln for ln in body.splitlines() if REVIEW_MARKER in ln)
            found.append(_finding("review_marker", key, _MARKER.sub("", line).strip()))
        sentences = [s for s in sentences_of(body) if REVIEW_MARKER not in s]
        if key != "management":
            for s in sentences:
                note = is_generator_note(s)
                if note:
                    found.append(_finding("generator_note", key, s, note))
        if key in ("policy", "steps"):
            for s in sentences:
                why = case_problem(s, key)
                if why:
                    advice = _TIME_ADVICE if why == "case_time" else _ADVICE
                    found.append(_finding("case_specific", key, s, _WHY[why], advice))
        if key == "situations":  # the solution after "<situation>: " (the heading is the inquiries')
            for raw in body.splitlines():
                solution = _MARKER.sub("", raw).strip().split(": ", 1)[-1]
                for s in split_sentences(solution) if REVIEW_MARKER not in solution else []:
                    if case_time(s):
                        found.append(_finding("case_specific", key, s, _WHY["case_time"], _TIME_ADVICE))
        if key == "scripts":
            for raw in body.splitlines():
                text = _MARKER.sub("", raw).strip()
                if raw.lstrip().startswith("A") and case_time(text):
                    found.append(_finding("case_specific", key, text, _WHY["case_time"], _TIME_ADVICE))
                mark = has_placeholder(text)
                if mark:
                    found.append(_finding("placeholder", key, text, mark))
                elif raw.lstrip().startswith("Q") and question_problem(text) == "script_memo":
                    found.append(_finding("script_memo", key, text))
    article = _duplicate(evidence or {}, coverage_threshold)
    if article:
        found.append(_finding("duplicate", "title", title, article))
    return found
