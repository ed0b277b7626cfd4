"""Draft review pages for KMS owners: the queue of generated drafts (biggest and fastest-growing
topics first) and one draft beside its evidence tickets, with edit / approve / reject / merge.

The work is done by ``assist.drafts.review``; a sentence of a draft section carries the ids of
the tickets it came from (``data-sources``), which ``app.js`` highlights on hover/focus/click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from assist.access import rule_for
from assist.api.deps import KB
from assist.api.security import principal_of
from assist.drafts.apply_proposal import REASONS, apply_proposal, preview_proposal
from assist.drafts.config import DraftSettings
from assist.drafts.generate import generate
from assist.drafts.messages import error_text
from assist.drafts.review import (
    approve_draft,
    draft_article_id,
    edit_draft,
    get_draft,
    list_draft_summaries,
    merge_draft,
    merge_into_draft,
    reject_draft,
)
from assist.drafts.schemas import DraftDetail, SentenceSource
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from assist.web.i18n import pick_lang, translate
from assist.web.render import PageRoute, render
from core.errors import KmsError
from core.records import REQUIRED_SECTIONS, SECTION_KEYS
from storage import DRAFT_STATUSES, active_articles

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass
class Segment:
    text: str
    source: SentenceSource | None = None


@dataclass
class Line:
    segments: list[Segment]
    heading: bool = False
    marker: str = ""  # "•" for a bullet line, "3." for a numbered one ("" otherwise)


_HEADING = re.compile(r"^\s*#{1,6}\s+")
_LIST_ITEM = re.compile(r"^\s*(?:([-*+])|(\d{1,3})[.)])\s+")


def annotate(body: str, sources: list[SentenceSource]) -> list[Line]:
    """The lines of a section body split into plain text and provenance sentences (in order);
    Markdown heading marks are dropped and the line flagged as a heading, list marks (``- ``,
    ``2. ``) are dropped and kept as the line's ``marker`` ("•", "2.")."""
    queue = list(sources)
    lines: list[Line] = []
    for raw in body.splitlines():
        heading = bool(_HEADING.match(raw))
        line = _HEADING.sub("", raw) if heading else raw
        item = None if heading else _LIST_ITEM.match(line)
        marker = "" if item is None else ("•" if item.group(1) else f"{item.group(2)}.")
        line = line[item.end() :] if item is not None else line
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
        lines.append(Line(segments, heading, marker))
    return lines


def _draft_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise NotFoundError(
            f"draft {raw!r} does not exist (draft ids are numbers)", details={"draft_id": raw}
        )
    return int(raw)


def _get(request: Request, kb: KnowledgeBase, raw: str) -> DraftDetail:
    """The draft of a page's URL; an unknown one is a 404 with a message in the page language."""
    try:
        return get_draft(kb, _draft_id(raw))
    except NotFoundError as exc:
        message = translate("drafts.err.no_draft", pick_lang(request))
        raise NotFoundError(message, details=exc.details) from exc


def _published_articles(kb: KnowledgeBase) -> list[tuple[str, str]]:
    with kb.sessions() as session:
        return [(a.article_id, a.title) for a in active_articles(session)]


def _pending_drafts(kb: KnowledgeBase, but: int) -> list[tuple[int, str]]:
    return [(d.id, d.title) for d in list_draft_summaries(kb, status="pending", limit=200) if d.id != but]


def _page(
    request: Request,
    kb: KnowledgeBase,
    draft: DraftDetail,
    *,
    error: str | None = None,
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    keys = [k for k in SECTION_KEYS if k != "title"]
    annotated = {k: annotate(draft.sections.get(k, ""), draft.provenance.get(k, [])) for k in keys}
    proposal = draft.evidence.get("proposal") or {}
    applied = draft.evidence.get("applied") or None
    plan = preview_proposal(kb, draft.evidence) if draft.status == "pending" else None
    context: dict[str, Any] = {
        "proposal": proposal if proposal.get("kind") == "update" else None,
        "plan": plan.as_json() if plan is not None else (applied or {}).get("plan"),
        "applied": applied,
        "leftout": {code: translate(f"drafts.leftout.{code}", pick_lang(request)) for code in REASONS},
        "d": draft,
        "keys": keys,
        "annotated": annotated,
        "articles": _published_articles(kb) if draft.status == "pending" else [],
        "other_drafts": _pending_drafts(kb, draft.id) if draft.status == "pending" else [],
        "default_article_id": draft_article_id(draft.id),
        "form": form or {},
        "author": principal_of(request).actor,
        "error": error,
    }
    return render(request, "draft.html", context, status_code=status_code)


@router.get("/drafts")
def drafts_queue(
    request: Request,
    kb: KB,
    status: Annotated[str, Query(max_length=20)] = "pending",
    outside: Annotated[str, Query(max_length=9)] = "",
) -> Response:
    """The queue; ``outside`` (after a generation run): resolved tickets older than its window."""
    return _queue(request, kb, status, {"outside": int(outside)} if outside.isdigit() else None)


def _queue(request: Request, kb: KnowledgeBase, status: str, extra: dict[str, Any] | None = None) -> Response:
    wanted = None if status == "all" else status
    try:
        drafts = list_draft_summaries(kb, status=wanted, limit=200)
    except InvalidInputError as exc:
        message = translate("drafts.err.status", pick_lang(request), value=status)
        raise InvalidInputError(message, field="status", value=status) from exc
    biggest = max((d.size for d in drafts), default=1) or 1
    config = DraftSettings()
    context = {
        "drafts": drafts,
        "status": status,
        "statuses": (*DRAFT_STATUSES, "all"),
        "biggest": biggest,
        "may_generate": _may_generate(request),
        "window": {"days": config.since_days, "min_size": config.min_size},
        "gaps": [],
        "outside": 0,
    }
    return render(request, "drafts.html", context | (extra or {}))


def _may_generate(request: Request) -> bool:
    rule = rule_for("POST", "/drafts/generate")
    roles: frozenset[str] = getattr(getattr(request.state, "principal", None), "roles", frozenset())
    return rule is not None and bool(set(rule.roles) & set(roles))


@router.post("/drafts/generate")
def drafts_generate(request: Request, kb: KB, since: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Mine recurring uncovered topics (``assist.drafts.generate``, default size; ``since``: the
    default window, or ``all`` = 전체 기간, as ``kms drafts generate --since all``).

    Redirects to the queue with a notice, and with how many resolved tickets the window left out
    (``outside``, as the CLI says it); when the run found topics of unanswered chatbot questions
    that no ticket shows (``unanswered_gaps``, as ``kms drafts generate`` prints them), the queue
    is shown right away with them: their masked questions never go into a URL."""
    window = since.strip().lower()
    if window not in ("", "default", "all"):
        message = translate("drafts.err.since", pick_lang(request), value=since[:20])
        raise InvalidInputError(message, field="since", value=since[:20])
    result = generate(kb, DraftSettings(), since="all") if window == "all" else generate(kb, DraftSettings())
    counts = {
        "tickets": result.tickets,
        "topics": result.topics,
        "created": len(result.created),
        "updated": len(result.updated),
    }
    outside = {"outside": result.outside_window} if result.outside_window else {}
    if result.unanswered_gaps:
        flash = translate("msg.drafts_generated", pick_lang(request), **counts)
        extra = {"flash": flash, "gaps": result.unanswered_gaps, **outside}
        return _queue(request, kb, "pending", extra)
    query = urlencode({"msg": "drafts_generated", **counts, **outside})
    return RedirectResponse(f"/drafts?{query}", status_code=303)


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, kb: KB, draft_id: str) -> Response:
    return _page(request, kb, _get(request, kb, draft_id))


@router.get("/drafts/{draft_id}/edit")
def draft_edit_form(request: Request, kb: KB, draft_id: str) -> Response:
    draft = _get(request, kb, draft_id)
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
    did = _get(request, kb, draft_id).id
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
            "error": _korean(request, exc),
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


def _korean(request: Request, exc: KmsError) -> str:
    """The Korean (or English) page message for a review error, by the field it names."""
    return error_text(exc, pick_lang(request))


def _review_error(
    request: Request, kb: KnowledgeBase, did: int, exc: KmsError, form: dict[str, str]
) -> Response:
    status = 409 if isinstance(exc, ConflictError) else 404 if isinstance(exc, NotFoundError) else 400
    draft = get_draft(kb, did)
    return _page(request, kb, draft, error=_korean(request, exc), status_code=status, form=form)


@router.post("/drafts/{draft_id}/approve")
def draft_approve(
    request: Request,
    kb: KB,
    draft_id: str,
    owner: Annotated[str, Form(max_length=200)] = "",
    new_article_id: Annotated[str, Form(max_length=200)] = "",
    override: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    did = _get(request, kb, draft_id).id
    form = {"owner": owner, "new_article_id": new_article_id, "override": override}
    try:
        approve_draft(
            kb,
            did,
            owner=owner,
            author=_reviewer(request),
            article_id=new_article_id.strip() or None,
            override=override,
        )
    except (InvalidInputError, ConflictError) as exc:
        return _review_error(request, kb, did, exc, form)
    return _done(did, "approved")


@router.post("/drafts/{draft_id}/reject")
def draft_reject(
    request: Request,
    kb: KB,
    draft_id: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    did = _get(request, kb, draft_id).id
    try:
        reject_draft(kb, did, reason, author=_reviewer(request))
    except (InvalidInputError, ConflictError) as exc:
        return _review_error(request, kb, did, exc, {"reason": reason})
    return _done(did, "rejected")


@router.post("/drafts/{draft_id}/merge")
def draft_merge(
    request: Request,
    kb: KB,
    draft_id: str,
    article_id: Annotated[str, Form(max_length=200)] = "",
    into_draft: Annotated[str, Form(max_length=20)] = "",
    proposal: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Merge into an article or another draft; ``proposal=apply``: apply the draft's "update
    article X" proposal (``assist.drafts.apply_proposal``: safe Q/A pairs and 검토 필요 situations
    added to X). Same owner role, CSRF check and audit record (``draft.merge``) as every merge."""
    did = _get(request, kb, draft_id).id
    if proposal.strip() == "apply":
        try:
            apply_proposal(kb, did, author=_reviewer(request))
        except (InvalidInputError, ConflictError, NotFoundError) as exc:
            return _review_error(request, kb, did, exc, {"proposal": "apply"})
        return _done(did, "proposal_applied")
    form = {"merge_article": article_id, "into_draft": into_draft}
    try:
        if into_draft.strip() and article_id.strip():
            raise InvalidInputError("choose an article or a draft, not both", field="merge_target")
        if into_draft.strip():
            if not into_draft.strip().isdigit():
                raise InvalidInputError("draft ids are numbers", field="into", value=into_draft)
            target = merge_into_draft(kb, did, int(into_draft), author=_reviewer(request))
            return RedirectResponse(f"/drafts/{target.id}?msg=merged", status_code=303)
        if not article_id.strip():
            raise InvalidInputError("choose the article or draft to merge into", field="merge_target")
        merge_draft(kb, did, article_id.strip(), author=_reviewer(request))
    except (InvalidInputError, ConflictError, NotFoundError) as exc:
        return _review_error(request, kb, did, exc, form)
    return _done(did, "merged")
