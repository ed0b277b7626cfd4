"""Draft review pages for KMS owners: the queue of generated drafts (biggest and fastest-growing
topics first) and one draft beside its evidence tickets, with edit / approve / reject / merge.

The work is done by ``assist.drafts.review``; a sentence of a draft section carries the ids of
the tickets it came from (``data-sources``), which ``app.js`` highlights on hover/focus/click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from assist.api.deps import KB
from assist.api.security import principal_of
from assist.drafts.review import (
    approve_draft,
    edit_draft,
    get_draft,
    list_draft_summaries,
    merge_draft,
    reject_draft,
)
from assist.drafts.schemas import DraftDetail, SentenceSource
from assist.errors import InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from assist.web.render import PageRoute, render
from indexes.db import DRAFT_STATUSES, active_articles
from indexes.records import REQUIRED_SECTIONS, SECTION_KEYS

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass
class Segment:
    text: str
    source: SentenceSource | None = None


@dataclass
class Line:
    segments: list[Segment]
    heading: bool = False


_HEADING = re.compile(r"^\s*#{1,6}\s+")


def annotate(body: str, sources: list[SentenceSource]) -> list[Line]:
    """The lines of a section body split into plain text and provenance sentences (in order);
    Markdown heading marks are dropped and the line flagged as a heading."""
    queue = list(sources)
    lines: list[Line] = []
    for raw in body.splitlines():
        heading = bool(_HEADING.match(raw))
        line = _HEADING.sub("", raw) if heading else raw
        segments: list[Segment] = []
        pos = 0
        for src in list(queue):
            at = line.find(src.text, pos) if src.text else -1
            if at < 0:
                continue
            if at > pos:
                segments.append(Segment(line[pos:at]))
            segments.append(Segment(src.text, src))
            pos = at + len(src.text)
            queue.remove(src)
        if pos < len(line) or not segments:
            segments.append(Segment(line[pos:]))
        lines.append(Line(segments, heading))
    return lines


def _draft_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise NotFoundError(
            f"draft {raw!r} does not exist (draft ids are numbers)", details={"draft_id": raw}
        )
    return int(raw)


def _published_articles(kb: KnowledgeBase) -> list[tuple[str, str]]:
    with kb.sessions() as session:
        return [(a.article_id, a.title) for a in active_articles(session)]


def _page(
    request: Request,
    kb: KnowledgeBase,
    draft: DraftDetail,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    keys = [k for k in SECTION_KEYS if k != "title"]
    annotated = {k: annotate(draft.sections.get(k, ""), draft.provenance.get(k, [])) for k in keys}
    context: dict[str, Any] = {
        "d": draft,
        "keys": keys,
        "annotated": annotated,
        "articles": _published_articles(kb) if draft.status == "pending" else [],
        "author": principal_of(request).actor,
        "error": error,
    }
    return render(request, "draft.html", context, status_code=status_code)


@router.get("/drafts")
def drafts_queue(
    request: Request, kb: KB, status: Annotated[str, Query(max_length=20)] = "pending"
) -> Response:
    wanted = None if status == "all" else status
    drafts = list_draft_summaries(kb, status=wanted, limit=200)
    biggest = max((d.size for d in drafts), default=1) or 1
    context = {"drafts": drafts, "status": status, "statuses": (*DRAFT_STATUSES, "all"), "biggest": biggest}
    return render(request, "drafts.html", context)


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, kb: KB, draft_id: str) -> Response:
    return _page(request, kb, get_draft(kb, _draft_id(draft_id)))


@router.get("/drafts/{draft_id}/edit")
def draft_edit_form(request: Request, kb: KB, draft_id: str) -> Response:
    draft = get_draft(kb, _draft_id(draft_id))
    values = {"title": draft.title, **{k: draft.sections.get(k, "") for k in SECTION_KEYS if k != "title"}}
    values |= {"note": ""}
    context = {
        "d": draft,
        "keys": SECTION_KEYS,
        "required": REQUIRED_SECTIONS,
        "values": values,
        "error": None,
        "author": principal_of(request).actor,
    }
    return render(request, "draft_edit.html", context)


@router.post("/drafts/{draft_id}/edit")
async def draft_edit(request: Request, kb: KB, draft_id: str) -> Response:
    did = _draft_id(draft_id)
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in (*SECTION_KEYS, "note")}
    author = principal_of(request).actor
    try:
        edit_draft(kb, did, {k: values[k] for k in SECTION_KEYS}, author=author, note=values["note"] or None)
    except InvalidInputError as exc:
        draft = get_draft(kb, did)
        field = str(exc.details.get("field") or "").removeprefix("sections.")
        context = {
            "d": draft,
            "keys": SECTION_KEYS,
            "required": REQUIRED_SECTIONS,
            "values": values,
            "error": exc.message,
            "error_field": field,
            "author": author,
        }
        return render(request, "draft_edit.html", context, status_code=400)
    return RedirectResponse(f"/drafts/{did}?msg=draft_saved", status_code=303)


def _reviewer(request: Request) -> str:
    """The reviewer is the signed-in user (never a free-text field)."""
    return principal_of(request).actor


def _done(did: int, msg: str) -> Response:
    return RedirectResponse(f"/drafts/{did}?msg={msg}", status_code=303)


@router.post("/drafts/{draft_id}/approve")
def draft_approve(
    request: Request, kb: KB, draft_id: str, owner: Annotated[str, Form()] = ""
) -> Response:
    did = _draft_id(draft_id)
    approve_draft(kb, did, owner=owner.strip() or None, author=_reviewer(request))
    return _done(did, "approved")


@router.post("/drafts/{draft_id}/reject")
def draft_reject(
    request: Request,
    kb: KB,
    draft_id: str,
    reason: Annotated[str, Form()] = "",
) -> Response:
    did = _draft_id(draft_id)
    try:
        reject_draft(kb, did, reason, author=_reviewer(request))
    except InvalidInputError as exc:
        return _page(request, kb, get_draft(kb, did), error=exc.message, status_code=400)
    return _done(did, "rejected")


@router.post("/drafts/{draft_id}/merge")
def draft_merge(
    request: Request,
    kb: KB,
    draft_id: str,
    article_id: Annotated[str, Form()] = "",
) -> Response:
    did = _draft_id(draft_id)
    if not article_id.strip():
        message = "choose the article to merge into (article id)"
        return _page(request, kb, get_draft(kb, did), error=message, status_code=400)
    merge_draft(kb, did, article_id.strip(), author=_reviewer(request))
    return _done(did, "merged")
