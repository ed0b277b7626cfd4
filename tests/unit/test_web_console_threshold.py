"""The agent console below and above the answer threshold (KMS_ANSWER_THRESHOLD), rendered
through TestClient: below it the reply box starts empty with "관련 지식 없음 — 직접 작성", no tag is
pre-filled and the closest articles are still listed; the confidence meter's low/high marks are
the configured threshold (not a fixed number).

The threshold is forced (1.0: nothing is confident; 0.0: everything is) so that neither case
depends on the confidence the hash-embedder test KB happens to give a particular text.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.browser.webapp import page_client, web_kb_copy

INQUIRY = "카드로 결제한 주문을 취소했는데 환불은 언제 되나요?"
NO_DRAFT = "관련 지식 없음 — 직접 작성"


def _client(tmp_path: Path, threshold: float) -> TestClient:
    settings = web_kb_copy(tmp_path / "kb").model_copy(update={"answer_threshold": threshold})
    return page_client(settings)


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path, 1.0) as c:
        yield c


@pytest.fixture
def lenient(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path, 0.0) as c:
        yield c


def _reply(page: str) -> str:
    match = re.search(r'<textarea id="reply" name="text" rows="9">(.*?)</textarea>', page, re.S)
    assert match, "no reply box on the page"
    return html_lib.unescape(match.group(1))


def _resolve_tag(page: str) -> str:
    match = re.search(r'<input id="resolve-tag" name="tag" type="text" value="([^"]*)"', page)
    assert match, "no resolve tag box on the page"
    return html_lib.unescape(match.group(1))


def _meter(page: str) -> dict[str, str]:
    match = re.search(r"<meter ([^>]*)>", page)
    assert match, "no confidence meter on the page"
    return dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))


def _new_ticket(client: TestClient) -> str:
    r = client.post("/tickets/new", data={"subject": "환불 일정", "body": INQUIRY, "channel": "email"})
    assert r.status_code == 200, r.text[:500]
    return r.text


def test_below_the_threshold_the_reply_box_starts_empty_with_no_tag(strict: TestClient) -> None:
    page = _new_ticket(strict)
    assert NO_DRAFT in page and 'data-testid="no-draft"' in page
    assert _reply(page).strip() == ""
    assert 'data-testid="suggested-tag"' not in page and _resolve_tag(page) == ""
    assert 'class="result article-hit' in page and 'href="/kms/refund"' in page  # closest articles
    assert 'data-testid="below-threshold"' in page and "기준 미만" in page
    assert 'class="meter low"' in page
    meter = _meter(page)
    assert meter["low"] == meter["high"] == "1.0" and float(meter["value"]) < 1.0
    assert "답변 기준 100%" in page


def test_try_a_question_below_the_threshold_in_english(strict: TestClient) -> None:
    page = strict.post("/try", data={"q": INQUIRY}, params={"lang": "en"}).text
    assert "No matching knowledge — write the reply yourself" in page
    assert _reply(page).strip() == "" and 'data-testid="suggested-tag"' not in page
    assert "answer threshold 100%" in page and "below the threshold" in page
    assert 'href="/kms/refund"' in page


def test_above_the_threshold_the_draft_and_tag_are_pre_filled(lenient: TestClient) -> None:
    page = _new_ticket(lenient)
    assert NO_DRAFT not in page and 'data-testid="no-draft"' not in page
    reply = _reply(page)
    assert "환불" in reply and "[1]" not in reply
    assert 'data-testid="suggested-tag"' in page and _resolve_tag(page) == "고객::환불::요청"
    assert 'data-testid="below-threshold"' not in page and 'class="meter low"' not in page
    meter = _meter(page)
    assert meter["low"] == meter["high"] == "0.0"
    assert "답변 기준 0%" in page


def test_the_meter_marks_the_configured_threshold(tmp_path: Path) -> None:
    with _client(tmp_path, 0.81) as client:
        page = client.post("/try", data={"q": INQUIRY}).text
    meter = _meter(page)
    assert meter["low"] == meter["high"] == "0.81" and "답변 기준 81%" in page
    below = float(meter["value"]) < 0.81
    assert ('data-testid="below-threshold"' in page) is below
    if below:
        assert _reply(page).strip() == "" and 'data-testid="suggested-tag"' not in page
