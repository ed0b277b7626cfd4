"""PII masking of whole records (the text masker itself is :mod:`korean.pii`).

Articles are masked in article mode (company numbers stay), tickets in personal mode. Both take
the allow-list (``Settings.pii_allow``) and an optional ``Counter`` that gets one per masked value
per kind, for the ingest report (counts only, never the values).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from core.records import ArticleRecord, TicketRecord
from core.types import Chunk
from korean.pii import PLACEHOLDER_BY_KIND, PLACEHOLDER_PATTERN, MaskMode, compile_allow, mask_pii

__all__ = ["mask_chunk", "mask_identity", "mask_record_article", "mask_record_ticket", "mask_value"]

CUSTOMER_PLACEHOLDER = PLACEHOLDER_BY_KIND["customer"]


def mask_identity(value: str, *, allow: Sequence[str] = (), counts: Counter[str] | None = None) -> str:
    """A field that *is* a customer's identity (``customer_ref``): masked as text, and if anything
    but placeholders is left (``C-1042``, a bare name), the whole value becomes ``[고객번호]``."""
    masked = mask_pii(value, allow=allow, counts=counts)
    rest = PLACEHOLDER_PATTERN.sub("", masked)
    if not any(ch.isalnum() for ch in rest) or any(p.search(value) for p in compile_allow(tuple(allow))):
        return masked
    if counts is not None:
        counts["customer"] += 1
    return CUSTOMER_PLACEHOLDER


# Strings of stored knowledge-base JSON repeat: a suggestion's payload (article mode) carries the
# same article titles, snippets and draft sentences as the last one, ~140 strings a payload.
# ``mask_pii`` is a pure function of the text, the mode and the allow-list, so a bounded cache of
# its results serves the repeats (a suggestion's log write on the sample KB: p50 4.45 -> 2.21 ms).
# Only article mode: what customers wrote (personal mode) is masked afresh and never kept in
# memory past its request. Long strings are not kept either (at most ~16 MB of strings).
_CACHED_CHARS = 1_000


@functools.lru_cache(maxsize=4_096)
def _masked_article_text(text: str, allow: tuple[str, ...]) -> str:
    return mask_pii(text, mode="article", allow=allow)


def mask_value(value: Any, mode: MaskMode, allow: Sequence[str] = ()) -> Any:
    """``value`` masked: a string, or every string inside lists, tuples and dicts (keys kept)."""
    if isinstance(value, str):
        if not value:
            return value
        if mode == "article" and len(value) <= _CACHED_CHARS:
            return _masked_article_text(value, tuple(allow))
        return mask_pii(value, mode=mode, allow=allow)
    if isinstance(value, list):
        return [mask_value(v, mode, allow) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_value(v, mode, allow) for v in value)
    if isinstance(value, dict):
        return {k: mask_value(v, mode, allow) for k, v in value.items()}
    return value


def mask_record_article(
    rec: ArticleRecord, *, allow: Sequence[str] = (), counts: Counter[str] | None = None
) -> ArticleRecord:
    """A copy of ``rec`` with title and every section body masked (ids, dates, tag, owner kept)."""

    def mask(text: str) -> str:
        return mask_pii(text, mode="article", allow=allow, counts=counts)

    return replace(
        rec,
        title=mask(rec.title),
        sections={key: mask(body) for key, body in rec.sections.items()},
        owner=mask_pii(rec.owner, allow=allow, counts=counts) if rec.owner else rec.owner,
        missing=list(rec.missing),
    )


def mask_record_ticket(
    rec: TicketRecord, *, allow: Sequence[str] = (), counts: Counter[str] | None = None
) -> TicketRecord:
    """A copy of ``rec`` with every free-text field masked: subject, inquiry, resolution,
    channel and tags; ``customer_ref`` is an identity (:func:`mask_identity`)."""

    def mask(text: str) -> str:
        return mask_pii(text, allow=allow, counts=counts)

    return replace(
        rec,
        subject=mask(rec.subject),
        inquiry=mask(rec.inquiry),
        resolution=mask(rec.resolution),
        channel=mask(rec.channel),
        customer_ref=mask_identity(rec.customer_ref, allow=allow, counts=counts)
        if rec.customer_ref
        else None,
        tags=[mask(tag) for tag in rec.tags],
    )


def mask_chunk(chunk: Chunk, *, allow: Sequence[str] = ()) -> Chunk:
    """``chunk`` with title, text, body and every string in ``meta`` masked (ticket chunks in
    personal mode, article and document chunks in article mode); the same object if nothing
    changed. What goes into an index folder passes here (``store.build``, incremental adds)."""
    mode: MaskMode = "personal" if chunk.doc_type == "ticket" else "article"

    def mask(text: str) -> str:
        return mask_pii(text, mode=mode, allow=allow) if text else text

    masked = replace(
        chunk,
        title=mask(chunk.title),
        text=mask(chunk.text),
        body=mask(chunk.body),
        meta=mask_value(dict(chunk.meta), mode, allow),
    )
    return chunk if masked == chunk else masked
