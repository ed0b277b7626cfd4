"""One customer's own thing as what a sentence is about: "손님 좌석은 비상구 열이라 …", "맡기신
노트북은 액정 교체가 필요해 …", "올려 주신 영수증은 금액이 흐려서 …".

A 상담 스크립트 answer or a ticket resolution often opens with the customer's own seat, line,
laptop or receipt and then says what state it is in. Sent to another customer that is a false
claim, whoever is addressed (고객님, 손님, 회원님, 환자분, 학생분, 가입자님 …) and however the thing
is named: possessed by the address ("가입자님 회선은") or as what the customer did with it, in the
honorific past ("맡기신 노트북은", "보내 주신 사진으로는", "접수하신 민원은").

Such a sentence is a case report (:func:`thing_state`) when what follows states the thing's state:
the copula ("단종 모델이라", "열이라", "…인 상태입니다"), an adjective or 필요하다 ("흐려서",
"필요해", "어렵습니다"), something found on it or missing ("침수 흔적이 있어"), work in progress
("검토 중입니다"), a check that failed ("확인되지 않습니다") or its own date ("다음 달 15일에 만기가
돌아옵니다"). It stays general when it grants, conditions or asks ("구매하신 상품은 수령 후 7일
이내에 반품을 신청하실 수 있습니다", "… 가능합니다", "…하시면 …", "… 경우 …"), or says what happens
next without a state ("보내 주신 서류는 영업일 기준 2일 안에 검토 결과를 문자로 알려 드립니다").
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["STATE_EC", "address_end", "thing_state"]

# nouns that address the customer with 님 or 분 (회원님, 가입자님, 환자분, 학생분 …); 손님 and
# 고객님 are one word
_ADDRESSED = frozenset(
    "고객 회원 가입자 이용자 보호자 학부모 구매자 주문자 예약자 신청자 수강생 입주민 승객 탑승객 투숙객 "
    "여행자 환자 학생".split()
)
_WHOLE = frozenset({"손님", "고객님"})
_SUFFIX = frozenset({("님", "XSN"), ("분", "NNB"), ("분", "XSN")})
_TOPIC = frozenset({"JX", "JKS"})
# "…이라", "…라서", "…있어", "…여서": a state given as the reason for what follows
STATE_EC = frozenset({"라", "이라", "라서", "이라서", "어", "아", "어서", "아서", "여서", "여"})
_CONDITION_EC = frozenset({"면", "으면", "다면", "라면", "이라면", "거나", "더라도", "어도", "아도"})
_CONDITION_NOUNS = frozenset({"경우", "때", "시"})
_REQUEST_EF = frozenset({"세요", "으세요", "십시오", "ᆸ시오", "으십시오"})
_PERMIT_NOUNS = frozenset({"가능", "불가", "불가능"})
_WORK_NOUNS = frozenset(
    {"검토", "처리", "확인", "배송", "수리", "접수", "진행", "준비", "점검", "조사", "심사"}
)


def address_end(tokens: Sequence[tuple[str, str]], i: int) -> int | None:
    """The index after the address term starting at ``i`` (고객님, 손님, 회원님, 환자분 …), or None."""
    form, tag = tokens[i]
    if tag not in ("NNG", "NNP"):
        return None
    if form in _WHOLE:
        return i + 1
    if form in _ADDRESSED and i + 1 < len(tokens) and tokens[i + 1] in _SUFFIX:
        return i + 2
    return None


def _thing_topic(tokens: Sequence[tuple[str, str]]) -> int | None:
    """Index of the particle after the customer's own thing opening the sentence, or None:
    "가입자님 회선은", "손님의 좌석이", "맡기신 노트북은", "보내 주신 사진으로는", "제출하신 진단서에"."""
    n = len(tokens)
    at = address_end(tokens, 0)
    if at is not None:
        if at < n and tokens[at] == ("의", "JKG"):
            at += 1
    else:
        # an honorific past relative clause: V (+ 어 주) + 시 + ᆫ
        k = next((j for j in range(min(n - 1, 6)) if tokens[j][1] == "ETM"), None)
        if (
            k is None
            or k < 2
            or tokens[k][0] not in ("ᆫ", "은")
            or tokens[k - 1] not in (("시", "EP"), ("으시", "EP"))
        ):
            return None
        if any(t not in ("VV", "XSV", "VX", "EC", "EP", "NNG") for _f, t in tokens[: k - 1]):
            return None
        at = k + 1
    nouns = at
    while nouns < n and tokens[nouns][1] in ("NNG", "NNP", "SL", "SN"):
        nouns += 1
    if nouns == at or nouns >= n:
        return None
    if tokens[nouns][1] == "JKB" and nouns + 1 < n and tokens[nouns + 1][1] == "JX":
        return nouns + 1  # "보내 주신 사진으로는"
    if tokens[nouns] in (("에", "JKB"), ("에서", "JKB")):
        return nouns  # "제출하신 진단서에 질병코드가 빠져 있어 …"
    return nouns if tokens[nouns][1] in _TOPIC else None


def _grants_or_asks(tokens: Sequence[tuple[str, str]]) -> bool:
    """수 있 / 가능, a condition (…면, … 경우), or a request to the customer (…세요, 바랍니다)."""
    for j, (form, tag) in enumerate(tokens):
        if form == "수" and tag == "NNB" and j + 1 < len(tokens) and tokens[j + 1][0] in ("있", "없"):
            return True
        if tag == "EC" and form in _CONDITION_EC:
            return True
        # 경우, 때, 시 ("환불 시"), not a clock time ("오전 10시")
        if tag.startswith("NN") and form in _CONDITION_NOUNS and not (j and tokens[j - 1][1] == "SN"):
            return True
        if (tag == "EF" and form in _REQUEST_EF) or (form == "바라" and tag == "VV"):
            return True
        if tag == "NNG" and form in _PERMIT_NOUNS:
            return True
    return False


def _states(tokens: Sequence[tuple[str, str]]) -> bool:
    """What follows the topic says what state the thing is in."""
    n = len(tokens)
    for j, (form, tag) in enumerate(tokens):
        after = tokens[j + 1] if j + 1 < n else ("", "")
        if (
            tag in ("VCP", "VA", "XSA")
            and after[1] in ("EC", "EF", "EP")
            and (after[1] != "EC" or after[0] in STATE_EC)
        ):
            return True
        if form in ("있", "없") and tag.startswith("V") and after[1] == "EC" and after[0] in STATE_EC:
            return True
        if (form, tag) == ("있", "VX") and after[1] in ("EF", "EP"):
            return True  # "… 예약되어 있어요", "… 잡혀 있습니다": where it stands now
        if form == "중" and tag == "NNB" and j > 0 and tokens[j - 1][0] in _WORK_NOUNS and after[1] == "VCP":
            return True  # "검토 중입니다"
        if form == "확인" and tokens[j + 1 : j + 4] == [("되", "XSV"), ("지", "EC"), ("않", "VX")]:
            return True  # "확인되지 않습니다": a check of this thing that failed
        if (
            tag == "SN"
            and after == ("일", "NNB")
            and j > 0
            and tokens[j - 1] in (("월", "NNB"), ("달", "NNG"))
        ):
            return True  # its own date: "… 다음 달 15일에 만기가 돌아옵니다", "… 6월 3일로 잡혀 있습니다"
    return False


def thing_state(tokens: Sequence[tuple[str, str]]) -> bool:
    """The sentence opens with one customer's own thing and states its state (module docstring)."""
    topic = _thing_topic(tokens)
    if topic is None:
        return False
    rest = tokens[topic + 1 :]
    return not _grants_or_asks(rest) and _states(rest)
