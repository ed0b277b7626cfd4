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
from korean.kiwi import KIWI_LOCK, kiwi
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

# --- Korean phrase cues ----------------------------------------------------------------------
_CASE_PHRASES = re.compile(
    # "확인 결과 고객님 주문은 …" (what checking found for one customer), not "확인 결과는 7일
    # 이내에 알림톡으로 안내합니다" (the result as the topic of a rule)
    r"확인\s*해\s*보니|확인해\s*봤|(?:확인|조회)\s*결과(?!(?:는|가|를|도|에)\s)|조회\s*해\s*보니|"
    r"살펴\s*보니|알아\s*보니|"
    r"확인\s*되었|확인\s*됐|확인되네|확인되는데|확인되셨|확인돼요|확인됩니다|"
    r"말씀하신|문의하신|문의\s*주신|요청하신|주문하신\s*(?:상품|건|주문)|신청하신|"
    r"고객님\s*(?:의\s*)?(?:주문|계정|적립금|쿠폰|결제|환불|배송|상품|건)|"
    # "고객님 카드는 2개월 전에 발급된 카드라 …", "고객님의 회선이 …": what this customer's thing is
    r"고객님\s*(?:의\s*)?(?!본인|께|에게|께서)[가-힣]{1,6}(?<!께서)(?:은|는|이|가)\s|"
    # "고객님께 적용되는 수수료율은 연 17.9%입니다": the rate, fee or limit set for this customer
    r"(?:고객|회원)님?(?:께|에게)\s*(?:적용|부과|청구|부여|책정|지급)(?:되는|된|될|되고|되어|돼)|"
    r"해당\s*(?:주문|건|상품|결제)|해당\s*[가-힣]{1,6}\s+건|"
    # "… 오류가 난 경우로 보입니다": a diagnosis of this customer's case
    r"(?:경우|건|것|문제|상황|상태|오류|장애)(?:인|이|으로|로)\s*보(?:입니다|여요|이네요|이는데|이며)|"
    r"이번\s*(?:주문|건|결제)|지금\s*주문|현재\s*주문|"
    r"방금|어제|오늘|내일|지금\s|지난달|지난주|저번\s*주|금일|\d{13}|\b건(?:입니다|이에요|이라|으로)|"
    r"주문하신|받으신\s*(?:상품|주문)|상태라\s|상태이므로|상태여서|가능성이\s*있|[았었였]을\s*것|"
    r"이번\s|셨을\s*것|으셨겠|확인\s*되며|확인되어|예정입니다|예정이에요|"
    # "… 초기 불량이라 교환이 가능합니다": a judgement on one case
    r"(?:불량|이내|\s안|대상|기간|기한)(?:이)?라(?:서)?\s|"
    # "수령 10일째인 현재는", "배송완료일 기준 5일째라", "가입 4개월차라": this customer's count of
    # days or months ("5일째에도 … 않으면" is a rule)
    r"\d+\s*(?:일째|일차|주째|주차|개월\s*째|개월\s*차|년\s*째|년\s*차)"
    r"(?:인\s*(?:현재|지금|오늘)|(?:이)?라서?\s|(?:이)?어서\s|여서\s)|"
    # "… 비밀번호가 없는 계정입니다.": what this customer's account, order or card is
    r"(?:없는|있는|된|한|인)\s+(?:계정|주문|결제|카드)(?:입니다|이에요|예요)[.!]?\s*$"
)
_INTERNAL_PHRASES = re.compile(
    # 티켓 as a helpdesk's record ("상담 티켓", "티켓에 메모", "티켓을 생성"), not a ticket a
    # customer buys ("모바일 티켓의 입장 QR은 … 표시됩니다": a concert or flight ticket)
    r"관리자\s*페이지|어드민|상담\s*태그|에스컬레이션|이관|내부\s*(?:메모|시스템)|"
    r"(?:상담|문의|CS|지원|헬프데스크)\s*티켓|티켓\s*(?:을|를)?\s*(?:생성|등록|병합|종결|할당|재오픈)|"
    r"티켓\s*(?:에|의)\s*(?:[\"'“][^\"'”]{1,40}[\"'”]\s*)?(?:메모|기록|태그|상태|담당|입력)|"
    r"담당\s*부서|CS\s*팀|요망|바람\s*[.]?$|할\s*것\s*[.]?$|고객\s*(?:에게|께|한테)|"
    r"고객\s*요청으로|고객이\s*(?:원|요청|문의|말|재)|통화\s*(?:함|완료)|부재중|"
    r"상담원|상담사|팀장|채널\s*(?:\([^)]*\)\s*)?에\s*(?:[가-힣]+\s+)?공유|사내\s*메신저|"
    # a team chat channel ("전자금융사기대응팀 채널(#fraud-ops)에 공유합니다"): no customer reads it
    r"(?<![\w/&#])#[a-z][a-z0-9_]*-[a-z0-9_-]+|메모\s*(?:에|를|란|로)\s|(?:점|것|사실|[음함])을\s*(?:먼저\s*|함께\s*)?(?:안내|설명|알리|알려|고지)|(?:안내를|요청을|전달을)\s*(?:합니다|해요|한다)|안내\s*후\s|동의를\s*받|하도록\s*(?:도와|돕|안내|합니다|해요|한다)|(?:다고|라고|도록)\s*안내|안내\s*(?:바랍|부탁|요망)|고객\s*본인\s*확인|고객\s*(?:확인|동의)\s*(?:후|하에|를|을)"
)
# internal cues checked after the case cues (a past "…팀에 요청했습니다" is a case report): any team
# as the one asked or told ("결제CX팀에 … 공유하고", "상품품질팀에 … 등록합니다"; a team as the
# subject of what happens, "앱서비스팀이 … 분석합니다", is a fact for the customer), the wording
# agents paste ("공지 문구를 그대로 사용합니다", "… 공지 문구를 따릅니다") and the payment log only
# agents see ("… 부담 여부는 결제 로그로 판단합니다")
_INTERNAL_LATE = re.compile(
    r"결제\s*로그|"
    # another article named as the rule to follow, which the customer cannot open: "환불 시점은
    # KB-003(환불 처리 가이드)를 따릅니다", "하자·오배송이면 KB-017, KB-018로 전환합니다"
    r"[A-Z]{2,}-\d+[\w-]*(?:\s*\([^)]*\))?\s*(?:문서|기준|참조|(?:을|를|에)\s*따|(?:으로|로)\s*전환)|"
    # ... or as where the agent looks or hands the case ("…은 GS-001을 참고합니다", "UM-006 절차로
    # 넘깁니다", "스캔 이후라면 PC-004로 연결합니다", "… PC-008에서 다룹니다")
    r"[A-Z]{2,}-(?:EN-)?\d+[\w-]*(?:의)?\s*(?:[가-힣]+\s+){0,3}?[가-힣]*?(?:을|를|에서|으로|로)\s*"
    r"(?:(?:함께|먼저|같이)\s*)?(?:참고|사용|다루|다룹|연결|넘기|넘깁)|"
    r"문구를\s*(?:그대로\s*)?(?:사용|따르|따릅|따라)"
)
# ... and a team asked or told, unless the sentence asks it of the customer ("자세한 사항은
# 고객지원팀에 문의해 주세요", "주민센터 복지팀에 신청하시면 됩니다")
_TEAM_ASKED = re.compile(r"[가-힣A-Za-z]{0,8}팀\s*(?:에게|에(?!서)|으로|과\s|와\s)")
# what agents never or cannot do is a promise to every customer, not a note to the agent
_AGENT_LIMIT = re.compile(r"상담(?:원|사)(?:은|는|이|가|도)\s")
_NEGATED_END = re.compile(r"(?:않|없)(?:습니다|아요|어요)\s*[.!]?\s*$")
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
        if tokens[j][0] in _CUSTOMER_ASKS and _polite_request(tokens[j + 1 : end + 1]):
            return None  # "…를 확인해 주세요", "고객센터로 문의해 주세요": asked of the customer
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
        first = None if _to_the_customer(tokens) else agent_first_step(text, tokens, spans)
        told_first = None if first is None else _step_rewrite_told(text, tokens, spans, first)
        return RoleLabel("agent_note", "internal or third-person cue", told_first)
    if _nominal_note(tokens, end):
        return RoleLabel("agent_note", "note ending")
    if _CASE_PHRASES.search(text) or customer_state(tokens):
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
    first_step = None if _to_the_customer(tokens) else agent_first_step(text, tokens, spans)
    if first_step is not None:
        customer_part = _step_rewrite_told(text, tokens, spans, first_step)
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


def _step_rewrite_told(
    text: str, tokens: list[tuple[str, str]], spans: list[tuple[int, int]], at: int
) -> str | None:
    """What a first step tells the customer, as a sentence of its own (:func:`_rewrite`):
    "… 2,000원이 부과됨을 미리 안내하고, …" → "… 2,000원이 부과됩니다."."""
    told = step_told(tokens, at)
    return None if told is None else _rewrite(text, tokens, spans, told)


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
