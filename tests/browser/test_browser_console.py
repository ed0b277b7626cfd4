"""Agent console in a real browser: create a ticket, read the suggestions, open a citation, copy
the draft, mark it used, resolve, and find the resolved ticket again from a similar question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import FeedbackRow, SuggestionRow

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

INQUIRY = "카드로 결제한 주문을 취소했는데 환불은 언제 되나요?"
RESOLUTION = "카드 결제 환불은 취소 후 3~5영업일 안에 카드사로 처리됩니다. 선물 쿠폰은 자동으로 복구됩니다."


def test_agent_resolves_a_ticket_with_the_suggestions(
    page: Any, live_server: tuple[str, Settings], shoot: Callable[..., Path]
) -> None:
    base, settings = live_server

    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="티켓 인박스")).to_be_visible()
    expect(page.get_by_role("link", name="배송", exact=True)).to_be_visible()  # open ticket T-3
    shoot(page, "inbox")

    # a new ticket through the form
    page.get_by_role("link", name="새 티켓").click()
    page.get_by_label("제목").fill("환불 일정 문의")
    page.get_by_label("문의 내용").fill(INQUIRY)
    page.get_by_label("채널").select_option("email")
    page.get_by_role("button", name="티켓 만들기").click()
    expect(page.get_by_role("heading", name="환불 일정 문의")).to_be_visible()
    ticket_id = page.url.rsplit("/", 1)[1].split("?")[0]
    expect(page.get_by_test_id("inquiry")).to_have_text(INQUIRY)

    # suggestions: draft with citations, ranked articles (stale one flagged), similar tickets
    expect(page.get_by_test_id("draft-text")).to_contain_text("환불")
    expect(page.locator(".article-hit").first).to_contain_text("환불 처리 가이드")
    expect(page.get_by_test_id("suggested-tag")).to_have_text("고객::환불::요청")
    expect(page.locator(".ticket-hit").first).to_be_visible()
    shoot(page, "ticket-wide")

    # a matched section expands to the full section text
    first_section = page.locator(".article-hit").first.locator("details.section-hit").first
    first_section.locator("summary").click()
    expect(first_section.locator(".section-full mark").first).to_be_visible()  # a mark per matched line

    # click a citation: its source snippet shows beside it
    citation = page.locator("a.cite").first
    number = citation.inner_text().strip("[]")
    snippet = page.locator(f"li.citation[value='{number}'] .snippet").inner_text()
    citation.click()
    popover = page.locator(".cite-pop")
    expect(popover).to_be_visible()
    expect(popover.locator(".snippet")).to_have_text(snippet)
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)

    # copy the draft (clipboard API, granted to this origin)
    reply = page.get_by_label("보낼 답변 (수정 가능)")
    draft_text = reply.input_value()
    assert "[1]" not in draft_text and "환불" in draft_text
    page.get_by_role("button", name="복사").click()
    expect(page.locator("[data-status]")).to_have_text("복사했습니다")
    assert page.evaluate("navigator.clipboard.readText()") == draft_text

    # mark it used: stored without a page reload (the reply box keeps its text)
    reply.fill(draft_text + "\n(확인 완료)")
    page.get_by_role("button", name="사용함", exact=True).click()
    expect(page.locator("[data-status]")).to_have_text("피드백을 저장했습니다: 사용함")
    assert reply.input_value().endswith("(확인 완료)")
    kb = KnowledgeBase(settings)
    with kb.sessions() as session:
        verdicts = session.scalars(
            select(FeedbackRow.verdict)
            .join(SuggestionRow, FeedbackRow.suggestion_id == SuggestionRow.id)
            .where(SuggestionRow.ticket_id == ticket_id)
        ).all()
    assert verdicts == ["used"]

    # resolve with the final answer from the reply box: the ticket becomes knowledge
    reply.fill(RESOLUTION)
    page.get_by_role("button", name="해결", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("해결했습니다")
    expect(page.get_by_test_id("ticket-status")).to_have_text("해결됨")
    expect(page.get_by_test_id("resolution")).to_have_text(RESOLUTION)

    # a new similar inquiry finds it among the similar resolved tickets
    page.goto(f"{base}/try")
    page.get_by_label("고객 문의를 입력하세요").fill("카드 결제 취소하면 환불은 며칠 걸려요? 쿠폰은요?")
    page.get_by_role("button", name="추천 받기").click()
    hit = page.locator(f".ticket-hit[data-ticket='{ticket_id}']")
    expect(hit).to_be_visible()
    expect(hit).to_contain_text("선물 쿠폰은 자동으로 복구됩니다")
    shoot(page, "try-a-question")


@pytest.mark.parametrize("threshold", [1.0, 0.0], ids=["below-threshold", "confident"])
def test_reply_box_below_and_above_the_answer_threshold(
    page: Any,
    live_server: tuple[str, Settings],
    shoot: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    threshold: float,
) -> None:
    """KMS_ANSWER_THRESHOLD forced to 1.0 (nothing is confident) or 0.0 (everything is): below it
    the reply box starts empty with the no-knowledge hint, no tag is pre-filled and the closest
    articles are still listed; above it the draft and the tag are pre-filled."""
    base, settings = live_server
    monkeypatch.setattr(settings, "answer_threshold", threshold)  # the live app's own settings
    page.goto(f"{base}/tickets/new")
    page.get_by_label("문의 내용").fill(INQUIRY)
    page.get_by_role("button", name="티켓 만들기").click()
    expect(page.get_by_test_id("inquiry")).to_have_text(INQUIRY)
    reply = page.get_by_label("보낼 답변 (수정 가능)")
    meter = page.locator("meter")
    expect(meter).to_have_attribute("low", str(threshold))
    expect(meter).to_have_attribute("high", str(threshold))
    expect(page.locator(".article-hit").first).to_contain_text("환불 처리 가이드")
    if threshold > 0:
        expect(page.get_by_test_id("no-draft")).to_have_text("관련 지식 없음 — 직접 작성")
        expect(reply).to_have_value("")
        expect(page.get_by_test_id("draft-text")).to_have_count(0)  # no empty draft block
        expect(page.get_by_test_id("suggested-tag")).to_have_count(0)
        expect(page.locator("#resolve-tag")).to_have_value("")  # no tag to notice and undo
        expect(page.get_by_test_id("below-threshold")).to_be_visible()
        shoot(page, "ticket-below-threshold")
    else:
        expect(page.get_by_test_id("no-draft")).to_have_count(0)
        expect(reply).not_to_have_value("")
        assert "환불" in reply.input_value()
        expect(page.get_by_test_id("suggested-tag")).to_have_text("고객::환불::요청")
        expect(page.locator("#resolve-tag")).to_have_value("고객::환불::요청")
        expect(page.get_by_test_id("below-threshold")).to_have_count(0)


def test_ticket_page_stacks_on_a_narrow_window(page: Any, base_url: str, shoot: Callable[..., Path]) -> None:
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"{base_url}/tickets/T-3")
    expect(page.get_by_test_id("inquiry")).to_be_visible()
    inquiry = page.locator(".ticket-card").bounding_box()
    panel = page.locator(".panel").bounding_box()
    assert inquiry is not None and panel is not None
    assert panel["y"] >= inquiry["y"] + inquiry["height"], "the panel should sit below the inquiry"
    assert panel["width"] > 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 420, "no horizontal scrolling"
    shoot(page, "ticket-narrow-420")
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(f"{base_url}/tickets?status=all")
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    shoot(page, "inbox-narrow-420")


def test_keyboard_skip_link_and_language_switch(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/tickets")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="본문으로 건너뛰기")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Ticket inbox")).to_be_visible()
    page.get_by_role("link", name="KMS", exact=True).click()  # the choice is remembered
    expect(page.get_by_role("heading", name="KMS articles")).to_be_visible()
    page.get_by_role("link", name="한국어").click()
    expect(page.get_by_role("heading", name="KMS 문서")).to_be_visible()
