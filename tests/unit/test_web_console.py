"""Agent console pages through TestClient: inbox, ticket page, new ticket, try, feedback,
resolve; error pages in the site layout; language choice; static files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.auth import api_client
from tests.browser.webapp import HTML, make_app, page_client, web_kb_copy


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Read-only tests share one app."""
    settings = web_kb_copy(tmp_path_factory.mktemp("web") / "kb")
    with page_client(settings) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[TestClient]:
    """Tests that write get their own copy of the KB."""
    with page_client(web_kb_copy(tmp_path / "kb")) as c:
        yield c


def _suggestion_id(html: str) -> str:
    match = re.search(r'action="/suggestions/([0-9a-f]+)/feedback"', html)
    assert match, "no feedback form on the page"
    return match.group(1)


def test_home_redirects_to_the_inbox(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tickets"


def test_inbox_tabs_search_and_tag_filter(client: TestClient) -> None:
    open_page = client.get("/tickets").text
    assert "티켓 인박스" in open_page and "/tickets/T-3" in open_page and "/tickets/T-1" not in open_page
    resolved = client.get("/tickets", params={"status": "resolved"}).text
    assert "/tickets/T-1" in resolved and "/tickets/T-3" not in resolved
    found = client.get("/tickets", params={"status": "all", "q": "환불"}).text
    assert "/tickets/T-2" in found and "/tickets/T-1" not in found
    tagged = client.get("/tickets", params={"status": "all", "tag": "고객::주문"}).text
    assert "/tickets/G-1" in tagged and "/tickets/T-2" not in tagged
    assert '<option value="고객::환불::요청">' in tagged  # tag suggestions for the filter box
    empty = client.get("/tickets", params={"status": "all", "page": 2}).text
    assert "조건에 맞는 티켓이 없습니다." in empty
    assert client.get("/tickets", params={"status": "bogus"}).status_code == 422


def test_ticket_page_shows_the_suggestion_panel(client: TestClient) -> None:
    r = client.get("/tickets/T-3")
    assert r.status_code == 200
    html = r.text
    # (an inquiry the tiny KB answers: it says when a delay starts, not when a parcel arrives, so
    # "배송 언제와요" gets an empty reply box -- korean.focus.asked_for)
    assert "배송이 왜 이렇게 늦어요" in html and "답변 초안" in html and "추천 상담태그" in html
    assert re.search(r'<a class="cite" href="#cite-[0-9a-f]{8}-1"', html)
    assert re.search(r'<li id="cite-[0-9a-f]{8}-1" class="citation"', html)
    assert 'href="/kms/delivery"' in html and '<details class="section-hit">' in html
    assert 'formaction="/tickets/T-3/resolve"' in html
    reply = re.search(r'<textarea id="reply" name="text" rows="9">(.*?)</textarea>', html, re.S)
    assert reply and reply.group(1).strip() and "[1]" not in reply.group(1)  # markers stripped


def test_resolved_ticket_has_no_resolve_button_and_lists_its_resolution(client: TestClient) -> None:
    html = client.get("/tickets/T-1").text
    assert 'data-testid="resolution"' in html and "2000원" in html
    assert "/resolve" not in html
    assert 'data-ticket="T-1"' not in html  # a ticket is not its own similar ticket


def test_try_a_question(client: TestClient) -> None:
    blank = client.get("/try")
    assert blank.status_code == 200 and "추천 받기" in blank.text and "답변 초안" not in blank.text
    html = client.post("/try", data={"q": "비밀번호를 잊어버렸어요"}).text
    assert 'href="/kms/password"' in html and 'data-testid="stale-badge"' in html
    assert 'formaction="/tickets/new"' in html and "?body=" not in html and "q=" not in html
    prefilled = client.post("/tickets/new", data={"q": "비밀번호를 잊어버렸어요", "prefill": "1"})
    assert prefilled.status_code == 200 and ">비밀번호를 잊어버렸어요</textarea>" in prefilled.text
    too_long = client.post("/try", data={"q": "가" * 5000})
    assert too_long.status_code == 400 and 'class="field-error"' in too_long.text


def test_unknown_ids_get_a_404_page_in_the_layout(client: TestClient) -> None:
    for url in ("/tickets/NOPE-1", "/kms/nope", "/drafts/999", "/nowhere"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("text/html")
        assert "찾을 수 없습니다" in r.text and 'class="mainnav"' in r.text and "<footer" in r.text
    assert "NOPE-1" in client.get("/tickets/NOPE-1").text


def test_api_paths_keep_json_errors(client: TestClient) -> None:
    r = client.get("/v1/nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/nowhere", headers={"accept": "application/json"})
    assert r.headers["content-type"].startswith("application/json")


def test_language_from_query_cookie_and_accept_language(client: TestClient) -> None:
    try:
        r = client.get("/tickets", params={"lang": "en"})
        assert "Ticket inbox" in r.text and '<html lang="en">' in r.text
        assert "kms_lang=en" in r.headers["set-cookie"]
        assert "KMS articles" in client.get("/kms").text  # remembered by the cookie
        client.cookies.clear()
        english = client.get("/tickets", headers={"accept-language": "en-US,en;q=0.9,ko;q=0.8"})
        assert "Ticket inbox" in english.text
        korean = client.get("/tickets", headers={"accept-language": "ko-KR,ko;q=0.9"})
        assert "티켓 인박스" in korean.text and '<html lang="ko">' in korean.text
    finally:
        client.cookies.clear()


def test_footer_shows_the_index_status(client: TestClient) -> None:
    html = client.get("/tickets").text
    assert re.search(r"색인 <code>idx-[^<]+</code> · \d+ 청크 · 모델 <code>hash-256</code>", html)


def test_static_files_and_no_traversal(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    for bad in ("/static/..%2Frender.py", "/static/%2e%2e/render.py", "/static/.hidden", "/static/nope.css"):
        assert client.get(bad).status_code == 404, bad


def test_new_ticket_form_validation_and_creation(fresh: TestClient) -> None:
    form = fresh.get("/tickets/new", params={"body": "미리 채운 문의"})
    assert form.status_code == 200 and "미리 채운 문의" in form.text
    bad = fresh.post("/tickets/new", data={"subject": "제목만", "body": "  ", "channel": "chat"})
    assert bad.status_code == 400
    assert 'class="form-error"' in bad.text and 'aria-invalid="true"' in bad.text
    assert 'value="제목만"' in bad.text  # what was typed is kept
    ok = fresh.post(
        "/tickets/new",
        data={"subject": "환불", "body": "환불은 언제 되나요? 010-1234-5678", "channel": "email"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    location = ok.headers["location"]
    assert re.fullmatch(r"/tickets/W-\d{8}-[0-9a-f]{16}\?msg=created", location)
    page = fresh.get(location).text
    assert "티켓을 만들었습니다." in page and "[전화번호]" in page and "010-1234-5678" not in page


def test_feedback_by_form_post_and_by_fetch(fresh: TestClient) -> None:
    sid = _suggestion_id(fresh.get("/tickets/T-3").text)
    r = fresh.post(
        f"/suggestions/{sid}/feedback",
        data={"verdict": "used", "next": "/tickets/T-3"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/tickets/T-3?msg=feedback&verdict=used"
    assert "피드백을 저장했습니다: 사용함" in fresh.get(r.headers["location"]).text

    edited = fresh.post(
        f"/suggestions/{sid}/feedback",
        data={"verdict": "edited", "text": "고친 답변입니다."},
        headers={"accept": "application/json"},
    )
    assert edited.status_code == 201
    assert edited.json()["verdict"] == "edited" and edited.json()["edit_distance"] > 0
    assert edited.json()["message"] == "피드백을 저장했습니다: 수정 후 사용"
    assert "고친 답변입니다.</textarea>" in fresh.get("/tickets/T-3").text  # the edited text is kept

    rejected = fresh.post(
        f"/suggestions/{sid}/feedback",
        data={"verdict": "rejected", "reason": "틀림", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert rejected.headers["location"].startswith("/tickets?")  # never off-site

    bad = fresh.post(
        f"/suggestions/{sid}/feedback", data={"verdict": "maybe"}, headers={"accept": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_input"
    missing = fresh.post("/suggestions/nope/feedback", data={"verdict": "used"})
    assert missing.status_code == 404 and "찾을 수 없습니다" in missing.text


def test_resolve_makes_the_ticket_knowledge(fresh: TestClient) -> None:
    empty = fresh.post("/tickets/T-3/resolve", data={"text": "  "})
    assert empty.status_code == 400 and "resolution" in empty.text
    r = fresh.post(
        "/tickets/T-3/resolve",
        data={"text": "택배사 사정으로 하루 늦어집니다.", "tag": "고객::배송::지연"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/tickets/T-3?msg=resolved"
    page = fresh.get(r.headers["location"]).text
    assert "해결했습니다" in page and "택배사 사정으로 하루 늦어집니다." in page and "/resolve" not in page
    again = fresh.post("/tickets/T-3/resolve", data={"text": "또"})
    assert again.status_code == 409 and "이미 처리되었습니다" in again.text
    html = fresh.post("/try", data={"q": "택배가 하루 늦어진대요"}).text
    assert 'data-ticket="T-3"' in html
    assert 'data-testid="resolved-by">key:tests<' in fresh.get("/tickets/T-3").text


def test_pages_without_an_index_say_how_to_build_one(tmp_path: Path) -> None:
    from core.settings import Settings

    app = make_app(Settings(data_dir=tmp_path / "empty", embedder="hash"))
    with api_client(app, headers=HTML) as c:
        inbox = c.get("/tickets")
        assert (
            inbox.status_code == 200
            and "색인 없음" in inbox.text
            and "조건에 맞는 티켓이 없습니다." in inbox.text
        )
        r = c.post("/try", data={"q": "환불은 언제 되나요?"})
        assert r.status_code == 503 and "아직 준비되지 않았습니다" in r.text and 'class="mainnav"' in r.text


def test_resolved_ticket_shows_the_outcome_instead_of_the_reply_box(fresh: TestClient) -> None:
    open_page = fresh.get("/tickets/T-3").text
    sid = re.search(r'action="/suggestions/([^/"]+)/feedback"', open_page)
    assert sid and '<textarea id="reply"' in open_page
    fresh.post(f"/suggestions/{sid.group(1)}/feedback", data={"verdict": "rejected", "reason": "오래된 정보"})
    fresh.post("/tickets/T-3/resolve", data={"text": "택배사 사정으로 하루 늦어집니다."})
    html = fresh.get("/tickets/T-3").text
    assert '<textarea id="reply"' not in html and 'name="verdict"' not in html and "/feedback" not in html
    outcome = html[html.index('data-testid="outcome"') :]
    assert re.search(r'data-testid="resolution">택배사 사정으로 하루 늦어집니다.<', outcome)
    given = outcome[outcome.index('data-testid="feedback-given"') :]
    assert "도움 안 됨" in given and "이유: 오래된 정보" in given and "key:tests" in given
    no_feedback = fresh.get("/tickets/T-1").text  # resolved by the import: no feedback on it
    assert "이 티켓의 추천에는 피드백이 없습니다." in no_feedback
    assert '<textarea id="reply"' not in no_feedback


def test_channels_show_in_the_page_language(client: TestClient) -> None:
    inbox = client.get("/tickets", params={"status": "all"}).text
    cells = re.findall(r'<td data-label="채널" class="nowrap">([^<]*)</td>', inbox)
    assert cells and set(cells) <= {"채팅", "이메일", "전화", "웹", "앱"}, cells
    assert '<span data-testid="ticket-channel">채팅</span>' in client.get("/tickets/T-1").text
    form = client.get("/tickets/new").text
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', form)
    assert ("app", "앱") in options and ("chat", "채팅") in options and ("phone", "전화") in options
    english = client.get("/tickets/T-1", params={"lang": "en"}).text
    client.cookies.clear()
    assert '<span data-testid="ticket-channel">chat</span>' in english


def test_full_sections_in_the_panel_are_rendered_markdown_with_the_match_marked(client: TestClient) -> None:
    html = client.post("/try", data={"q": "환불 정책이 궁금해요 카드 취소 3~5영업일"}).text
    fulls = re.findall(r'<div class="section-full md">(.*?)</div>', html, re.S)
    assert fulls and any("<mark>" in f for f in fulls)
    assert any("<li>" in f for f in fulls)  # the policy bullets are a list, not '- ' lines
    assert not any(re.search(r"(^|\n)\s*(- |\d\. |#)", re.sub(r"<[^>]+>", "", f)) for f in fulls)


def test_reopen_puts_a_resolved_ticket_back_to_open_and_shows_its_service_times(fresh: TestClient) -> None:
    before = fresh.get("/tickets/T-1").text  # resolved by the import, which gave no service times
    assert 'action="/tickets/T-1/reopen"' in before and "다시 열기" in before
    assert re.search(
        r'<dt>첫 응답 시각</dt><dd data-testid="first-response-at"><span class="hint">알 수 없음<', before
    )
    assert re.search(r'<dt>재오픈 횟수</dt><dd data-testid="reopens"><span class="hint">알 수 없음<', before)
    assert "/reopen" not in fresh.get("/tickets/T-3").text  # open: nothing to reopen

    r = fresh.post("/tickets/T-1/reopen", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tickets/T-1?msg=reopened"
    page = fresh.get(r.headers["location"]).text
    assert "티켓을 다시 열었습니다. 다시 해결할 때까지 지식 검색에서 빠집니다." in page
    assert 'data-testid="ticket-status">진행 중<' in page and 'data-testid="reopens">1<' in page
    assert "/reopen" not in page and 'data-testid="outcome"' not in page
    assert '<textarea id="reply"' in page and 'formaction="/tickets/T-1/resolve"' in page  # resolvable again
    previous = page[page.index('data-testid="previous-resolution"') :]
    assert "선물 포장은 주문서에서 선택하시면 2000원에 가능합니다." in previous
    api = fresh.get("/v1/tickets/T-1").json()
    assert (api["status"], api["resolved_at"], api["reopens"], api["first_response_at"]) == (
        "open",
        None,
        1,
        None,
    )
    inbox = fresh.get("/tickets", params={"status": "open"}).text
    assert "/tickets/T-1" in inbox and "badge-resolved" not in inbox  # its old resolution is not a resolve
    again = fresh.post("/tickets/T-1/reopen")
    assert again.status_code == 409 and "이미 처리되었습니다" in again.text
    assert fresh.post("/tickets/nope/reopen").status_code == 404

    fresh.post("/tickets/T-1/resolve", data={"text": "리본 포장은 주문서 요청사항에 적어 주시면 됩니다."})
    resolved = fresh.get("/tickets/T-1").text
    assert 'data-testid="ticket-status">해결됨<' in resolved and 'data-testid="reopens">1<' in resolved
    assert re.search(r'data-testid="first-response-at">\d{4}-\d\d-\d\d \d\d:\d\d<', resolved)  # the resolve
    assert 'action="/tickets/T-1/reopen"' in resolved
