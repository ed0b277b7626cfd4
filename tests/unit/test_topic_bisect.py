"""assist.drafts.bisect (step 8 of the topic clustering) on hand-made vectors and nouns."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assist.drafts import DraftSettings
from assist.drafts.bisect import bisect, bisect_topics
from assist.drafts.clusters import TopicParams, find_topics

# one group by its vectors (complete linkage at 0.2); 카드 is in every ticket (common at 0.9 of 10)
P = TopicParams(min_size=5, threshold=0.2, common_share=0.9, bisect_share=0.6)


def around(direction: np.ndarray, n: int, seed: int, noise: float = 0.002) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = direction + rng.normal(0, noise, (n, len(direction)))
    return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def unit(*values: float, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


# two subjects whose vectors sit close (cosine ≈ 0.955 between the halves' directions)
VECTORS = np.vstack([around(unit(1.0, 0.15), 5, 1), around(unit(1.0, -0.15), 5, 2)])
# 분실 for the first five, 해지 for the last five; 수수료 in one ticket of each links them (step 3)
LINKED = (
    [["카드", "분실"]] * 4
    + [["카드", "분실", "수수료"]]
    + [["카드", "해지", "수수료"]]
    + [["카드", "해지"]] * 4
)


def test_one_word_linking_two_subjects_kept_them_in_one_topic_before_bisect() -> None:
    assert find_topics(VECTORS, LINKED, replace(P, bisect_share=0.0)).tolist() == [0] * 10


def test_halves_with_a_keyword_of_their_own_become_two_topics() -> None:
    labels = find_topics(VECTORS, LINKED, P).tolist()
    assert len(set(labels[:5])) == 1 and len(set(labels[5:])) == 1
    assert labels[0] != labels[5] and -1 not in labels


def test_no_cut_when_a_half_has_no_keyword_of_its_own() -> None:
    shared = [["카드", "분실"]] * 10  # the vectors could be cut, the words do not confirm it
    assert find_topics(VECTORS, shared, P).tolist() == [0] * 10
    one_sided = [["카드", "분실"]] * 5 + [
        ["카드", "해지"],
        ["카드", "정지"],
        ["카드", "분실"],
        ["카드"],
        ["카드"],
    ]
    assert find_topics(VECTORS, one_sided, P).tolist() == [0] * 10  # the second half: no noun of 3/5


def test_bisect_needs_min_size_on_both_sides_and_a_positive_share() -> None:
    sets = [set(t) for t in LINKED]
    rows = list(range(10))
    assert bisect(rows, VECTORS, sets, 5, 0.6) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert bisect(rows, VECTORS, sets, 6, 0.6) == [rows]  # 5 + 5 < 2 × 6
    assert bisect(rows, VECTORS, sets, 5, 0.0) == [rows]  # 0: never
    labels = np.array([0] * 10 + [-1])
    extra = np.vstack([VECTORS, unit(0.0, 0.0, 1.0)[None, :].astype(np.float32)])
    out = bisect_topics(labels, extra, [*sets, {"기타"}], 5, 0.6).tolist()
    assert out == [0] * 5 + [1] * 5 + [-1]


def test_the_product_settings_turn_bisect_on() -> None:
    assert DraftSettings().topic_params().bisect_share == 0.6
    assert TopicParams().bisect_share == 0.0
