"""Section-aware chunking of articles and tickets into :class:`core.types.Chunk`.

Articles: one chunk per non-empty section (``title`` and ``management`` skipped; ``references``
without its lines that cite another article by id, and skipped when only ids/links are left),
``text = f"{title}\\n{label}: {body}"``. A section longer than ``max_chars`` is cut on sentence
boundaries into pieces of at most ``max_chars`` characters with ``overlap`` sentences repeated
between neighbours; a sentence longer than ``max_chars`` is cut hard. The scripts section becomes
one chunk per Q/A pair (:func:`parse_script_pairs`), with text that did not belong to any pair as
ordinary pieces after them.

Tickets: one chunk, ``f"{subject}\\n문의: {inquiry}\\n답변: {resolution}"`` (``Inquiry:`` /
``Answer:`` when the inquiry is mostly Latin script), cut like a section only past 3×max_chars.

Chunk ids are ``f"{doc_id}#{section}-{n}"``; the same record always gives the same chunks. The
chunker does not mask PII: the pipeline masks records first (:mod:`core.masking`, :mod:`korean.pii`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.records import SECTION_KEYS, SECTION_LABELS_EN, SECTION_LABELS_KO, ArticleRecord, TicketRecord
from core.types import Chunk
from korean.lang import detect_lang
from korean.pii import PII_PLACEHOLDERS
from korean.sentences import sentence_spans

__all__ = ["ScriptPair", "chunk_article", "chunk_ticket", "parse_script_pairs", "split_text"]

_SKIPPED_SECTIONS = frozenset({"title", "management"})
_MIN_MAX_CHARS = 20


@dataclass(frozen=True)
class ScriptPair:
    """One question/answer pair of a scripts section; ``group`` is the sub-heading above it."""

    group: str | None
    question: str
    answer: str


# --- script pairs --------------------------------------------------------------------------
_BULLET = r"(?:[-*•·▪]|\d{1,2}[.)])?\s*"
_Q_WORDS = r"Q\d*|질문|문의|고객|customer|question"
_A_WORDS = r"A\d*|답변|답|상담사|상담원|agent|answer"
# The marker word, optionally bold, then ":", "：", "." or ")" (not "::", which is a tag like 고객::결제).
_MARK = r"\s*(?:\*\*)?\s*(?P<word>{words})\s*(?:\*\*)?\s*[:：.)](?![:：])\s*(?:\*\*)?\s*(?P<rest>.*)$"
_Q_LINE = re.compile("^" + _BULLET + _MARK.format(words=_Q_WORDS), re.IGNORECASE)
_A_LINE = re.compile("^" + _BULLET + _MARK.format(words=_A_WORDS), re.IGNORECASE)
_A_INLINE = re.compile(r"\s+(?:\*\*)?(?:A\d*|답변|상담사|상담원)(?:\*\*)?\s*[:：]\s*", re.IGNORECASE)
_HEADING = re.compile(r"^(?:#{1,6}\s+(?P<h>.+?)\s*#*|\[(?P<s>[^\]]+)\]|【(?P<b>[^】]+)】)\s*:?$")


def _heading(line: str) -> str | None:
    if line in PII_PLACEHOLDERS:  # a masked value alone on a line is content, not a heading
        return None
    m = _HEADING.match(line)
    return next((g.strip() for g in m.groups() if g), None) if m else None


def _parse_scripts(text: str) -> tuple[list[ScriptPair], list[str]]:
    """Q/A pairs of a scripts section, and the lines that belong to no pair."""
    pairs: list[ScriptPair] = []
    loose: list[str] = []
    group: str | None = None
    question: list[str] = []
    answer: list[str] = []
    raw_lines: list[str] = []  # the current pair's lines as written, kept if it ends up unpaired
    state = "none"  # "none" | "q" | "a"

    def close() -> None:
        nonlocal question, answer, raw_lines, state
        q, a = "\n".join(question).strip(), "\n".join(answer).strip()
        if q and a:
            pairs.append(ScriptPair(group, q, a))
        else:
            loose.extend(raw_lines)
        question, answer, raw_lines, state = [], [], [], "none"

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _Q_LINE.match(line):
            close()
            rest = m.group("rest").strip()
            inline = _A_INLINE.split(rest, maxsplit=1)
            question, state = [inline[0]], "q"
            if len(inline) == 2:
                answer, state = [inline[1]], "a"
        elif (m := _A_LINE.match(line)) and state == "q":
            answer, state = [m.group("rest").strip()], "a"
        elif (h := _heading(line)) is not None:
            close()
            group = h
            continue
        elif state == "q":
            question.append(line)
        elif state == "a":
            answer.append(line)
        else:
            loose.append(line)
            continue
        raw_lines.append(line)
    close()
    return pairs, [ln for ln in loose if re.search(r"\w", ln)]


def parse_script_pairs(text: str) -> list[ScriptPair]:
    """Q/A pairs in a scripts section.

    Recognises ``Q:``/``A:``, ``Q.``/``A.``, ``Q1:``, ``고객:``/``상담사:``, ``질문:``/``답변:``
    (optionally bulleted or bold), one-line ``Q: … A: …``, multi-line questions and answers
    (continuation lines until the next marker or sub-heading), and sub-headings (``#``-``######``,
    a whole line ``[…]`` or ``【…】``) as the group of the pairs below them.
    """
    return _parse_scripts(text)[0]


# --- piecing long text ---------------------------------------------------------------------
def _hard_split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence, preferring a space in the second half of each window."""
    out: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars + 1)
        cut = cut if cut > start else start + max_chars
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def split_text(text: str, max_chars: int, overlap: int) -> list[str]:
    """Pieces of ``text`` of at most ``max_chars`` characters, cut at sentence boundaries, with
    ``overlap`` sentences repeated between consecutive pieces. Pieces keep the original text
    (line breaks included) between their first and last sentence."""
    if max_chars < _MIN_MAX_CHARS or overlap < 0:
        raise ValueError(
            f"chunking needs max_chars >= {_MIN_MAX_CHARS} and overlap >= 0; got max_chars="
            f"{max_chars}, overlap={overlap}. Check chunk_max_chars / chunk_overlap_sentences."
        )
    stripped = text.strip()
    if not stripped:
        return []
    if len(stripped) <= max_chars:
        return [stripped]
    spans = [p for a, b in sentence_spans(text) for p in _hard_split(text, a, b, max_chars)]
    pieces: list[str] = []
    i, n = 0, len(spans)
    while i < n:
        j = i
        while j + 1 < n and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        pieces.append(text[spans[i][0] : spans[j][1]])
        if j == n - 1:
            break
        nxt = max(j + 1 - overlap, i + 1)
        while nxt <= j and spans[j + 1][1] - spans[nxt][0] > max_chars:
            nxt += 1  # the overlap would not leave room for the next new sentence: shrink it
        i = nxt
    return pieces


# --- articles ------------------------------------------------------------------------------
_ID_OR_LINK = re.compile(r"[A-Za-z][A-Za-z0-9]*-\d+|https?://\S+|www\.\S+")


_CITES_AN_ID = re.compile(r"^\s*(?:[-*•·]|\d+[.)])?\s*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*?-\d+")


def _only_ids(body: str) -> bool:
    """True when a references section lists nothing but ids and links (no words to match)."""
    rest = _ID_OR_LINK.sub(" ", body)
    return not re.search(r"[^\W\d_]{2,}", rest)


def _own_references(body: str) -> str:
    """The lines of a references section that do not cite another article by its id.

    "- KB-012-receipt (영수증 발급 안내)" names another article's topic: indexed here, it would
    bring questions about receipts to this article. Other lines (a law, an internal wiki page, a
    link with words) stay searchable.
    """
    return "\n".join(line for line in body.splitlines() if not _CITES_AN_ID.match(line)).strip()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _section_units(
    key: str, body: str, head: str, label: str, meta: dict[str, Any], max_chars: int, overlap: int
) -> list[tuple[str, str, dict[str, Any]]]:
    """``(text, body, meta)`` of each chunk of one section, in order."""
    units: list[tuple[str, str, dict[str, Any]]] = []
    pieces = [body]
    if key == "scripts":
        pairs, loose = _parse_scripts(body)
        if pairs:
            for pair in pairs:
                extra = {**meta, "question": pair.question, "answer": pair.answer, "group": pair.group}
                group = f"{pair.group} " if pair.group else ""
                room = max(_MIN_MAX_CHARS, max_chars - len(pair.question) - len("Q: \nA: "))
                for part in split_text(pair.answer, room, overlap):
                    qa = f"Q: {pair.question}\nA: {part}"
                    units.append((f"{head}\n{group}{qa}", qa, extra))
            pieces = ["\n".join(loose)] if loose else []
    for text in pieces:
        for piece in split_text(text, max_chars, overlap):
            units.append((f"{head}\n{label}: {piece}", piece, dict(meta)))
    return units


def chunk_article(rec: ArticleRecord, *, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Chunks of one (already PII-masked) article; see the module docstring for the format."""
    doc_id = rec.doc_id
    labels = SECTION_LABELS_EN if rec.lang.lower().startswith("en") else SECTION_LABELS_KO
    head = rec.title.strip() or rec.article_id
    base_meta: dict[str, Any] = {
        "tag": rec.tag,
        "updated_at": _iso(rec.updated_at),
        "valid_until": _iso(rec.valid_until),
        "lang": rec.lang,
        "complete": rec.complete,
    }
    keys = [k for k in SECTION_KEYS if k in rec.sections] + [k for k in rec.sections if k not in SECTION_KEYS]
    chunks: list[Chunk] = []
    for key in keys:
        body = (rec.sections.get(key) or "").strip()
        if key == "references":
            body = _own_references(body)
            if _only_ids(body):  # nothing left but ids and links (or nothing at all)
                continue
        if key in _SKIPPED_SECTIONS or not body:
            continue
        label = labels.get(key, key)
        meta = {**base_meta, "section_label": label}
        units = _section_units(key, body, head, label, meta, max_chars, overlap)
        chunks.extend(
            Chunk(f"{doc_id}#{key}-{n}", doc_id, "article", rec.title, key, text, piece, extra)
            for n, (text, piece, extra) in enumerate(units)
        )
    return chunks


# --- tickets -------------------------------------------------------------------------------


def chunk_ticket(rec: TicketRecord, *, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Chunks of one (already PII-masked) ticket: one, unless longer than 3×max_chars."""
    doc_id = rec.doc_id
    inquiry, resolution, subject = rec.inquiry.strip(), rec.resolution.strip(), rec.subject.strip()
    q_label, a_label = ("Inquiry:", "Answer:") if detect_lang(inquiry) == "en" else ("문의:", "답변:")
    lines = [f"{q_label} {inquiry}"] if inquiry else []
    if resolution:
        lines.append(f"{a_label} {resolution}")
    body = "\n".join(lines)
    if not body:
        return []
    title = subject or " ".join(inquiry.split())[:40]
    meta: dict[str, Any] = {
        "tags": list(rec.tags),
        "channel": rec.channel,
        "resolved_at": _iso(rec.resolved_at),
        "inquiry": inquiry,
        "resolution": resolution,
    }
    short = len(inquiry) + len(resolution) <= 3 * max_chars
    pieces = [body] if short else split_text(body, max_chars, overlap)
    prefix = f"{subject}\n" if subject else ""
    return [
        Chunk(f"{doc_id}#ticket-{n}", doc_id, "ticket", title, "ticket", prefix + piece, piece, dict(meta))
        for n, piece in enumerate(pieces)
    ]
