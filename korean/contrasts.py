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
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["contrary_case"]

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
