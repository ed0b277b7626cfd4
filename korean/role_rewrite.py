"""Rewriting an agent note as the sentence a customer may be sent.

"… 환불된다고 안내드렸습니다" → "… 환불됩니다", "… 제외됨을 안내합니다" → "… 제외됩니다", "…하도록
안내합니다" → "…해 주시기 바랍니다". :mod:`korean.roles` finds the note and where its told content
ends, calls :func:`told_sentence`, and keeps the result only when it is itself general.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from korean.case_topic import STATE_EC, address_end
from korean.kiwi import KIWI_LOCK, kiwi

__all__ = ["PUNCT_TAGS", "QUOTE_EC", "customer_state", "step_told", "told_content", "told_sentence"]

PUNCT_TAGS = frozenset({"SF", "SP", "SS", "SE", "SO", "SW", "SSO", "SSC"})
_FACT_NOUNS = frozenset({"점", "것", "사실"})  # "…된다는 점을 안내해요"
_REASON_EC = frozenset({"므로", "으므로"})  # "…되지 않으므로 신용카드 인증을 안내합니다"
# quotative connectives before a report verb ("…환불된다고 안내드렸습니다", "…하도록 안내합니다")
QUOTE_EC = frozenset({"다고", "ᆫ다고", "는다고", "라고", "으라고", "냐고", "느냐고", "자고", "도록", "게끔"})
# connectives after which another act follows ("재전송하며, …", "요청하고, …")
_ACT_EC = frozenset({"고", "며", "으며", "어서", "아서"})
# an earlier request in the same note, in the agent's causative ("새 계좌를 등록하도록 하고, 밀린
# 보험료는 … 내도록 안내합니다"): to the customer, "등록하시고"; another verb's causative has no
# safe rewrite here
_CAUSATIVE_HA = re.compile(r"하도록\s+하고\s*,")
_CAUSATIVE = re.compile(r"도록\s+하(?:고|며|여)\b")
# what agents do and customers do not
_AGENT_ACTS = frozenset("안내 설명 전달 고지 통보 요청 공유 발급 전송 조회 기록 입력 이관".split())


def told_content(tokens: Sequence[tuple[str, str]], report: int) -> int | None:
    """Where the content the agent is told to give ends, for "…X됨을 안내합니다", "…X된다는 점을
    안내해요" (the nominalised content) and "…X되지 않으므로 Y를 안내합니다" (the stated reason).

    The index returned is that of the ending to replace (ETN ``ᆷ``, the adnominal ``다는``, or
    the reason connective ``므로``); None when the object of the report verb is a plain noun
    ("재발급 불가를 안내합니다"), whose content is not a sentence.
    """
    j = report - 1
    while j >= 0 and (
        tokens[j][1] == "MAG" or (tokens[j][1] == "JKB" and j > 0 and tokens[j - 1][0] == "고객")
    ):
        j -= 2 if tokens[j][1] == "JKB" else 1
    if j < 1 or tokens[j][1] != "JKO":
        return None
    k = j - 1
    if tokens[k][1] == "ETN" and tokens[k][0] in ("ᆷ", "음"):
        return k
    if (
        tokens[k][0] in _FACT_NOUNS
        and k > 0
        and tokens[k - 1][1] == "ETM"
        and tokens[k - 1][0].endswith(("다는", "라는"))
    ):
        return k - 1
    reasons = [i for i in range(k) if tokens[i][1] == "EC" and tokens[i][0] in _REASON_EC]
    return reasons[-1] if reasons else None


def step_told(tokens: Sequence[tuple[str, str]], at: int) -> int | None:
    """Where the content of a first step's telling ends (:mod:`korean.agent_steps`): "…부과됨을
    (미리) 안내하고", "…안 된다고 설명하고", "…옮겨 주므로 먼저 안내하고"; None for asking and
    checking (묻고, 확인하고), whose object is not something the customer is told."""
    if tokens[at][1] != "NNG" or tokens[at][0] == "확인":
        return None
    told = told_content(tokens, at)
    if told is not None:
        return told
    j = at - 1
    while j >= 0 and tokens[j][1] == "MAG":
        j -= 1
    return j if j > 0 and tokens[j][1] == "EC" and tokens[j][0] in QUOTE_EC | _REASON_EC else None


def told_sentence(
    text: str, tokens: list[tuple[str, str]], spans: list[tuple[int, int]], quote_at: int
) -> str | None:
    """The quoted content as a customer-facing sentence, or None where no rewrite is safe.

    The text before the quoted clause's last word is kept exactly as written, less the words that
    name the customer ("고객에게는", "고객이"); only that last word is re-conjugated by Kiwi with a
    final ending instead of the quotative one. What the customer is told to do ("…하도록 안내합니다")
    becomes a request ("…해 주시기 바랍니다", "…해 주세요" where the note is in 해요체). No rewrite
    when the telling follows the agent's own act ("… 재전송하며, 고객에게는 …", "… 요청하고,
    고객에게는 …": it holds only once that act is done) or the kept text still holds one ("예약번호를
    발급하고, …").
    """
    if _DATED.search(text):
        return None  # "추석 당일(2025-10-06) 문의 고객에게 …": what one customer was told that day
    named = _customer_named(tokens, quote_at)
    start, cut = 0, (0, 0)
    if named is not None:
        if _about_the_customer(tokens, named, quote_at) or _one_customer(tokens, named):
            return None
        cut = named
        before = [t for t in tokens[: named[0]] if t[1] not in PUNCT_TAGS]
        if before and before[-1][1] == "EC" and before[-1][0] in _ACT_EC:
            return None
        if not before:
            start, cut = named[1], (0, 0)
    if start >= quote_at or (start == 0 and _starts_with_predicate(tokens, quote_at)):
        return None
    word = quote_at - 1  # first morpheme of the quoted clause's last word
    while word > start and spans[word - 1][1] == spans[word][0]:
        word -= 1
    # only the last predicate of that word is conjugated again; what precedes it stays as written
    # ("새로고침하도록" keeps 새로고침: Kiwi reads it 새로+고치+ㅁ and joins that back as 새로곰)
    stem = max((k for k in range(word, quote_at) if tokens[k][1].startswith(_PREDICATE_TAGS)), default=word)
    kept = [t for k, t in enumerate(tokens[start:word], start) if not cut[0] <= k < cut[1]]
    if any(
        a[1] == "NNG" and a[0] in _AGENT_ACTS and b == ("하", "XSV") and c[1] == "EC" and c[0] in _ACT_EC
        for a, b, c in zip(kept, kept[1:], kept[2:], strict=False)
    ):
        return None
    content: list[Any] = list(tokens[stem:quote_at])
    if content and content[-1][0] == "달" and content[-1][1].startswith("V"):
        content[-1] = ("주", "VX")  # "보관해 달라고": please do it for us -> 보관해 주세요
    quote = tokens[quote_at][0]
    haeyo = any(tag == "EF" and form.endswith("요") for form, tag in tokens[quote_at + 1 :])
    tail = ""
    if quote in ("냐고", "느냐고", "자고"):
        return None
    if quote in ("도록", "게끔", "라고", "으라고") and content[-1][0] in ("시", "으시"):
        content = content[:-1]
        content.append(("세요", "EF") if content and content[-1][0] == "주" else ("십시오", "EF"))
    elif quote in ("도록", "게끔") and _someone_else_acts(kept):
        # "받는 분이 … 신청하도록 안내해요": a rule about what someone else does, not a request
        content.append(("ᆸ니다", "EF"))
    elif quote in ("도록", "게끔"):
        if content[-1][0] in ("않", "있", "없") or content[-1][1].startswith("VA"):
            return None  # "…하지 않도록", "…제출할 수 있도록": no natural request form; leave it out
        if content[-1][0] != "주":
            content += [("어", "EC"), ("주", "VX")]
        content += [("세요", "EF")] if haeyo else [("시", "EP"), ("기", "ETN")]
        tail = "" if haeyo else " 바랍니다"
    elif (
        quote in ("라고", "으라고")
        and content[-1][1] not in ("VCP", "EP", "SN", "SL")
        and not (content[-1][1].startswith("N"))
    ):
        content.append(("세요", "EF"))
    elif content[-1][1].startswith("N") or content[-1][1] in ("SN", "SL"):
        content += [("이", "VCP"), ("ᆸ니다", "EF")]
    else:
        content.append(("ᆸ니다", "EF"))
    try:
        with KIWI_LOCK:
            last = kiwi().join(content) + tail
            again = {form for form, *_ in kiwi().tokenize(last)}
    except Exception:  # a morpheme sequence Kiwi cannot join: no rewrite rather than a bad one
        return None
    if content[0][0] not in again:
        return None  # the join changed the stem it was given: a garbled word is never sent
    head = text[spans[start][0] : spans[stem][0]]
    if cut[1] > cut[0]:
        # "이사로 동네를 바꾸려는 고객에게는 …" → "이사로 동네를 바꾸려는 경우 …": a modifier of
        # the customer named keeps a noun to modify
        case = "경우 " if cut[0] > start and tokens[cut[0] - 1][1] == "ETM" else ""
        if (
            cut[0] > start
            and tokens[cut[0] - 1][1].startswith("N")
            and spans[cut[0] - 1][1] + 1 >= spans[cut[0]][0]
        ):
            return None  # "초진 고객이 …": without 고객 the noun before it is left to modify nothing
        head = text[spans[start][0] : spans[cut[0]][0]] + case + text[spans[cut[1]][0] : spans[stem][0]]
    if quote in ("도록", "게끔"):
        head = _CAUSATIVE_HA.sub("하시고,", head)
    if _CAUSATIVE.search(head):
        return None
    return str(head + last).strip().rstrip(",") + "."


_PREDICATE_TAGS = ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA")


def _starts_with_predicate(tokens: Sequence[tuple[str, str]], end: int) -> bool:
    """The note opens with a bare predicate ("있으면 완료 또는 해지 후 탈퇴 가능함을 안내합니다"):
    its subject is in the sentence before, so it cannot be sent alone ("고객이 원하면 …" names
    its subject, the customer, whom the rewrite addresses)."""
    words = [t for t in tokens[:end] if t[1] not in PUNCT_TAGS]
    if not words or not words[0][1].startswith(("VV", "VA", "VX")):
        return False
    ending = next((t for t in words[1:] if not t[1].startswith(("EP", "VX"))), ("", ""))
    return ending[1] == "EC"  # 있으면, 없어서 -- not 빠른 배송, 건너뛰기는 (a modifier, a noun)


# a calendar date: 2025-10-06, 2026.3.2, 3월 2일, 3/2
_DATED = re.compile(
    r"\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|\d{1,2}\s*월\s*\d{1,2}\s*일|(?<![\d.,])\d{1,2}/\d{1,2}(?![\d/])"
)
# words that pick out one customer ("문의 고객에게", "해당 고객에게", "이 고객은")
_THIS_ONE = frozenset(
    {("문의", "NNG"), ("해당", "NNG"), ("이", "MM"), ("그", "MM"), ("위", "NNG"), ("당", "MM")}
)


def _one_customer(tokens: Sequence[tuple[str, str]], named: tuple[int, int]) -> bool:
    """The customer named is one customer ("3월 2일 문의 고객에게", "해당 고객에게"), not customers
    in general ("고객에게는 …"): what they were told is their case."""
    return named[0] > 0 and tokens[named[0] - 1] in _THIS_ONE


# people other than the customer being answered who may be the subject of what is to be done
_OTHER_PEOPLE = frozenset("분 판매자 가족 보호자 담당자 명의자 수령인 기사".split())


def _someone_else_acts(tokens: Sequence[tuple[str, str]]) -> bool:
    """A subject that names someone else ("받는 분이", "판매자가") for the last clause of
    ``tokens``: only a condition (…면) may come between, which shares its subject ("받는 분이 …
    원하면 … 신청하도록"); after a reason or another act it was another clause's subject
    ("판매자가 직접 발행하므로 … 요청하도록" asks the customer)."""
    for i, (_form, tag) in enumerate(tokens):
        if tag == "JKS" and i > 0 and tokens[i - 1][0] in _OTHER_PEOPLE:
            between = [f for f, t in tokens[i + 1 :] if t == "EC"]
            if all(f in ("면", "으면", "다면") for f in between):
                return True
    return False


def _about_the_customer(tokens: Sequence[tuple[str, str]], named: tuple[int, int], quote_at: int) -> bool:
    """The customer is the topic or subject of what was said and the first clause states their
    state ("고객님은 VIP 등급이라 무료 배송이 가능하다고 안내드렸습니다", "고객님은 미납이 있어 …":
    this customer's grade or arrears, not a rule); a condition or an obligation of the customer's
    ("고객이 원하면 …", "고객은 본인인증 후 직접 재설정해야 한다고") is a rule."""
    particles = [tag for _form, tag in tokens[named[0] + 1 : named[1]]]
    if "JKB" in particles or not {"JX", "JKS"} & set(particles):
        return False  # "고객에게는", "고객님께": the one told
    ecs = [k for k in range(named[1], quote_at) if tokens[k][1] == "EC"]
    if not ecs or tokens[ecs[0]][0] not in STATE_EC or ecs[0] == 0:
        return False
    # a state: "…이라" (the copula), "…이 있어/없어" -- not an act ("…을 위해", "…해서") -- or
    # what they did ("고객님은 3월에 발급하셔서 매년 3월 결제일에 청구된다고": 시, their own act)
    form, tag = tokens[ecs[0] - 1]
    before = [f for f, t in tokens[named[1] : ecs[0]] if t == "EP"]
    # "고객님은 약정이 4개월 남아 …", "… 가입 30일이 지나 …": time left or gone on their contract
    return tag == "VCP" or form in ("있", "없", "남", "지나") or any(f in ("시", "으시") for f in before)


def customer_state(tokens: Sequence[tuple[str, str]]) -> bool:
    """The sentence states the customer's own state as a reason ("고객님은 VIP 등급이라 무료 배송
    대상입니다", "고객님은 미납이 있어 …"): this customer's case, whoever says it."""
    named = _customer_named(tokens, len(tokens))
    return named is not None and _about_the_customer(tokens, named, len(tokens))


def _customer_named(tokens: Sequence[tuple[str, str]], before: int) -> tuple[int, int] | None:
    """The last "고객(님)" + particles before ``before`` ("고객에게는", "고객님께", "고객이"), as
    a token range, or None."""
    found = None
    for i in range(before):
        if tokens[i][0] == "고객" and tokens[i][1] == "NNG":
            j = i + 1
            if j < before and tokens[j] in (("님", "XSN"), ("분", "XSN"), ("분", "NNB")):
                j += 1
        else:
            end = address_end(tokens, i)  # 손님, 회원님, 환자분, 가입자님 …
            if end is None:
                continue
            j = end
        if j >= before or tokens[j][1] not in ("JKB", "JX", "JKS"):
            continue
        while j < before and tokens[j][1] in ("JKB", "JX", "JKS", "SP"):
            j += 1
        found = (i, j)
    return found
