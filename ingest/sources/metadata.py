"""Metadata found in an article's text: front matter, consultation tag, dates, owner, language."""

from __future__ import annotations

import re
from datetime import date

from .dates import DATE_PATTERN, iter_dates

TAG_PATTERN = r"[\w-]+(?:[ \t]*::[ \t]*[\w-]+)+"
_QUOTES = "\"'“”‘’「」『』`"
_TAG_LABEL = r"(?:상담\s*태그|태그|(?<![A-Za-z])(?:consultation\s+)?tags?(?![A-Za-z]))"
_TAG_LABELLED = re.compile(
    _TAG_LABEL
    + r"\s*(?:(?:는|은|를|을|로|으로|에)\s*)?(?:[:：=]\s*)?"
    + f"[{_QUOTES}\\[(]?\\s*(?P<tag>{TAG_PATTERN})",
    re.IGNORECASE,
)
_TAG_QUOTED = re.compile(r"[" + _QUOTES + r"](?P<tag>" + TAG_PATTERN + r")[" + _QUOTES + r"]")

_UPDATED = re.compile(
    r"(?:최종\s*(?:수정|업데이트|갱신|변경|개정)|마지막\s*(?:수정|업데이트|갱신)|수정|업데이트|갱신)"
    r"\s*(?:일자|일시|일|날짜)?"
    r"|(?<![A-Za-z])(?:last\s+(?:updated|modified|reviewed|update)|updated)(?:\s+(?:on|at|date))?"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_LOG_LINE = re.compile(r"^\s*(?:[-*+•|]\s*|\d{1,3}[.)]\s+)?(?:\*\*|__|`)?\s*" + DATE_PATTERN)
_OWNER = re.compile(
    r"(?:담당자|담당\s*부서|담당\s*팀|문서\s*담당|(?<![A-Za-z])(?:document\s+)?owner)\s*(?:\*\*|__)?\s*[:：]"
    r"\s*(?:\*\*|__)?\s*(?P<owner>[^\n]+)",
    re.IGNORECASE,
)
_VALID_LABEL = re.compile(
    r"(?P<until>유효\s*기한|만료\s*일|종료\s*일|(?<![A-Za-z])(?:valid\s+(?:until|through|to)|expires?(?:\s+on)?))"
    r"|(?P<from>시행\s*일|적용\s*일|(?<![A-Za-z])(?:valid\s+from|effective\s+(?:from|date|on)))"
    r"|(?P<range>유효\s*기간|적용\s*기간|시행\s*기간|(?<![A-Za-z])(?:validity(?:\s+period)?|valid))"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_UNTIL_MARK = re.compile(r"(?:~|∼|〜|–|—|(?<![A-Za-z])(?:to|until|through)(?![A-Za-z])|-\s*$)", re.I)

FRONT_MATTER_KEYS = ("id", "title", "tag", "owner", "lang", "valid_from", "valid_until", "updated_at")
_FRONT_LINE = re.compile(r"^\s*(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$")


def split_front_matter(text: str) -> tuple[dict[str, str], str, int]:
    """Split a leading ``---`` block of ``key: value`` lines off ``text``.

    Returns the keys (lower-cased, quotes stripped), the remaining text and how many lines were
    removed. Text that does not open with a well-formed block is returned unchanged.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    meta: dict[str, str] = {}
    for index, line in enumerate(lines[1:60], start=1):
        if line.strip() in ("---", "..."):
            return meta, "\n".join(lines[index + 1 :]), index + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FRONT_LINE.match(line)
        if match is None:
            return {}, text, 0
        meta[match.group("key").lower()] = match.group("value").strip().strip("\"'")
    return {}, text, 0


def find_tag(*texts: str) -> str | None:
    """The first consultation tag (``고객::결제::오류``) labelled as such in ``texts``, in order;
    failing that, the first quoted ``a::b`` in the first text."""
    for text in texts:
        match = _TAG_LABELLED.search(text)
        if match:
            return _clean_tag(match.group("tag"))
    if texts:
        match = _TAG_QUOTED.search(texts[0])
        if match:
            return _clean_tag(match.group("tag"))
    return None


def _clean_tag(tag: str) -> str:
    return re.sub(r"[ \t]*::[ \t]*", "::", tag.strip())


def find_updated(management: str, fallback: str = "") -> date | None:
    """The last-updated date: a labelled date in ``management`` (``최종 수정일: 2026-09-14``),
    else the latest change-log date there (``- 2026-09-14: ...``), else a labelled date in
    ``fallback``."""
    labelled = _labelled_date(management)
    if labelled is not None:
        return labelled
    logged = [found for line in management.split("\n") if (found := _log_date(line)) is not None]
    if logged:
        return max(logged)
    return _labelled_date(fallback) if fallback else None


def _labelled_date(text: str) -> date | None:
    for line in text.split("\n"):
        for label in _UPDATED.finditer(line):
            rest = line[label.end() :]
            head = re.match(r"\s*(?:\*\*|__)?\s*[:：]?\s*(?:\*\*|__)?\s*", rest)
            offset = head.end() if head else 0
            for found, start, _end in iter_dates(rest):
                if start == offset:
                    return found
                break
    return None


def _log_date(line: str) -> date | None:
    match = _LOG_LINE.match(line)
    if match is None:
        return None
    for found, _start, _end in iter_dates(line[match.start("y") :]):
        return found
    return None


def find_owner(*texts: str) -> str | None:
    """The owner named after ``담당자:`` / ``Owner:`` in the first text that has one."""
    for text in texts:
        match = _OWNER.search(text)
        if match:
            owner = match.group("owner").strip().strip("*_`").strip()
            if owner:
                return owner
    return None


def find_validity(text: str) -> tuple[date | None, date | None]:
    """``(valid_from, valid_until)`` from ``유효기간: 2026-01-01 ~ 2026-06-30``, ``Valid: A to B``,
    ``Valid until: B``, ``시행일: A``, ``유효기간: B까지``; the first such line wins."""
    for line in text.split("\n"):
        label = _VALID_LABEL.search(line)
        if label is None:
            continue
        rest = line[label.end() :]
        found = list(iter_dates(rest))
        if not found:
            continue
        if len(found) >= 2:
            return found[0][0], found[1][0]
        day, start, end = found[0]
        before, after = rest[:start], rest[end:]
        if label.group("until") or _UNTIL_MARK.search(before) or "까지" in after[:4]:
            return None, day
        if label.group("from") or re.match(r"\s*(?:~|∼|부터|from)", after):
            return day, None
        return None, day
    return None, None
