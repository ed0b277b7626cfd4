"""/v1/tickets: create (with suggestion), inbox, get, suggestions, resolve → knowledge."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_api_kb import assert_error

INQUIRY = "결제가 두 번 됐어요. 환불은 언제 되나요?"


def _create(client: TestClient, body: str = INQUIRY, **extra: object) -> dict[str, object]:
    response = client.post("/v1/tickets", json={"body": body, **extra})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_returns_the_open_ticket_and_its_suggestion(client: TestClient) -> None:
    created = _create(
        client,
        body="결제가 두 번 됐어요. 연락처는 010-1234-5678입니다.",
        subject="이중 결제",
        channel="chat",
        customer_ref="C-77",
    )
    ticket, suggestion = created["ticket"], created["suggestion"]
    assert isinstance(ticket, dict) and isinstance(suggestion, dict)
    assert ticket["status"] == "open" and ticket["channel"] == "chat" and ticket["subject"] == "이중 결제"
    assert "010-1234-5678" not in ticket["inquiry"] and "[전화번호]" in ticket["inquiry"]
    assert suggestion["ticket_id"] == ticket["id"]
    assert suggestion["articles"][0]["article_id"] == "KB-101-double-charge"
    assert client.get(f"/v1/tickets/{ticket['id']}").json() == ticket
    stored = client.get(f"/v1/tickets/{ticket['id']}/suggestions").json()
    assert [s["id"] for s in stored] == [suggestion["id"]]


def test_inbox_filters_by_status_text_and_tag_with_paging(client: TestClient) -> None:
    first = _create(client, body="배송이 일주일째 안 와요")["ticket"]
    second = _create(client, body="쿠폰이 적용되지 않아요")["ticket"]
    assert isinstance(first, dict) and isinstance(second, dict)
    everything = client.get("/v1/tickets").json()
    assert everything["total"] == 6 and len(everything["items"]) == 6
    assert everything["items"][0]["id"] == second["id"]  # newest first
    open_ = client.get("/v1/tickets", params={"status": "open"}).json()
    assert {t["id"] for t in open_["items"]} == {first["id"], second["id"]}
    resolved = client.get("/v1/tickets", params={"status": "resolved"}).json()
    assert resolved["total"] == 4 and all(t["status"] == "resolved" for t in resolved["items"])
    assert [t["id"] for t in client.get("/v1/tickets", params={"q": "쿠폰"}).json()["items"]] == [
        second["id"]
    ]
    by_tag = client.get("/v1/tickets", params={"tag": "고객::결제"}).json()
    assert {t["id"] for t in by_tag["items"]} == {"T-101", "T-102"}
    page = client.get("/v1/tickets", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 6 and page["limit"] == 2 and page["offset"] == 1
    assert [t["id"] for t in page["items"]] == [t["id"] for t in everything["items"][1:3]]
    assert_error(client.get("/v1/tickets", params={"limit": 0}), 422, "validation_error")


def test_keyset_pages_cover_every_ticket_once_while_new_ones_arrive(client: TestClient) -> None:
    for i in range(3):
        _create(client, body=f"배송 문의 {i}번째입니다")
    everything = [t["id"] for t in client.get("/v1/tickets", params={"limit": 200}).json()["items"]]
    seen: list[str] = []
    page = client.get("/v1/tickets", params={"limit": 2}).json()
    seen += [t["id"] for t in page["items"]]
    _create(client, body="페이지를 넘기는 사이에 들어온 새 문의")  # would shift an offset page
    while page["next_cursor"]:
        page = client.get("/v1/tickets", params={"limit": 2, "cursor": page["next_cursor"]}).json()
        assert page["total"] == len(everything) + 1
        seen += [t["id"] for t in page["items"]]
    assert seen == everything  # every ticket once, in order, none repeated by the new arrival
    filtered = client.get("/v1/tickets", params={"limit": 1, "status": "resolved"}).json()
    second = client.get(
        "/v1/tickets", params={"limit": 1, "status": "resolved", "cursor": filtered["next_cursor"]}
    ).json()
    assert second["items"][0]["status"] == "resolved" and second["items"] != filtered["items"]
    assert_error(client.get("/v1/tickets", params={"cursor": "not-a-cursor"}), 400, "invalid_input")
    both = client.get("/v1/tickets", params={"cursor": filtered["next_cursor"], "offset": 1})
    assert_error(both, 400, "invalid_input")


def test_resolved_ticket_is_searchable_immediately(client: TestClient) -> None:
    ticket = _create(client, body="주문한 뒤에 선물 포장을 추가할 수 있나요?")["ticket"]
    assert isinstance(ticket, dict)
    before = client.post("/v1/suggestions", json={"inquiry": "주문 후 선물 포장 추가 가능한가요?"}).json()
    assert ticket["id"] not in [t["ticket_id"] for t in before["tickets"]]

    resolution = "주문 후에는 선물 포장을 추가할 수 없어 주문 취소 후 다시 주문하도록 안내했습니다."
    response = client.post(
        f"/v1/tickets/{ticket['id']}/resolve", json={"resolution": resolution, "tags": ["고객::주문::포장"]}
    )
    assert response.status_code == 200, response.text
    resolved = response.json()
    assert resolved["status"] == "resolved" and resolved["resolution"] == resolution
    assert resolved["tags"] == ["고객::주문::포장"] and resolved["resolved_at"]

    after = client.post("/v1/suggestions", json={"inquiry": "주문 후 선물 포장 추가 가능한가요?"}).json()
    found = [t for t in after["tickets"] if t["ticket_id"] == ticket["id"]]
    assert found and found[0]["resolution"] == resolution
    assert client.get("/readyz").json()["counts"]["knowledge_tickets"] == 5
    assert_error(
        client.post(f"/v1/tickets/{ticket['id']}/resolve", json={"resolution": "다시"}), 409, "conflict"
    )


def test_empty_resolution_is_400_and_leaves_the_ticket_open(client: TestClient) -> None:
    ticket = _create(client)["ticket"]
    assert isinstance(ticket, dict)
    error = assert_error(client.post(f"/v1/tickets/{ticket['id']}/resolve", json={"resolution": " "}), 400,
                         "invalid_input")  # fmt: skip
    assert error["details"]["field"] == "resolution"
    assert client.get(f"/v1/tickets/{ticket['id']}").json()["status"] == "open"


def test_a_failing_suggestion_stores_no_ticket(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("ranker exploded")

    monkeypatch.setattr("assist.tickets.suggest", broken)
    assert_error(client.post("/v1/tickets", json={"body": INQUIRY}), 500, "internal_error")
    assert_error(client.post("/v1/tickets", json={"body": ""}), 400, "invalid_input")
    assert client.get("/v1/tickets").json()["total"] == 4
    assert client.get("/readyz").json()["counts"]["suggestions"] == 0


def test_ticket_without_stored_suggestions_gets_a_fresh_one(client: TestClient) -> None:
    suggestions = client.get("/v1/tickets/T-103/suggestions").json()
    assert len(suggestions) == 1 and suggestions[0]["ticket_id"] == "T-103"
    assert suggestions[0]["articles"][0]["article_id"] == "KB-103-delivery-delay"


def test_ticket_output_shows_first_response_and_reopens(client: TestClient) -> None:
    imported = client.get("/v1/tickets/T-101").json()
    assert (imported["first_response_at"], imported["reopens"]) == (None, None)  # the import did not say
    ticket = _create(client)["ticket"]
    assert isinstance(ticket, dict) and (ticket["first_response_at"], ticket["reopens"]) == (None, 0)
    resolved = client.post(
        f"/v1/tickets/{ticket['id']}/resolve", json={"resolution": "환불은 3~5영업일 걸립니다."}
    )
    assert (
        resolved.status_code == 200 and resolved.json()["first_response_at"] == resolved.json()["resolved_at"]
    )
    reopened = client.post(f"/v1/tickets/{ticket['id']}/reopen").json()
    assert (reopened["status"], reopened["reopens"]) == ("open", 1)
    assert reopened["first_response_at"] == resolved.json()["first_response_at"]  # the first reply stays
    assert client.get(f"/v1/tickets/{ticket['id']}").json() == reopened
    listed = client.get("/v1/tickets", params={"status": "open"}).json()["items"]
    assert [t for t in listed if t["id"] == ticket["id"]] == [reopened]

    properties = client.get("/openapi.json").json()["components"]["schemas"]["TicketOut"]["properties"]
    first, reopens = properties["first_response_at"], properties["reopens"]
    assert first["anyOf"] == [{"type": "string", "format": "date-time"}, {"type": "null"}]
    assert reopens["anyOf"] == [{"type": "integer", "minimum": 0}, {"type": "null"}]
    assert "첫 응답 시각" in first["description"] and "재오픈 횟수" in reopens["description"]
