"""Cases that exclude each other: an answer about one does not answer a question about the other.

"국내선 항공편이 항공사 사정으로 3시간 지연되면 보상은 얼마인가요?" was answered at confidence
0.997 with the rule for international flights ("국제선이 2시간 이상 4시간 미만 지연되면 …"): every
other word of the question fits that sentence, and the one that decides which rule holds is its
contrary. :func:`contrary_case` tells when the question names one side of such a pair and the
answer only the other (국내선/국제선, 신용카드/체크카드, 일시불/할부, domestic/international …),
so the answer layer hands off instead (``assist.compose``). An answer that says its case is the
only one ("국내 가맹점에서만 …", "only for credit cards") answers the other too, and so does a
schedule: weekdays and weekends are not a pair ("평일 9시부터 18시까지 운영합니다" tells one asking
about Saturdays).

The pairs are qualifiers of a customer's case, matched as written (Korean) or as whole words
(English); a side counts only when the other side is absent from the same text, so "국내선과
국제선 모두" answers both. 개인 excludes 개인정보 (personal data is no individual customer type) and
"personal" excludes personal training/data/details.

A case the customer rules out themselves is the other such pair: "킹사이즈 이불 빨래 얼마에요? 구스
아니고 그냥 솜이불" was answered at 1.0 with the goose-down price, "에어컨 말고 세탁기 통 분해 세척
서비스도 있나요?" with the air-conditioner cleaning. :func:`excluded_case` tells when the answer
speaks of what the question ruled out (the nouns before 말고 / 아니고) and does not name what it
asks for instead (the first noun after).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from korean.kiwi import KIWI_LOCK, kiwi

__all__ = ["contrary_case", "excluded_case"]

_PAIRS: tuple[tuple[str, str], ...] = (
    (r"국내선", r"국제선"),
    (r"국내(?!선)", r"해외|국외"),
    (r"신용\s*카드", r"체크\s*카드"),
    (r"일시불", r"할부"),
    (r"선불", r"후불"),
    (r"개인(?!\s*정보)(?:\s*회원|\s*고객|\s*사업자)?", r"법인"),
    (r"내국인", r"외국인"),
    (r"\bdomestic\b", r"\b(?:international|overseas|abroad)\b"),
    (r"\bcredit cards?\b", r"\bdebit cards?\b"),
    (r"\bpersonal\b(?! (?:training|trainer|data|details|information|info))", r"\bbusiness\b"),
)
# "국내 가맹점에서만 쓸 수 있습니다" answers "해외에서도 쓸 수 있나요?": a scope said to be the only one
_ONLY = re.compile(r"(?:에서|에|으로|로)만(?![가-힣])|\bonly\b", re.I)
_COMPILED = tuple((re.compile(a, re.I), re.compile(b, re.I)) for a, b in _PAIRS)


def contrary_case(texts: Sequence[str], question: str) -> bool:
    """The question names one side of a pair of exclusive cases and the answer's sentences
    ``texts`` name only the other ("국내선 … 보상은?" answered with "국제선이 … 지연되면 …")."""
    said = " ".join(texts)
    for one, other in _COMPILED:
        for asked, wrong in ((one, other), (other, one)):
            if (
                asked.search(question)
                and not wrong.search(question)
                and wrong.search(said)
                and not asked.search(said)
                and not any(wrong.search(t) and _ONLY.search(t) for t in texts)
            ):
                return True
    return False


_NOUNS = ("NNG", "NNP", "SL", "XR")
_SKIPPED = ("MA", "NP", "JKG")  # adverbs and 제/내 between 말고 and what is asked instead


@functools.lru_cache(maxsize=4_096)
def _excluded_and_instead(question: str) -> tuple[tuple[frozenset[str], str], ...]:
    """(the nouns ruled out, the noun asked for instead) of each "X 말고 Y" / "X(는) 아니고 Y" in
    ``question``: the noun run before, the first noun after (past adverbs and 제/내). Kept per
    question: one composition asks it of the script's answer and of the sentences'."""
    if "말고" not in question and "아니고" not in question:
        return ()
    with KIWI_LOCK:
        tokens = kiwi().tokenize(question)
    out: list[tuple[frozenset[str], str]] = []
    for i in range(1, len(tokens) - 1):
        word, ending = tokens[i], tokens[i + 1]
        if not ((word.form, word.tag) in (("말", "VV"), ("아니", "VCN")) and ending.form == "고"):
            continue
        before = i - 1
        while before >= 0 and tokens[before].tag.startswith("J"):  # 사고까지는 아니고
            before -= 1
        ruled: set[str] = set()
        while before >= 0 and tokens[before].tag in _NOUNS:
            ruled.add(tokens[before].form)
            before -= 1
        after = i + 2
        while after < len(tokens) and tokens[after].tag.startswith(_SKIPPED):
            after += 1  # 아니고 그냥 솜이불, 말고 제 계좌로
        if ruled and after < len(tokens) and tokens[after].tag in _NOUNS:
            out.append((frozenset(ruled), tokens[after].form))
    return tuple(out)


def excluded_case(texts: Sequence[str], question: str) -> bool:
    """The question rules a case out ("구스 아니고 솜이불", "에어컨 말고 세탁기") and the answer's
    sentences ``texts`` speak of it without naming what the question asks for instead."""
    said = " ".join(texts)
    return any(
        any(n in said for n in ruled - {instead}) and instead not in said
        for ruled, instead in _excluded_and_instead(question)
    )
