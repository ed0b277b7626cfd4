"""A generated draft's chunks are embedded ahead of its approval (assist/drafts/ahead.py): approving
it embeds only what the reviewer changed, every indexed vector is its text's, and the kept vectors
go once the draft is decided. Tiny KB of test_drafts_data, hash embedder."""

from __future__ import annotations

import numpy as np
import pytest
import test_drafts_data as data
from test_drafts_data import CONFIG

from assist.drafts import approve_draft, generate, get_draft, reject_draft
from assist.drafts.ahead import _path
from assist.drafts.review import edit_draft, merge_into_draft
from assist.knowledge import KnowledgeBase
from tests.embedded import embedded_texts

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures


def _indexed(kb: KnowledgeBase, article_id: str) -> list[tuple[str, np.ndarray]]:
    seg = kb.index.segments
    out = []
    for chunk in kb.index.doc_chunks(f"article:{article_id}"):
        row = seg.row_of(chunk.chunk_id)
        assert row is not None
        out.append((chunk.text, seg.vectors_at([row])[0]))
    return out


def test_approval_embeds_nothing_the_generation_embedded(
    drafts_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = generate(drafts_kb, CONFIG)
    assert result.created
    draft_id = result.created[0]
    assert _path(drafts_kb, draft_id).exists()

    embedded = embedded_texts(drafts_kb, monkeypatch)
    published = approve_draft(drafts_kb, draft_id, owner="김담당", author="이검토", override="test")
    indexed = _indexed(drafts_kb, str(published.article_id))
    assert indexed and embedded == []  # every chunk's vector was ready
    for text, vector in indexed:
        expected = drafts_kb.index.dense.stored(drafts_kb.embedder.embed_documents([text])[0])  # as stored
        np.testing.assert_allclose(vector, expected, atol=1e-6)
    assert not _path(drafts_kb, draft_id).exists()  # decided: the kept vectors are gone
    hits = drafts_kb.search(indexed[0][0], k=1, doc_types={"article"})
    assert hits[0].doc_id == f"article:{published.article_id}"


def test_an_edit_before_approval_is_embedded_at_approval(
    drafts_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft_id = generate(drafts_kb, CONFIG).created[0]
    sections = dict(get_draft(drafts_kb, draft_id).sections)
    sections["purpose"] = sections["purpose"] + "\n매장 픽업 안내를 한곳에 모읍니다."
    edit_draft(drafts_kb, draft_id, sections=sections, author="이검토")

    embedded = embedded_texts(drafts_kb, monkeypatch)
    published = approve_draft(drafts_kb, draft_id, owner="김담당", author="이검토", override="test")
    indexed = _indexed(drafts_kb, str(published.article_id))
    assert embedded and all("매장 픽업 안내를 한곳에 모읍니다" in t for t in embedded)
    assert len(embedded) < len(indexed)  # the sections nobody touched kept their vectors
    for text, vector in indexed:
        expected = drafts_kb.index.dense.stored(drafts_kb.embedder.embed_documents([text])[0])  # as stored
        np.testing.assert_allclose(vector, expected, atol=1e-6)


def test_a_rejected_or_merged_draft_leaves_no_kept_vectors(drafts_kb: KnowledgeBase) -> None:
    created = generate(drafts_kb, CONFIG).created
    assert len(created) == 2 and all(_path(drafts_kb, d).exists() for d in created)
    merge_into_draft(drafts_kb, created[0], created[1], author="이검토")
    assert not _path(drafts_kb, created[0]).exists() and _path(drafts_kb, created[1]).exists()
    reject_draft(drafts_kb, created[1], "주제가 아닙니다", author="이검토")
    assert not _path(drafts_kb, created[1]).exists()


def _tokenised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts the index write tokenises from now on (a spy on ``tokenize_many``)."""
    import assist.knowledge as knowledge

    seen: list[str] = []
    real = knowledge.tokenize_many

    def spy(texts: list[str]) -> list[list[str]]:
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(knowledge, "tokenize_many", spy)
    return seen


def test_approval_tokenises_only_what_changed_and_indexes_the_same_tokens(
    drafts_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assist.drafts.ahead import _tokens_path
    from indexes.lexical import tokenize_many

    first, second = generate(drafts_kb, CONFIG).created
    assert _tokens_path(drafts_kb, first).exists() and _tokens_path(drafts_kb, second).exists()
    sections = dict(get_draft(drafts_kb, second).sections)
    sections["purpose"] = sections["purpose"] + "\n매장 픽업 안내를 한곳에 모읍니다."
    edit_draft(drafts_kb, second, sections=sections, author="이검토")
    _tokens_path(drafts_kb, first).write_text("{not json", encoding="utf-8")  # unreadable: tokenised

    tokenised = _tokenised(monkeypatch)
    one = approve_draft(drafts_kb, first, owner="김담당", author="이검토", override="test")
    assert len(tokenised) == len(_indexed(drafts_kb, str(one.article_id)))
    tokenised.clear()
    two = approve_draft(drafts_kb, second, owner="김담당", author="이검토", override="test")
    assert tokenised and all("매장 픽업 안내를 한곳에 모읍니다" in t for t in tokenised)
    for published in (one, two):
        for chunk in drafts_kb.index.doc_chunks(f"article:{published.article_id}"):
            assert list(drafts_kb.index.tokens_of(chunk.chunk_id) or []) == tokenize_many([chunk.text])[0]
    assert not _tokens_path(drafts_kb, first).exists() and not _tokens_path(drafts_kb, second).exists()
