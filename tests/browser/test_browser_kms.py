"""KMS owner in a real browser: search, read an article in the 9-section layout, edit it (a new
revision, re-indexed at once) and read the diff between the two versions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.session import USER, ask

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

NEW_SCRIPT = (
    "Q: 재설정 메일의 링크가 만료됐어요\n"
    "A: 링크는 발송 후 30분 동안만 유효하니 비밀번호 찾기를 다시 눌러 새 링크를 받아 주세요."
)


def test_owner_edits_an_article_and_reads_the_diff(
    page: Any, base_url: str, shoot: Callable[..., Path]
) -> None:
    page.goto(f"{base_url}/kms")
    expect(page.get_by_test_id("article-list").locator("li")).to_have_count(3)
    shoot(page, "kms-list")
    page.get_by_label("문서 검색").fill("비밀번호 재설정 링크")
    page.get_by_role("button", name="검색").click()
    first = page.get_by_test_id("article-list").locator("li").first
    expect(first).to_contain_text("비밀번호 재설정 안내")
    expect(first).to_contain_text("오래된 문서")  # updated 2023: flagged stale, with the reason
    first.get_by_role("link", name="비밀번호 재설정 안내").click()

    # the article in template order with Korean labels, and its history
    labels = page.locator(".article-section .sec-label").all_inner_texts()
    assert labels == [
        "요약",
        "목적",
        "정책",
        "단계별 절차",
        "상담 스크립트",
        "주요 상황 및 해결책",
        "참고 자료",
        "문서 관리 및 업데이트",
    ]
    expect(page.get_by_test_id("revisions").locator("li")).to_have_count(1)
    shoot(page, "article")

    page.get_by_role("link", name="편집").click()
    scripts = page.get_by_label("상담 스크립트")
    scripts.fill(scripts.input_value() + "\n" + NEW_SCRIPT)
    page.get_by_label("변경 내용").fill("링크 만료 문의 스크립트 추가")
    expect(page.get_by_test_id("author")).to_have_text(USER)  # the author is the signed-in user
    shoot(page, "article-edit")
    page.get_by_role("button", name="저장").click()

    expect(page.locator(".flash")).to_have_text("저장했습니다. 새 버전: v2")
    expect(page.get_by_test_id("article-version")).to_have_text("v2")
    revisions = page.get_by_test_id("revisions").locator("li")
    expect(revisions).to_have_count(2)
    expect(revisions.first).to_contain_text(USER)
    expect(revisions.first).to_contain_text("링크 만료 문의 스크립트 추가")

    revisions.first.get_by_role("link", name="이전 버전과 비교").click()
    expect(page.get_by_role("heading", name="버전 비교: 비밀번호 재설정 안내")).to_be_visible()
    section = page.get_by_test_id("diff-scripts")
    expect(section.locator(".dl-insert")).to_have_count(2)
    expect(section.locator(".dl-insert").last).to_contain_text("30분 동안만 유효하니")
    expect(page.locator(".diff-section")).to_have_count(1)  # only the edited section changed
    shoot(page, "diff")

    # re-indexed at once: searchable in KMS and suggested to agents
    page.goto(f"{base_url}/kms?q=링크가 만료됐어요")
    expect(page.get_by_test_id("article-list").locator("li").first).to_contain_text("비밀번호 재설정 안내")
    ask(page, base_url, "재설정 링크가 만료됐다고 나와요")
    expect(page.locator(".article-hit").first).to_contain_text("비밀번호 재설정 안내")
    expect(page.locator(".article-hit").first).to_contain_text("링크가 만료됐어요")


def test_edit_form_shows_validation_errors(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/kms/refund/edit")
    page.get_by_label("제목").fill("")
    page.get_by_label("변경 내용").fill("제목 비우기")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("alert")).to_contain_text("title")
    expect(page.get_by_label("제목")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("변경 내용")).to_have_value("제목 비우기")  # the form keeps what was typed
