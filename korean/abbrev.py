"""Latin abbreviations that Korean support text uses as Korean words: A/S (after-sales service).

Customers and articles write 애프터서비스 as A/S, a/s, AS or as ("청소기 AS 되나요", "제조사 A/S
센터"). The lexical leg read none of them: ``as`` is an English stopword and Kiwi splits ``A/S``
into one-letter pieces, which are dropped, so BM25 never matched an A/S question to an A/S
article, and draft keywords (nouns only) never saw the topic's word. :func:`after_service`
writes every form as 에이에스, which Kiwi tags as one noun. A slashed form is rewritten in any
text; a bare AS/as only next to Hangul (one space at most), so English "as soon as" stays English.
Applied to the text the lexical leg and the draft keywords tokenize, never to stored text.
"""

from __future__ import annotations

import re

__all__ = ["AFTER_SERVICE", "AFTER_SERVICE_GLOSS", "after_service", "gloss_after_service"]

AFTER_SERVICE = "에이에스"
AFTER_SERVICE_GLOSS = "에이에스 수리"  # A/S and what it is, in the word customers also use for it
_UNGLOSSED = re.compile(rf"{AFTER_SERVICE}(?!\s?{AFTER_SERVICE_GLOSS.split()[-1]})")
_SLASHED = re.compile(r"(?<![A-Za-z])[Aa]\s?/\s?[Ss](?![A-Za-z])")
_BARE = re.compile(
    r"(?:(?<=[가-힣])|(?<=[가-힣]\s))(?:AS|As|as)(?![A-Za-z])|(?<![A-Za-z])(?:AS|As|as)(?=\s?[가-힣])"
)


def after_service(text: str) -> str:
    """``text`` with A/S, a/s, and AS/as next to Hangul written as 에이에스."""
    if "/" in text:
        text = _SLASHED.sub(AFTER_SERVICE, text)
    if ("S" in text or "s" in text) and _BARE.search(text):
        text = _BARE.sub(AFTER_SERVICE, text)
    return text


def gloss_after_service(text: str) -> str:
    """``text`` with A/S in every spelling (:func:`after_service`, and 에이에스 itself) written as
    :data:`AFTER_SERVICE_GLOSS`: the one noun BM25 reads, followed by what it means in a word an
    embedding model knows (수리, unless the text already says it). For texts that are embedded, not
    for stored text: the bundled e5 model placed "고장 난 선풍기 AS 센터가 어딘지 모르겠어요" nearer
    the installation-visit questions than the repair ones (cosine 0.924 vs 0.903)."""
    out = after_service(text)
    return _UNGLOSSED.sub(AFTER_SERVICE_GLOSS, out) if AFTER_SERVICE in out else out
