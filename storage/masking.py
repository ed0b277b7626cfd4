"""The one PII choke point of the storage layer: every free-text column is masked on its way in.

SQLAlchemy ``before_insert`` / ``before_update`` mapper events on every model mask the columns
listed in ``MASKED_COLUMNS`` (JSON columns: every string inside) before the row is written, so no
route, CLI command or job can store unmasked text, however it builds its rows. The object in
memory is masked too, so what the caller reads back is what was stored.

Articles (and their revisions, and chunks cut from articles or documents) use the article mode:
the company's own numbers stay. ``tickets.customer_ref`` is an identity: what is not masked as
PII becomes ``[고객번호]``. Everything else uses the personal mode. The allow-list comes from
the session (``open_db`` puts ``Settings.pii_allow`` in ``sessionmaker(info=...)``).

Ids, hashes, statuses, timestamps and numbers are not text a person typed and are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, object_session

from core.masking import mask_identity, mask_value
from storage.models import SECTION_ATTRS, Base

__all__ = ["MASKED_COLUMNS", "mask_value"]

_ARTICLE_TEXT = {"title": "article", **{attr: "article" for attr in SECTION_ATTRS.values()}}
# table -> attribute -> mode ("chunk" = article or personal by the chunk's doc_type)
MASKED_COLUMNS: dict[str, dict[str, str]] = {
    "articles": _ARTICLE_TEXT | {"owner": "personal", "tag": "personal"},
    "article_revisions": {
        "title": "article", "sections": "article", "tag": "personal", "change_note": "personal",
        "author": "personal",
    },
    "tickets": dict.fromkeys(("channel", "subject", "inquiry", "resolution", "tags"), "personal")
    | {"customer_ref": "identity"},
    "chunks": dict.fromkeys(("title", "text", "body", "meta"), "chunk"),
    "suggestions": {"payload": "article"},
    "feedback": {"final_text": "personal", "reason": "personal"},
    "answer_feedback": {"reason": "personal"},
    "unanswered_questions": {"text": "personal"},
    "topics": {"label": "personal"},
    "drafts": dict.fromkeys(
        ("title", "tag", "sections", "provenance", "evidence", "markdown", "reject_reason"), "personal"
    ),
    "draft_revisions": dict.fromkeys(("sections", "author", "note"), "personal"),
}  # fmt: skip


def _mask_row(target: Any, *, changed_only: bool) -> None:
    columns = MASKED_COLUMNS.get(getattr(target, "__tablename__", ""), {})
    if not columns:
        return
    session = object_session(target)
    allow: Sequence[str] = tuple(session.info.get("pii_allow", ())) if session is not None else ()
    state = inspect(target)
    for attr, mode in columns.items():
        if changed_only and not state.attrs[attr].history.has_changes():
            continue
        value = getattr(target, attr)
        if value is None:
            continue
        if mode == "identity":
            masked = mask_identity(value, allow=allow) if isinstance(value, str) and value else value
        else:
            if mode == "chunk":
                mode = "personal" if getattr(target, "doc_type", "") == "ticket" else "article"
            masked = mask_value(value, mode, allow)  # type: ignore[arg-type]
        if masked != value:
            setattr(target, attr, masked)


@event.listens_for(Base, "before_insert", propagate=True)
def _before_insert(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    _mask_row(target, changed_only=False)


@event.listens_for(Base, "before_update", propagate=True)
def _before_update(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    _mask_row(target, changed_only=True)
