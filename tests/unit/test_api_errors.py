"""Every kind of error has the one JSON shape {"error": {code, message, details}} and its status."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_api_kb import assert_error, tiny_settings

from assist.api import create_app
from assist.errors import ConflictError, InvalidInputError, NotFoundError, UpstreamError
from core.errors import (
    EmbedderError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    KmsError,
    StorageError,
)
from tests.auth import api_client


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    with api_client(create_app(tiny_settings(data_dir, max_inquiry_chars=50))) as c:
        yield c


def test_unknown_route_is_404_not_found(client: TestClient) -> None:
    error = assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert "/v1/nothing-here" in error["message"]


def test_wrong_method_is_405(client: TestClient) -> None:
    response = client.delete("/v1/suggestions")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


def test_schema_errors_are_422_listing_each_bad_field(client: TestClient) -> None:
    response = client.post("/v1/suggestions", json={"inquiry": 42, "k": 50, "inqury": "오타"})
    error = assert_error(response, 422, "validation_error")
    by_field = {e["field"]: e for e in error["details"]["errors"]}
    assert set(by_field) == {"inquiry", "k", "inqury"}
    assert by_field["inquiry"]["location"] == "body.inquiry"
    assert by_field["inquiry"]["value"] == 42
    assert by_field["k"]["value"] == 50
    assert "20" in by_field["k"]["message"]
    assert all(e["message"] for e in by_field.values())


def test_missing_field_and_bad_query_parameter_are_422(client: TestClient) -> None:
    error = assert_error(client.post("/v1/answer", json={}), 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "question"
    assert "value" not in error["details"]["errors"][0]
    error = assert_error(client.get("/v1/tickets", params={"status": "lost"}), 422, "validation_error")
    [entry] = error["details"]["errors"]
    assert (entry["location"], entry["value"]) == ("query.status", "lost")


def test_big_bad_values_are_not_echoed(client: TestClient) -> None:
    error = assert_error(
        client.post("/v1/suggestions", json={"inquiry": ["x" * 500]}), 422, "validation_error"
    )
    assert "value" not in error["details"]["errors"][0]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/suggestions", content=b'{"inquiry": "', headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/v1/suggestions", {"inquiry": "   "}, "inquiry"),
        ("/v1/answer", {"question": ""}, "question"),
        ("/v1/tickets", {"body": "\n\t"}, "body"),
        ("/v1/chat/completions", {"model": "m", "messages": [{"role": "user", "content": " "}]}, None),
    ],
)
def test_empty_text_is_400_naming_the_field(
    client: TestClient, path: str, payload: dict[str, object], field: str | None
) -> None:
    error = assert_error(client.post(path, json=payload), 400, "invalid_input")
    assert error["details"]["field"] == (field or "messages[0].content")
    assert error["details"]["field"] in error["message"]


@pytest.mark.parametrize(
    ("path", "key"), [("/v1/suggestions", "inquiry"), ("/v1/answer", "question"), ("/v1/tickets", "body")]
)
def test_overlong_text_is_400_naming_the_limit(client: TestClient, path: str, key: str) -> None:
    error = assert_error(client.post(path, json={key: "환불 " * 40}), 400, "invalid_input")
    assert "50" in error["message"] and "KMS_MAX_INQUIRY_CHARS" in error["message"]
    assert error["details"] == {"field": key, "value": len(("환불 " * 40).strip())}


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/v1/tickets/W-nope", None),
        ("get", "/v1/tickets/W-nope/suggestions", None),
        ("post", "/v1/tickets/W-nope/resolve", {"resolution": "안내 완료"}),
        ("post", "/v1/suggestions/nope/feedback", {"verdict": "used"}),
    ],
)
def test_unknown_ids_are_404(client: TestClient, method: str, path: str, payload: object) -> None:
    response = client.request(method, path, json=payload)
    error = assert_error(response, 404, "not_found")
    assert "nope" in error["message"]


def test_resolving_a_resolved_ticket_is_409(client: TestClient) -> None:
    error = assert_error(
        client.post("/v1/tickets/T-101/resolve", json={"resolution": "다시"}), 409, "conflict"
    )
    assert error["details"] == {"ticket_id": "T-101"}


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InvalidInputError("bad 'inquiry'", field="inquiry"), 400),
        (NotFoundError("gone"), 404),
        (ConflictError("clash"), 409),
        (UpstreamError("LLM endpoint failed"), 502),
        (IndexNotFoundError("no index: run `kms init --sample`"), 503),
        (IndexMismatchError("built with another model; `kms reindex`"), 503),
        (IndexCorruptError("index unreadable; `kms reindex`"), 503),
        (StorageError("database down"), 503),
        (EmbedderError("model missing"), 503),
        (KmsError("something of our own"), 500),
    ],
)
def test_domain_errors_map_to_their_status(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, exc: KmsError, status: int
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr("assist.api.suggestions.suggest", fail)
    error = assert_error(client.post("/v1/suggestions", json={"inquiry": "환불"}), status, exc.code)
    assert error["message"] == exc.message
    assert error["details"] == exc.details


def test_unexpected_exception_is_500_without_leaking(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret connection string postgres://u:pw@db")

    monkeypatch.setattr("assist.api.answers.answer_question", boom)
    with caplog.at_level(logging.ERROR, logger="assist.api.errors"):
        response = client.post("/v1/answer", json={"question": "환불 언제 되나요?"})
    assert_error(response, 500, "internal_error")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert any("secret" in (r.exc_text or "") for r in caplog.records)


def test_without_an_index_the_app_starts_and_answers_503(tmp_path: Path) -> None:
    with api_client(create_app(tiny_settings(tmp_path / "empty"))) as client:
        for path, payload in [
            ("/v1/suggestions", {"inquiry": "환불 언제 되나요?"}),
            ("/v1/answer", {"question": "환불 언제 되나요?"}),
            ("/v1/tickets", {"body": "환불 언제 되나요?"}),
            ("/v1/chat/completions", {"messages": [{"role": "user", "content": "환불?"}]}),
            ("/v1/tickets/T-1/resolve", {"resolution": "안내"}),
        ]:
            error = assert_error(client.post(path, json=payload), 503, "index_not_found")
            assert "kms init --sample" in error["message"] and "kms ingest PATH" in error["message"]
        assert client.get("/v1/tickets").json()["total"] == 0  # the database still works
        health = client.get("/readyz")
        assert health.status_code == 503
        assert health.json()["ready"] is False and health.json()["index_loaded"] is False
