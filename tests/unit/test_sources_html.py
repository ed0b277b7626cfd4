"""HTML articles: rendered into the Markdown line structure and parsed as Markdown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.sources import html_to_markdown, read_paths

PAGE = """\
<!doctype html>
<html><head><title>KMS</title><style>h1 { color: red }</style>
<script>var policy = "## 정책";</script></head>
<body>
  <h1>결제 오류 해결 가이드</h1>
  <p><strong>요약</strong></p>
  <p>카드 결제
     오류 안내.</p>
  <h2>목적</h2><p>결제 실패 문의 대응.</p>
  <h2>4. 정책 요약</h2>
  <ul><li>환불은 <b>7일</b> 이내</li><li>유효기간: 2026-01-01 ~ 2026-06-30</li></ul>
  <h2>단계별 절차</h2>
  <ol><li>오류 코드 확인</li><li>상담태그 "고객::결제::오류" 입력</li></ol>
  <h3>결제 실패 시</h3><p>재시도 안내<br>다른 카드 안내</p>
  <div><b>상담 스크립트</b></div>
  <p>Q: 결제가 안 돼요<br/>A: 죄송합니다.</p>
  <h2>주요 상황 및 해결책</h2>
  <table><tr><th>상황</th><th>해결</th></tr>
         <tr><td>한도 초과</td><td>다른 카드</td></tr></table>
  <h2>문서 관리 및 업데이트</h2><p>최종 수정일: 2026-09-14</p><p>담당자: 결제팀</p>
  <!-- 편집자 메모: 정책 -->
  <noscript>자바스크립트를 켜세요</noscript>
</body></html>
"""


def test_html_article(tmp_path: Path) -> None:
    path = tmp_path / "payment.html"
    path.write_text(PAGE, encoding="utf-8")
    result = read_paths([path])
    assert result.issues == []
    [record] = result.articles
    assert record.article_id == "payment"
    assert record.title == "결제 오류 해결 가이드"
    assert record.missing == []
    assert record.sections["summary"] == "카드 결제 오류 안내."
    assert record.sections["policy"] == "- 환불은 **7일** 이내\n- 유효기간: 2026-01-01 ~ 2026-06-30"
    assert record.sections["steps"] == (
        '1. 오류 코드 확인\n2. 상담태그 "고객::결제::오류" 입력\n\n'
        "### 결제 실패 시\n\n재시도 안내\n다른 카드 안내"
    )
    assert record.sections["scripts"] == "Q: 결제가 안 돼요\nA: 죄송합니다."
    assert record.sections["situations"] == "상황 | 해결\n한도 초과 | 다른 카드"
    assert record.tag == "고객::결제::오류"
    assert record.updated_at == date(2026, 9, 14)
    assert record.valid_until == date(2026, 6, 30)
    assert record.owner == "결제팀"


def test_scripts_styles_and_comments_are_dropped() -> None:
    text = html_to_markdown(PAGE)
    assert "var policy" not in text
    assert "color" not in text
    assert "편집자 메모" not in text
    assert "자바스크립트" not in text


def test_page_title_is_used_when_there_is_no_h1(tmp_path: Path) -> None:
    path = tmp_path / "a.htm"
    path.write_text("<html><head><title>환불 안내</title></head><body><p>환불은 7일 이내.</p></body></html>")
    [record] = read_paths([path]).articles
    assert record.title == "환불 안내"
    assert record.sections == {"summary": "환불은 7일 이내."}


def test_empty_html_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script></body></html>")
    result = read_paths([path])
    assert result.articles == []
    assert [(i.severity, i.file) for i in result.issues] == [("error", str(path))]


def test_list_items_holding_paragraphs_and_nested_lists() -> None:
    html = "<ul><li><p>하나</p><p>설명</p></li><li>둘<ul><li>둘-1</li></ul></li></ul><p>끝</p>"
    assert html_to_markdown(html) == "- 하나\n설명\n- 둘\n- 둘-1\n\n끝\n"


def test_ordered_lists_keep_their_numbers() -> None:
    html = '<ol><li>확인</li><li>입력</li></ol><ol start="3"><li>저장</li></ol><ul><li>참고</li></ul>'
    assert html_to_markdown(html) == "1. 확인\n2. 입력\n\n3. 저장\n\n- 참고\n"


def test_url_only_and_xhtml_pages_do_not_warn(tmp_path: Path) -> None:
    (tmp_path / "link.html").write_text("https://kms.example.com/refund", encoding="utf-8")
    (tmp_path / "x.htm").write_text(
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><h1>가이드</h1>'
        "<p>설명</p></body></html>",
        encoding="utf-8",
    )
    result = read_paths([tmp_path])  # filterwarnings=error turns any warning into a failure
    assert [a.title for a in result.articles] == ["가이드"]
    errors = [(i.severity, i.file) for i in result.issues if i.severity == "error"]
    assert errors == [("error", str(tmp_path / "link.html"))]  # a title and no body
