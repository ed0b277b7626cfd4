"""assist.drafts.clusters: merge, split and attach on toy inputs; the eval runs the product's path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import test_drafts_data as data

from assist.drafts import DraftSettings, clusters, generate, get_draft
from assist.drafts.clusters import TopicParams, find_topics, inquiry_nouns, inquiry_texts, unify_synonyms
from assist.drafts.keywords import noun_tokens
from assist.knowledge import KnowledgeBase
from eval.datasets import load_items
from eval.topics import run_topics
from korean.lexicon import load_lexicon

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures

P = TopicParams(min_size=3, threshold=0.02, merge_centroid=0.9, merge_keywords=0.5, attach_similarity=0.9)


def around(direction: np.ndarray, n: int, seed: int, noise: float = 0.002) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = direction + rng.normal(0, noise, (n, len(direction)))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def unit(*values: float, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_near_duplicate_groups_with_the_same_keywords_merge_into_one_topic() -> None:
    a, b = unit(1.0, 0.0), unit(0.95, 0.31)  # cosine ≈ 0.95: apart at distance 0.02, close as topics
    vectors = np.vstack([around(a, 4, 1), around(b, 4, 2)])
    same = [["선물", "포장"]] * 8
    assert find_topics(vectors, same, P).tolist() == [0] * 8
    other = [["선물", "포장"]] * 4 + [["렌탈", "해지"]] * 4
    assert sorted(find_topics(vectors, other, P).tolist()) == [0, 0, 0, 0, 1, 1, 1, 1]


def test_a_group_of_keyword_disconnected_parts_is_split() -> None:
    vectors = around(unit(1.0), 8, 3)  # one tight group by vectors
    tokens = [["리뷰", "삭제"]] * 4 + [["이어폰", "불량"]] * 4
    labels = find_topics(vectors, tokens, replace(P, threshold=0.2, common_share=0.9))
    assert len(set(labels[:4].tolist())) == 1 and len(set(labels[4:].tolist())) == 1
    assert labels[0] != labels[4] and -1 not in labels
    linked = [["리뷰", "삭제"]] * 4 + [["리뷰", "불량"]] + [["불량"]] * 3  # 리뷰 links the parts
    assert find_topics(vectors, linked, replace(P, threshold=0.2, common_share=0.9)).tolist() == [0] * 8


def test_leftovers_join_the_nearest_topic_above_the_attach_similarity() -> None:
    a = unit(1.0)
    vectors = np.vstack([around(a, 4, 4), unit(0.95, 0.31)[None], unit(0.0, 1.0)[None]])
    tokens = [["환불"]] * 6
    labels = find_topics(vectors, tokens, P)
    assert labels.tolist() == [0, 0, 0, 0, 0, -1]  # cos 0.95 ≥ 0.9 joins; the orthogonal one does not
    far = replace(P, attach_similarity=0.99, keyword_attach=0.99)  # nor by its keyword
    assert find_topics(vectors, tokens, far).tolist()[4:] == [-1, -1]


def test_a_leftover_between_two_topics_joins_neither_with_an_attach_margin() -> None:
    a, b = unit(1.0), unit(0.9, 0.436)  # two topics, centroids 0.9 alike
    between = unit(0.975, 0.222)  # 0.975 to a, 0.974 to b
    vectors = np.vstack([around(a, 4, 7), around(b, 4, 8), between[None]])
    tokens = [["선물", "포장"]] * 4 + [["렌탈", "해지"]] * 4 + [["기타"]]
    assert find_topics(vectors, tokens, P).tolist() == [0] * 4 + [1] * 4 + [0]  # nearest, however narrowly
    assert find_topics(vectors, tokens, replace(P, attach_margin=0.01)).tolist()[-1] == -1
    assert find_topics(vectors, tokens, replace(P, attach_margin=0.0005)).tolist()[-1] == 0


def test_keyword_attach_compares_again_once_joined_tickets_move_a_topic() -> None:
    a, b = unit(1.0), unit(0.0, 1.0)
    near = unit(0.85, 0.0, 0.527)  # cosine 0.85 to topic a: joins it by its keyword in the first pass
    # nearer b (0.641) than a (0.621) until `near` has joined a, then nearer a (0.659)
    between = unit(0.62, 0.64, 0.45)
    vectors = np.vstack([around(a, 5, 5), around(b, 5, 6), near[None], between[None]])
    tokens = [["선물", "포장"]] * 5 + [["렌탈", "해지"]] * 5 + [["포장"], ["포장"]]
    labels = find_topics(vectors, tokens, replace(P, keyword_attach=0.6))
    assert labels.tolist() == [0] * 5 + [1] * 5 + [0, 0]  # one pass left `between` in no topic
    assert find_topics(vectors, [*tokens[:11], ["기타"]], replace(P, keyword_attach=0.6))[11] == -1


def test_small_inputs_and_bad_shapes() -> None:
    assert find_topics(np.ones((2, 4)), [[], []], P).tolist() == [-1, -1]
    with pytest.raises(ValueError, match="one token list per vector"):
        find_topics(np.ones((3, 4)), [[]], P)


def test_inquiries_are_pii_masked_and_normalised_like_queries() -> None:
    texts = inquiry_texts(["비번  까먹었어요ㅠㅠ", "환불언제되요 010-1234-5678"], load_lexicon(None))
    assert texts == ["비밀번호 잊어버렸어요ㅠ", "환불 언제 돼요 [전화번호]"]
    assert inquiry_texts(["a  b"], None) == ["a b"]


def test_a_masked_values_placeholder_gives_the_topic_no_noun() -> None:
    asked = ["UID 88213045 계정 정지", "닉네임 '흑염룡' 정지 사유", "주문번호 2026110512345 배송"]
    texts = inquiry_texts(asked, None)
    assert "[고객번호]" in texts[0]  # the placeholder stays in the embedded text
    nouns = inquiry_nouns(texts)
    assert nouns[0] == [w for w in noun_tokens(texts)[0] if w not in ("고객", "번호")]
    assert "아이디" not in nouns[1] and {"닉네임", "정지", "사유"} <= set(nouns[1])
    assert nouns[2].count("번호") == 1  # 주문번호's own 번호, not the placeholder's


def test_every_spelling_of_a_s_is_one_word_and_says_repair_in_the_clustered_text() -> None:
    # the embedder read "AS 되나요" as nothing in particular (gaps_ko: 9 of the 21 repair tickets
    # write AS/A/S, one of them was in the repair draft); the keywords dropped a lower-case "as"
    asked = ["드라이기 AS 되나요", "a/s 기간 끝났어요", "에이에스 맡겼어요", "as 되나요", "A/S 수리 접수"]
    for lexicon in (load_lexicon(None), None):
        texts = inquiry_texts(asked, lexicon)
        assert all(t.count("에이에스 수리") == 1 for t in texts), texts
        assert all({"에이에스", "수리"} <= set(words) for words in noun_tokens(texts)), texts
    assert inquiry_texts(["as soon as possible"], None) == ["as soon as possible"]


def test_dictionary_synonyms_become_the_word_the_run_uses_most() -> None:
    lexicon = load_lexicon(None)  # the bundled dictionary has the group 상품권,기프트카드
    texts = [
        "기프트카드로 결제했어요",
        "상품권 등록",
        "상품권이 안 보여요",
        "기프트 카드 번호",
        "상품권 잔액",
    ]
    assert unify_synonyms(texts, lexicon) == [
        "상품권으로 결제했어요",  # the particle agrees with the new word
        "상품권 등록",
        "상품권이 안 보여요",
        "상품권 번호",  # spaced inside
        "상품권 잔액",
    ]
    assert unify_synonyms(["카트리지 교체", "장바구니 비우기", "카트에 담은 것"], lexicon) == [
        "카트리지 교체",  # not a whole word
        "장바구니 비우기",
        "장바구니에 담은 것",
    ]
    assert unify_synonyms(["기프트카드 잔액"], lexicon) == ["기프트카드 잔액"]  # one member: as written
    assert inquiry_texts(["기프트카드 잔액", "상품권 잔액", "상품권 등록"], lexicon)[0] == "상품권 잔액"


def _spy(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[str, Any]]) -> None:
    for name in ("inquiry_texts", "embed_inquiries", "find_topics"):
        real: Callable[..., Any] = getattr(clusters, name)

        def wrapper(*args: Any, _real: Callable[..., Any] = real, _name: str = name) -> Any:
            calls.append((_name, args[-1] if _name == "find_topics" else None))
            return _real(*args)

        monkeypatch.setattr(clusters, name, wrapper)


def test_the_eval_and_the_product_run_the_same_clustering_with_the_same_settings(
    drafts_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    product: list[tuple[str, Any]] = []
    _spy(monkeypatch, product)
    generate(drafts_kb, DraftSettings(), since="all")
    monkeypatch.undo()
    evaluated: list[tuple[str, Any]] = []
    _spy(monkeypatch, evaluated)
    items = tmp_path / "items.jsonl"
    items.write_text(
        "\n".join(f'{{"text": "{q}", "label": "pickup"}}' for q in data.PICKUP_Q), encoding="utf-8"
    )
    run_topics(load_items(items), drafts_kb.settings)
    assert (
        [name for name, _ in product]
        == [name for name, _ in evaluated]
        == [
            "inquiry_texts",
            "embed_inquiries",
            "find_topics",
        ]
    )
    assert product[-1][1] == evaluated[-1][1] == DraftSettings().topic_params()
    assert run_topics(load_items(items), drafts_kb.settings).config["runs"][0]["method"] == "product"


def test_a_gap_topic_close_to_one_article_proposes_updating_it(drafts_kb: KnowledgeBase) -> None:
    config = data.CONFIG.model_copy(update={"coverage_threshold": 0.99, "coverage_ceiling": 0.99})
    config = config.model_copy(
        update={"update_floor": 0.5, "update_share": 0.6, "update_question_floor": 0.0}
    )
    result = generate(drafts_kb, config)
    kinds = {}
    for draft_id in result.created:
        evidence = get_draft(drafts_kb, draft_id).evidence
        kinds[evidence["ticket_ids"][0].split("-")[0]] = evidence["proposal"]
    assert kinds["PW"]["kind"] == "update" and kinds["PW"]["article_id"] == "KB-PW"  # 비밀번호 재설정
    assert result.update_proposals == [d for d in result.created if d in result.update_proposals]
    assert len(result.update_proposals) == 1
    scripts = kinds["PW"]["add_scripts"]
    assert scripts and {s["ticket"] for s in scripts} <= {f"PW-{n}" for n in range(1, 6)}
    assert all(s["question"] in data.PASSWORD_Q and s["answer"] == data.PASSWORD_A for s in scripts)
    assert kinds["PU"]["kind"] == kinds["DM"]["kind"] == "new"
    # how close its tickets are to KB-PW's script questions is recorded; a floor above it: a new article
    asked = kinds["PW"]["question_fit"]
    assert isinstance(asked, float) and 0.0 < asked < 1.0
    again = generate(drafts_kb, config.model_copy(update={"update_question_floor": asked + 0.01}))
    evidence = [get_draft(drafts_kb, d).evidence for d in again.updated]
    proposals = {e["ticket_ids"][0].split("-")[0]: e["proposal"] for e in evidence}
    assert proposals["PW"]["kind"] == "new" and proposals["PW"]["question_fit"] == asked
    assert again.update_proposals == []


def test_generate_counts_the_resolved_tickets_outside_the_window(drafts_kb: KnowledgeBase) -> None:
    assert generate(drafts_kb, data.CONFIG, since="1d").outside_window == 19
    assert generate(drafts_kb, data.CONFIG, since="all").outside_window == 0


def test_the_cli_says_how_many_tickets_are_outside_the_window_and_how_to_include_them(
    template_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from assist.cli.app import _register, app

    shutil.copytree(template_dir, tmp_path / "kms", symlinks=True)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    _register()
    result = CliRunner().invoke(app, ["drafts", "generate", "--since", "1d"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    # Korean first, the English in parentheses (assist/drafts/messages.py drafts.cli.outside_window)
    assert "해결된 티켓 19건이 기간(1d) 밖이라 빠졌습니다" in text and "--since all" in text
    assert "19 resolved ticket(s) are older than the window (1d)" in text
