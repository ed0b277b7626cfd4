"""The review workflow of KMS owners: list, show, edit, approve, reject, merge.

    pending --edit--> pending (a draft revision per edit)
    pending --approve--> approved   new published article ``KB-D-<id>`` (version 1), indexed at once
    pending --reject(reason)--> rejected   the topic is suppressed until it regrows
    pending --merge(article)--> merged   scripts + situations appended to that article (new revision)
    pending --merge(draft)--> merged     scripts + situations + tickets added to another pending draft

Approval needs a reviewer and an owner, takes an optional article id (default ``KB-D-<id>``)
and is refused while the draft lint (:mod:`assist.drafts.lint`) has findings, unless the reviewer
gives an override reason (logged in the change log and the draft's evidence).

Anything but a pending draft raises ``ConflictError``; an unknown draft or article
``NotFoundError``; bad input ``InvalidInputError``. Approved and merged articles get their 문서 관리
section updated (date, change, owner) and are indexed incrementally, so agents get them as
suggestions immediately.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from assist.consistency import index_or_reconcile
from assist.drafts import ahead
from assist.drafts.lint import REVIEW_MARKER
from assist.drafts.render import render_markdown, to_record
from assist.drafts.schemas import DraftDetail, DraftSummary
from assist.drafts.store import detail, draft_lint, list_drafts, require_draft, summary
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from core.records import REQUIRED_SECTIONS, SECTION_KEYS, ArticleRecord
from ingest.chunking import article_chunks
from korean.pii import mask_pii
from korean.sentences import split_sentences
from storage import DraftRevisionRow, DraftRow, get_article, upsert_article
from storage.repo import to_record as article_record

__all__ = [
    "approve_draft",
    "draft_article_id",
    "edit_draft",
    "get_draft",
    "list_draft_summaries",
    "merge_draft",
    "merge_into_draft",
    "pending_draft",
    "published_article",
    "reindex_article",
    "reject_draft",
    "required_text",
    "updated_management",
]

ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")
_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-*•]\s+|[QA]\d*\s*[:：]\s*|#{1,6}\s+)")
_LOG_LINE = re.compile(r"^\s*[-*•]?\s*\d{4}-\d{2}-\d{2}\s*[:：]")


def draft_article_id(draft_id: int) -> str:
    return f"KB-D-{draft_id}"


def pending_draft(session: Session, draft_id: int, action: str) -> DraftRow:
    """The draft, which must still be pending (else a ConflictError naming its status)."""
    row = require_draft(session, draft_id)
    if row.status != "pending":
        raise ConflictError(
            f"draft {draft_id} is {row.status}; only a pending draft can be {action}",
            details={"draft_id": draft_id, "status": row.status},
        )
    return row


def updated_management(body: str, today: date, change: str, *, owner: str | None = None) -> str:
    """A 문서 관리 section with today's date, the owner (if given) and ``change`` logged first."""
    day = today.isoformat()
    lines = body.splitlines()
    labelled = {"최종 수정일": f"최종 수정일: {day}"} | ({"담당자": f"담당자: {owner}"} if owner else {})
    for label, new in labelled.items():
        at = next((i for i, line in enumerate(lines) if line.strip().startswith(label)), None)
        if at is None:
            lines.insert(0 if label == "최종 수정일" else 1, new)
        else:
            lines[at] = new
    entry = f"- {day}: {change}"
    first_log = next((i for i, line in enumerate(lines) if _LOG_LINE.match(line)), None)
    lines.insert(first_log if first_log is not None else len(lines), entry)
    return mask_pii("\n".join(lines).strip())


def published_article(session: Session, article_id: str, *, which: str = "", fix: str) -> ArticleRecord:
    """The published article ``article_id`` as a record: ``NotFoundError`` when there is none,
    ``ConflictError`` naming its status and ``fix`` when it is not published. ``which`` says in
    the messages whose article it is (" of the proposal")."""
    row = get_article(session, article_id)
    if row is None:
        raise NotFoundError(
            f"article {article_id!r}{which} does not exist", details={"article_id": article_id}
        )
    if row.status != "published":
        raise ConflictError(
            f"article {article_id!r}{which} is {row.status}; {fix}",
            details={"article_id": article_id, "status": row.status},
        )
    return article_record(row)


def reindex_article(kb: KnowledgeBase, rec: ArticleRecord, *, draft_id: int | None = None) -> None:
    """Index a written article version at once (a failure is reconciled now or at start-up);
    ``draft_id``: the approved draft, whose chunks may have been embedded ahead (``ahead``)."""
    chunks = article_chunks(rec, kb.settings)
    kept = ahead.vectors_ahead(kb, draft_id) if draft_id is not None else None
    tokens = ahead.tokens_ahead(kb, draft_id) if draft_id is not None else None
    # a failure: reconciled
    index_or_reconcile(kb, chunks, f"article:{rec.article_id}", ahead=kept, ahead_tokens=tokens)


def list_draft_summaries(
    kb: KnowledgeBase, *, status: str | None = None, limit: int = 100
) -> list[DraftSummary]:
    with kb.sessions() as session:
        return [summary(row) for row in list_drafts(session, status=status, limit=limit)]


def get_draft(kb: KnowledgeBase, draft_id: int) -> DraftDetail:
    with kb.sessions() as session:
        return detail(session, require_draft(session, draft_id))


def _provenance(old: list[dict[str, Any]], body: str, author: str) -> list[dict[str, Any]]:
    """Provenance of an edited section: unchanged sentences keep theirs, new ones are the author's."""
    out: list[dict[str, Any]] = []
    for raw in body.splitlines():
        text = _MARKER.sub("", raw).strip()
        for sentence in split_sentences(text) if text else []:
            match = max(old, key=lambda s: fuzz.ratio(sentence, s["text"]), default=None)
            if match is not None and fuzz.ratio(sentence, match["text"]) >= 90:
                out.append({**match, "text": sentence})
            else:
                out.append({"text": sentence, "tickets": [], "kind": "edited", "author": author})
    return out


def edit_draft(
    kb: KnowledgeBase,
    draft_id: int,
    sections: Mapping[str, str],
    *,
    author: str = "reviewer",
    note: str | None = None,
) -> DraftDetail:
    """Replace some sections (``title`` included) of a pending draft; writes a draft revision."""
    unknown = sorted(set(sections) - set(SECTION_KEYS))
    if unknown or not sections:
        raise InvalidInputError(
            f"sections to edit must be some of {', '.join(SECTION_KEYS)}; got {unknown or 'none'}",
            field="sections",
        )
    for key, body in sections.items():
        if not isinstance(body, str) or (key in REQUIRED_SECTIONS and not body.strip()):
            raise InvalidInputError(
                f"section {key!r} must be non-empty text (write '검토 필요: …' if it can't be filled yet)",
                field=f"sections.{key}",
            )
    with kb.sessions() as session, session.begin():
        row = pending_draft(session, draft_id, "edited")
        new_sections, prov = dict(row.sections or {}), dict(row.provenance or {})
        changed: list[str] = []
        for key, body in sections.items():
            clean = mask_pii(body.strip())
            current = row.title if key == "title" else new_sections.get(key, "")
            if clean == current:
                continue
            changed.append(key)
            prov[key] = _provenance(list(prov.get(key, [])), clean, author)
            if key == "title":
                row.title = " ".join(clean.split())
            else:
                new_sections[key] = clean
        if changed:
            _revise(session, row, new_sections, prov, changed, author, mask_pii(note) if note else None)
        session.flush()
        return detail(session, row)


def _revise(
    session: Session,
    row: DraftRow,
    sections: dict[str, str],
    provenance: dict[str, Any],
    changed: list[str],
    author: str | None,
    note: str | None,
) -> None:
    """``row`` with new sections and provenance (markdown rendered again), and the revision that
    records the change."""
    row.sections, row.provenance = sections, provenance
    row.markdown = render_markdown(row.title, sections)
    row.updated_at = datetime.now(UTC)
    session.add(
        DraftRevisionRow(
            draft_id=row.id,
            sections={**sections, "title": row.title},
            changed=changed,
            author=author,
            note=note,
        )
    )


def required_text(value: str | None, field: str, what: str) -> str:
    """A required name (reviewer, owner, article id) on one line, at most 100 characters."""
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInputError(f"{what} is required", field=field)
    return text[:100]


def _article_id(row: DraftRow, wanted: str | None) -> str:
    article_id = (wanted or "").strip() or draft_article_id(row.id)
    if not ARTICLE_ID.fullmatch(article_id):
        raise InvalidInputError(
            f"article id {article_id!r} is not valid: use 2-64 letters, digits, '.', '_' or '-' "
            "(for example KB-012-gift-refund)",
            field="article_id",
            value=article_id,
        )
    return article_id


def approve_draft(
    kb: KnowledgeBase,
    draft_id: int,
    *,
    owner: str | None,
    author: str | None,
    article_id: str | None = None,
    override: str | None = None,
) -> DraftDetail:
    """Publish a pending draft as a new article (version 1) and index it at once.

    ``owner`` (담당자) and ``author`` (the reviewer) are required; ``article_id`` defaults to
    ``KB-D-<id>``. A draft with lint findings is approved only with an ``override`` reason, which
    is logged in the article's change log and kept in the draft's evidence.
    """
    reason = " ".join((override or "").split())
    today = datetime.now(UTC).date()
    with kb.sessions() as session, session.begin():
        row = pending_draft(session, draft_id, "approved")
        owner = required_text(owner, "owner", "the article's owner (담당자)")
        author = required_text(author, "author", "the reviewer")
        target = _article_id(row, article_id)
        findings = draft_lint(row)
        if findings and not reason:
            codes = ", ".join(sorted({f.code for f in findings}))
            raise InvalidInputError(
                f"the draft has {len(findings)} lint finding(s) ({codes}); fix them, or approve with an "
                "override reason",
                field="override",
                value=len(findings),
            )
        if get_article(session, target) is not None:
            raise ConflictError(
                f"article {target} already exists; choose another article id",
                details={"article_id": target, "field": "article_id"},
            )
        change = f"초안 #{row.id} 승인·게시 (검토: {author})"
        if findings:
            change += f"; 검토 경고 {len(findings)}건 확인 후 게시: {reason}"
        sections = dict(row.sections or {})
        sections["management"] = updated_management(
            sections.get("management", ""), today, change, owner=owner
        )
        sections["management"] = sections["management"].replace(
            "상태: 초안 (자동 생성, 검토 대기)", "상태: 게시"
        )
        markdown = render_markdown(row.title, sections)
        rec = to_record(markdown, article_id=target, source=f"drafts/{row.id}")
        rec.owner = owner
        upsert_article(session, rec, author=author, change_note=f"초안 #{row.id} 승인")
        if findings:
            override_log = {
                "reason": mask_pii(reason),
                "author": author,
                "findings": [f.as_json() for f in findings],
            }
            row.evidence = {**(row.evidence or {}), "lint_override": override_log}
        row.status, row.article_id, row.sections, row.markdown = "approved", target, sections, markdown
        row.updated_at = datetime.now(UTC)
        session.flush()
        out = detail(session, row)
    reindex_article(kb, rec, draft_id=draft_id)
    ahead.forget(kb, draft_id)
    return out


def reject_draft(kb: KnowledgeBase, draft_id: int, reason: str, *, author: str | None) -> DraftDetail:
    """Reject a pending draft with a reason; its topic is suppressed until it regrows."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInputError("a rejection needs a reason (what is wrong with the draft)", field="reason")
    author = required_text(author, "author", "the reviewer")
    with kb.sessions() as session, session.begin():
        row = pending_draft(session, draft_id, "rejected")
        row.status, row.reject_reason = "rejected", mask_pii(f"{reason.strip()} (검토: {author})")
        row.topic.status = "suppressed"
        row.updated_at = datetime.now(UTC)
        session.flush()
        out = detail(session, row)
    ahead.forget(kb, draft_id)
    return out


def merge_draft(kb: KnowledgeBase, draft_id: int, article_id: str, *, author: str | None) -> DraftDetail:
    """Append a pending draft's scripts and situations to a published article as a new revision."""
    author = required_text(author, "author", "the reviewer")
    article_id = required_text(article_id, "article_id", "the article to merge into")
    today = datetime.now(UTC).date()
    with kb.sessions() as session, session.begin():
        row = pending_draft(session, draft_id, "merged")
        rec = published_article(session, article_id, fix="merge into a published article")
        n = len((row.evidence or {}).get("ticket_ids", []))
        for key in ("scripts", "situations"):
            extra = (row.sections or {}).get(key, "").strip()
            if extra and REVIEW_MARKER not in extra:
                rec.sections[key] = f"{rec.sections.get(key, '').strip()}\n\n{extra}".strip()
        rec.sections["management"] = updated_management(
            rec.sections.get("management", ""),
            today,
            f"초안 #{row.id} 병합: 상담 스크립트·주요 상황 추가 (티켓 {n}건, 검토: {author})",
        )
        rec.updated_at = today
        upsert_article(session, rec, author=author, change_note=f"초안 #{row.id} 병합")
        row.status, row.merged_into, row.updated_at = "merged", article_id, datetime.now(UTC)
        session.flush()
        out = detail(session, row)
    reindex_article(kb, rec)
    ahead.forget(kb, draft_id)
    return out


def _append_lines(body: str, extra: str) -> str:
    """``body`` with the lines of ``extra`` it does not have yet (blank-line separated)."""
    have = {line.strip() for line in body.splitlines() if line.strip()}
    new = [line for line in extra.splitlines() if not line.strip() or line.strip() not in have]
    text = "\n".join(new).strip()
    return f"{body.strip()}\n\n{text}".strip() if text else body.strip()


def merge_into_draft(kb: KnowledgeBase, draft_id: int, into: int, *, author: str | None) -> DraftDetail:
    """Merge a pending draft into another pending draft (the same subject found twice).

    The target gains the source's tickets (evidence), its scripts and situations (lines it does not
    have yet, with their provenance) and a draft revision; the source becomes ``merged`` with
    ``merged_into = "draft:<into>"``. Returns the target.
    """
    author = required_text(author, "author", "the reviewer")
    if draft_id == into:
        raise InvalidInputError("a draft cannot be merged into itself; choose another draft", field="into")
    with kb.sessions() as session, session.begin():
        row = pending_draft(session, draft_id, "merged")
        target = pending_draft(session, into, "merged into")
        sections, prov = dict(target.sections or {}), dict(target.provenance or {})
        changed: list[str] = []
        for key in ("scripts", "situations"):
            extra = (row.sections or {}).get(key, "").strip()
            if not extra or REVIEW_MARKER in extra:
                continue
            current = sections.get(key, "")
            body = extra if REVIEW_MARKER in current or not current.strip() else _append_lines(current, extra)
            if body != current:
                sections[key] = body
                kept = [] if REVIEW_MARKER in current else list(prov.get(key, []))
                prov[key] = kept + list((row.provenance or {}).get(key, []))
                changed.append(key)
        evidence = dict(target.evidence or {})
        ids = list(
            dict.fromkeys([*evidence.get("ticket_ids", []), *(row.evidence or {}).get("ticket_ids", [])])
        )
        evidence["ticket_ids"] = ids
        evidence["merged_drafts"] = [*evidence.get("merged_drafts", []), row.id]
        target.evidence, target.size = evidence, len(ids)
        merged = len((row.evidence or {}).get("ticket_ids", []))
        _revise(session, target, sections, prov, changed, author, f"초안 #{row.id} 병합 (티켓 {merged}건)")
        row.status, row.merged_into, row.updated_at = "merged", f"draft:{target.id}", datetime.now(UTC)
        session.flush()
        out = detail(session, target)
    ahead.forget(kb, draft_id)  # the target keeps its own; its merged sections are embedded at approval
    return out
