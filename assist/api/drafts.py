"""Draft articles for recurring uncovered topics: generate, review (list, show, edit), decide.

Thin: every route calls one function of :mod:`assist.drafts`; the author of every edit and
decision is the caller (signed-in user or API key, see ``assist.api.security``). Domain errors
(NotFoundError, ConflictError, InvalidInputError) propagate to the app's error handlers, which
give them the project's JSON error shape.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from assist import fields as lim
from assist.api.deps import KB
from assist.api.security import principal_of
from assist.drafts import (
    DraftDetail,
    DraftSettings,
    DraftSummary,
    GenerateResult,
    approve_draft,
    edit_draft,
    generate,
    get_draft,
    list_draft_summaries,
    merge_draft,
    merge_into_draft,
    reject_draft,
)

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])
MAX_ID = 2**63 - 1  # database ids are signed 64-bit integers
DraftId = Annotated[int, Path(ge=1, le=MAX_ID, description="Draft id.")]
SectionKey = Annotated[str, Field(max_length=lim.MAX_NAME_CHARS)]
SectionBody = Annotated[str, Field(max_length=lim.MAX_TEXT_CHARS)]


class GenerateRequest(BaseModel):
    since: str | None = Field(
        None, max_length=32, description="Window such as '90d', '12w', '3m' or 'all'; default 90d."
    )
    min_size: int | None = Field(
        None, ge=2, le=100_000, description="Fewest tickets of a recurring topic (default 5)."
    )


class EditRequest(BaseModel):
    sections: dict[SectionKey, SectionBody] = Field(
        max_length=50, description="Section key -> new Markdown body ('title' allowed)."
    )
    note: str | None = Field(None, max_length=lim.MAX_NOTE_CHARS, description="Why the edit was made.")


class ApproveRequest(BaseModel):
    owner: str | None = Field(
        None, max_length=lim.MAX_NAME_CHARS, description="Owner (담당자) of the published article (required)."
    )
    article_id: str | None = Field(
        None, max_length=lim.MAX_NAME_CHARS, description="Id of the new article (default KB-D-<draft id>)."
    )
    override: str | None = Field(
        None,
        max_length=lim.MAX_NOTE_CHARS,
        description="Why the draft is published despite its lint findings (required when it has any).",
    )


class RejectRequest(BaseModel):
    reason: str = Field(
        max_length=lim.MAX_NOTE_CHARS, description="Why the draft is rejected (its topic stays suppressed)."
    )


class MergeRequest(BaseModel):
    article_id: str | None = Field(
        None,
        max_length=lim.MAX_NAME_CHARS,
        description="Published article that gets the scripts and situations.",
    )
    draft_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Or: another pending draft that absorbs this one."
    )


@router.get("", response_model=list[DraftSummary], summary="초안 목록 · List drafts")
def list_drafts(
    kb: KB,
    status: Annotated[
        str | None, Query(max_length=32, description="pending | approved | rejected | merged")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DraftSummary]:
    """Drafts, biggest and fastest-growing topics first."""
    return list_draft_summaries(kb, status=status, limit=limit)


@router.post("/generate", response_model=GenerateResult, summary="초안 생성 · Generate drafts")
def generate_drafts(kb: KB, body: GenerateRequest | None = None) -> GenerateResult:
    """Mine recurring topics of the window and create/refresh drafts for the uncovered ones."""
    body = body or GenerateRequest()
    return generate(kb, DraftSettings(), since=body.since, min_size=body.min_size)


@router.get("/{draft_id}", response_model=DraftDetail, summary="초안 조회 · Get a draft")
def show_draft(kb: KB, draft_id: DraftId) -> DraftDetail:
    """One draft with its evidence: source tickets and per-sentence provenance."""
    return get_draft(kb, draft_id)


@router.patch(
    "/{draft_id}",
    response_model=DraftDetail,
    summary="초안 편집 · Edit a draft",
    description="Replaces the given sections of a pending draft; the caller is recorded as the author.",
)
def edit(kb: KB, draft_id: DraftId, body: EditRequest, request: Request) -> DraftDetail:
    return edit_draft(kb, draft_id, body.sections, author=principal_of(request).actor, note=body.note)


@router.post(
    "/{draft_id}/approve",
    response_model=DraftDetail,
    summary="초안 승인 · Approve a draft",
    description="Publishes the draft as a new article (indexed at once); lint findings need an override.",
)
def approve(kb: KB, draft_id: DraftId, request: Request, body: ApproveRequest | None = None) -> DraftDetail:
    body = body or ApproveRequest()
    return approve_draft(
        kb,
        draft_id,
        owner=body.owner,
        author=principal_of(request).actor,
        article_id=body.article_id,
        override=body.override,
    )


@router.post(
    "/{draft_id}/reject",
    response_model=DraftDetail,
    summary="초안 반려 · Reject a draft",
    description="Rejects the draft with a reason; its topic is not drafted again.",
)
def reject(kb: KB, draft_id: DraftId, body: RejectRequest, request: Request) -> DraftDetail:
    return reject_draft(kb, draft_id, body.reason, author=principal_of(request).actor)


@router.post(
    "/{draft_id}/merge",
    response_model=DraftDetail,
    summary="초안 병합 · Merge a draft",
    description="Merges the draft's scripts and situations into a published article, or into another "
    "pending draft.",
)
def merge(kb: KB, draft_id: DraftId, body: MergeRequest, request: Request) -> DraftDetail:
    if body.draft_id is not None:
        return merge_into_draft(kb, draft_id, body.draft_id, author=principal_of(request).actor)
    return merge_draft(kb, draft_id, body.article_id or "", author=principal_of(request).actor)
