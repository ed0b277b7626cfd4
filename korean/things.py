"""The things an inquiry asks about: its content nouns (영어, 편의점, 할부, 스마트워치 …).

"청구서를 영어로 받아볼 수 있나요?" shares 청구서 with an article that says bills can be sent by
e-mail or post; what it asks about is English, which no article mentions. :func:`thing_nouns`
gives the nouns that name such a thing and :func:`asked_if_things` those of the sentences that ask
whether, so the answer layer can check that the knowledge base mentions each of them before it
answers such a question (:mod:`assist.unmentioned`).

A noun counts when Kiwi tags it NNG/NNP, it has at least two syllables (칩, 폰, 돈 are too
ambiguous on their own), it is not a word of time (지난주, 며칠, 월말: when, not what) and not a
person or an abstract noun (아버지, 친구, 마음, 경우: who or how, not what). A predicate noun
counts too — an action the knowledge base never mentions ("한끼머니를 친구에게 선물할 수 있나요?",
"포인트를 한끼머니로 전환할 수 있나요?") is as telling as a thing — unless it only asks whether
(허용되나요, 가능해요). The analysis is Kiwi's
typo-tolerant one, as for BM25 query tokens, so the forms match ``SearchTrace.query_tokens``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from korean.abbrev import after_service
from korean.clauses import SENTENCE_END as _SENTENCE_END
from korean.clauses import analysed as _analysed
from korean.clauses import asking_clause as _asking_clause
from korean.clauses import asking_tokens as _asking_tokens
from korean.clauses import sentences as _sentences
from korean.thing_words import ASKING_NOUNS as _ASKING_NOUNS
from korean.thing_words import NOT_THINGS as _NOT_THINGS
from korean.thing_words import TIME_WORDS as _TIME
from korean.thing_words import WEEKDAY as _WEEKDAY

__all__ = [
    "asked_also_things",
    "asked_given_things",
    "asked_if_things",
    "asked_to_do",
    "asked_what_modifiers",
    "asked_what_things",
    "circumstance_token",
    "names_a_subject",
    "question_nouns",
    "scene_nouns",
    "thing_nouns",
]


# a question word: the sentence asks what/how much/when …, not whether
_WH = re.compile(r"무엇|무슨|뭐|뭘|뭔|머가|얼마|몇|어떻게|어떤|어느|어케|어캐|언제|어디|누가|누구|왜")
# "… 할 수 있나요?", "… 해도 되나요?", "… 가능해요?", "… 적립되나요?": whether something can be done;
# "… 해야 하나요?": whether it must be
_MUST_ENDING = r"야\s*(?:하|해)"
_ASKS_AT_END = r"[가-힣]*\s*[?？]*\s*$"
_WHETHER = re.compile(r"(?:수\s*(?:있|잇)|가능|되|돼|됨|됌|해도|괜찮|" + _MUST_ENDING + ")" + _ASKS_AT_END)
# whether it must be done ("따로 세금 신고를 해야 하나요?"): what the clause that asks names
_MUST = re.compile(_MUST_ENDING + _ASKS_AT_END)
# predicate nouns that say whether, not what ("해외 결제가 허용되나요?")
_WHETHER_NOUNS = frozenset("허용 허락 가능 불가 불가능".split())
# asking for a check or an answer: the knowledge base says what is checked in its own words
_CHECKING = frozenset("확인 조회 설명 안내 답변 검토 알림".split())
# predicate nouns of talking and of generic doing ("상담원이랑 얘기할 수 있나요?", "주말에도 통화
# 되나요?", "이용할 수 있나요?"): how the customer puts it, not what is asked about
_LIGHT_ACTIONS = frozenset("얘기 이야기 대화 말씀 연락 문의 상담 통화 이용 사용 진행 처리".split())


# question words, as BM25 tokens ("어떻게" → 어떻): they ask, they name nothing
_ASKING_TOKENS = frozenset("어떻 어떤 어디 언제 왜 뭐 무엇 무슨 얼마 누구 몇 어느".split())
# ... and every form of them Kiwi gives (뭘, 뭔, chat spellings): where a question word stands
_QUESTION_WORDS = _ASKING_TOKENS | frozenset("뭘 뭔 뭐뭐 머머 뭐임 머임".split())


def asked_if_things(question: str) -> list[str]:
    """The things of the question's yes/no sentences about whether something can be done.

    "유심을 편의점에서도 살 수 있나요? 가격은 얼마예요?" → 유심, 편의점 (the second sentence asks how
    much); "기술창업센터에서 기대할 수 있는 멘토링 지원의 형태는 무엇인가요?" → none (it asks what).
    """
    out: list[str] = []
    for sentence in _sentences(question):
        if sentence.strip() and _WHETHER.search(sentence) and _asks_whether(sentence):
            out.extend(n for n in _whether_things(sentence) if n not in out)
    return out


def _whether_things(sentence: str) -> list[str]:
    """The things of a sentence asking whether: all its nouns; for whether something must be done
    ("파손 보상금을 받으면 따로 세금 신고를 해야 하나요?", sent at 0.997 on a fresh courier KB with
    the damage-compensation rules), those of the clause that asks, less the kind of information
    asked for ("그 비용도 제가 물어야 하나요?": the documents say 견인료, 요금 …)."""
    if not _MUST.search(sentence):
        return thing_nouns(sentence)
    clause = _asking_clause(after_service(sentence)) or sentence
    return [n for n in thing_nouns(clause) if n not in _ASKING_NOUNS and n != "비용"]


def _asks_whether(sentence: str) -> bool:
    """No question word asks in the clause that asks: a question word in a clause of circumstance
    ("밀린 요금을 몇 달에 걸쳐 나눠서 분할 납부할 수 있나요?") leaves the sentence a yes/no one."""
    if not _WH.search(sentence):
        return True
    text = after_service(sentence)
    clause = _asking_clause(text)
    return clause is not None and not _WH.search(clause)


# sentence-final endings that ask (나요, 나, 냐, 습니까 …); 세요/십시오 request, 는데요 tells
_ASKING_ENDINGS = frozenset("나요 나 냐 나여 남 니 니까 ᆸ니까 습니까 을까요 ᆯ까요 을까 ᆯ까 는지 는지요".split())


def asked_given_things(question: str) -> list[str]:
    """The things of the question's yes/no sentences that ask whether something is given or done
    for the customer ("… 수리하는 동안 렌터카를 빌려 주나요?" → 렌터카) or whether it exists ("보험료
    할인이 있나요?", "수수료 없나요?"): no 수 있/되 says whether, yet they ask it as plainly (a fresh
    insurance KB, ``eval/data/fresh_kbs/insure``, answered the first at 0.99 with roadside sentences
    that say nothing of a rental car). Only the clause that asks counts: "… 독립 손해사정사를 따로
    선임하면 그 비용을 보험사가 내 주나요?" → 비용, 보험사 (and it is still answered, at 0.91)."""
    out: list[str] = []
    for sentence in _sentences(question):
        if not sentence.strip() or _WH.search(sentence):
            continue
        text = after_service(sentence)
        if _asks_given(_analysed(text)):
            # the clause that asks: "모레 출국인데 … 고객센터서 고쳐줘요?" is not about 출국
            clause = _asking_clause(text) or text
            out.extend(n for n in thing_nouns(clause) if n not in out)
    return out


def _asks_given(tokens: Sequence[Any]) -> bool:
    """The sentence ends by asking with 주- after a verb (빌려 주나요, 보내주시나요) or with 있/없."""
    words = [t for t in tokens if not t.tag.startswith("S")]
    asked = bool(words) and words[-1].tag == "EF"
    asked = asked and (
        words[-1].form in _ASKING_ENDINGS or any(t.form.startswith(("?", "？")) for t in tokens)
    )
    if not asked or len(words) < 3:
        return False
    rest = words[:-1]
    while rest and rest[-1].tag == "EP" and rest[-1].form in ("시", "으시"):
        rest = rest[:-1]  # 주시나요: the honorific
    if len(rest) < 2:
        return False
    last = rest[-1]
    if last.form == "주" and last.tag in ("VX", "VV"):
        return str(rest[-2].tag) == "EC"
    if last.form not in ("있", "없") or last.tag not in ("VA", "VV"):
        return False
    subject = [t for t in rest[:-1] if not t.tag.startswith("J")]
    # "같이 내야 하는 게 있나요?", "… 주는 것도 있나요?", "할 수 있나요?": 것/수 name no thing,
    # unless a noun is what it is like ("신고자에게 포상금 같은 게 있나요?", answered at 0.98 on a
    # fresh second-hand market KB with the fraud-report rules, which never mention a reward)
    return bool(subject) and (subject[-1].tag != "NNB" or _like_a_noun(subject))


def _like_a_noun(words: Sequence[Any]) -> bool:
    """``words`` end with "N 같은 것" ("포상금 같은 게", "할인 같은 건"): the 것 stands for N."""
    return (
        len(words) >= 4
        and words[-1].form in ("것", "거")
        and (words[-3].form, words[-3].tag) == ("같", "VA")
        and words[-2].tag == "ETM"
        and words[-4].tag.startswith("NN")
    )


def asked_what_things(question: str) -> list[str]:
    """The things a question word asks about: the head nouns of the clause that asks.

    "한끼머니를 충전하면 충전 보너스는 몇 % 주나요?" → 보너스 (충전 only sets the scene); "회원 탈퇴는
    어떻게 하나요?" → 탈퇴; "휴대폰 요금제를 바꾸려면 어떻게 해야 하나요?" → 요금 (what the customer
    wants to do belongs to the asking clause). A head is a noun that is not a modifier of the next
    one (휴대폰 in 휴대폰 요금제), nor an adverbial (이심으로, 통째로: how or where, which paraphrases
    a lot); clauses of circumstance ("입점업체 상품 샀는데 …", "치킨 시켰는데 콜라 빠짐;; 어케함")
    are left out, and so is a sentence whose question word stands in such a clause ("어떤 상품 페이지만
    열면 프로그램이 꺼져 버려요" asks nothing).
    """
    out: list[str] = []
    for form, role in _what_nouns(question):
        if role == "head" and form not in _ASKING_NOUNS and form not in out:
            out.append(form)
    return out


def asked_what_modifiers(question: str) -> list[str]:
    """The nouns that narrow what a question word asks about: the modifiers of the asking clause's
    compounds ("공기청정기 탈취 필터는 몇 개월마다 교체해 주나요?" → 공기, 청정기, 탈취; "수리 보증
    기간은 몇 개월인가요?" → 수리, 보증). A knowledge base that knows 필터 or 기간 but never writes
    탈취 or 보증 does not say what is asked (an unseen rental KB's 헤파 필터 and A/S rules had been
    sent at 0.98)."""
    out: list[str] = []
    for form, role in _what_nouns(question):
        if role == "modifier" and form not in out:
            out.append(form)
    return out


def _what_nouns(question: str) -> list[tuple[str, str]]:
    """The nouns of each asking clause that count as things, as ``(form, role)``: ``head`` (what is
    asked about, or the kind of information asked for: 금액, 기간) or ``modifier`` (a noun of the
    compound that the question word asks about: 주문 in "주문 금액은 어떤 식으로 …", 탈취 in "탈취
    필터는 몇 개월마다 …"; not one of a relative clause's subject, "경도 장애인이 받는 …").
    Adverbials and predicate nouns (소액결제로, 유효한가요) are neither."""
    out: list[tuple[str, str]] = []
    for sentence in _SENTENCE_END.split(question):
        if not sentence.strip() or not _WH.search(sentence):
            continue
        text = after_service(sentence)
        asking = _asking_tokens(text)
        if not asking or not _WH.search(text[asking[0].start :]):
            continue
        compound: list[str] = []  # the modifiers met since the last noun that ended a compound
        asked: list[str] = []  # the modifiers of the last head before the question word
        heads: list[str] = []
        wh_seen = False
        for i, tok in enumerate(asking):
            wh_seen = wh_seen or tok.form in _QUESTION_WORDS
            if tok.tag == "ETM" and not wh_seen:
                heads = []  # a relative clause's nouns describe the head after it ("장애인이 받는 지원금")
            if tok.tag.split("-", 1)[0] not in ("NNG", "NNP") or len(tok.form) < 2:
                if not tok.tag.startswith(("NN", "XSN")):
                    compound = []
                continue
            j = i + 1
            while j < len(asking) and asking[j].tag == "XSN":
                j += 1  # 요금제, 위약금: the suffix belongs to the head
            nxt = asking[j].tag if j < len(asking) else "SF"
            if nxt.startswith("NN"):
                compound.append(tok.form)
                continue
            if not nxt.startswith(("JKB", "JKG", "JC", "XSV", "XSA", "XR", "SL", "SH")):
                if names_a_subject(tok.form):
                    heads.append(tok.form)
                if not wh_seen and tok.form not in _QUESTION_WORDS:
                    asked = [m for m in compound if names_a_subject(m) and m not in _ASKING_NOUNS]
            compound = []
        out.extend((h, "head") for h in heads)
        out.extend((m, "modifier") for m in asked)
    return out


def names_a_subject(noun: str) -> bool:
    """Whether a noun can be what something is about: not a person (부모님, 선생님), a time (아침,
    전날, 오전), a feeling or an abstract word (경우, 문제, 상황)."""
    return noun not in _TIME and noun not in _NOT_THINGS and not _WEEKDAY.match(noun)


def thing_nouns(text: str) -> list[str]:
    """Content nouns of an inquiry, in order, once each (see the module docstring)."""
    tokens = _analysed(after_service(text))
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.tag.split("-", 1)[0] not in ("NNG", "NNP") or len(tok.form) < 2:
            continue
        nxt = tokens[i + 1].tag if i + 1 < len(tokens) else ""
        if (
            nxt.startswith(("XSV", "XSA"))
            and tokens[i + 1].start == tok.end
            and (tok.form in _WHETHER_NOUNS or tok.form in _LIGHT_ACTIONS)
        ):
            continue  # 허용되나요, 가능해요, 얘기할: the asking, not what is asked about
        if not names_a_subject(tok.form) or tok.form in out:
            continue
        out.append(tok.form)
    return out


def circumstance_token(token: str) -> bool:
    """A query token that says when or asks, never what about: 이번, 주말, 오늘, 금요일, 어떻, 언제 …"""
    return token in _TIME or token in _ASKING_TOKENS or bool(_WEEKDAY.match(token))


def question_nouns(text: str) -> list[str]:
    """Every noun of the text that counts as a thing, one syllable included (짐, 폰), once each:
    a question none of whose nouns the knowledge base knows ("고양이가 사료를 잘 안 먹는데 어떻게
    하죠?") is about something else, while one known word ("일본 가는데 짐 5키로 정도 오바될거같아요
    …": 짐) ties it to the knowledge base."""
    forms = (t.form for t in _analysed(after_service(text)) if t.tag.split("-", 1)[0] in ("NNG", "NNP"))
    return [f for f in dict.fromkeys(forms) if names_a_subject(f)]


# particles that make a noun the scene of a situation: "해외에서", "개명으로", "예약에", "가족에게"
_SCENE_PARTICLES = frozenset("에서 으로 로 에 에게 한테 으로서 로서".split())


def scene_nouns(heading: str) -> list[str]:
    """The nouns that set a situation heading's scene, each with a place/means particle after it.

    "해외에서 휴대폰을 분실한 경우" → 해외; "발권 후 개명으로 여권 영문명이 바뀐 경우" → 개명;
    "구매확정했는데 적립금이 없는 경우" → none. A situation whose scene the inquiry never names
    ("하늘마일리지 유효기간은 얼마인가요?" under "취소한 예약에 쓴 마일리지의 …") answers another case.
    """
    tokens = _analysed(heading)
    out: list[str] = []
    for tok, nxt in itertools.pairwise(tokens):
        if (
            tok.tag.split("-", 1)[0] in ("NNG", "NNP")
            and len(tok.form) >= 2
            and nxt.tag == "JKB"
            and nxt.form in _SCENE_PARTICLES
            and names_a_subject(tok.form)
            and tok.form not in out
        ):
            out.append(tok.form)
    return out


# after 주-: the past (줬고, 주셨는데) or a modifier of something done (주신 기사님, 준 쿠폰)
_PAST = frozenset("었 았 였".split())
_DONE_MODIFIER = frozenset("ᆫ 은 는 던".split())


def _done_before(after: Sequence[Any]) -> bool:
    """The words after a 주- tell of something done (a past tense or a modifier), not a request."""
    rest = [t for t in after if not (t.tag == "EP" and t.form in ("시", "으시"))]
    if not rest:
        return False
    first = rest[0]
    past = first.tag == "EP" and first.form in _PAST
    return past or (first.tag == "ETM" and first.form in _DONE_MODIFIER)


def asked_to_do(question: str) -> list[str]:
    """The actions a request asks the assistant to do: a predicate noun before 해 주- ("…를 영어로
    번역해 줘" → 번역, "이 문장 요약해주세요" → 요약, "환불해 주세요" → 환불), not talking or
    generic doing (확인해 주세요 asks for a check the knowledge base speaks of in its own words)."""
    tokens = _analysed(after_service(question))
    out: list[str] = []
    for i in range(len(tokens) - 3):
        tok, xsv, ec, vx = tokens[i : i + 4]
        if (
            tok.tag.split("-", 1)[0] in ("NNG", "NNP")
            and len(tok.form) >= 2
            and xsv.tag == "XSV"
            and xsv.start == tok.end
            and ec.tag == "EC"
            and vx.tag == "VX"
            and vx.form == "주"
            # "지인에게 소개해 줬고 …", "설치해 주신 기사님": what was done, not asked for
            and not _done_before(tokens[i + 4 :])
            and tok.form not in _LIGHT_ACTIONS
            and tok.form not in _CHECKING
            and names_a_subject(tok.form)
            and tok.form not in out
        ):
            out.append(tok.form)
    return out


_ALSO = frozenset("같이 함께".split())


def asked_also_things(question: str) -> list[str]:
    """The nouns of what a question asks about *as well*: the noun phrase before 도 같이/함께.

    "이체 한도를 상향하면 ATM 출금 한도도 같이 올라가나요?" → ATM, 출금, 한도; "수료증에 최종 평가
    점수도 함께 표시되나요?" → 최종, 평가, 점수. The article that answers the first thing (한도 상향)
    fits well, but only a sentence that names the other one answers whether it goes along.
    A person does not count ("배우자도 함께 신청 가능한가요?" asks who may apply), nor does a
    person before the thing (가족 결합 할인 → 결합, 할인)."""
    if not any(word in question for word in _ALSO):
        return []  # most questions: no analysis on the answer path
    tokens = _analysed(after_service(question))
    out: list[str] = []
    for i in range(1, len(tokens) - 1):
        if not (tokens[i].tag == "JX" and tokens[i].form == "도" and tokens[i + 1].form in _ALSO):
            continue
        j = i
        while j > 0 and tokens[j - 1].tag.split("-", 1)[0] in ("NNG", "NNP", "SL", "SH"):
            j -= 1
        phrase = [t.form for t in tokens[j:i]]
        if not phrase or not names_a_subject(phrase[-1]):
            continue  # a person ("배우자도 함께") or an abstract noun is not a thing
        out.extend(f for f in phrase if len(f) >= 2 and names_a_subject(f) and f not in out)
    return out
