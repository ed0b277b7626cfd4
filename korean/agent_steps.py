"""An agent's step told in a sentence's first clause: "…을 안내하고 …", "…인지 확인하고 …".

KMS articles write their 단계별 절차 and 주요 상황 및 해결책 for the agent: "반환 입금 예정일을
안내하고 입금 후 처리 완료로 닫습니다", "개선 여부를 묻고, 고쳤다면 무료 재점검을 예약합니다",
"분실·도난 여부와 분실 시각을 확인하고 즉시 분실 정지를 처리합니다". The final predicate alone
(닫습니다, 예약합니다, 처리합니다) reads like a rule, but the first clause is what the agent tells,
asks or checks in one conversation; sent to a customer the sentence says that someone will tell,
ask or check something for them, or was meant to. :func:`agent_first_step` finds such a clause.

Not a step: a sentence said to the customer (honorific 시, 주세요, 바랍니다; the caller checks), a
notice every customer gets by a channel ("알림톡과 문자로 알리고, …") or within a stated time
("결과는 7일 이내에 안내하며, …"), and a sentence whose rest says what the customer can do ("…
확인하고, 결제 후 즉시 예약이 가능합니다"). 확인하며 with 며 is a process of the company ("매년 6월에
자격을 일괄 재확인하며, …"); 확인하고 is the agent's check before acting.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

__all__ = ["agent_first_step", "by_channel"]

# channels a notice reaches every customer by ("알림톡으로 안내합니다", "앱 푸시와 문자로 안내해요")
_CHANNELS = frozenset("알림톡 톡 문자 메시지 이메일 메일 푸시 알림 카카오톡 카톡".split()) | {"SMS", "sms"}
# report nouns told in a first clause (+ 하 + 고/며): what the agent tells or recommends
_TOLD_NOUNS = frozenset("안내 설명 권유 전달".split())
_STEP_EC = frozenset({"고", "며", "으며"})
# a time within which every customer is told ("영업일 기준 7일 이내에 안내하며", "24시간 전까지 알리고")
_TIMED = re.compile(
    r"\d+\s*(?:영업일|일|시간|분|주|개월)\s*(?:이내|안에|전까지|까지|전에|후에?)|이내에|이내로"
)
_CAN = re.compile(r"수\s*있|가능")


def by_channel(tokens: Sequence[tuple[str, str]]) -> bool:
    """A channel named as the way ("알림톡으로", "문자로")."""
    return any(
        form in _CHANNELS and nxt[1] == "JKB" and nxt[0] in ("로", "으로")
        for (form, _), nxt in itertools.pairwise(tokens)
    )


def _step_at(tokens: Sequence[tuple[str, str]], i: int) -> bool:
    form, tag = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
    if tag == "NNG" and i + 2 < len(tokens) and nxt in (("하", "XSV"), ("하", "XSA")):
        ending = tokens[i + 2]
        if ending[1] != "EC":
            return False
        if form in _TOLD_NOUNS:
            return ending[0] in _STEP_EC
        return form == "확인" and ending[0] == "고"
    if tag == "VV" and form in ("묻", "알리"):
        return nxt[1] == "EC" and nxt[0] == "고"
    return False


def agent_first_step(
    text: str, tokens: Sequence[tuple[str, str]], spans: Sequence[tuple[int, int]]
) -> int | None:
    """Where a first clause's telling, asking or checking verb is (the noun of 안내하고, the stem
    of 묻고), when the sentence goes on after it; None when there is no such step."""
    for i in range(len(tokens) - 2):
        if not _step_at(tokens, i):
            continue
        if by_channel(tokens[:i]) or _TIMED.search(text[: spans[i][0]]):
            return None  # a notice every customer is sent, within its time or by its channel
        return None if _CAN.search(text[spans[i][0] :]) else i
    return None
