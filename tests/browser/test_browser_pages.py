"""Every page in a real browser at 1366 px and at 420 px (a phone): a full-page screenshot of each
(test-output/screenshots/page-<name>-<width>.png) and no horizontal scrolling. Also: /docs works
offline, and the first-hour page details (Markdown articles, the empty drafts queue, a resolved
ticket, Korean channel names, the favicon)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assist.drafts.review import list_draft_summaries
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from tests.browser.webapp import EVAL_RUN

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

WIDTHS = (1366, 420)
PAGES = {
    "inbox": "/tickets?status=all",
    "ticket-open": "/tickets/T-3",
    "ticket-resolved": "/tickets/T-1",
    "ticket-new": "/tickets/new",
    "try": "/try",
    "kms-list": "/kms",
    "kms-incomplete": "/kms?incomplete=1",
    "kms-search": "/kms?q=환불",
    "article": "/kms/refund",
    "article-edit": "/kms/refund/edit",
    "article-diff": "/kms/refund/diff",
    "drafts": "/drafts?status=all",
    "draft": "/drafts/{draft}",
    "draft-edit": "/drafts/{draft}/edit",
    "eval": "/eval",
    "eval-report": f"/eval/runs/{EVAL_RUN}/report.html",
    "eval-baseline": "/eval/baselines/sample_kb/report.html",
    "analytics": "/analytics?since=2026-01-01&until=2026-12-31",
    "admin": "/admin",
    "audit": "/admin/audit",
    "not-found": "/kms/no-such-article",
}
# the elements sticking out past the right edge of the window (to name them when a page overflows)
WIDER_THAN_WINDOW = """() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 8)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
}"""


def _draft_id(settings: Settings) -> int:
    return list_draft_summaries(KnowledgeBase(settings), status=None, limit=500)[-1].id


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_the_window_at_1366_and_420(
    page: Any, live_server: tuple[str, Settings], shoot: Callable[..., Path], name: str
) -> None:
    base_url, settings = live_server
    url = base_url + PAGES[name].format(draft=_draft_id(settings) if "{draft}" in PAGES[name] else "")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == (404 if name == "not-found" else 200), url
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        client_width = page.evaluate("document.documentElement.clientWidth")
        shoot(page, f"page-{name}-{width}")
        assert scroll_width <= client_width, (
            f"{PAGES[name]} scrolls sideways at {width} px ({scroll_width} > {client_width}): "
            f"{page.evaluate(WIDER_THAN_WINDOW)}"
        )


def test_docs_load_offline(
    page: Any, browser_context: Any, base_url: str, shoot: Callable[..., Path]
) -> None:
    """Swagger UI and ReDoc render with every request answered by this server."""
    elsewhere: list[str] = []

    def only_here(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("KMS Assist API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("초안 생성 · Generate drafts")).to_have_count(1)  # the drafts summaries
    shoot(page, "docs")
    assert not elsewhere, f"/docs asked another host: {elsewhere}"
    # ReDoc's sidebar names its maker with a logo from cdn.redoc.ly: the CSP blocks it and ReDoc
    # then leaves it out, so this tab does not count CSP reports as errors
    redoc = browser_context.new_page()
    try:
        redoc.route("**/*", only_here)
        redoc.goto(f"{base_url}/redoc")
        expect(redoc.locator("h1").first).to_contain_text("KMS Assist API")
        expect(redoc.get_by_text("초안 생성 · Generate drafts").first).to_be_attached()
    finally:
        redoc.close()
    assert not elsewhere, f"/redoc asked another host: {elsewhere}"


def test_article_shows_rendered_markdown_and_reference_links(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/kms/refund")
    steps = page.get_by_test_id("md-steps")
    expect(steps.locator("ol > li")).to_have_count(2)
    expect(steps.locator("ol > li").first).to_have_text("주문번호를 확인합니다.")
    expect(page.get_by_test_id("md-policy").locator("ul > li")).to_have_count(3)
    expect(page.get_by_test_id("md-situations").locator("strong")).to_have_text("수령 7일이 지난 경우")
    body = page.locator(".article-body").inner_text()
    assert "**" not in body and "\n- " not in body and "###" not in body
    # the list numbers are the browser's own <ol> numbering
    marker = steps.locator("ol > li").first.evaluate("e => getComputedStyle(e).listStyleType")
    assert marker == "decimal"
    page.goto(f"{base_url}/kms?q=환불 카드사")
    line = page.locator(".snippet-line").first.inner_text()
    assert not any(mark in line for mark in ("**", "###", "\n")), line


def test_resolved_ticket_shows_its_outcome_and_korean_labels(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/tickets/T-1")
    outcome = page.get_by_test_id("outcome")
    expect(outcome.get_by_test_id("resolution")).to_contain_text("2000원")
    expect(outcome.get_by_test_id("feedback-given")).to_be_visible()
    expect(page.locator("textarea#reply")).to_have_count(0)
    expect(page.get_by_role("button", name="사용함", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("ticket-channel")).to_have_text("채팅")
    page.goto(f"{base_url}/tickets?status=all")
    channels = page.locator("td[data-label='채널']").all_inner_texts()
    assert channels and not {"chat", "app", "phone", "email", "web"} & set(channels), channels
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200


def test_empty_drafts_queue_explains_and_offers_generate(
    page: Any, base_url: str, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{base_url}/drafts?status=rejected")  # no rejected drafts: no generate offer here
    expect(page.get_by_test_id("drafts-empty")).to_contain_text("검토할 초안이 없습니다.")
    expect(page.get_by_test_id("generate-drafts")).to_have_count(0)
    page.goto(f"{base_url}/drafts?status=pending")
    if page.get_by_test_id("drafts-empty").count():  # another test approved the seeded drafts
        empty = page.get_by_test_id("drafts-empty")
        expect(empty).to_contain_text("반복되는 문의 주제")
        shoot(page, "drafts-empty")
    button = page.get_by_test_id("generate-drafts")
    expect(button).to_have_text("초안 생성")
    button.click()
    expect(page.locator(".flash")).to_contain_text("해결된 티켓")
    expect(page.locator(".flash")).to_contain_text("초안")
