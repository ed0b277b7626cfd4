"""/v1/chat/completions and /v1/models: the OpenAI wire format, plain and streamed (SSE)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_api_kb import assert_error

from assist.api.models import recent_turns
from assist.api.openai_compat import word_deltas
from assist.knowledge import KnowledgeBase
from storage import QueryLogRow

QUESTION = "결제가 두 번 됐어요. 환불은 언제 되나요?"


def _chat(client: TestClient, messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/chat/completions", json={"model": "kms-assist", "messages": messages, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _events(client: TestClient, messages: list[dict[str, Any]], **extra: Any) -> list[Any]:
    payload = {"model": "kms-assist", "messages": messages, "stream": True, **extra}
    response = client.post("/v1/chat/completions", json=payload)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in response.text.split("\n\n") if b.strip()]
    assert all(b.startswith("data: ") for b in blocks)
    return [b[6:] if b[6:] == "[DONE]" else json.loads(b[6:]) for b in blocks]


def test_models_lists_kms_assist(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and [m["id"] for m in body["data"]] == ["kms-assist"]


def test_completion_is_a_standard_chat_completion_with_citations(client: TestClient) -> None:
    body = _chat(client, [{"role": "system", "content": "친절하게"}, {"role": "user", "content": QUESTION}])
    assert body["id"].startswith("chatcmpl-") and body["object"] == "chat.completion"
    assert isinstance(body["created"], int) and body["model"] == "kms-assist"
    [choice] = body["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant" and "[1]" in choice["message"]["content"]
    assert body["citations"][0]["chunk_id"] == "article:KB-101-double-charge#scripts-0"
    assert body["kms"]["abstained"] is False and body["kms"]["handoff_reason"] is None
    usage = body["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_stream_sends_role_then_words_then_stop_with_citations(client: TestClient) -> None:
    messages = [{"role": "user", "content": QUESTION}]
    plain = _chat(client, messages)
    events = _events(client, messages)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    words = [c["choices"][0]["delta"]["content"] for c in chunks[1:-1]]
    assert len(words) > 2 and all(0 < len(w.split()) <= 3 for w in words)
    assert "".join(words) == plain["choices"][0]["message"]["content"]
    final = chunks[-1]
    assert final["choices"][0]["finish_reason"] == "stop" and final["choices"][0]["delta"] == {}
    assert final["citations"] == plain["citations"] and final["kms"]["abstained"] is False


def test_stream_can_include_usage(client: TestClient) -> None:
    events = _events(client, [{"role": "user", "content": QUESTION}], stream_options={"include_usage": True})
    usage_chunk = events[-2]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["total_tokens"] > 0


def test_earlier_messages_are_history(client: TestClient) -> None:
    body = _chat(
        client,
        [
            {"role": "user", "content": "무통장입금으로 결제했는데 환불은 어디로 받나요?"},
            {"role": "assistant", "content": "환불 계좌로 입금됩니다. [1]"},
            {"role": "user", "content": [{"type": "text", "text": "언제 들어와요?"}]},
        ],
    )
    # the follow-up is answered from the refund article's rule for 무통장입금 (policy or script)
    assert body["citations"][0]["doc_id"] == "article:KB-102-refund"
    assert "1~2일" in body["choices"][0]["message"]["content"]


def test_unknown_fields_are_ignored(client: TestClient) -> None:
    body = _chat(
        client,
        [{"role": "user", "content": QUESTION, "name": "고객"}],
        temperature=0.2,
        top_p=0.9,
        max_tokens=64,
        presence_penalty=0,
        tools=[],
        user="u-1",
    )
    assert body["choices"][0]["message"]["content"]


def test_out_of_scope_chat_hands_off(client: TestClient) -> None:
    body = _chat(client, [{"role": "user", "content": "What is the capital of France?"}])
    assert body["kms"]["abstained"] is True and body["citations"] == []
    assert body["choices"][0]["message"]["content"].startswith("I'm not confident")


def test_chat_is_logged_as_chat(client: TestClient) -> None:
    _chat(client, [{"role": "user", "content": QUESTION}])
    kb: KnowledgeBase = client.app.state.kb  # type: ignore[attr-defined]
    with kb.sessions() as session:
        assert [row.kind for row in session.scalars(select(QueryLogRow))] == ["chat"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"model": "kms-assist"}, "messages"), ({"messages": []}, "messages"), ({"messages": "hi"}, "messages")],
)
def test_schema_errors_use_the_error_shape(client: TestClient, payload: dict[str, Any], field: str) -> None:
    error = assert_error(client.post("/v1/chat/completions", json=payload), 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == field


def test_no_user_message_is_400(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "hi"}]})
    assert assert_error(response, 400, "invalid_input")["details"]["field"] == "messages"


def test_stream_errors_are_json_not_sse(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json={"stream": True, "messages": [{"role": "user"}]})
    assert_error(response, 400, "invalid_input")


def test_word_deltas_reassemble_exactly() -> None:
    text = "  환불은  3~5일 걸립니다. [1]\n다음 문장 [2]"
    pieces = word_deltas(text, words=2)
    assert "".join(pieces) == text and len(pieces) == 4
    assert word_deltas("") == []


def test_overlong_question_is_400_but_long_context_is_accepted(client: TestClient) -> None:
    limit = client.app.state.settings.max_inquiry_chars  # type: ignore[attr-defined]
    too_long = [{"role": "user", "content": "환불 " * limit}]
    error = assert_error(
        client.post("/v1/chat/completions", json={"messages": too_long}), 400, "invalid_input"
    )
    assert error["details"]["field"] == "messages[0].content" and str(limit) in error["message"]
    long_context = [
        {"role": "system", "content": "규칙 " * limit},
        {"role": "user", "content": "이전 문의 " * limit},
        {"role": "user", "content": QUESTION},
    ]
    assert _chat(client, long_context)["choices"][0]["message"]["content"]


def test_recent_turns_keeps_the_last_ten_clipped() -> None:
    turns = [("user", f"{i}번째 " + "가" * 50) for i in range(15)]
    kept = recent_turns(turns, limit_chars=20)
    assert len(kept) == 10 and kept[-1] == {"role": "user", "content": "가" * 20}
