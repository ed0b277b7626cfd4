"""assist.drafts: regrouping topics, seeding topics from leftovers, keywords and the gap keyword check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assist.drafts.clusters import TopicParams, find_topics
from assist.drafts.config import DraftSettings
from assist.drafts.gaps import ArticleText, Coverage, assess
from assist.drafts.keywords import noun_tokens

P = TopicParams(
    min_size=3,
    threshold=0.02,
    merge_centroid=0.999,  # the early merge stays out of the way
    merge_keywords=0.5,
    attach_similarity=0.9,
    regroup_centroid=0.95,
    regroup_keywords=2,
    regroup_spread=3,
)


def unit(*values: float, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def around(direction: np.ndarray, n: int, seed: int, noise: float = 0.001) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = direction + rng.normal(0, noise, (n, len(direction)))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# four directions: each pair is 0.95-0.98 cosine-similar, too far apart for the base clustering
DIRS = [unit(1.0), unit(1.0, 0.22), unit(1.0, 0.0, 0.22), unit(1.0, 0.0, 0.0, 0.22)]


def test_topics_sharing_two_distinctive_keywords_become_one() -> None:
    vectors = np.vstack([around(DIRS[1], 4, 1), around(DIRS[2], 4, 2)])
    tokens = [["설치", "기사", "방문"]] * 4 + [["설치", "기사", "에어컨"]] * 4
    assert find_topics(vectors, tokens, P).tolist() == [0] * 8
    assert sorted(find_topics(vectors, tokens, replace(P, regroup_keywords=0)).tolist()) == [0] * 4 + [1] * 4
    # one shared keyword that a third topic has too is not enough
    three = np.vstack([vectors, around(DIRS[3], 4, 3)])
    one_word = [["설치", "방문"]] * 4 + [["설치", "에어컨"]] * 4 + [["설치", "세탁기"]] * 4
    assert len(set(find_topics(three, one_word, P).tolist())) == 3


def test_mutually_nearest_topics_with_a_keyword_only_they_have_become_one() -> None:
    pair = np.vstack([around(DIRS[1], 4, 1), around(DIRS[2], 4, 2)])  # cosine ≈ 0.954
    tokens = [["사전", "예약", "혜택"]] * 4 + [["예약", "상품", "발송"]] * 4
    assert find_topics(pair, tokens, P).tolist() == [0] * 8
    # a third topic nearer to the first (≈ 0.977): the two are no longer each other's nearest
    third = np.vstack([pair, around(DIRS[0], 4, 3)])
    labels = find_topics(third, tokens + [["렌탈", "해지"]] * 4, P).tolist()
    assert len(set(labels)) == 3 and -1 not in labels


def test_keywords_that_many_topics_share_do_not_regroup() -> None:
    vectors = np.vstack([around(d, 4, i) for i, d in enumerate(DIRS)])
    tokens = [["card", "payment", w] for w in ("top", "pin", "fee", "atm") for _ in range(4)]
    labels = find_topics(vectors, tokens, P)
    assert len(set(labels.tolist())) == 4  # "card" and "payment" are keywords of all four


def test_leftovers_sharing_a_word_no_topic_owns_seed_a_topic() -> None:
    topic = around(unit(0.0, 0.0, 0.0, 0.0, 1.0), 4, 7)
    # five scattered inquiries (pairwise ≈ 0.93: no base cluster) that all say 수리
    scattered = np.vstack([unit(1.0, *(0.4 if j == i else 0.0 for j in range(5))) for i in range(5)])
    vectors = np.vstack([topic, scattered])
    tokens = [["선물", "포장"]] * 4 + [["수리", w] for w in ("청소기", "보증", "유상", "노트북", "선풍기")]
    labels = find_topics(vectors, tokens, P).tolist()
    assert labels == [0] * 4 + [1] * 5 or labels == [1] * 4 + [0] * 5
    assert find_topics(vectors, tokens, replace(P, seed_share=1.01)).tolist()[4:] == [-1] * 5
    owned = [["선물", "수리"]] * 4 + tokens[4:]  # the topic's tickets use 수리 too: 5/9 < 0.6
    assert find_topics(vectors, owned, P).tolist()[4:] == [-1] * 5


def test_keywords_of_english_and_acronyms() -> None:
    texts = ["I think my card was stolen.", "OTP 문자가 안와요", "A/S 기간 끝났는데", "AS 되나요"]
    assert noun_tokens(texts) == [
        ["think", "card", "stolen"],
        ["otp", "문자"],
        ["as", "기간"],
        ["as"],
    ]


def test_a_topic_whose_top_keywords_no_article_uses_together_is_uncovered() -> None:
    text = ArticleText(["제휴 문의는 이메일로 보내 주세요.", "카드 결제 오류 E-1001: 한도 초과"])
    assert "제휴" in text and "카드" in text and "렌탈" not in text
    assert not text.together(["제휴", "카드"]) and text.together(["카드", "결제"])
    coverage = Coverage(best=np.full(4, 0.895, dtype=np.float32), articles=["KB-1"] * 4)
    cfg = DraftSettings()  # weakly covered below 0.88; up to 0.90 when a keyword (or pair) is missing
    ids = ["t1", "t2", "t3", "t4"]
    pair = assess([0, 1, 2, 3], ids, coverage, {}, cfg, keywords=["제휴", "카드"], articles_text=text)
    assert pair.is_gap and pair.missing_keywords == ["제휴+카드"]
    covered = assess([0, 1, 2, 3], ids, coverage, {}, cfg, keywords=["카드", "결제"], articles_text=text)
    assert not covered.is_gap and covered.missing_keywords == []


def test_a_leftover_near_a_topic_joins_it_when_it_uses_a_keyword_only_that_topic_has() -> None:
    repair, rental = unit(1.0), unit(0.0, 1.0)
    vectors = np.vstack([around(repair, 4, 1), around(rental, 4, 2), unit(1.0, 0, 0, 0, 0, 0, 0.51)])
    assert 0.88 < float(vectors[-1] @ repair) < P.attach_similarity  # too far for the centroid attach
    topics = [["수리", "접수"]] * 4 + [["렌탈", "해지"]] * 4

    def last(tokens: list[str], params: TopicParams = P, others: list[list[str]] = topics) -> int:
        return int(find_topics(vectors, [*others, tokens], params)[-1])

    joined = last(["as", "수리"])
    assert joined >= 0 and joined == int(find_topics(vectors, [*topics, ["수리"]], P)[0])
    assert last(["as", "소식"]) == -1  # no word of the topic's: the vectors alone are not enough
    assert last(["as", "수리"], replace(P, keyword_attach=0.9)) == -1
    shared = [["수리", "접수"]] * 4 + [["렌탈", "수리"]] * 4  # 수리 is a keyword of both topics
    assert last(["as", "수리"], others=shared) == -1
    assert last(["렌탈"]) == -1  # a keyword of a topic that is not the nearest one
    assert DraftSettings().topic_params().keyword_attach == 0.88
