"""The optional LLM path against a fake OpenAI-compatible server on 127.0.0.1 (no network).

The fake answers with a sentence copied from evidence [1] plus an invented one; only the
supported sentence may survive. Unsupported-only answers, NO_ANSWER and HTTP 500 fall back
to the extractive answer.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from assist.api import create_app
from tests.auth import api_client

try:
    from tests.unit.test_api_kb import build_tiny_kb, serve_in_thread, tiny_settings
except ModuleNotFoundError:  # tests/ is not a package: import it from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.unit.test_api_kb import build_tiny_kb, serve_in_thread, tiny_settings

QUESTION = "결제가 두 번 됐어요. 환불은 언제 되나요?"
INVENTED = "배송비는 항상 무료입니다 [1]."


class FakeLLM:
    """Canned replies by mode; records every request it gets."""

    def __init__(self) -> None:
        self.mode = "mixed"
        self.requests: list[dict[str, Any]] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self.complete)

    @staticmethod
    def evidence_one(prompt: str) -> str:
        """The last line of evidence block [1] (the script's answer), 'A: ' removed."""
        block = re.search(r"^\[1\] .*?\n(.*?)\n\n", prompt, flags=re.S | re.M)
        assert block, prompt
        return block.group(1).strip().splitlines()[-1].removeprefix("A: ").strip()

    def supported(self, prompt: str) -> str:
        sentences = re.findall(r"[^.]+\.", self.evidence_one(prompt))
        return sentences[-1].strip()

    async def complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        prompt = body["messages"][-1]["content"]
        if self.mode == "error":
            return JSONResponse({"error": {"message": "overloaded"}}, status_code=500)
        content = {
            "mixed": f"{self.supported(prompt)[:-1]} [1]. {INVENTED}",
            "unsupported": f"{INVENTED} 모든 주문은 당일 환불됩니다 [1].",
            "no_answer": "NO_ANSWER",
        }[self.mode]
        return JSONResponse(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
            }
        )


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[tuple[FakeLLM, str]]:
    fake = FakeLLM()
    with serve_in_thread(fake.app) as base_url:
        yield fake, f"{base_url}/v1"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_kb(tmp_path_factory.mktemp("llm-kb"))


@pytest.fixture
def client(data_dir: Path, fake_llm: tuple[FakeLLM, str]) -> Iterator[TestClient]:
    fake, url = fake_llm
    fake.mode, fake.requests = "mixed", []
    settings = tiny_settings(data_dir, llm_base_url=url, llm_model="fake-model", llm_timeout_s=10)
    with api_client(create_app(settings)) as c:
        yield c


def _answer(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/answer", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_supported_sentence_is_kept_and_the_invented_one_dropped(
    client: TestClient, fake_llm: tuple[FakeLLM, str]
) -> None:
    fake, _ = fake_llm
    a = _answer(client)
    assert a["generated_by"] == "llm" and a["abstained"] is False
    assert "무료" not in a["answer"]
    prompt = fake.requests[0]["messages"][-1]["content"]
    assert fake.supported(prompt)[:-1] in a["answer"] and a["answer"].rstrip().endswith("[1]")
    assert a["citations"][0]["n"] == 1 and a["citations"][0]["chunk_id"].startswith("article:KB-101")
    assert fake.requests[0]["model"] == "fake-model" and QUESTION in prompt


@pytest.mark.parametrize("mode", ["unsupported", "no_answer", "error"])
def test_falls_back_to_the_extractive_answer(
    client: TestClient, fake_llm: tuple[FakeLLM, str], mode: str
) -> None:
    fake, _ = fake_llm
    fake.mode = mode
    a = _answer(client)
    assert len(fake.requests) == 1
    assert a["generated_by"] == "extractive" and a["abstained"] is False
    assert "무료" not in a["answer"] and "당일" not in a["answer"] and "3~7일" in a["answer"]


def test_chat_completions_use_the_llm_path_too(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})
    body = response.json()
    assert body["kms"]["generated_by"] == "llm" and "무료" not in body["choices"][0]["message"]["content"]


def test_out_of_scope_questions_never_reach_the_llm(
    client: TestClient, fake_llm: tuple[FakeLLM, str]
) -> None:
    fake, _ = fake_llm
    response = client.post("/v1/answer", json={"question": "What is the capital of France?"})
    assert response.json()["abstained"] is True and fake.requests == []
