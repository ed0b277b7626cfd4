"""Kakao i Open Builder skill: a recorded skill request in, a version 2.0 skill response out,
well within the platform's 5-second limit (a time budget answers '잠시 후' instead of timing out)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist.api import create_app
from assist.integrations import kakao
from assist.integrations.kakao import AGENT_LABEL, LATE_MESSAGE
from tests.auth import bearer
from tests.fake_helpdesk import fixture

URL = "/v1/integrations/kakao"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path_factory.mktemp("kakao") / "kms")
    settings = tiny_settings(data_dir, integration_retry_interval_s=0)
    headers = bearer(settings, ["integration"], name="kakao")
    with TestClient(create_app(settings), headers=headers) as client:
        yield client, headers


def skill(utterance: str) -> dict[str, Any]:
    payload = copy.deepcopy(fixture("kakao_skill_request.json"))
    payload["userRequest"]["utterance"] = utterance
    return payload


def check_schema(body: dict[str, Any]) -> str:
    """The skill response schema (version 2.0, one simpleText of ≤1000 chars); returns its text."""
    assert body["version"] == "2.0"
    [output] = body["template"]["outputs"]
    text = output["simpleText"]["text"]
    assert isinstance(text, str) and 0 < len(text) <= 1000
    for reply in body["template"].get("quickReplies", []):
        assert set(reply) == {"label", "action", "messageText"} and reply["action"] == "message"
        assert len(reply["label"]) <= 14
    return str(text)


def test_a_confident_answer_is_a_simple_text_without_an_agent_button(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = world
    r = client.post(URL, json=fixture("kakao_skill_request.json"))
    assert r.status_code == 200, r.text
    text = check_schema(r.json())
    assert "3~7일" in text and "참고: [1] 이중 결제 처리 가이드" in text
    assert "quickReplies" not in r.json()["template"]


def test_a_handoff_offers_a_human_agent(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    r = client.post(URL, json=skill("오늘 서울 날씨 어때?"))
    text = check_schema(r.json())
    assert text == client.app.state.settings.handoff_message_ko  # type: ignore[attr-defined]
    assert r.json()["template"]["quickReplies"] == [
        {"label": AGENT_LABEL, "action": "message", "messageText": AGENT_LABEL}
    ]


def test_past_the_time_budget_the_skill_says_later_instead_of_timing_out(
    world: tuple[TestClient, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = world
    settings = client.app.state.kb.settings  # type: ignore[attr-defined]
    budget = settings.kakao_time_budget_s
    settings.kakao_time_budget_s = 0.05
    # an answer still being worked on when the budget ends (a cached answer of the same question
    # could come back within any budget a test can set: the 1 ms one once did on CI)
    released = threading.Event()
    real_answer = kakao.answer_question

    def slow_answer(*args: Any, **kwargs: Any) -> Any:
        released.wait(timeout=10)
        return real_answer(*args, **kwargs)

    monkeypatch.setattr(kakao, "answer_question", slow_answer)
    try:
        r = client.post(URL, json=fixture("kakao_skill_request.json"))
    finally:
        released.set()
        settings.kakao_time_budget_s = budget
    # the late reply itself shows the budget cut the wait (no wall-clock assert on shared CI cores)
    assert r.status_code == 200 and check_schema(r.json()) == LATE_MESSAGE
    assert r.json()["template"]["quickReplies"][0]["label"] == AGENT_LABEL


def test_an_over_long_utterance_is_handed_to_a_person(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    r = client.post(URL, json=skill("환불 " * 3000))
    assert r.status_code == 200 and r.json()["template"]["quickReplies"][0]["label"] == AGENT_LABEL


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"bot": {"id": "x"}}, "userRequest"), ({"userRequest": {"utterance": 3}}, "utterance")],
)
def test_a_malformed_skill_request_is_a_one_line_400(
    world: tuple[TestClient, dict[str, str]], payload: dict[str, Any], field: str
) -> None:
    client, _ = world
    r = client.post(URL, json=payload)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["details"]["field"] == field and "\n" not in error["message"]


def test_a_key_of_another_role_is_403(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    agent = bearer(client.app.state.settings, ["agent", "bot"], name="agent-bot")  # type: ignore[attr-defined]
    r = client.post(URL, json=fixture("kakao_skill_request.json"), headers=agent)
    assert r.status_code == 403
