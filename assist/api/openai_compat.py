"""OpenAI-compatible chat completions, so any chatbot front end speaking that API can use KMS.

``POST /v1/chat/completions``: the last user message is the question, earlier user/assistant
messages are the history; the answer is ``assist.answer.answer_question`` (logged as "chat").
The reply's content carries the [n] markers; ``citations`` and ``kms`` (confidence,
abstention) are extra top-level fields. ``stream: true`` sends the same text as Server-Sent
Events: a role delta, content deltas of a few words, a final chunk with ``finish_reason``
"stop" and ``citations``, then ``data: [DONE]``.
"""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assist import fields as lim
from assist.answer import answer_question
from assist.api.errors import ERROR_RESPONSES
from assist.api.models import check_length, recent_turns
from assist.api.readiness import IndexedKB
from assist.errors import InvalidInputError
from assist.schemas import Answer, Citation

MODEL_ID = "kms-assist"
WORDS_PER_DELTA = 3
router = APIRouter(prefix="/v1", tags=["openai"], responses=ERROR_RESPONSES)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field("text", max_length=lim.MAX_NAME_CHARS)
    text: str | None = Field(None, max_length=lim.MAX_TEXT_CHARS)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str = Field(
        max_length=lim.MAX_NAME_CHARS, description="system | user | assistant (others are ignored)"
    )
    content: (
        Annotated[str, Field(max_length=lim.MAX_TEXT_CHARS)]
        | Annotated[list[ContentPart], Field(max_length=lim.MAX_MESSAGES)]
        | None
    ) = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """The OpenAI request body; fields KMS does not use (temperature, max_tokens, ...) are ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL_ID,
                    "messages": [{"role": "user", "content": "결제가 두 번 됐어요. 환불은 언제 되나요?"}],
                },
                {
                    "model": MODEL_ID,
                    "stream": True,
                    "messages": [
                        {"role": "user", "content": "결제가 두 번 됐어요"},
                        {"role": "assistant", "content": "중복 승인은 다음 영업일에 자동 취소됩니다. [1]"},
                        {"role": "user", "content": "그럼 카드 명세서에는 어떻게 나와요?"},
                    ],
                },
            ]
        },
    )
    model: str = Field(
        MODEL_ID,
        max_length=lim.MAX_NAME_CHARS,
        description=f"Echoed back; KMS serves one model, '{MODEL_ID}'.",
    )
    messages: list[ChatMessage] = Field(min_length=1, max_length=lim.MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, description="Ignored: answers are grounded, not sampled.")
    max_tokens: int | None = Field(None, description="Ignored.")


class AssistantMessage(BaseModel):
    role: str = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: str = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class KmsInfo(BaseModel):
    confidence: float
    abstained: bool
    handoff_reason: str | None = None
    generated_by: str
    lang: str
    log_id: str | None = Field(
        None, description="The answer's log id: send feedback to POST /v1/answer/{log_id}/feedback."
    )


class ChatCompletion(BaseModel):
    id: str
    object: str = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation] = Field(description="Sources of the [n] markers in the content.")
    kms: KmsInfo


def rough_tokens(text: str) -> int:
    """A rough token count (about 3 characters a token for mixed Korean/English text)."""
    return math.ceil(len(text) / 3) if text else 0


def split_messages(messages: list[ChatMessage], *, limit_chars: int) -> tuple[str, list[dict[str, str]]]:
    """(question, history): the last user message, and the last user/assistant turns before it.

    An empty or over-long question is a 400 naming ``messages[i].content``.
    """
    last = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].role == "user"), None)
    if last is None:
        raise InvalidInputError("'messages' has no user message; the last user message is the question",
                                field="messages")  # fmt: skip
    question = messages[last].text()
    if not question.strip():
        raise InvalidInputError(f"messages[{last}].content is empty; send the customer's question",
                                field=f"messages[{last}].content")  # fmt: skip
    check_length(question.strip(), limit_chars=limit_chars, field=f"messages[{last}].content")
    turns = [(m.role, m.text()) for m in messages[:last] if m.role in ("user", "assistant")]
    return question, recent_turns(turns, limit_chars=limit_chars)


def _kms(answer: Answer) -> KmsInfo:
    return KmsInfo(
        confidence=answer.confidence,
        abstained=answer.abstained,
        handoff_reason=answer.handoff_reason,
        generated_by=answer.generated_by,
        lang=answer.lang,
        log_id=answer.log_id,
    )


def word_deltas(text: str, words: int = WORDS_PER_DELTA) -> list[str]:
    """Pieces of a few words each whose concatenation is exactly ``text``."""
    tokens = re.findall(r"\s*\S+\s*", text)
    return ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]


async def _events(
    answer: Answer, *, completion_id: str, created: int, model: str, usage: Usage | None
) -> AsyncIterator[str]:
    base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model}

    def event(payload: dict[str, Any]) -> str:
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    yield event({**base, "choices": [first]})
    for piece in word_deltas(answer.answer):
        yield event({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    yield event(
        {
            **base,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "citations": [c.model_dump() for c in answer.citations],
            "kms": _kms(answer).model_dump(),
        }
    )
    if usage is not None:
        yield event({**base, "choices": [], "usage": usage.model_dump()})
    yield "data: [DONE]\n\n"


@router.post(
    "/chat/completions",
    summary="OpenAI 호환 채팅 · OpenAI-compatible chat completion",
    description="Standard `chat.completion` (or `text/event-stream` chunks with `stream: true`); the "
    "content carries [n] citation markers, `citations` and `kms` are extra fields. Logged as 'chat'.",
    responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when streaming"}},
    response_model=ChatCompletion,
)
def chat_completions(req: ChatCompletionRequest, kb: IndexedKB) -> ChatCompletion | StreamingResponse:
    question, history = split_messages(req.messages, limit_chars=kb.settings.max_inquiry_chars)
    answer = answer_question(kb, question, history=history, log=True, kind="chat")
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    prompt = rough_tokens("\n".join(m.text() for m in req.messages))
    completion = rough_tokens(answer.answer)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
    if req.stream:
        include_usage = req.stream_options is not None and req.stream_options.include_usage
        events = _events(
            answer,
            completion_id=completion_id,
            created=created,
            model=req.model,
            usage=usage if include_usage else None,
        )
        return StreamingResponse(
            events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )
    return ChatCompletion(
        id=completion_id,
        created=created,
        model=req.model,
        choices=[Choice(message=AssistantMessage(content=answer.answer))],
        usage=usage,
        citations=answer.citations,
        kms=_kms(answer),
    )


@router.get("/models", summary="모델 목록 · List models (OpenAI-compatible)")
def list_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "kms-assist"}],
    }
