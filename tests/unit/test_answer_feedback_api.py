"""POST /v1/answer/{log_id}/feedback: the customer's helpful / not helpful on a chatbot answer.

201 with the stored row; 404 for an id that logged no answer (unknown, or a suggestion's log);
409 for a second feedback on the same answer (the first stands); 422 for another verdict or an
over-long reason; the reason is stored PII-masked; only the chatbot role (``bot``, as for
/v1/answer) may send it, and each call is audited as ``answer_feedback.create``.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from test_api_kb import assert_error

from assist import access
from assist.fields import MAX_NOTE_CHARS
from assist.knowledge import KnowledgeBase
from storage import AnswerFeedbackRow, QueryLogRow
from tests.auth import bearer

QUESTION = "결제가 두 번 됐어요. 환불은 언제 되나요?"
PHONE = "010-2345-6789"


def _kb(client: TestClient) -> KnowledgeBase:
    return client.app.state.kb  # type: ignore[attr-defined,no-any-return]


def _answer_id(client: TestClient) -> str:
    response = client.post("/v1/answer", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    return str(response.json()["log_id"])


def _stored(client: TestClient) -> list[AnswerFeedbackRow]:
    with _kb(client).sessions() as session:
        return list(session.scalars(select(AnswerFeedbackRow).order_by(AnswerFeedbackRow.id)))


def test_feedback_is_stored_once_per_answer_with_the_reason_masked(client: TestClient) -> None:
    log_id = _answer_id(client)
    url = f"/v1/answer/{log_id}/feedback"
    reason = f"날짜가 없어요. 연락은 {PHONE}로 주세요"
    created = client.post(url, json={"verdict": "not_helpful", "reason": reason})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["log_id"] == log_id and body["verdict"] == "not_helpful" and body["id"] >= 1
    assert PHONE not in body["reason"] and "[전화번호]" in body["reason"]
    assert "날짜가 없어요" in body["reason"]
    again = assert_error(client.post(url, json={"verdict": "helpful"}), 409, "conflict")
    assert log_id in again["message"] and "\n" not in again["message"]
    [row] = _stored(client)  # the first feedback stands
    assert (row.log_id, row.verdict, row.reason) == (log_id, "not_helpful", body["reason"])
    assert PHONE not in (row.reason or "")
    other = _answer_id(client)
    plain = client.post(f"/v1/answer/{other}/feedback", json={"verdict": "helpful"})
    assert plain.status_code == 201 and plain.json()["reason"] is None
    assert [r.verdict for r in _stored(client)] == ["not_helpful", "helpful"]


def test_unknown_or_non_answer_ids_are_404_and_bad_bodies_422(client: TestClient) -> None:
    helpful = {"verdict": "helpful"}
    missing = assert_error(client.post("/v1/answer/nope/feedback", json=helpful), 404, "not_found")
    assert "'nope'" in missing["message"]
    for odd in ("x" * 33, "a%09b"):  # longer than any log id, or not printable: no such answer
        assert_error(client.post(f"/v1/answer/{odd}/feedback", json=helpful), 404, "not_found")
    suggestion = client.post("/v1/suggestions", json={"inquiry": QUESTION})
    with _kb(client).sessions() as session:
        suggest_log = session.scalar(select(QueryLogRow.id).where(QueryLogRow.kind == "suggest"))
    assert suggestion.status_code == 200 and suggest_log
    assert_error(client.post(f"/v1/answer/{suggest_log}/feedback", json=helpful), 404, "not_found")
    log_id = _answer_id(client)
    url = f"/v1/answer/{log_id}/feedback"
    bad = assert_error(client.post(url, json={"verdict": "liked"}), 422, "validation_error")
    assert bad["details"]["errors"][0]["field"] == "verdict"
    long = assert_error(client.post(url, json={"verdict": "helpful", "reason": "가" * (MAX_NOTE_CHARS + 1)}),
                        422, "validation_error")  # fmt: skip
    assert long["details"]["errors"][0]["field"] == "reason"
    assert _stored(client) == []


def test_only_the_chatbot_role_sends_feedback_and_it_is_audited(client: TestClient) -> None:
    settings = _kb(client).settings
    log_id = _answer_id(client)
    url = f"/v1/answer/{log_id}/feedback"
    for role in ("agent", "kms_owner", "evaluator", "admin", "integration"):
        headers = bearer(settings, [role], name=f"fb-{role.replace('_', '-')}")
        assert client.post(url, json={"verdict": "helpful"}, headers=headers).status_code == 403, role
    assert _stored(client) == []
    bot = bearer(settings, ["bot"], name="fb-bot")
    assert client.post(url, json={"verdict": "helpful"}, headers=bot).status_code == 201
    events = access.list_events(_kb(client).sessions, action="answer_feedback.create")
    assert [(e.object, e.outcome) for e in events if e.actor.endswith("fb-bot")] == [(log_id, "ok")]


def test_chat_completion_answers_carry_their_log_id_for_feedback(client: TestClient) -> None:
    messages = [{"role": "user", "content": QUESTION}]
    reply = client.post("/v1/chat/completions", json={"model": "kms-assist", "messages": messages})
    assert reply.status_code == 200, reply.text
    log_id = reply.json()["kms"]["log_id"]
    with _kb(client).sessions() as session:
        assert session.scalar(select(QueryLogRow.kind).where(QueryLogRow.id == log_id)) == "chat"
    assert client.post(f"/v1/answer/{log_id}/feedback", json={"verdict": "helpful"}).status_code == 201


def test_two_feedbacks_at_once_store_one_and_the_other_is_a_conflict(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from assist.answer_feedback import record_answer_feedback
    from assist.errors import ConflictError

    log_id = _answer_id(client)

    def send(verdict: str) -> str:
        try:
            return str(record_answer_feedback(_kb(client), log_id, verdict=verdict)["verdict"])
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(send, ["helpful", "not_helpful"] * 2))
    stored = _stored(client)
    assert len(stored) == 1 and outcomes.count("conflict") == 3
    assert stored[0].verdict in outcomes


def test_a_second_feedback_is_refused_by_the_unique_log_id(client: TestClient) -> None:
    log_id = _answer_id(client)
    url = f"/v1/answer/{log_id}/feedback"
    assert client.post(url, json={"verdict": "helpful"}).status_code == 201
    assert_error(client.post(url, json={"verdict": "not_helpful"}), 409, "conflict")  # unique log_id
    assert [r.verdict for r in _stored(client)] == ["helpful"]
