"""The proper nouns a Korean text names (Kiwi's NNP: 카카오, 네이버, 신한, 아이폰, 갤럭시 …).

A past ticket's resolution or a script answer that repeats a name its own question used
("카카오로 가입했는데 …" → "카카오 간편가입 계정으로 바로마켓 비밀번호가 없어 …") states that
customer's case; sent to a customer who names something else ("네이버로 가입했는데 …") it is false.
"""

from __future__ import annotations

import functools

from korean.kiwi import KIWI_LOCK, kiwi

__all__ = ["names_another", "names_of"]


@functools.lru_cache(maxsize=20_000)
def names_of(text: str) -> frozenset[str]:
    """The proper nouns of ``text`` (cached: reply drafts read the same resolutions again and again)."""
    if not text.strip():
        return frozenset()
    with KIWI_LOCK:
        tokens = kiwi().tokenize(text)
    return frozenset(t.form for t in tokens if t.tag == "NNP")


def names_another(sentence: str, question: str, inquiry: str) -> frozenset[str]:
    """The names ``sentence`` repeats from its own ``question`` while ``inquiry`` names something
    else instead (a name of its own the sentence lacks, and none of those repeated); empty when
    the inquiry names none: a sentence about "바로마켓 앱" still answers "앱이 꺼져요"."""
    asked = names_of(inquiry)
    repeated = names_of(sentence) & names_of(question)
    if not repeated or repeated & asked or not asked - names_of(sentence):
        return frozenset()
    return repeated
