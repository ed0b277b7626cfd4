"""Request and response bodies of the /v1 API (results of the core are ``assist.schemas``).

Request models reject unknown fields (a typo such as ``"inqury"`` is a 422 naming it). The
inquiry/question/resolution texts are plain strings here: emptiness and length are checked by the
core, which answers 400 naming the field and KMS_MAX_INQUIRY_CHARS. Every other string field and
list has a ``max_length`` (limits in :mod:`assist.fields`): over it is a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assist import fields as lim
from assist.errors import InvalidInputError
from assist.schemas import Suggestion, TicketOut

MAX_HISTORY_TURNS = 10  # earlier turns passed to the core (retrieval uses the last user turns)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


# --- tickets ---------------------------------------------------------------------------------
class TicketCreate(BaseModel):
    """An incoming customer inquiry (stored PII-masked, with its suggestion)."""

    model_config = _examples(
        {
            "subject": "이중 결제",
            "body": "결제가 두 번 됐어요. 환불은 언제 되나요?",
            "channel": "chat",
            "customer_ref": "C-1042",
        }
    )
    subject: str | None = Field(
        None, max_length=lim.MAX_SUBJECT_CHARS, description="제목 · Subject line, if the channel has one."
    )
    body: str = Field(description="문의 내용 · The customer's message.")
    channel: str | None = Field(
        None, max_length=lim.MAX_CHANNEL_CHARS, description="채널 · e.g. 'chat', 'email', 'phone'."
    )
    customer_ref: str | None = Field(
        None, max_length=lim.MAX_REF_CHARS, description="고객 참조 · Your customer id (masked if it is PII)."
    )


class TicketCreated(BaseModel):
    ticket: TicketOut
    suggestion: Suggestion


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int = Field(description="Tickets matching the filters (before limit/offset).")
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the next page (keyset paging: stable while new tickets "
        "arrive); null on the last page. · 다음 페이지 커서",
    )


class TicketResolve(BaseModel):
    """The final answer sent to the customer; the ticket becomes searchable knowledge."""

    model_config = _examples(
        {
            "resolution": "중복 승인은 다음 영업일에 자동 취소되며, 카드사 반영까지 3~7영업일 걸립니다.",
            "tags": ["고객::결제::이중결제"],
        }
    )
    resolution: str = Field(description="해결 답변 · The answer that resolved the ticket.")
    tags: list[Annotated[str, Field(max_length=lim.MAX_TAG_CHARS)]] | None = Field(
        None, max_length=lim.MAX_TAGS, description="상담태그 · e.g. ['고객::결제::이중결제']."
    )


# --- suggestions and feedback ----------------------------------------------------------------
class SuggestionRequest(BaseModel):
    model_config = _examples(
        {"inquiry": "결제가 두 번 됐어요. 환불은 언제 되나요?", "k": 5},
        {"inquiry": "배송이 일주일째 안 와요", "subject": "배송 지연"},
    )
    inquiry: str = Field(description="고객 문의 · The customer's inquiry.")
    subject: str | None = Field(
        None, max_length=lim.MAX_SUBJECT_CHARS, description="제목 · Optional subject line."
    )
    k: int = Field(5, ge=1, le=20, description="How many articles and tickets to return (1..20).")


class FeedbackCreate(BaseModel):
    model_config = _examples(
        {
            "verdict": "edited",
            "final_text": "안녕하세요, 고객님. 중복 승인은 내일 오전 자동 취소됩니다.",
            "reason": "더 짧게",
        }
    )
    verdict: Literal["used", "edited", "rejected"] = Field(
        description="used (sent as is) · edited (changed before sending) · rejected (not used)."
    )
    final_text: str | None = Field(
        None, max_length=lim.MAX_TEXT_CHARS, description="최종 발송 답변 · The reply actually sent."
    )
    reason: str | None = Field(
        None, max_length=lim.MAX_NOTE_CHARS, description="사유 · Why it was edited or rejected."
    )


class FeedbackOut(BaseModel):
    id: int
    suggestion_id: str
    verdict: str
    edit_distance: float | None = Field(
        description="Normalised Levenshtein distance draft → final text (0 = unchanged, 1 = rewritten)."
    )


class VerdictStats(BaseModel):
    count: int
    mean_edit_distance: float | None


class FeedbackSummary(BaseModel):
    total: int
    verdicts: dict[str, VerdictStats] = Field(description="Per verdict: used, edited, rejected.")


# --- answers -------------------------------------------------------------------------------
class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=lim.MAX_TEXT_CHARS)


class AnswerRequest(BaseModel):
    model_config = _examples(
        {"question": "결제가 두 번 됐어요. 환불은 언제 되나요?"},
        {
            "question": "그럼 카드 명세서에는 어떻게 나와요?",
            "history": [
                {"role": "user", "content": "결제가 두 번 됐어요"},
                {"role": "assistant", "content": "중복 승인은 다음 영업일에 자동 취소됩니다. [1]"},
            ],
            "locale": "ko-KR",
        },
    )
    question: str = Field(description="질문 · The customer's question.")
    history: list[ChatTurn] = Field(
        default_factory=list,
        max_length=lim.MAX_HISTORY_TURNS,
        description=f"이전 대화 · Earlier turns, oldest first (at most {lim.MAX_HISTORY_TURNS}); the last "
        f"{MAX_HISTORY_TURNS} are used.",
    )
    locale: str | None = Field(
        None, max_length=lim.MAX_LOCALE_CHARS, description="'ko' / 'en' (default: the question's language)."
    )


class AnswerFeedbackCreate(BaseModel):
    model_config = _examples(
        {"verdict": "helpful"},
        {"verdict": "not_helpful", "reason": "환불 날짜가 없어요"},
    )
    verdict: Literal["helpful", "not_helpful"] = Field(
        description="helpful (the answer helped) · not_helpful (it did not)."
    )
    reason: str | None = Field(
        None,
        max_length=lim.MAX_NOTE_CHARS,
        description="사유 · The customer's words, optional (personal data is masked before it is stored).",
    )


class AnswerFeedbackOut(BaseModel):
    id: int
    log_id: str = Field(description="The answer's log_id.")
    verdict: str
    reason: str | None = Field(description="The reason as stored (personal data masked).")
    created_at: datetime


def check_length(text: str, *, limit_chars: int, field: str) -> None:
    """InvalidInputError (400) naming the field and the limit when ``text`` is too long."""
    if len(text) > limit_chars:
        raise InvalidInputError(
            f"{field} has {len(text)} characters; the limit is {limit_chars} (KMS_MAX_INQUIRY_CHARS)",
            field=field,
            value=len(text),
        )


def recent_turns(turns: Sequence[tuple[str, str]], *, limit_chars: int) -> list[dict[str, str]]:
    """The last MAX_HISTORY_TURNS (role, content) turns as dicts, each clipped to its last
    ``limit_chars`` characters (history only refines retrieval; it is never rejected)."""
    return [{"role": role, "content": content[-limit_chars:]} for role, content in turns[-MAX_HISTORY_TURNS:]]


# --- health --------------------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok", "degraded"]
    ready: bool = Field(description="True when the index is loaded and the database answers.")
    index_loaded: bool
    model_loaded: bool
    db_reachable: bool
    counts: dict[str, int] = Field(
        default_factory=dict, description="Database row counts plus 'indexed_chunks' of the serving index."
    )
    index: str | None = Field(None, description="Name of the serving index version (manifest name).")
    embedder: str | None = Field(None, description="Embedder id the index was built with.")
    problems: list[str] = Field(default_factory=list, description="What is wrong and how to fix it.")
