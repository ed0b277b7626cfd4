"""The outbound client and the durable outbox without the web layer: retries with exponential
backoff, Retry-After, no retry of a refusal, timeouts, concurrent retry passes sending a call
once, PII-masked bodies; and the webhook signature checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from assist.errors import UnauthenticatedError
from assist.integrations import outbox
from assist.integrations.client import Endpoint, endpoint_for, send
from assist.integrations.signatures import (
    chatwoot_signature,
    verify_chatwoot,
    verify_zendesk,
    zendesk_signature,
)
from assist.integrations.worker import start_retry_loop
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage.outbox_models import OutboxRow
from tests.fake_helpdesk import FakeHelpdesk, closed_port_url, fake_helpdesk


@pytest.fixture
def fake() -> Iterator[FakeHelpdesk]:
    with fake_helpdesk() as server:
        yield server


def test_a_5xx_is_retried_with_exponential_backoff(fake: FakeHelpdesk) -> None:
    fake.fail_next = [503, 502]
    waits: list[float] = []
    result = send(
        Endpoint(fake.url), "POST", "/x", {"a": 1}, key="k1", timeout_s=2, attempts=3, sleep=waits.append
    )
    assert result.ok and result.attempts == 3 and waits == [0.5, 1.0]
    assert {r.headers["idempotency-key"] for r in fake.requests} == {"k1"}  # the same key each try


def test_a_4xx_refusal_is_not_retried(fake: FakeHelpdesk) -> None:
    fake.fail_next = [422]
    result = send(
        Endpoint(fake.url), "POST", "/x", {}, key="k", timeout_s=2, attempts=3, sleep=lambda _: None
    )
    assert not result.ok and not result.retryable and result.error == "HTTP 422" and len(fake.requests) == 1


def test_connection_refused_is_retryable_and_names_no_body() -> None:
    result = send(
        Endpoint(closed_port_url()),
        "POST",
        "/x",
        {"secret": "고객"},
        key="k",
        timeout_s=1,
        attempts=2,
        sleep=lambda _: None,
    )
    assert not result.ok and result.retryable and result.error == "ConnectError" and result.attempts == 2


def test_a_slow_helpdesk_times_out() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        result = send(Endpoint(url), "POST", "/x", {}, key="k", timeout_s=0.3, attempts=1)
        assert result.retryable and "Timeout" in str(result.error)
    finally:
        listener.close()


def test_credentials_come_from_settings_only(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        zendesk_url="https://acme.zendesk.com/",
        zendesk_email="a@b.c",
        zendesk_api_token="tok",
    )
    zendesk = endpoint_for(settings, "zendesk")
    assert zendesk is not None and zendesk.base_url == "https://acme.zendesk.com"
    assert zendesk.auth == ("a@b.c/token", "tok") and "tok" not in repr(zendesk)
    assert endpoint_for(settings, "freshdesk") is None and endpoint_for(settings, "chatwoot") is None


def test_concurrent_retry_passes_send_each_call_once(tmp_path: Path, fake: FakeHelpdesk) -> None:
    settings = Settings(
        data_dir=tmp_path / "kms", embedder="hash", chatwoot_url=fake.url, chatwoot_api_token="t"
    )
    sessions = KnowledgeBase(settings).sessions
    calls = [outbox.Call("chatwoot", "POST", f"/m/{i}", {"content": "ok"}, f"cw:{i}") for i in range(10)]
    assert len(outbox.enqueue(sessions, calls)) == 10
    assert outbox.enqueue(sessions, calls) == []  # the same keys again: nothing new
    threads = [threading.Thread(target=outbox.deliver, args=(settings, sessions)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.path for r in fake.requests) == sorted(f"/m/{i}" for i in range(10))
    assert outbox.counts(sessions) == {"delivered": 10}


def test_outbox_bodies_are_pii_masked(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    sessions = KnowledgeBase(settings).sessions
    outbox.enqueue(
        sessions, [outbox.Call("chatwoot", "POST", "/m", {"content": "연락처 010-2345-6789"}, "k")]
    )
    with sessions() as session:
        body = session.scalars(select(OutboxRow.body)).one()
    assert "010-2345-6789" not in str(body)


def test_signatures_match_the_documented_schemes() -> None:
    body, now = b'{"event":"message_created"}', time.time()
    stamp = str(int(now))
    signature = chatwoot_signature("s", stamp, body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    verify_chatwoot("s", {"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": signature}, body, now=now)
    with pytest.raises(UnauthenticatedError, match="timestamp"):  # a replay 10 minutes later
        verify_chatwoot(
            "s", {"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": signature}, body, now=now + 600
        )
    iso = "2026-11-30T04:20:11Z"
    zsig = zendesk_signature("s", iso, body)
    headers = {"X-Zendesk-Webhook-Signature-Timestamp": iso, "X-Zendesk-Webhook-Signature": zsig}
    verify_zendesk("s", headers, body, now=1796012411.0)
    with pytest.raises(UnauthenticatedError, match="does not match"):
        verify_zendesk("s", headers, body + b" ", now=1796012411.0)


def test_the_server_retry_loop_delivers_what_waits(tmp_path: Path, fake: FakeHelpdesk) -> None:
    settings = Settings(
        data_dir=tmp_path / "kms",
        embedder="hash",
        chatwoot_url=fake.url,
        chatwoot_api_token="t",
        integration_retry_interval_s=0.05,
    )
    sessions = KnowledgeBase(settings).sessions
    assert start_retry_loop(settings.model_copy(update={"chatwoot_url": None}), sessions) is None
    outbox.enqueue(sessions, [outbox.Call("chatwoot", "POST", "/m", {"content": "ok"}, "loop")])
    loop = start_retry_loop(settings, sessions)
    assert loop is not None
    try:
        deadline = time.monotonic() + 10
        while outbox.counts(sessions) != {"delivered": 1} and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        loop.stop()
    assert outbox.counts(sessions) == {"delivered": 1} and len(fake.requests) == 1


def test_two_requests_queueing_the_same_key_at_once_store_it_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    sessions = KnowledgeBase(settings).sessions
    call = outbox.Call("chatwoot", "POST", "/m", {"content": "ok"}, "same-key")
    results: list[list[int]] = []
    threads = [
        threading.Thread(target=lambda: results.append(outbox.enqueue(sessions, [call]))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 0, 1] and outbox.counts(sessions) == {"pending": 1}
