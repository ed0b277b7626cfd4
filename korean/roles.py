"""Sentence roles: may this sentence be sent to any customer, or was it written for one case?

Every candidate sentence of an answer or a draft gets one of three roles:

- ``general``: a rule, fact, procedure or instruction true for any customer
  ("구매 적립금 유효기간은 적립일로부터 1년이에요.", "주문내역에서 '구매확정'을 눌러 주세요.").
- ``case_report``: what was checked, found or done for one customer, or a promise for this case
  ("확인해 보니 … 소멸됐어요", "적립금 2,000원을 지급해 드렸습니다", "바로 취소해 드리겠습니다",
  "말씀하신 주문은 기한 안이라 …").
- ``agent_note``: reported speech, notes to colleagues and instructions to the agent
  ("… 환불된다고 안내드렸습니다", "혜택운영팀에 수동 지급을 요청해요", "상담태그 … 입력해요").

Korean sentences are read with Kiwi morphology: the tense of the main predicate (past ``었``
before the final ending or a non-conditional connective), honorific actions (``드리다``) with
past or promise endings (``겠``, ``ㄹ게요``), quotative connectives (``다고``/``라고``/``도록``)
before a report verb (안내·설명·말씀·전달 …), nominal note endings (``…함``, ``…요망``), and
phrase cues (확인해 보니, 말씀하신, 해당 주문, 관리자 페이지 …). English sentences use phrase
rules, and a rule written about "the customer" or "the agent" gets its second-person rewrite
(:mod:`korean.second_person`). The rules are measured on ``eval/data/sentence_roles.jsonl``
(hand-labelled sentences from the sample KB, its tickets and public data; see the test for the
figures).

An agent note whose quoted content is itself general gets a ``rewrite``: the customer-facing
sentence ("… 환불된다고 안내드렸습니다" → "… 환불됩니다"). The same holds for content told as a
noun clause ("… 제외됨을 안내합니다", "… 진행된다는 점을 안내해요" → "… 제외됩니다", "… 진행됩니다")
and for the reason an instruction states ("… 인증되지 않으므로 신용카드 인증을 안내합니다" →
"… 인증되지 않습니다"); what the customer is told to do becomes a request ("…하도록 안내합니다" →
"…해 주시기 바랍니다"); nothing told only once the agent has acted ("… 재전송하며, 고객에게는 …") is
rewritten (:mod:`korean.role_rewrite`). A rewrite is kept only when it is itself ``general``.
Agent drafts and chatbot answers send the rewrite, never the note as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from korean.agent_steps import agent_first_step, by_channel
from korean.case_topic import thing_state
from korean.kiwi import KIWI_LOCK, kiwi
from korean.role_cues import AGENT_LIMIT as _AGENT_LIMIT
from korean.role_cues import CASE_PHRASES as _CASE_PHRASES
from korean.role_cues import INTERNAL_LATE as _INTERNAL_LATE
from korean.role_cues import INTERNAL_PHRASES as _INTERNAL_PHRASES
from korean.role_cues import NEGATED_END as _NEGATED_END
from korean.role_cues import TEAM_ASKED as _TEAM_ASKED
from korean.role_label import Role, RoleLabel
from korean.role_rewrite import PUNCT_TAGS as _PUNCT
from korean.role_rewrite import QUOTE_EC, customer_state, step_told, told_content, told_sentence
from korean.roles_en import classify_en

__all__ = ["Role", "RoleLabel", "classify", "classify_many", "is_general"]

_HANGUL = re.compile(r"[가-힣]")
# a question is not an answer ("… 어업인 안전보험도 가입할 수 있나요?", FAQ text inside a document),
# unless it offers or asks the customer something ("재설치해 보시겠어요?", "주문번호를 알려 주시겠어요?")
_QUESTION = re.compile(r"\?\s*$")
_OFFER = re.compile(r"(?:시겠|드릴까|드려도\s*될까|볼까|실래|주실\s*수)[가-힣]*\?\s*$")

_REPORT_NOUNS = frozenset(
    "안내 설명 말씀 전달 고지 답변 회신 요청 권유 유도 공지 통보 언급 문의 확인 부탁 당부 요구".split()
)
# Present-tense instructions to the agent ("… 조회해요", "… 입력합니다").
_AGENT_VERBS = frozenset("안내 조회 입력 기록 이관 요청 전달 메모 확인 체크".split())
# report nouns that, as "…해 주세요", ask something of the customer (check, request, contact), not
# tell the agent what to say: "스팸함을 확인해 주세요", "고객센터로 문의해 주세요" (안내해 주세요,
# 설명해 주세요 stay instructions to the agent)
_CUSTOMER_ASKS = frozenset("확인 요청 문의 부탁".split())
_REQUEST_EF = frozenset({"세요", "으세요", "셔요", "십시오", "ᆸ시오", "으십시오"})
_NOTE_NOUNS = frozenset("완료 요망 필요 예정 처리 안내 확인 요청 접수 전달 이관 조치 진행 대기 발송".split())
# ... and, where a full stop ends the line (a heading or a list item may end in them: "### 특정 상품
# 상세 화면에서만 종료"), what a call log says was done: "… 발송 후 통화 종료.", "… 물류팀 공유."
_LOG_NOUNS = frozenset("종료 공유 등록 콜백 회신 전송 보류 거절 재통화 재안내 재연락 참고 결재".split())
_CONDITIONAL_EC = frozenset({"다면", "으면", "면", "더라도", "어도", "아도", "어야", "더니", "다가", "거나"})
_CONDITION_NOUNS = frozenset({"경우", "때"})
_PROMISE_EF = ("ᆯ게요", "을게요", "ᆯ께요", "ᆯ게", "을게")


def is_general(sentence: str) -> bool:
    return classify(sentence).role == "general"


def classify_many(sentences: Iterable[str]) -> list[RoleLabel]:
    return [classify(s) for s in sentences]


@functools.lru_cache(maxsize=50_000)
def classify(sentence: str) -> RoleLabel:
    """The role of ``sentence`` (cached: answers classify the same KB sentences again and again)."""
    text = sentence.strip()
    if not text:
        return RoleLabel("general", "empty")
    if not _HANGUL.search(text):
        return classify_en(text)
    if _QUESTION.search(text) and not _OFFER.search(text):
        return RoleLabel("agent_note", "a question, not an answer")
    with KIWI_LOCK:
        analysed = kiwi().tokenize(text)
    tokens = [(t.form, t.tag.split("-", 1)[0]) for t in analysed]
    spans = [(t.start, t.start + t.len) for t in analysed]
    return _classify_ko(text, tokens, spans)


# ------------------------------------------------------------------------------------ Korean
def _main_end(tokens: Sequence[tuple[str, str]]) -> int:
    """Index of the sentence's last non-punctuation morpheme; a closing parenthetical after a
    final ending is an aside ("… 부담합니다(… 확인된 경우에 한함)."), the ending is the end."""
    i = len(tokens) - 1
    while i >= 0 and tokens[i][1] in _PUNCT:
        i -= 1
    if i + 1 < len(tokens) and tokens[i + 1][1] == "SSC":
        opening = max((j for j in range(i) if tokens[j][1] == "SSO"), default=-1)
        j = opening - 1
        while j >= 0 and tokens[j][1] in _PUNCT:
            j -= 1
        if opening > 0 and j >= 0 and tokens[j][1] == "EF":
            return j
    return i


def _eps_before(tokens: Sequence[tuple[str, str]], i: int) -> list[str]:
    """Pre-final endings (EP) directly before position ``i``."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and tokens[j][1] == "EP":
        out.append(tokens[j][0])
        j -= 1
    return out


def _past_clause(tokens: Sequence[tuple[str, str]]) -> bool:
    """A past-tense predicate that reports an event (not a conditional or relative clause)."""
    for i, (form, tag) in enumerate(tokens):
        if tag not in ("EF", "EC") or "었" not in _eps_before(tokens, i):
            continue
        if tag == "EF" or (form not in _CONDITIONAL_EC and not _describes_condition(tokens, i)):
            return True
    return False


def _describes_condition(tokens: Sequence[tuple[str, str]], at: int) -> bool:
    """The past clause ending at ``at`` is part of a condition's description: the next clause
    end is an adnominal before 경우/때 ("승인은 되었으나 주문이 생성되지 않은 경우, …")."""
    for j in range(at + 1, len(tokens) - 1):
        if tokens[j][1] == "EF":
            return False
        if tokens[j][1] == "ETM":
            return tokens[j + 1][0] in _CONDITION_NOUNS
    return False


def _promise(tokens: Sequence[tuple[str, str]]) -> bool:
    """드리다 / 하다 with 겠 or ㄹ게요: an action promised for this customer; so is getting back in
    touch ("처리 후 다시 연락드립니다") unless a condition says when every customer is ("접수하시면
    … 연락드립니다") or a subject makes it a process ("접수 후 담당자가 연락드립니다")."""
    if _contact_promise(tokens):
        return True
    for i, (form, tag) in enumerate(tokens):
        if tag == "EF" and form.startswith(_PROMISE_EF):
            return True
        if tag == "EP" and form == "겠" and i > 0 and tokens[i - 1][0] in ("드리", "하"):
            # "…해 드리겠습니다", "처리하겠습니다"; but not "…하겠지만" style hedges in rules
            prev_noun = tokens[i - 2][0] if i > 1 else ""
            if tokens[i - 1][0] == "드리" or prev_noun in _AGENT_VERBS | {
                "처리",
                "취소",
                "환불",
                "발송",
                "부담",
            }:
                return True
    return False


def _contact_promise(tokens: Sequence[tuple[str, str]]) -> bool:
    contact = any(
        form == "연락" and i + 1 < len(tokens) and tokens[i + 1][0] in ("드리", "하")
        for i, (form, _tag) in enumerate(tokens)
    )
    conditional = any(
        (tag == "EC" and form in _CONDITIONAL_EC) or (tag == "NNG" and form in _CONDITION_NOUNS)
        for form, tag in tokens
    )
    # a process names who gets in touch ("접수 후 담당자가 연락드립니다"); a promise does not
    subject = any(tag == "JKS" for _form, tag in tokens)
    return contact and not conditional and not subject and any(form == "드리" for form, _tag in tokens)


def _report_predicate(tokens: Sequence[tuple[str, str]], end: int) -> int | None:
    """Index of the report noun (안내/설명/말씀 …) heading the main predicate, if any."""
    j = end
    # walk back over endings, EP, auxiliaries and light verbs to the noun they attach to
    while (
        j >= 0
        and tokens[j][1] in ("EF", "EP", "EC", "ETN", "VX", "XSV", "VV")
        and (tokens[j][1] not in ("VV",) or tokens[j][0] in ("드리", "하", "주"))
    ):
        j -= 1
    if j >= 0 and tokens[j][1] == "NNG" and tokens[j][0] in _REPORT_NOUNS:
        chain = tokens[j + 1 : end + 1]
        if tokens[j][0] in _CUSTOMER_ASKS and _polite_request(chain):
            return None  # "…를 확인해 주세요", "고객센터로 문의해 주세요": asked of the customer
        if tokens[j][0] == "말씀" and _polite_request(chain) and ("드리", "VV") not in chain:
            return None  # "그래도 같은 증상이면 다시 말씀해 주십시오": the customer is asked to tell
        return j
    return None


def _polite_request(chain: Sequence[tuple[str, str]]) -> bool:
    """ "…해 주세요" / "…해 주십시오": 주다 as an auxiliary with an honorific request ending."""
    gives = any(form == "주" and tag in ("VX", "VV") for form, tag in chain)
    return gives and any(_honorific(form, tag) for form, tag in chain)


def _honorific(form: str, tag: str) -> bool:
    """Honorific 시 or a request ending (세요, 십시오 …): said to the customer."""
    return (tag == "EF" and form in _REQUEST_EF) or (tag == "EP" and form in ("시", "으시"))


def _nominal_note(tokens: Sequence[tuple[str, str]], end: int) -> bool:
    """Telegraphic note endings: "…안내함", "…처리 완료", "…연락 요망"."""
    if end < 0:
        return False
    form, tag = tokens[end]
    if tag in ("ETN", "EF") and form in ("ᆷ", "음"):
        return True
    # "…요청해 둠, 결과 받으면 콜백", "카드사 확인 요청함, 회신 대기 중": a note's first clause
    # ends the same way, before a comma
    # (not a list item in brackets: "기사 민원(불친절, 물품 던짐, …)은 …")
    depth = 0
    for j in range(1, end):
        depth += (tokens[j][1] == "SSO") - (tokens[j][1] == "SSC")
        nominal = tokens[j] in (("ᆷ", "ETN"), ("음", "ETN")) and tokens[j - 1][1] in ("VV", "XSV", "VX")
        if nominal and tokens[j + 1] == (",", "SP") and depth <= 0:
            return True
    if form == "중" and tag == "NNB" and end > 0 and tokens[end - 1][0] in _NOTE_NOUNS:
        return True  # "회신 대기 중."
    if tag == "NNG" and form in _LOG_NOUNS and tokens[end + 1 :] == [(".", "SF")]:
        return True
    return tag == "NNG" and form in _NOTE_NOUNS


def _classify_ko(text: str, tokens: list[tuple[str, str]], spans: list[tuple[int, int]]) -> RoleLabel:
    end = _main_end(tokens)
    report = _report_predicate(tokens, end)
    quote = (
        report is not None
        and report > 0
        and tokens[report - 1][1] == "EC"
        and (tokens[report - 1][0] in QUOTE_EC)
    )
    if quote:
        assert report is not None
        return RoleLabel("agent_note", "quotative + report verb", _rewrite(text, tokens, spans, report - 1))
    # what a check found ("계산은 정상임을 확인했습니다") is this case's result, not something to tell
    told = told_content(tokens, report) if report is not None and tokens[report][0] != "확인" else None
    if told is not None:
        rewrite = _rewrite(text, tokens, spans, told)
        if rewrite is not None:
            return RoleLabel("agent_note", "content + report verb", rewrite)
    step = _STEP_TOLD.match(text)
    if step is not None:
        told_step = _step_rewrite(step)
        if told_step is not None:
            return RoleLabel("agent_note", "procedure step: what the customer is told, and when", told_step)
    if _INTERNAL_PHRASES.search(text):
        limit = _AGENT_LIMIT.search(text) and _NEGATED_END.search(text)  # "상담원은 … 묻지 않습니다"
        if limit and not _INTERNAL_PHRASES.search(_AGENT_LIMIT.sub(" ", text)):
            return RoleLabel("general", "what agents never do: a rule for every customer")
        # "…: 방문 수거가 불가함을 안내하고, 나누어 포장할 수 있는지 확인합니다": what the first
        # step tells may be sent on its own ("…: 방문 수거가 불가합니다"), checked like every rewrite
        return RoleLabel("agent_note", "internal or third-person cue", _first_step(text, tokens, spans)[1])
    if _nominal_note(tokens, end):
        return RoleLabel("agent_note", "note ending")
    if _CASE_PHRASES.search(text) or customer_state(tokens) or thing_state(tokens):
        return RoleLabel("case_report", "case cue")
    if _past_clause(tokens):
        return RoleLabel("case_report", "past-tense event")
    if _promise(tokens):
        return RoleLabel("case_report", "promise for this case")
    # "소멸 30일 전에 알림톡으로 안내합니다": a notice every customer is sent, not the agent's step
    # ("… 문자로 안내드립니다" is the agent's promise to this customer)
    notice = (
        report is not None
        and tokens[report][0] == "안내"
        and tokens[report + 1 : report + 2] in ([("하", "XSV")], [("되", "XSV")])
        and by_channel(tokens[:report])
    )
    if (
        (report is not None and not notice)
        or (_agent_instruction(tokens, end) and not notice)
        or _INTERNAL_LATE.search(text)
        or (_TEAM_ASKED.search(text) and not _to_the_customer(tokens))
    ):
        return RoleLabel("agent_note", "instruction to the agent")
    has_step, customer_part = _first_step(text, tokens, spans)
    if has_step:
        return RoleLabel("agent_note", "the agent's first step", customer_part)
    return RoleLabel("general", "no case or note cue")


def _to_the_customer(tokens: Sequence[tuple[str, str]]) -> bool:
    """Honorific 시 or a request ending (주세요, 주시기 바랍니다, 하십시오): said to the customer."""
    return any(_honorific(form, tag) or form == "바라" for form, tag in tokens)


def _agent_instruction(tokens: Sequence[tuple[str, str]], end: int) -> bool:
    """Plain present "…조회해요/입력합니다" with no 주세요 (to the customer) and no honorific 시."""
    if end < 1 or tokens[end][1] != "EF":
        return False
    j = end - 1
    eps = []
    while j >= 0 and tokens[j][1] == "EP":
        eps.append(tokens[j][0])
        j -= 1
    if any(e in ("시", "으시", "겠") for e in eps):
        return False
    if j >= 1 and tokens[j][1] == "XSV" and tokens[j][0] == "하":
        return tokens[j - 1][1] == "NNG" and tokens[j - 1][0] in _AGENT_VERBS
    return False


# ------------------------------------------------------------------------------------ rewrite
# "정산팀 발행 완료(영업일 2일 이내) 후 고객에게 국세청 전송 완료를 안내합니다.": a procedure step
# saying when every customer is told what; the customer may be told the step itself
_STEP_TOLD = re.compile(
    r"^(?P<when>\S.*?(?:\s후|\s뒤|\s시))\s*,?\s*고객(?:님)?(?:에게|께)(?:는)?\s+"
    r"(?P<what>[^,.]+?)(?:을|를)\s*(?:함께\s*)?(?:안내|통보|고지)(?:합니다|해요|한다|드립니다)\s*[.]?$"
)


def _step_rewrite(step: re.Match[str]) -> str | None:
    """ "<when> 고객에게 <what>을 안내합니다" → "<when> <what> 안내를 받으실 수 있습니다", kept only
    when that sentence is itself general (no internal step, no case cue)."""
    return _sendable(f"{step['when'].strip()} {step['what'].strip()} 안내를 받으실 수 있습니다.")


def _first_step(
    text: str, tokens: list[tuple[str, str]], spans: list[tuple[int, int]]
) -> tuple[bool, str | None]:
    """Whether the sentence opens with the agent's own step (:func:`agent_first_step`; never in a
    sentence said to the customer), and what that step tells the customer as a sentence of its own
    (:func:`_rewrite`): "… 2,000원이 부과됨을 미리 안내하고, …" → "… 2,000원이 부과됩니다."."""
    at = None if _to_the_customer(tokens) else agent_first_step(text, tokens, spans)
    if at is None:
        return False, None
    told = step_told(tokens, at)
    return True, None if told is None else _rewrite(text, tokens, spans, told)


def _rewrite(
    text: str, tokens: list[tuple[str, str]], spans: list[tuple[int, int]], quote_at: int
) -> str | None:
    """The customer-facing sentence of a note (:func:`korean.role_rewrite.told_sentence`), kept
    only when it is itself general and holds no internal cue."""
    sentence = told_sentence(text, tokens, spans, quote_at)
    return None if sentence is None else _sendable(sentence)


def _sendable(rewrite: str) -> str | None:
    """``rewrite`` when it is itself a general sentence with no internal cue, else None."""
    if (
        len(rewrite) < 6
        or _INTERNAL_PHRASES.search(rewrite)
        or _INTERNAL_LATE.search(rewrite)
        or classify(rewrite).role != "general"
    ):
        return None
    return rewrite
