"""KMS pages through TestClient: list/search/filters, the 9-section article page, the edit
form (validation errors, no-op, new version) and the diff page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.articles import get_article_view, revisions
from assist.knowledge import KnowledgeBase
from core.records import SECTION_KEYS, SECTION_LABELS_EN, SECTION_LABELS_KO
from tests.browser.webapp import page_client, web_kb_copy


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = web_kb_copy(tmp_path_factory.mktemp("web") / "kb")
    with page_client(settings) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase]]:
    settings = web_kb_copy(tmp_path / "kb")
    with page_client(settings) as c:
        yield c, KnowledgeBase(settings)


def _form(kb: KnowledgeBase, article_id: str, **changes: str) -> dict[str, str]:
    view = get_article_view(kb, article_id)
    return {"title": view.title, **view.sections, "change_note": ""} | changes


def test_list_search_and_filters(client: TestClient) -> None:
    html = client.get("/kms").text
    assert "문서 3건" in html and html.count('class="card article-item') == 3
    found = client.get("/kms", params={"q": "비밀번호를 잊어버렸어요"}).text
    assert "검색 결과" in found and found.index("/kms/password") < found.index("/kms/refund")
    tagged = client.get("/kms", params={"tag": "고객::배송"}).text
    assert "/kms/delivery" in tagged and "/kms/refund" not in tagged
    assert "문서가 없습니다." in client.get("/kms", params={"status": "archived"}).text
    bad = client.get("/kms", params={"status": "secret"})
    assert bad.status_code == 400 and "status must be one of" in bad.text and 'class="mainnav"' in bad.text


def test_article_page_in_template_order(client: TestClient) -> None:
    html = client.get("/kms/password").text
    labels = re.findall(r'<span class="sec-label">([^<]+)</span>', html)
    assert labels == [SECTION_LABELS_KO[k] for k in SECTION_KEYS if k != "title"]
    assert "필수 항목 누락" not in html  # summary/references are optional
    assert "오래된 문서" in html and 'data-testid="revisions"' in html
    english = client.get("/kms/password", params={"lang": "en"}).text
    client.cookies.clear()
    assert re.findall(r'<span class="sec-label">([^<]+)</span>', english)[0] == SECTION_LABELS_EN["summary"]


def test_edit_form_is_prefilled(client: TestClient) -> None:
    html = client.get("/kms/refund/edit").text
    assert 'value="환불 처리 가이드"' in html
    for key in SECTION_KEYS:
        assert f'id="f-{key}"' in html
    assert "3~5영업일" in html


def test_edit_validation_errors_keep_the_form(fresh: tuple[TestClient, KnowledgeBase]) -> None:
    client, kb = fresh
    r = client.post("/kms/refund/edit", data=_form(kb, "refund", title=" ", policy="새 정책"))
    assert r.status_code == 400 and 'class="form-error"' in r.text
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', r.text)
    assert "새 정책" in r.text
    assert 'name="author"' not in r.text  # the author is the signed-in user, not a text field
    assert get_article_view(kb, "refund").version == 1


def test_unchanged_edit_says_so(fresh: tuple[TestClient, KnowledgeBase]) -> None:
    client, kb = fresh
    r = client.post("/kms/refund/edit", data=_form(kb, "refund"))
    assert r.status_code == 200 and "변경 사항이 없습니다." in r.text
    assert get_article_view(kb, "refund").version == 1


def test_edit_creates_a_version_and_the_diff_shows_it(fresh: tuple[TestClient, KnowledgeBase]) -> None:
    client, kb = fresh
    policy = get_article_view(kb, "refund").sections["policy"] + "\n- 해외 카드는 7영업일이 걸립니다."
    r = client.post(
        "/kms/refund/edit",
        data=_form(kb, "refund", policy=policy, change_note="해외 카드"),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/kms/refund?msg=saved&version=2"
    page = client.get(r.headers["location"]).text
    assert "저장했습니다. 새 버전: v2" in page and "해외 카드는 7영업일" in page
    assert 'href="/kms/refund/diff?from=1&amp;to=2"' in page

    diff = client.get("/kms/refund/diff").text  # defaults: previous -> current
    assert 'data-testid="diff-policy"' in diff and diff.count('class="card diff-section"') == 1
    assert re.search(r'class="dl dl-insert">.*?<ins>- 해외 카드는 7영업일이 걸립니다.</ins>', diff)
    assert "변경 없는 섹션 (8)" in diff
    same = client.get("/kms/refund/diff", params={"from": 2, "to": 2}).text
    assert "두 버전의 내용이 같습니다." in same

    # the revision's author is whoever is signed in (here the tests' API key), whatever the form says
    forged = client.post("/kms/refund/edit", data=_form(kb, "refund", policy=policy + "!", author="남"))
    assert forged.status_code == 200 and [r.author for r in revisions(kb, "refund")[:2]] == ["key:tests"] * 2
    missing = client.get("/kms/refund/diff", params={"from": 1, "to": 9})
    assert missing.status_code == 404 and "versions: 1, 2" in missing.text
    assert client.get("/kms/refund/diff", params={"from": "x"}).status_code == 422


def test_article_page_renders_markdown_safely_and_links_references(
    fresh: tuple[TestClient, KnowledgeBase],
) -> None:
    client, kb = fresh
    references = "- password (비밀번호 재설정 안내)\n- delivery\n- KB-999 (없는 문서)\n- <b>내부 위키</b>"
    r = client.post("/kms/refund/edit", data=_form(kb, "refund", references=references, change_note="참고"))
    assert r.status_code == 200 and "저장했습니다" in r.text
    html = client.get("/kms/refund").text
    steps = html[html.index('data-testid="md-steps"') :]
    assert re.match(r'data-testid="md-steps"><ol>\n<li>주문번호를 확인합니다.</li>', steps)
    policy = html[html.index('data-testid="md-policy"') :]
    assert policy.startswith('data-testid="md-policy"><ul>\n<li>환불은 결제 취소 후')
    assert "<strong>수령 7일이 지난 경우</strong>" in html and "**" not in html
    refs = html[html.index('data-testid="md-references"') :]
    assert '<a href="/kms/password" class="article-ref">password</a> (비밀번호 재설정 안내)' in refs
    assert '<a href="/kms/delivery" class="article-ref">delivery</a>' in refs
    assert "KB-999 (없는 문서)" in refs and "/kms/KB-999" not in refs  # only ids that exist
    assert "&lt;b&gt;내부 위키&lt;/b&gt;" in refs  # raw HTML is shown as text


def test_list_snippets_are_plain_text_cut_at_a_word(client: TestClient) -> None:
    html = client.get("/kms", params={"q": "환불 정책 카드사"}).text
    snippets = re.findall(r'<p class="snippet-line"><span class="chip">[^<]*</span> ([^<]*)</p>', html)
    assert snippets and all(not s.lstrip().startswith(("-", "#", "1.")) and "**" not in s for s in snippets)


def test_incomplete_articles_have_a_badge_a_filter_and_a_count(
    fresh: tuple[TestClient, KnowledgeBase],
) -> None:
    from storage import counts

    client, kb = fresh
    assert 'data-testid="incomplete-badge"' not in client.get("/kms").text
    with kb.sessions() as session:
        assert counts(session)["articles_incomplete"] == 0
    r = client.post("/kms/refund/edit", data=_form(kb, "refund", situations="", change_note="비움"))
    assert r.status_code == 200 and "저장했습니다" in r.text
    listing = client.get("/kms").text
    badges = re.findall(
        r'<span class="badge badge-incomplete" data-testid="incomplete-badge" title="([^"]*)">', listing
    )
    assert badges == ["필수 항목 누락: 주요 상황 및 해결책"]
    assert "미완성: 필수 항목 1개 누락" in listing
    only = client.get("/kms", params={"incomplete": "1"}).text
    assert "문서 1건" in only and "/kms/refund" in only and "/kms/password" not in only
    assert 'id="incomplete" name="incomplete" type="checkbox" value="1" checked' in only
    searched = client.get("/kms", params={"incomplete": "1", "q": "비밀번호 재설정"}).text
    assert "/kms/password" not in searched
    with kb.sessions() as session:
        assert counts(session)["articles_incomplete"] == 1  # what `kms stats` prints
