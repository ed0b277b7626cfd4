"""Chatwoot agent bot: recorded ``message_created`` webhooks in, Chatwoot API calls out, against
a fake Chatwoot on loopback. Confident → one public reply; low confidence → status open and a
private note with the suggestion and its citations; ignored events; signature; roles; bad input."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist.api import create_app
from assist.integrations import outbox
from assist.integrations.signatures import chatwoot_signature
from tests.auth import bearer
from tests.fake_helpdesk import FakeHelpdesk, fake_helpdesk, fixture

URL = "/v1/integrations/chatwoot"
TOKEN = "cw-token-123"
SECRET = "cw-webhook-secret"


@pytest.fixture
def world(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> Iterator[tuple[TestClient, FakeHelpdesk, dict[str, str]]]:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path / "kms")
    with fake_helpdesk() as fake:
        settings = tiny_settings(
            data_dir,
            chatwoot_url=fake.url,
            chatwoot_api_token=TOKEN,
            chatwoot_webhook_secret=SECRET,
            integration_retry_interval_s=0,
            integration_link_url="https://kms.example.com",
        )
        headers = bearer(settings, ["integration"], name="chatwoot")
        with TestClient(create_app(settings)) as client:
            yield client, fake, headers


def message(content: str, message_id: int = 4821, **changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(fixture("chatwoot_message_created.json"))
    payload.update(content=content, id=message_id, **changes)
    return payload


def post(client: TestClient, headers: dict[str, str], payload: object, *, secret: str = SECRET) -> Any:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    signed = {
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Signature": chatwoot_signature(secret, stamp, raw),
        "content-type": "application/json",
    }
    return client.post(URL, content=raw, headers={**headers, **signed})


def test_a_confident_answer_is_posted_to_the_conversation(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, headers = world
    started = time.perf_counter()
    r = post(client, headers, message("결제가 두 번 됐어요. 환불은 언제 되나요?"))
    round_trip_ms = (time.perf_counter() - started) * 1000
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "answered" and r.json()["queued"] == 1
    [sent] = fake.requests
    assert sent.method == "POST" and sent.path == "/api/v1/accounts/3/conversations/1093/messages"
    assert sent.headers["api_access_token"] == TOKEN
    assert sent.headers["idempotency-key"] == "chatwoot:3:1093:4821:reply"
    assert sent.body["message_type"] == "outgoing" and sent.body["private"] is False
    assert "3~7일" in sent.body["content"] and "[1] 이중 결제 처리 가이드" in sent.body["content"]
    print(f"chatwoot answered round trip {round_trip_ms:.0f} ms")  # reported in the closing note


def test_low_confidence_opens_the_conversation_with_a_private_note(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, headers = world
    r = post(client, headers, message("오늘 서울 날씨 어때?", message_id=4822))
    assert r.status_code == 200 and r.json()["status"] == "handoff", r.text
    toggle, note = fake.requests
    assert toggle.path == "/api/v1/accounts/3/conversations/1093/toggle_status"
    assert toggle.body == {"status": "open"}
    assert note.path.endswith("/conversations/1093/messages") and note.body["private"] is True
    assert note.body["content"].startswith("[KMS Assist] 추천 답변")
    assert "오늘 서울 날씨" not in note.body["content"]  # the customer's words are not repeated


def test_a_handoff_note_holds_the_suggestion_and_its_citations(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, headers = world
    kb = client.app.state.kb  # type: ignore[attr-defined]
    kb.settings.answer_threshold = 0.999  # nothing is confident: the suggestion goes to a human
    r = post(client, headers, message("결제가 두 번 됐어요. 환불은 언제 되나요?", message_id=4823))
    assert r.json()["status"] == "handoff", r.text
    note = fake.requests[-1].body["content"]
    assert "근거" in note and "[1] 이중 결제 처리 가이드 · " in note and "3~7일" in note
    assert "https://kms.example.com/kms/KB-101-double-charge" in note


@pytest.mark.parametrize(
    "change",
    [
        {"message_type": "outgoing"},
        {"private": True},
        {"sender": {"id": 1, "type": "agent_bot"}},
        {"event": "conversation_created"},
    ],
)
def test_outgoing_private_and_bot_messages_are_ignored(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]], change: dict[str, Any]
) -> None:
    client, fake, headers = world
    r = post(client, headers, message("결제가 두 번 됐어요.", message_id=4900, **change))
    assert r.status_code == 200 and r.json()["status"] == "ignored", r.text
    assert fake.requests == []


def test_an_open_conversation_belongs_to_a_human(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, headers = world
    payload = message("결제가 두 번 됐어요.", message_id=4901)
    payload["conversation"]["status"] = "open"
    assert post(client, headers, payload).json()["status"] == "ignored"
    assert fake.requests == []


def test_a_redelivered_webhook_is_answered_once(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, headers = world
    payload = message("결제가 두 번 됐어요. 환불은 언제 되나요?", message_id=4902)
    assert post(client, headers, payload).json()["status"] == "answered"
    assert post(client, headers, payload).json()["status"] == "duplicate"
    assert len(fake.requests) == 1
    assert outbox.counts(client.app.state.kb.sessions) == {"delivered": 1}  # type: ignore[attr-defined]


def test_a_bad_signature_is_401(world: tuple[TestClient, FakeHelpdesk, dict[str, str]]) -> None:
    client, fake, headers = world
    r = post(client, headers, message("결제가 두 번 됐어요."), secret="not-the-secret")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    unsigned = client.post(URL, json=message("결제가 두 번 됐어요."), headers=headers)
    assert unsigned.status_code == 401
    assert fake.requests == []


def test_a_key_without_the_integration_role_is_403(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    client, fake, _ = world
    bot = bearer(client.app.state.settings, ["bot"], name="kakao-bot")  # type: ignore[attr-defined]
    r = post(client, bot, message("결제가 두 번 됐어요."))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert post(client, {}, message("결제가 두 번 됐어요.")).status_code == 401
    assert fake.requests == []


def test_the_key_may_come_as_basic_auth_for_a_webhook_url(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]],
) -> None:
    import base64

    client, _, headers = world
    key = headers["Authorization"].removeprefix("Bearer ")
    basic = {"Authorization": "Basic " + base64.b64encode(f"kms:{key}".encode()).decode()}
    r = post(client, basic, message("결제가 두 번 됐어요.", message_id=4903, private=True))
    assert r.status_code == 200 and r.json()["status"] == "ignored"


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1, 2]", json.dumps({"event": "message_created"}).encode()],
)
def test_a_malformed_payload_is_a_one_line_4xx(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]], payload: bytes
) -> None:
    client, _, headers = world
    stamp = str(int(time.time()))
    signed = {
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Signature": chatwoot_signature(SECRET, stamp, payload),
    }
    r = client.post(URL, content=payload, headers={**headers, **signed})
    assert 400 <= r.status_code < 500, r.text
    message_text = r.json()["error"]["message"]
    assert "\n" not in message_text and message_text.startswith("Chatwoot webhook")


def test_no_customer_text_reaches_the_logs(
    world: tuple[TestClient, FakeHelpdesk, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    client, fake, headers = world
    caplog.set_level("DEBUG")
    fake.fail_next = [503, 503, 503]  # a failing helpdesk: retries are logged
    question = "환불 언제 되나요 제 번호는 010-9876-5432 입니다"
    assert post(client, headers, message(question, message_id=4950)).status_code == 200
    assert len(fake.requests) >= 3  # three failed tries of the first call
    assert "010-9876-5432" not in caplog.text and "환불 언제" not in caplog.text
    assert "chatwoot POST attempt 1 failed: HTTP 503" in caplog.text
