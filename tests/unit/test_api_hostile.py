"""Hostile input is a 4xx in the one error shape, never a 500: body size, NaN/Infinity, lone
surrogates, NUL bytes, ids beyond 64 bits, absurd windows, unbounded strings; and the inbox
loads one page, not every ticket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from test_api_kb import assert_error, tiny_settings

from assist import fields
from assist.api import create_app
from assist.api.errors import _small
from assist.drafts.mining import parse_since
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from assist.tickets import create_ticket
from tests.auth import api_client

JSON = {"content-type": "application/json"}


# --- body size ---------------------------------------------------------------------------------
def test_a_body_over_the_default_1mb_is_413(client: TestClient) -> None:
    body = json.dumps({"inquiry": "환" * 600_000}).encode()  # 1.8 MB of UTF-8
    error = assert_error(client.post("/v1/suggestions", content=body, headers=JSON), 413, "payload_too_large")
    assert "KMS_MAX_BODY_BYTES" in error["message"] and error["details"] == {"limit": 1_000_000}


def test_the_limit_is_a_setting_and_holds_without_content_length(data_dir: Path) -> None:
    with api_client(create_app(tiny_settings(data_dir, max_body_bytes=2048))) as client:
        small = client.post("/v1/suggestions", json={"inquiry": "환불 언제 되나요?"})
        assert small.status_code == 200, small.text
        big = json.dumps({"inquiry": "x" * 3000}).encode()
        assert_error(client.post("/v1/suggestions", content=big, headers=JSON), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to trust
            yield big[:1500]
            yield big[1500:]

        response = client.post("/v1/suggestions", content=chunks(), headers=JSON)
        assert_error(response, 413, "payload_too_large")


# --- NaN, Infinity, surrogates, NUL --------------------------------------------------------------
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_400_not_a_crashing_error_handler(client: TestClient, constant: str) -> None:
    raw = f'{{"inquiry": "환불", "k": {constant}}}'.encode()
    error = assert_error(client.post("/v1/suggestions", content=raw, headers=JSON), 400, "invalid_input")
    assert constant.lstrip("-") in error["message"] and "finite" in error["message"]
    raw = f'{{"messages": [{{"role": "user", "content": "환불?"}}], "temperature": {constant}}}'.encode()
    assert_error(client.post("/v1/chat/completions", content=raw, headers=JSON), 400, "invalid_input")


def test_a_non_finite_value_is_never_echoed() -> None:
    assert _small(float("nan")) is None and _small(float("inf")) is None
    assert _small("\ud800") is None
    assert _small(42) == 42


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/v1/suggestions", '{"inquiry": "\\ud800 환불"}', "inquiry"),
        ("/v1/tickets", '{"body": "환불", "channel": "chat\\u0000"}', "channel"),
        ("/v1/answer", '{"question": "환불?", "history": [{"role": "user", "content": "\\udfff"}]}',
         "history[0].content"),
        ("/v1/chat/completions", '{"messages": [{"role": "user", "content": "a\\u0000b"}]}',
         "messages[0].content"),
    ],
)  # fmt: skip
def test_lone_surrogates_and_nul_in_json_are_400_naming_the_field(
    client: TestClient, path: str, raw: str, field: str
) -> None:
    error = assert_error(client.post(path, content=raw.encode(), headers=JSON), 400, "invalid_input")
    assert error["details"] == {"field": field} and field in error["message"]


def test_a_surrogate_pair_is_a_real_character_and_passes(client: TestClient) -> None:
    raw = '{"inquiry": "\\ud83d\\ude00 결제가 두 번 됐어요"}'  # an emoji, escaped as JSON does
    response = client.post("/v1/suggestions", content=raw.encode(), headers=JSON)
    assert response.status_code == 200, response.text


def test_a_client_key_is_never_echoed_raw_and_messages_stay_one_line(client: TestClient) -> None:
    raw = '{"messages": [{"role": "user", "content": "환불?", "a\\nb": {"x": "\\u0000"}}]}'
    error = assert_error(client.post("/v1/chat/completions", content=raw.encode(), headers=JSON), 400,
                         "invalid_input")  # fmt: skip
    assert error["details"] == {"field": "messages[0].<key>.x"} and "\n" not in error["message"]
    error = assert_error(client.post("/v1/suggestions", json={"inquiry": "환불", "a\nb": 1}), 422,
                         "validation_error")  # fmt: skip
    assert "\n" not in error["message"] and "a?b" in error["message"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/v1/tickets/W-%00", "path"),
        ("/v1/tickets/%ED%A0%80", "path"),
        ("/v1/tickets?q=%00", "q"),
        ("/v1/tickets?tag=%ED%A0%80", "query"),
        ("/v1/tickets?q=%FF", "query"),
    ],
)
def test_nul_and_invalid_utf8_in_the_url_are_400(client: TestClient, url: str, field: str) -> None:
    error = assert_error(client.get(url), 400, "invalid_input")
    assert error["details"] == {"field": field}


def test_nul_in_a_form_is_400(client: TestClient) -> None:
    response = client.post("/tickets/new", data={"body": "환불\x00", "channel": "chat"})
    assert_error(response, 400, "invalid_input")


# --- numbers and windows -------------------------------------------------------------------------
def test_ids_beyond_64_bits_are_422(client: TestClient) -> None:
    huge = 2**64 + 1
    error = assert_error(client.get(f"/v1/drafts/{huge}"), 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "draft_id"
    assert_error(client.get("/v1/drafts/-1"), 422, "validation_error")
    response = client.post("/v1/drafts/1/merge", json={"draft_id": huge})
    assert_error(response, 422, "validation_error")
    assert_error(client.post("/v1/drafts/generate", json={"min_size": huge}), 422, "validation_error")
    error = assert_error(client.get("/v1/tickets", params={"offset": huge}), 422, "validation_error")
    assert error["details"]["errors"][0]["field"] == "offset"
    assert client.get("/v1/tickets", params={"offset": 2**63 - 1}).json()["items"] == []


@pytest.mark.parametrize("since", ["99999999999d", "36501d", "99999999w", "9" * 30])
def test_absurd_windows_are_400_naming_since(client: TestClient, since: str) -> None:
    error = assert_error(client.post("/v1/drafts/generate", json={"since": since}), 400, "invalid_input")
    assert error["details"]["field"] == "since"


def test_parse_since_bounds() -> None:
    assert parse_since("36500d") is not None
    for text in ("36501d", "99999999999d", "9" * 5000):
        with pytest.raises(InvalidInputError):
            parse_since(text)


# --- string and list limits ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/v1/tickets", {"body": "환불", "channel": "c" * 65}, "channel"),
        ("/v1/tickets", {"body": "환불", "customer_ref": "c" * 256}, "customer_ref"),
        ("/v1/tickets", {"body": "환불", "subject": "s" * 501}, "subject"),
        ("/v1/tickets/T-1/resolve", {"resolution": "안내", "tags": ["t"] * 21}, "tags"),
        ("/v1/tickets/T-1/resolve", {"resolution": "안내", "tags": ["t" * 201]}, "tags.0"),
        ("/v1/answer", {"question": "환불?", "history": [{"role": "user", "content": "a"}] * 51}, "history"),
        ("/v1/answer", {"question": "환불?", "locale": "k" * 36}, "locale"),
        ("/v1/suggestions/x/feedback", {"verdict": "used", "reason": "r" * 2001}, "reason"),
        ("/v1/drafts/1/reject", {"reason": "r" * 2001}, "reason"),
    ],
)
def test_every_string_and_list_has_a_limit(
    client: TestClient, path: str, payload: dict[str, Any], field: str
) -> None:
    error = assert_error(client.post(path, json=payload), 422, "validation_error")
    assert [e["field"] for e in error["details"]["errors"]] == [field]


def test_the_core_checks_the_limits_for_the_web_pages_too(data_dir: Path) -> None:
    kb = KnowledgeBase(tiny_settings(data_dir))
    with pytest.raises(InvalidInputError, match="'channel' has 1000000 characters; the limit is 64"):
        create_ticket(kb, body="환불", channel="c" * 1_000_000)
    with pytest.raises(InvalidInputError, match="tags"):
        fields.clean_tags(["t"] * 21)
    assert fields.clean_tags([" a ", "", "b"]) == ["a", "b"]


def test_a_long_web_channel_is_refused(client: TestClient) -> None:
    response = client.post("/tickets/new", data={"body": "환불 언제 되나요?", "channel": "c" * 100_000})
    assert response.status_code in (400, 422), response.status_code
    assert client.get("/v1/tickets", params={"status": "open"}).json()["total"] == 0


# --- the inbox loads one page ------------------------------------------------------------------
def test_the_inbox_selects_one_page_and_counts(client: TestClient) -> None:
    engine = client.app.state.kb.sessions.kw["bind"]  # type: ignore[attr-defined]
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = client.get("/v1/tickets", params={"limit": 1, "tag": "고객"}).json()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    selects = [s for s in statements if "FROM tickets" in s]
    assert any("count(*)" in s.lower() for s in selects)
    assert any("LIMIT" in s for s in selects if "count(*)" not in s.lower())
    assert page["total"] >= 2 and len(page["items"]) == 1


def test_tag_filter_is_exact_or_a_child_and_wildcards_are_literal(client: TestClient) -> None:
    def ids(tag: str) -> set[str]:
        return {t["id"] for t in client.get("/v1/tickets", params={"tag": tag}).json()["items"]}

    assert ids("고객::결제") == {"T-101", "T-102"}
    assert ids("고객::결") == set()  # a prefix that stops inside a level is not a parent
    assert ids("%") == set() and ids("고객::%") == set()
