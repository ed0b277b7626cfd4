"""KMS owner reviews a generated draft; an evaluator opens a report. In a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.session import USER, ask
from tests.browser.webapp import EVAL_RUN

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

EXTRA_POLICY = "이미 출고된 주문은 선물 포장을 추가할 수 없습니다."


def test_owner_edits_and_approves_a_draft(page: Any, base_url: str, shoot: Callable[..., Path]) -> None:
    page.goto(f"{base_url}/drafts")
    queue = page.get_by_test_id("drafts-queue")
    expect(queue).to_contain_text("선물")
    shoot(page, "drafts-queue")
    queue.locator("a.row-link").first.click()
    expect(page.get_by_test_id("draft-status")).to_have_text("검토 대기")

    # provenance: pointing at a sentence highlights the tickets it came from
    sentence = page.locator("#sec-scripts .sentence").first
    sources = sentence.get_attribute("data-sources").split()
    sentence.hover()
    highlighted = page.locator(".src-ticket.is-highlighted")
    expect(highlighted).to_have_count(len(sources))
    assert sorted(highlighted.evaluate_all("els => els.map(e => e.dataset.ticket)")) == sorted(sources)
    page.mouse.move(0, 0)
    expect(highlighted).to_have_count(0)
    sentence.focus()  # keyboard users get the same
    expect(highlighted).to_have_count(len(sources))
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "draft")

    # edit a section
    page.get_by_role("link", name="섹션 편집").click()
    policy = page.get_by_label("정책")
    policy.fill(policy.input_value() + "\n- " + EXTRA_POLICY)
    expect(page.get_by_test_id("reviewer")).to_have_text(USER)  # the reviewer is the signed-in user
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".flash")).to_have_text("초안을 저장했습니다.")
    expect(page.locator("#sec-policy")).to_contain_text(EXTRA_POLICY)

    # approve: published as a new article, searchable at once
    page.get_by_label("담당").fill("CX운영팀")
    override = page.get_by_label("점검 결과를 무시하고 승인하는 사유")  # only when the lint found something
    if override.count():
        override.fill("시험용 KB: 점검 결과를 확인했습니다")
    page.get_by_role("button", name="승인").click()
    expect(page.get_by_test_id("draft-status")).to_have_text("승인됨")
    article_link = page.get_by_test_id("draft-article")
    article_id = article_link.inner_text()
    article_link.click()
    expect(page.locator("#sec-policy")).to_contain_text(EXTRA_POLICY)

    page.goto(f"{base_url}/kms?q=선물 포장 비용")
    expect(page.get_by_test_id("article-list").locator("li").first).to_contain_text(article_id)
    ask(page, base_url, "선물 포장 되나요? 비용은요?")
    expect(page.locator(f".article-hit a[href='/kms/{article_id}']")).to_be_visible()


def test_evaluator_opens_a_report_with_its_plots(
    page: Any, base_url: str, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{base_url}/eval")
    row = page.get_by_test_id("eval-runs").locator("tr", has_text=EVAL_RUN)
    expect(row).to_contain_text("hybrid/ndcg@10")
    expect(row).to_contain_text("0.8123")
    expect(row).to_contain_text("tinykb-smoke")
    shoot(page, "eval-list")
    row.get_by_role("link", name=EVAL_RUN).click()
    expect(page.get_by_role("heading", name="검색 평가 보고서")).to_be_visible()
    plot = page.locator("img#plot")
    expect(plot).to_be_visible()
    assert page.evaluate("document.getElementById('plot').naturalWidth") > 0, "the plot image did not decode"
    shoot(page, "eval-report")
