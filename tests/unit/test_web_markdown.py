"""Article Markdown on the pages: safe HTML (raw HTML escaped, no unsafe links, no remote
images), lists and headings rendered, article ids linked; snippets cut at word boundaries."""

from __future__ import annotations

from assist.web.markdown import render_markdown, render_marked, snippet

BODY = """### 결제 실패 시
- 환불은 **7일** 이내
- 유효기간: 2026-01-01 ~ 2026-06-30

1. 오류 코드 확인
2. 상담태그 입력

Q: 결제가 안 돼요
A: 죄송합니다."""


def test_lists_headings_bold_and_line_breaks_are_rendered() -> None:
    html = str(render_markdown(BODY))
    assert "<h3>결제 실패 시</h3>" in html  # the body's top heading sits under the section's h2
    assert "<ul>\n<li>환불은 <strong>7일</strong> 이내</li>" in html
    assert "<ol>\n<li>오류 코드 확인</li>\n<li>상담태그 입력</li>\n</ol>" in html
    assert "Q: 결제가 안 돼요<br />\nA: 죄송합니다." in html  # one line break stays one
    assert "###" not in html and "- " not in html and "**" not in html


def test_raw_html_unsafe_links_and_remote_images_stay_inert() -> None:
    text = (
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> [누르기](javascript:alert(3)) '
        "![지도](https://example.com/map.png) [안내](https://example.com/help)"
    )
    html = str(render_markdown(text))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert "지도" in html and "map.png" not in html  # the image's alt text, nothing loaded
    assert '<a href="https://example.com/help" rel="noopener noreferrer">안내</a>' in html


def test_known_article_ids_become_links() -> None:
    text = "- KB-007-order-cancel (주문 취소 처리 가이드)\n- KB-0070 없음\n- 내부 위키: xKB-007-order-cancel"
    html = str(render_markdown(text, {"KB-007-order-cancel"}))
    assert html.count('<a href="/kms/KB-007-order-cancel" class="article-ref">KB-007-order-cancel</a>') == 1
    assert "KB-0070 없음" in html and "xKB-007-order-cancel" in html
    assert "/kms/" not in str(render_markdown(text))  # without known ids nothing is linked


def test_snippet_is_plain_and_cut_at_a_word_boundary() -> None:
    assert snippet(BODY, 500) == (
        "결제 실패 시 · 환불은 7일 이내 · 유효기간: 2026-01-01 ~ 2026-06-30 · 오류 코드 확인 · "
        "상담태그 입력 · Q: 결제가 안 돼요 · A: 죄송합니다."
    )
    cut = snippet(BODY, 30)
    assert cut == "결제 실패 시 · 환불은 7일 이내 · 유효기간…"  # cut at a space, trailing ':' dropped
    assert len(cut) <= 31 and cut.endswith("…")
    assert snippet("가" * 50, 10) == "가" * 10 + "…"  # no space in reach: cut at the limit
    assert snippet("짧은 문장", 10) == "짧은 문장"
    table = "상황 | 해결\n--- | ---\n한도 초과 | 다른 카드"
    assert snippet(table, 100) == "상황 | 해결 · 한도 초과 | 다른 카드"


def test_marked_section_keeps_its_markdown_and_marks_each_matched_line() -> None:
    text = "- 환불은 3~5영업일 안에 처리됩니다.\n- 수령 후 7일 이내\n\nQ: 언제 되나요?\nA: **곧** 됩니다."
    html = str(render_marked(text, "3~5영업일 안에 처리됩니다.\n- 수령 후"))
    assert "<li>환불은 <mark>3~5영업일 안에 처리됩니다.</mark></li>" in html
    assert "<li><mark>수령 후</mark> 7일 이내</li>" in html  # the list mark stays outside <mark>
    qa = str(render_marked(text, "Q: 언제 되나요?\nA: **곧** 됩니다."))
    assert "<p><mark>Q: 언제 되나요?</mark><br />\n<mark>A: <strong>곧</strong> 됩니다.</mark></p>" in qa
    assert "<mark>" not in str(render_marked(text, "없는 문장"))
    assert str(render_marked("<b>굵게</b>", "<b>굵게</b>")) == "<p><mark>&lt;b&gt;굵게&lt;/b&gt;</mark></p>\n"
