"""Reopening a resolved ticket in a real browser: the "다시 열기" form on the ticket page puts it
back to open (counted as a reopen, out of the similar-ticket search), the page shows its first
response time and reopen count, and the database and the API agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import TicketRow
from tests.browser.session import ask

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

INQUIRY = "비밀번호 재설정 메일이 한 시간째 오지 않아요. 스팸함에도 없어요."
RESOLUTION = "재설정 메일을 다시 보내 드렸습니다. 10분 안에 오지 않으면 고객센터로 알려 주세요."


def test_agent_reopens_a_resolved_ticket(
    page: Any, live_server: tuple[str, Settings], shoot: Callable[..., Path]
) -> None:
    base, settings = live_server

    # a ticket of its own, resolved through the page (a page-made ticket counts its reopens from 0)
    page.goto(f"{base}/tickets/new")
    page.get_by_label("제목").fill("재설정 메일 미수신")
    page.get_by_label("문의 내용").fill(INQUIRY)
    page.get_by_role("button", name="티켓 만들기").click()
    expect(page.get_by_role("heading", name="재설정 메일 미수신")).to_be_visible()
    ticket_id = page.url.rsplit("/", 1)[1].split("?")[0]
    expect(page.get_by_test_id("reopens")).to_have_text("0")
    expect(page.get_by_test_id("first-response-at")).to_have_text("알 수 없음")
    expect(page.get_by_role("button", name="다시 열기")).to_have_count(0)  # open: nothing to reopen
    page.get_by_label("보낼 답변 (수정 가능)").fill(RESOLUTION)
    page.get_by_role("button", name="해결", exact=True).click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("해결됨")
    first_response = page.get_by_test_id("first-response-at").inner_text()
    assert first_response[:2] == "20", first_response  # the resolve was the first reply

    ask(page, base, INQUIRY)  # knowledge now: the same question finds it
    expect(page.locator(f".ticket-hit[data-ticket='{ticket_id}']")).to_be_visible()

    # reopen it
    page.goto(f"{base}/tickets/{ticket_id}")
    page.get_by_role("button", name="다시 열기").click()
    expect(page.locator(".flash")).to_have_text(
        "티켓을 다시 열었습니다. 다시 해결할 때까지 지식 검색에서 빠집니다."
    )
    assert page.url.endswith(f"/tickets/{ticket_id}?msg=reopened")
    expect(page.get_by_test_id("ticket-status")).to_have_text("진행 중")
    expect(page.get_by_test_id("reopens")).to_have_text("1")
    expect(page.get_by_test_id("first-response-at")).to_have_text(first_response)
    expect(page.get_by_role("button", name="다시 열기")).to_have_count(0)
    expect(page.get_by_role("button", name="해결", exact=True)).to_be_visible()  # can be resolved again
    page.get_by_test_id("previous-resolution").locator("summary").click()
    expect(page.get_by_test_id("previous-resolution")).to_contain_text(RESOLUTION)
    shoot(page, "ticket-reopened")

    with KnowledgeBase(settings).sessions() as session:
        row = session.get(TicketRow, ticket_id)
        assert row is not None
        assert (row.status, row.is_knowledge, row.resolved_at, row.reopens) == ("open", False, None, 1)
        assert row.first_response_at is not None
    api = page.request.get(f"{base}/v1/tickets/{ticket_id}", headers={"accept": "application/json"})
    assert api.ok, api.text()
    ticket = api.json()
    assert (ticket["status"], ticket["resolved_at"], ticket["reopens"]) == ("open", None, 1)
    assert ticket["first_response_at"] is not None

    # no longer knowledge: the same question no longer finds it among the similar resolved tickets
    ask(page, base, INQUIRY)
    expect(page.locator(".ticket-hit").first).to_be_visible()
    expect(page.locator(f".ticket-hit[data-ticket='{ticket_id}']")).to_have_count(0)
