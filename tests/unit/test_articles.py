"""assist.articles: listing/search, one article, revisions, diffs and edits (tiny KB, hash embedder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assist.articles import (
    MAX_SECTION_CHARS,
    diff_revisions,
    diff_text,
    edit_article,
    get_article_view,
    list_articles,
    revisions,
)
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from storage import get_article, mark_articles_deleted
from tests.browser.webapp import web_kb_copy
from tests.embedded import embedded_texts

NEW_QA = "Q: 재설정 메일의 링크가 만료됐어요\nA: 비밀번호 찾기를 다시 눌러 새 링크를 받아 주세요."


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(web_kb_copy(tmp_path / "kb"))


def _sections(kb: KnowledgeBase, article_id: str) -> dict[str, str]:
    view = get_article_view(kb, article_id)
    return {"title": view.title, **view.sections}


def test_list_published_articles_by_title_with_tag_and_status_filters(kb: KnowledgeBase) -> None:
    items = list_articles(kb)
    assert [a.title for a in items] == ["배송 지연 안내", "비밀번호 재설정 안내", "환불 처리 가이드"]
    assert all(a.status == "published" and a.version == 1 and a.score is None for a in items)
    assert [a.article_id for a in list_articles(kb, tag="고객::환불")] == ["refund"]
    assert list_articles(kb, tag="고객::환") == []  # a tag prefix ends at a '::' boundary
    assert len(list_articles(kb, status="all")) == 3
    assert list_articles(kb, status="archived") == []
    stale = {a.article_id: a.stale for a in items}
    assert stale == {"delivery": False, "password": True, "refund": False}


def test_unknown_status_is_invalid_input(kb: KnowledgeBase) -> None:
    with pytest.raises(InvalidInputError) as err:
        list_articles(kb, status="secret")
    assert err.value.details["field"] == "status" and "published" in err.value.message


def test_search_ranks_articles_with_their_best_section(kb: KnowledgeBase) -> None:
    hits = list_articles(kb, q="비밀번호를 잊어버렸어요")
    assert hits[0].article_id == "password"
    assert hits[0].score is not None and hits[0].score > 0
    assert hits[0].section_label and hits[0].snippet
    assert [h.article_id for h in list_articles(kb, q="비밀번호를 잊어버렸어요", tag="고객::환불")] == [
        "refund"
    ]


def test_article_view_has_every_section_in_template_order(kb: KnowledgeBase) -> None:
    view = get_article_view(kb, "password")
    assert list(view.sections) == [
        "summary",
        "purpose",
        "policy",
        "steps",
        "scripts",
        "situations",
        "references",
        "management",
    ]
    assert view.sections["summary"] == "" and "30분" in view.sections["policy"]
    assert view.stale and view.stale_reason and "2023-01-10" in view.stale_reason
    assert view.tag == "고객::계정::비밀번호" and view.owner == "CX운영팀"
    assert [r.version for r in view.revisions] == [1]
    with pytest.raises(NotFoundError):
        get_article_view(kb, "nope")


def test_edit_writes_a_revision_and_reindexes_the_article(kb: KnowledgeBase) -> None:
    sections = _sections(kb, "password")
    sections["scripts"] += "\n" + NEW_QA + " 문의는 010-1234-5678로 주세요."
    result = edit_article(kb, "password", sections, change_note="링크 만료 추가", author="김담당")
    assert (result.outcome, result.version, result.reindexed) == ("updated", 2, True)

    revs = revisions(kb, "password")
    assert [(r.version, r.author, r.change_note) for r in revs] == [
        (2, "김담당", "링크 만료 추가"),
        (1, "ingest", "created"),
    ]
    stored = get_article_view(kb, "password").sections["scripts"]
    assert "[전화번호]" in stored and "010-1234-5678" not in stored  # PII masked before storing
    chunks = [c for c in kb.index.chunks if c.doc_id == "article:password"]
    assert any("링크가 만료됐어요" in c.text for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)  # old chunks replaced, not duplicated
    hits = kb.search("재설정 링크가 만료됐어요", k=1, doc_types={"article"})
    assert hits[0].doc_id == "article:password"


def test_an_edit_embeds_only_the_chunks_it_changed(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {c.text for c in kb.index.doc_chunks("article:password")}
    embedded = embedded_texts(kb, monkeypatch)
    sections = _sections(kb, "password")
    sections["scripts"] += "\n" + NEW_QA
    edit_article(kb, "password", sections, change_note="링크 만료 추가", author="김담당")

    after = kb.index.doc_chunks("article:password")
    kept = [c for c in after if c.text in before]
    assert kept and len(kept) < len(after)  # the edit changed some chunks and left others as they were
    assert sorted(embedded) == sorted(c.text for c in after if c.text not in before)
    for chunk in after:  # kept chunks keep their vectors; every vector is its text's
        row = kb.index.segments.row_of(chunk.chunk_id)
        assert row is not None
        vector = kb.index.segments.vectors_at([row])[0]
        expected = kb.index.dense.stored(kb.embedder.embed_documents([chunk.text])[0])  # as stored
        np.testing.assert_allclose(vector, expected, rtol=0, atol=1e-6)
    hits = kb.search("재설정 링크가 만료됐어요", k=1, doc_types={"article"})
    assert hits[0].doc_id == "article:password"


def test_an_edit_that_changes_nothing_writes_nothing(kb: KnowledgeBase) -> None:
    result = edit_article(kb, "refund", _sections(kb, "refund"), change_note="", author="김담당")
    assert (result.outcome, result.version, result.reindexed) == ("unchanged", 1, False)
    assert [r.version for r in revisions(kb, "refund")] == [1]


def test_edit_rereads_dates_from_the_text_and_keeps_the_tag(kb: KnowledgeBase) -> None:
    sections = _sections(kb, "password")
    sections["management"] = "최종 수정일: 2026-11-01\n담당자: 보안팀"
    sections["steps"] = "1. 로그인 화면에서 비밀번호 찾기를 누릅니다."  # the tag instruction removed
    edit_article(kb, "password", sections, change_note=None, author="김담당")
    view = get_article_view(kb, "password")
    assert view.updated_at is not None and view.updated_at.isoformat() == "2026-11-01"
    assert not view.stale and view.owner == "보안팀"
    assert view.tag == "고객::계정::비밀번호"
    assert view.revisions[0].change_note == "edited"


@pytest.mark.parametrize(
    ("change", "author", "field"),
    [
        ({"title": "  "}, "김담당", "title"),
        ({}, " ", "author"),
        ({"unknown": "x"}, "김담당", "unknown"),
        ({"policy": "가" * (MAX_SECTION_CHARS + 1)}, "김담당", "policy"),
    ],
)
def test_edit_rejects_bad_input_naming_the_field(
    kb: KnowledgeBase, change: dict[str, str], author: str, field: str
) -> None:
    sections = _sections(kb, "refund") | change
    with pytest.raises(InvalidInputError) as err:
        edit_article(kb, "refund", sections, change_note=None, author=author)
    assert err.value.details["field"] == field
    assert [r.version for r in revisions(kb, "refund")] == [1]


def test_edit_of_a_missing_or_deleted_article(kb: KnowledgeBase) -> None:
    with pytest.raises(NotFoundError):
        edit_article(kb, "nope", {"title": "x"}, change_note=None, author="a")
    with kb.sessions() as session, session.begin():
        mark_articles_deleted(session, ["refund"], author="test")
    with pytest.raises(ConflictError):
        edit_article(kb, "refund", {"title": "환불"}, change_note=None, author="a")
    with kb.sessions() as session:
        row = get_article(session, "refund")
        assert row is not None and row.status == "deleted"


def test_emptying_a_required_section_is_recorded_as_missing(kb: KnowledgeBase) -> None:
    sections = _sections(kb, "refund") | {"situations": ""}
    result = edit_article(kb, "refund", sections, change_note=None, author="a")
    assert result.missing == ["situations"]
    assert get_article_view(kb, "refund").missing == ["situations"]


def test_diff_between_revisions_per_section(kb: KnowledgeBase) -> None:
    sections = _sections(kb, "refund")
    sections["policy"] = sections["policy"].replace("3~5영업일", "2~4영업일")
    edit_article(kb, "refund", sections, change_note="기간 변경", author="a")
    diff = diff_revisions(kb, "refund", 1, 2)
    assert [s.key for s in diff.changed] == ["policy"]
    ops = [line.op for line in diff.changed[0].lines]
    assert ops == ["delete", "insert", "equal", "equal"]
    assert ("3~5", True) in diff.changed[0].lines[0].segments
    assert ("2~4", True) in diff.changed[0].lines[1].segments
    assert diff.old.version == 1 and diff.new.version == 2
    assert diff_revisions(kb, "refund", 2, 2).changed == []
    with pytest.raises(NotFoundError) as err:
        diff_revisions(kb, "refund", 1, 7)
    assert "versions: 1, 2" in err.value.message


def test_diff_text_by_hand() -> None:
    lines = diff_text("가\n나\n다", "가\n라\n다\n마")
    assert [(line.op, line.segments) for line in lines] == [
        ("equal", [("가", False)]),
        ("delete", [("나", True)]),
        ("insert", [("라", True)]),
        ("equal", [("다", False)]),
        ("insert", [("마", True)]),
    ]
    assert diff_text("", "") == []
    assert [line.op for line in diff_text("a\nb", "c")] == ["delete", "delete", "insert"]
