"""The things an inquiry asks about: its content nouns (영어, 편의점, 할부, 스마트워치 …).

"청구서를 영어로 받아볼 수 있나요?" shares 청구서 with an article that says bills can be sent by
e-mail or post; what it asks about is English, which no article mentions. :func:`thing_nouns`
gives the nouns that name such a thing and :func:`asked_if_things` those of the sentences that ask
whether, so the answer layer can check that the knowledge base mentions each of them before it
answers such a question (:mod:`assist.unmentioned`).

A noun counts when Kiwi tags it NNG/NNP, it has at least two syllables (칩, 폰, 돈 are too
ambiguous on their own), it is not a predicate noun (허용되나요, 선물하거나: the action, not the
thing), not a word of time (지난주, 며칠, 월말: when, not what) and not a person or an abstract
noun (아버지, 친구, 마음, 경우: who or how, not what). The analysis is Kiwi's
typo-tolerant one, as for BM25 query tokens, so the forms match ``SearchTrace.query_tokens``.
"""

from __future__ import annotations

import re

from korean.abbrev import after_service
from korean.colloquial import typo_tokens

__all__ = ["asked_if_things", "thing_nouns"]

# words of time (a closed class): when something happened, not what the inquiry is about
_TIME = frozenset(
    "오늘 어제 내일 모레 그제 그저께 지난주 이번주 다음주 담주 저번주 지난달 이번달 "
    "다음달 담달 저번달 올해 작년 내년 재작년 지난해 금년 요즘 최근 아까 방금 저번 "
    "지난번 이번 다음 며칠 몇일 하루 이틀 사흘 나흘 닷새 엿새 이레 여드레 아흐레 열흘 "
    "보름 일주일 한달 주말 평일 오전 오후 아침 저녁 새벽 한밤 점심 중순 초순 하순 "
    "월초 월말 연말 연초 상반기 하반기 분기 당일 익일 전날 다음날 주중 휴일 공휴일 "
    "명절".split()
)
_WEEKDAY = re.compile(r"^[월화수목금토일](?:요일|욜)$")
# people (who acts or whose account it is: "돌아가신 아버지 계정을 … 처리할 수 있나요?"), abstract
# nouns that name no thing ("마음이 바뀌었어요", "이런 경우", "무슨 문제") and feelings ("진짜 짜증나네")
_NOT_THINGS = frozenset(
    "아버지 어머니 아빠 엄마 부모 부모님 남편 아내 와이프 배우자 아들 딸 자녀 아이 동생 형 누나 언니 "
    "오빠 할머니 할아버지 조부모 손자 손녀 손주 가족 친구 지인 동료 남자친구 여자친구 남친 여친 본인 "
    "저희 마음 생각 기분 느낌 경우 문제 상황 정도 이유 방법 내용 부분 관련 때문 상태 사람 자체 영향 "
    "짜증 화 불만 걱정 불편 답답 속상 실망 스트레스 불안 난리 진짜 정말".split()
)


# a question word: the sentence asks what/how much/when …, not whether
_WH = re.compile(r"무엇|무슨|뭐|뭘|뭔|머가|얼마|몇|어떻게|어떤|어느|어케|어캐|언제|어디|누가|누구|왜")
# "… 할 수 있나요?", "… 해도 되나요?", "… 가능해요?", "… 적립되나요?": whether something can be done
_WHETHER = re.compile(r"(?:수\s*(?:있|잇)|가능|되|돼|됨|됌|해도|괜찮)[가-힣]*\s*[?？]*\s*$")
_SENTENCE_END = re.compile(r"(?<=[?？!.\n])\s*")


def asked_if_things(question: str) -> list[str]:
    """The things of the question's yes/no sentences about whether something can be done.

    "유심을 편의점에서도 살 수 있나요? 가격은 얼마예요?" → 유심, 편의점 (the second sentence asks how
    much); "기술창업센터에서 기대할 수 있는 멘토링 지원의 형태는 무엇인가요?" → none (it asks what).
    """
    out: list[str] = []
    for sentence in _SENTENCE_END.split(question):
        if sentence.strip() and _WHETHER.search(sentence) and not _WH.search(sentence):
            out.extend(n for n in thing_nouns(sentence) if n not in out)
    return out


def thing_nouns(text: str) -> list[str]:
    """Content nouns of an inquiry, in order, once each (see the module docstring)."""
    tokens = typo_tokens(after_service(text))
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.tag.split("-", 1)[0] not in ("NNG", "NNP") or len(tok.form) < 2:
            continue
        nxt = tokens[i + 1].tag if i + 1 < len(tokens) else ""
        if nxt.startswith(("XSV", "XSA")) and tokens[i + 1].start == tok.end:
            continue  # 허용되나요, 선물하거나: a predicate noun
        if tok.form in _TIME or tok.form in _NOT_THINGS or _WEEKDAY.match(tok.form) or tok.form in out:
            continue
        out.append(tok.form)
    return out
