"""Helpdesk side-panel: recorded Zendesk/Freshdesk new-ticket webhooks in; the ticket stored
like POST /v1/tickets and its suggestion posted back as an internal note on a fake helpdesk on
loopback. When the helpdesk is down the note waits in the outbox and a later retry delivers it
exactly once."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings
from typer.testing import CliRunner

from assist.api import create_app
from assist.cli.app import _register
from assist.cli.app import app as cli_app
from assist.integrations import outbox
from assist.integrations.signatures import zendesk_signature
from storage import TicketRow, get_ticket
from storage.outbox_models import OutboxRow
from tests.auth import bearer
from tests.fake_helpdesk import FakeHelpdesk, closed_port_url, fake_helpdesk, fixture

SECRET = "zd-signing-secret"
World = tuple[TestClient, FakeHelpdesk, dict[str, str]]


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[World]:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path / "kms")
    with fake_helpdesk() as fake:
        settings = tiny_settings(
            data_dir,
            zendesk_url=fake.url,
            zendesk_email="bot@baromarket.example",
            zendesk_api_token="zd-token",
            zendesk_webhook_secret=SECRET,
            freshdesk_url=fake.url,
            freshdesk_api_key="fd-key",
            integration_retry_interval_s=0,
            integration_attempts=2,
        )
        headers = bearer(settings, ["integration"], name="helpdesk")
        with TestClient(create_app(settings)) as client:
            yield client, fake, headers


def zendesk(client: TestClient, headers: dict[str, str], payload: object, *, secret: str = SECRET) -> Any:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signed = {
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": zendesk_signature(secret, stamp, raw),
        "content-type": "application/json",
    }
    return client.post("/v1/integrations/zendesk", content=raw, headers={**headers, **signed})


def test_a_new_zendesk_ticket_is_stored_and_gets_an_internal_note(world: World) -> None:
    client, fake, headers = world
    started = time.perf_counter()
    r = zendesk(client, headers, fixture("zendesk_ticket_created.json"))
    round_trip_ms = (time.perf_counter() - started) * 1000
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "queued" and body["helpdesk_ticket_id"] == "35436"
    [sent] = fake.requests
    assert sent.method == "PUT" and sent.path == "/api/v2/tickets/35436.json"
    assert sent.headers["authorization"].startswith("Basic ")  # email/token:API token
    assert sent.headers["idempotency-key"] == "zendesk:35436:note"
    comment = sent.body["ticket"]["comment"]
    assert comment["public"] is False and comment["body"].startswith("[KMS Assist] 추천 답변")
    assert "이중 결제 처리 가이드" in comment["body"]
    kb = client.app.state.kb  # type: ignore[attr-defined]
    with kb.sessions() as session:
        ticket = get_ticket(session, body["ticket_id"])
    assert ticket is not None and ticket.channel == "zendesk" and ticket.status == "open"
    assert "010-2345-6789" not in ticket.inquiry  # PII masked before storage, as everywhere
    print(f"zendesk note round trip {round_trip_ms:.0f} ms")


def test_a_new_freshdesk_ticket_gets_a_private_note(world: World) -> None:
    client, fake, headers = world
    started = time.perf_counter()
    r = client.post(
        "/v1/integrations/freshdesk", json=fixture("freshdesk_ticket_created.json"), headers=headers
    )
    round_trip_ms = (time.perf_counter() - started) * 1000
    assert r.status_code == 200 and r.json()["helpdesk_ticket_id"] == "2087", r.text
    [sent] = fake.requests
    assert sent.method == "POST" and sent.path == "/api/v2/tickets/2087/notes"
    assert sent.body["private"] is True and sent.body["body"].startswith("<div>[KMS Assist]")
    assert "<br>" in sent.body["body"]
    print(f"freshdesk note round trip {round_trip_ms:.0f} ms")


def test_helpdesk_down_keeps_the_note_and_a_later_retry_delivers_it_once(world: World) -> None:
    client, fake, headers = world
    kb = client.app.state.kb  # type: ignore[attr-defined]
    live = kb.settings.freshdesk_url
    kb.settings.freshdesk_url = closed_port_url()  # connection refused
    r = client.post(
        "/v1/integrations/freshdesk", json=fixture("freshdesk_ticket_created.json"), headers=headers
    )
    assert r.status_code == 200 and r.json()["status"] == "queued"  # the webhook is not failed
    with kb.sessions() as session:
        [row] = session.scalars(select(OutboxRow)).all()
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "ConnectError"
    assert fake.requests == []
    kb.settings.freshdesk_url = live  # the helpdesk is back
    started = time.perf_counter()
    report = outbox.deliver(kb.settings, kb.sessions, force=True)
    retry_ms = (time.perf_counter() - started) * 1000
    assert report.delivered == 1 and len(fake.requests) == 1
    assert outbox.deliver(kb.settings, kb.sessions, force=True).delivered == 0  # exactly once
    redelivered = client.post(
        "/v1/integrations/freshdesk", json=fixture("freshdesk_ticket_created.json"), headers=headers
    )
    assert redelivered.json()["status"] == "duplicate" and len(fake.requests) == 1
    with kb.sessions() as session:
        assert session.query(TicketRow).filter(TicketRow.channel == "freshdesk").count() == 1
    print(f"freshdesk retry after outage delivered in {retry_ms:.0f} ms")


def test_kms_integrations_retry_sends_what_waits(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client, fake, headers = world
    kb = client.app.state.kb  # type: ignore[attr-defined]
    fake.fail_next = [503, 503]  # down for both tries of the first pass
    assert zendesk(client, headers, fixture("zendesk_ticket_created.json")).status_code == 200
    assert outbox.counts(kb.sessions) == {"pending": 1} and len(fake.requests) == 2
    for name, value in {
        "KMS_DATA_DIR": str(kb.settings.data_dir),
        "KMS_EMBEDDER": "hash",
        "KMS_ZENDESK_URL": fake.url,
        "KMS_ZENDESK_EMAIL": "bot@baromarket.example",
        "KMS_ZENDESK_API_TOKEN": "zd-token",
    }.items():
        monkeypatch.setenv(name, value)
    _register()
    result = CliRunner().invoke(cli_app, ["integrations", "retry", "--now", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["delivered"] == 1 and len(fake.requests) == 3
    status = CliRunner().invoke(cli_app, ["integrations", "status", "--json"])
    assert json.loads(status.output) == {"delivered": 1}


def test_a_refused_call_is_failed_not_retried_forever(world: World) -> None:
    client, fake, headers = world
    fake.fail_next = [422]
    assert zendesk(client, headers, fixture("zendesk_ticket_created.json")).status_code == 200
    assert len(fake.requests) == 1  # a 4xx is not retried
    kb = client.app.state.kb  # type: ignore[attr-defined]
    assert outbox.counts(kb.sessions) == {"failed": 1}


def test_a_bad_zendesk_signature_is_401_and_stores_nothing(world: World) -> None:
    client, fake, headers = world
    r = zendesk(client, headers, fixture("zendesk_ticket_created.json"), secret="wrong")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    kb = client.app.state.kb  # type: ignore[attr-defined]
    with kb.sessions() as session:
        assert session.query(TicketRow).filter(TicketRow.channel == "zendesk").count() == 0
    assert fake.requests == []


def test_a_wrong_role_key_is_403(world: World) -> None:
    client, _, _ = world
    agent = bearer(client.app.state.settings, ["agent"], name="someone")  # type: ignore[attr-defined]
    r = client.post(
        "/v1/integrations/freshdesk", json=fixture("freshdesk_ticket_created.json"), headers=agent
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {"ticket": {"id": "abc", "description": "환불 문의"}},
        {"ticket": {"id": 5}},
        {"freshdesk_webhook": {"ticket_subject": "환불"}},
        {"nothing": True},
    ],
)
def test_a_malformed_ticket_webhook_is_a_one_line_400(world: World, payload: dict[str, Any]) -> None:
    client, _, headers = world
    r = client.post("/v1/integrations/freshdesk", json=payload, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"].startswith("Freshdesk webhook") and "\n" not in r.text


def test_a_zendesk_event_other_than_ticket_created_is_400(world: World) -> None:
    client, _, headers = world
    payload = copy.deepcopy(fixture("zendesk_ticket_created.json"))
    payload["type"] = "zen:event-type:ticket.status_changed"
    assert zendesk(client, headers, payload).status_code == 400
