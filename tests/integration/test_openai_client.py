"""The official `openai` client against a real uvicorn server: plain and streamed round trips."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from assist.api import create_app

try:
    from tests.unit.test_api_kb import build_tiny_kb, serve_in_thread, tiny_settings
except ModuleNotFoundError:  # tests/ is not a package: import it from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.unit.test_api_kb import build_tiny_kb, serve_in_thread, tiny_settings
from tests.auth import key_for

QUESTION = "결제가 두 번 됐어요. 환불은 언제 되나요?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenAI]:
    data_dir = build_tiny_kb(tmp_path_factory.mktemp("openai-kb"))
    key = key_for(tiny_settings(data_dir), ["bot"])  # a chatbot front end holds a bot key
    with (
        serve_in_thread(create_app(tiny_settings(data_dir))) as base_url,
        OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0, timeout=30) as openai_client,
    ):
        yield openai_client


def test_models_round_trip(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["kms-assist"]


def test_plain_completion_round_trip(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="kms-assist", messages=[{"role": "user", "content": QUESTION}], temperature=0
    )
    assert completion.id.startswith("chatcmpl-") and completion.object == "chat.completion"
    message = completion.choices[0].message
    assert message.role == "assistant" and completion.choices[0].finish_reason == "stop"
    assert message.content and "[1]" in message.content and "3~7일" in message.content
    assert completion.usage is not None and completion.usage.total_tokens > 0
    extra = completion.model_extra or {}
    assert extra["citations"][0]["article_id"] == "KB-101-double-charge"
    assert extra["kms"]["abstained"] is False


def test_streamed_completion_reassembles_to_the_same_text(client: OpenAI) -> None:
    messages = [
        {"role": "user", "content": "무통장입금으로 결제했는데 환불은 어디로 받나요?"},
        {"role": "assistant", "content": "환불 계좌로 입금됩니다. [1]"},
        {"role": "user", "content": "언제 들어와요?"},
    ]
    plain = client.chat.completions.create(model="kms-assist", messages=messages)  # type: ignore[arg-type]
    stream = client.chat.completions.create(model="kms-assist", messages=messages, stream=True)  # type: ignore[arg-type]
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content and "[1]" in text
    assert len(chunks) > 3
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert (final.model_extra or {})["citations"][0]["doc_id"] == "article:KB-102-refund"


def test_errors_surface_as_openai_errors(client: OpenAI) -> None:
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="kms-assist", messages=[{"role": "user", "content": "  "}])
    assert caught.value.status_code == 400
    assert "messages[0].content" in str(caught.value)


def test_a_wrong_key_is_an_authentication_error(client: OpenAI) -> None:
    import openai

    with (
        OpenAI(base_url=str(client.base_url), api_key="not-a-key", max_retries=0, timeout=30) as stranger,
        pytest.raises(openai.AuthenticationError) as caught,
    ):
        stranger.models.list()
    assert caught.value.status_code == 401
