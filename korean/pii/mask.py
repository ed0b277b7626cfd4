"""Choosing among candidates, masking, the article mode, the allow-list and particles.

Candidates from every detector are chosen once, by priority (kind order, ``keep`` first), longer
span first, then leftmost, skipping any that overlap a chosen one; then the chosen spans are
replaced right to left, and ``mask_pii`` repeats that until nothing is found. Placeholders hold no
digits, ``@`` or names, so masking twice gives the same text as once.

Modes: ``personal`` (tickets, feedback, drafts, logs) masks every kind. ``article`` (KMS articles,
written by the company) masks only what is personal: a landline, 070 or ``+82-2`` line, a business
or account number, a role e-mail (cs@...) or a handle is the company's own and stays.
An allow-list (``KMS_PII_ALLOW``) names more values to keep in any mode: a literal such as
``02-1234-5678`` (matched whatever its separators) or ``re:`` and a regular expression.

A particle glued to a replaced value is made to agree with the placeholder:
``010-1234-5678으로`` becomes ``[전화번호]로``, ``김민수가`` becomes ``[이름]이``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from korean.pii.identity import find_identities
from korean.pii.numbers import find_numbers
from korean.pii.places import find_places
from korean.pii.spans import PLACEHOLDER_BY_KIND, PRIORITY, Candidate, final_consonant, shadow

__all__ = ["MaskMode", "PiiMatch", "compile_allow", "find_pii", "fix_particle", "mask_pii"]

MaskMode = Literal["personal", "article"]


@dataclass(frozen=True)
class PiiMatch:
    """One piece of PII found in a text: ``text[start:end] == value``."""

    kind: str  # a key of PLACEHOLDER_BY_KIND
    start: int
    end: int
    value: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER_BY_KIND[self.kind]


@functools.lru_cache(maxsize=64)
def compile_allow(entries: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Allow-list entries as patterns over the shadow text (bad ``re:`` entries raise ValueError)."""
    patterns: list[re.Pattern[str]] = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        if entry.startswith("re:"):
            try:
                patterns.append(re.compile(entry[3:]))
            except re.error as exc:
                message = f"KMS_PII_ALLOW entry {entry!r} is not a valid regular expression: {exc}"
                raise ValueError(message) from exc
            continue
        parts = [re.escape(p) for p in re.split(r"[-. \t()]+", shadow(entry)) if p]
        if parts:
            body = r"[ \t]?[-.]?[ \t]?\(?\)?".join(parts)
            patterns.append(re.compile(r"(?<![0-9A-Za-z])\(?" + body + r"(?![0-9A-Za-z])"))
    return tuple(patterns)


def _candidates(text: str, mode: MaskMode, allow: Sequence[str]) -> list[Candidate]:
    found = [*find_numbers(text), *find_identities(text), *find_places(text)]
    for pattern in compile_allow(tuple(allow)):
        found.extend(
            Candidate("keep", m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()
        )
    return found


def _choose(candidates: Iterable[Candidate]) -> list[Candidate]:
    ordered = sorted(candidates, key=lambda c: (PRIORITY[c.kind], c.start - c.end, c.start))
    starts: list[int] = []
    chosen: list[Candidate] = []
    for cand in ordered:
        i = bisect.bisect_left(starts, cand.start)
        if (i > 0 and chosen[i - 1].end > cand.start) or (i < len(chosen) and chosen[i].start < cand.end):
            continue
        starts.insert(i, cand.start)
        chosen.insert(i, cand)
    return chosen


def find_pii(text: str, *, mode: MaskMode = "personal", allow: Sequence[str] = ()) -> list[PiiMatch]:
    """All PII in ``text`` that ``mode`` masks, non-overlapping, in text order."""
    chosen = _choose(_candidates(shadow(text), mode, allow))
    return [
        PiiMatch(c.kind, c.start, c.end, text[c.start : c.end])
        for c in chosen
        if c.kind != "keep" and not (mode == "article" and c.company)
    ]


# (after a consonant, after a vowel); 으로 after ㄹ is 로.
_PARTICLE_PAIRS: dict[str, tuple[str, str]] = {}
_PAIRS = (("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로"), ("이랑", "랑"),
          ("아", "야"), ("이나", "나"), ("이라고", "라고"), ("이에요", "예요"))  # fmt: skip
for _consonant, _vowel in _PAIRS:
    _PARTICLE_PAIRS[_consonant] = _PARTICLE_PAIRS[_vowel] = (_consonant, _vowel)
_PARTICLE = re.compile(
    r"(이라고|라고|이에요|예요|이랑|랑|이나|나|으로|로|은|는|이|가|을|를|과|와|아|야)"
    r"(?=(?:는|도|만|부터|서|써)?(?:[^가-힣]|$))"
)


# after a space only particles that are never a word of their own ("이" may be "this")
_SPACED_PARTICLE = re.compile(r" (은|는|을|를|으로|로|과|와)(?=[^가-힣]|$)")


def fix_particle(placeholder: str, rest: str) -> str:
    """``rest`` (the text right after ``placeholder``) with a particle that agrees with it:
    glued to it, or after one space (``4111... 은`` -> ``[카드번호] 는``)."""
    m = _PARTICLE.match(rest) or _SPACED_PARTICLE.match(rest)
    if not m:
        return rest
    consonant, vowel = _PARTICLE_PAIRS[m.group(1)]
    final = final_consonant(placeholder.strip("[]"))
    right = vowel if final == 0 or (final == 8 and consonant == "으로") else consonant
    return rest[: m.start(1)] + right + rest[m.end(1) :]


def mask_pii(
    text: str,
    *,
    mode: MaskMode = "personal",
    allow: Sequence[str] = (),
    counts: Counter[str] | None = None,
) -> str:
    """``text`` with each PII match replaced by its placeholder, e.g. ``[전화번호]``.

    ``counts`` (if given) gets one more per kind masked (never the values). Repeats until nothing
    is found, so the result is a fixed point: ``mask_pii(mask_pii(t)) == mask_pii(t)``.
    """
    out = text
    for _ in range(10):  # every pass removes digits, @ or names; two passes is the most seen
        matches = find_pii(out, mode=mode, allow=allow)
        if not matches:
            break
        for match in reversed(matches):
            out = out[: match.start] + match.placeholder + fix_particle(match.placeholder, out[match.end :])
            if counts is not None:
                counts[match.kind] += 1
    return out
