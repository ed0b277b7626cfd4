"""Tolerant recognition of the KMS template's section labels in a single line.

A line is a *section heading* when it is one of

- a Markdown heading (``#`` .. ``######``): ``## 4. 정책 요약``
- a bold line: ``**정책**``, ``__정책__``, ``**정책:**``
- a bare line holding only the label (optionally numbered, optionally ending in ``:``): ``4) 정책``

and its text, after numbering, emphasis, parentheses and spacing are set aside, matches one of the
labels in :data:`LABEL_ALIASES`. Any of the three may also carry the section's first content after a
colon (``제목: 결제 오류 가이드``); then the label part must match exactly (after normalisation).

Matching is deliberately conservative: headings and bold lines need a rapidfuzz ratio of
:data:`HEADING_CUTOFF`, bare lines a stricter :data:`BARE_CUTOFF` and a short length, so that
content lines and sub-headings such as ``### 결제 실패 시`` stay content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# section key -> accepted labels (Korean, English, aliases). Normalised before matching.
LABEL_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("제목", "문서 제목", "title"),
    "summary": ("요약", "개요", "summary", "overview"),
    "purpose": ("목적", "purpose"),
    "policy": ("정책", "정책 요약", "policy", "policies", "policy summary"),
    "steps": (
        "단계별 절차",
        "처리 절차",
        "절차",
        "step-by-step procedure",
        "step by step",
        "procedure",
        "steps",
    ),
    "scripts": (
        "상담 스크립트",
        "커뮤니케이션 가이드",
        "스크립트",
        "consultation scripts",
        "scripts",
        "communication guide",
    ),
    "situations": (
        "주요 상황 및 해결책",
        "주요 상황 및 해결 방법",
        "주요 상황",
        "main situations and solutions",
        "main situations",
        "situations",
    ),
    "references": (
        "참고 자료",
        "참고 자료 및 연관 문서",
        "연관 문서",
        "관련 문서",
        "references",
        "related documents",
    ),
    "management": (
        "문서 관리 및 업데이트",
        "문서 관리",
        "document management and updates",
        "document management",
        "management",
    ),
}

HEADING_CUTOFF = 85.0  # rapidfuzz ratio for '#' headings and bold lines
BARE_CUTOFF = 90.0  # stricter: a plain line only counts when it is (almost) exactly a label
BARE_MAX_CHARS = 40  # a bare label line is short

_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1\s*(.*)$")
_NUMBERING = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\s*[.)]\s*|\d{1,2}\s+|\(\d{1,2}\)\s*|[①-⑳]\s*|[IVX]{1,4}[.)]\s*|[A-Ha-h][.)]\s+)"
)
_BRACKETED = re.compile(r"\s*[(\[（【][^)\]）】]*[)\]）】]\s*")
_COLON = re.compile(r"\s*[:：]\s*")
_NOT_BARE = re.compile(r"^(?:[-*+•>|]\s|[QA]\s*[:.])")


def normalize_label(text: str) -> str:
    """Case-fold, NFKC-normalise and keep only letters and digits: '단계별 절차' -> '단계별절차'."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


_CHOICES: dict[str, str] = {
    normalize_label(alias): key for key, aliases in LABEL_ALIASES.items() for alias in (*aliases, key)
}
_CHOICE_LIST: list[str] = list(_CHOICES)


def match_label(text: str, *, cutoff: float = HEADING_CUTOFF) -> str | None:
    """The section key whose label ``text`` names, or None.

    ``text`` may carry numbering (``4.``), emphasis, a trailing colon and a parenthesised remark
    (``상담 스크립트 (커뮤니케이션 가이드)``, matched with and without it); texts of up to three
    letters must match a label exactly.
    """
    text = _strip_decoration(text)
    candidates = [text]
    outside = _BRACKETED.sub(" ", text).strip()
    if outside and outside != text:
        candidates.append(outside)
    for candidate in candidates:
        norm = normalize_label(candidate)
        if not norm:
            continue
        if norm in _CHOICES:
            return _CHOICES[norm]
        if len(norm) <= 3 or cutoff >= 100:
            continue
        best = process.extractOne(norm, _CHOICE_LIST, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is not None:
            return _CHOICES[best[0]]
    return None


@dataclass(frozen=True)
class Heading:
    """A line recognised as a section heading."""

    key: str
    rest: str = ""  # content that followed the label on the same line (after ':')
    level: int = 0  # Markdown heading level; 0 for bold or bare lines


def parse_heading(line: str) -> Heading | None:
    """Recognise ``line`` as a section heading of the template, or return None."""
    stripped = line.strip()
    if not stripped:
        return None
    md = _MD_HEADING.match(stripped)
    if md and md.group(2):
        level, text = len(md.group(1)), md.group(2)
        return _labelled(text, level=level, cutoff=HEADING_CUTOFF)
    bold = _BOLD_LINE.match(stripped)
    if bold:
        inner, after = bold.group(2).strip(), bold.group(3).strip()
        if not after:
            return _labelled(inner, level=0, cutoff=HEADING_CUTOFF)
        if after[0] in ":：" or inner.endswith((":", "：")):
            key = match_label(inner.rstrip(":： "), cutoff=100)
            return Heading(key, after.lstrip(":： ").strip()) if key else None
        return None
    if _NOT_BARE.match(stripped):
        return None
    return _labelled(stripped, level=0, cutoff=BARE_CUTOFF, max_chars=BARE_MAX_CHARS)


def _labelled(text: str, *, level: int, cutoff: float, max_chars: int | None = None) -> Heading | None:
    parts = _COLON.split(text, maxsplit=1)
    if len(parts) == 2 and parts[1]:
        key = match_label(parts[0], cutoff=100)  # content follows: the label must be exact
        return Heading(key, parts[1].strip().strip("*_").strip(), level) if key else None
    label = parts[0]
    if max_chars is not None and len(label) > max_chars:
        return None
    key = match_label(label, cutoff=cutoff)
    return Heading(key, "", level) if key else None


def _strip_decoration(text: str) -> str:
    text = text.strip().strip("*_`").strip()
    text = _NUMBERING.sub("", text, count=1)
    return text.strip().rstrip(":：").strip().strip("*_`").strip()
