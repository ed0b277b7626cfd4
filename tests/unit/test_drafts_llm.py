"""The optional LLM polish of drafts against a fake OpenAI-compatible server on 127.0.0.1.

The fake rewrites sentence [1] of each section with the ticket's own words (supported: kept)
and answers every other sentence with an invented one (unsupported: dropped, the extracted
text stays). An HTTP 500 leaves the extractive draft as it was.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import test_drafts_data as data
from test_drafts_data import CONFIG, close

from assist.drafts import generate, get_draft
from assist.knowledge import KnowledgeBase
from core.settings import Settings

template_dir = data.template_dir  # fixture
REWRITE = "도착 후 3일 이내에 편의점 픽업 상품을 수령해야 하며, 기간이 지나면 반송됩니다."
INVENTED = "주말에는 드론으로 무료 배송해 드립니다."


class FakeLLM:
    def __init__(self) -> None:
        self.mode = "rewrite"
        self.prompts: list[str] = []

    def reply(self, prompt: str) -> str:
        numbers = re.findall(r"^\[(\d+)\] ", prompt, flags=re.M)
        policy = "편의점 픽업 상품은 도착 후 3일 이내" in prompt and "반송됩니다" in prompt
        return "\n".join(f"[{n}] {REWRITE if n == '1' and policy else INVENTED}" for n in numbers)


@pytest.fixture
def fake_llm() -> Iterator[tuple[FakeLLM, str]]:
    fake = FakeLLM()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = body["messages"][-1]["content"]
            fake.prompts.append(prompt)
            status, payload = (
                (500, {"error": {"message": "overloaded"}})
                if fake.mode == "error"
                else (200, {"choices": [{"message": {"role": "assistant", "content": fake.reply(prompt)}}]})
            )
            raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def llm_kb(template_dir: Path, tmp_path: Path, fake_llm: tuple[FakeLLM, str]) -> Iterator[KnowledgeBase]:
    shutil.copytree(template_dir, tmp_path / "kms", symlinks=True)
    kb = KnowledgeBase(Settings(data_dir=tmp_path / "kms", embedder="hash", llm_base_url=fake_llm[1]))
    yield kb
    close(kb)


def pickup_draft(kb: KnowledgeBase) -> Any:
    result = generate(kb, CONFIG)
    drafts = [get_draft(kb, i) for i in result.created + result.updated]
    return next(d for d in drafts if d.evidence["ticket_ids"][0].startswith("PU"))


def test_grounded_rewrites_are_kept_and_invented_sentences_dropped(
    llm_kb: KnowledgeBase, fake_llm: tuple[FakeLLM, str]
) -> None:
    draft = pickup_draft(llm_kb)
    fake, _ = fake_llm
    assert fake.prompts and all("[1] " in p for p in fake.prompts)
    first = draft.provenance["policy"][0]
    assert (first.text, first.kind) == (REWRITE, "rewritten") and first.tickets
    assert draft.sections["policy"].splitlines()[0] == f"- {REWRITE}"
    assert INVENTED not in json.dumps(draft.model_dump(mode="json"), ensure_ascii=False)
    assert all(
        s.kind == "extracted" for s in draft.provenance["steps"] if s.tickets and "상담태그" not in s.text
    )


def test_an_endpoint_failure_keeps_the_extractive_draft(
    llm_kb: KnowledgeBase, fake_llm: tuple[FakeLLM, str]
) -> None:
    fake_llm[0].mode = "error"
    draft = pickup_draft(llm_kb)
    assert draft.sections["policy"].splitlines()[0] == (
        "- 편의점 픽업 상품은 도착 후 3일 이내 수령해야 하며, 기간이 지나면 반송됩니다."
    )
    assert {s.kind for sentences in draft.provenance.values() for s in sentences} <= {
        "extracted",
        "generated",
    }
