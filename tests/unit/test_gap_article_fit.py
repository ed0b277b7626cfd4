"""assist.drafts: an article answers the topic it fits best (article_fits and the gap rule); a topic
needs a subject word its tickets share."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assist.drafts.clusters import TopicParams, find_topics
from assist.drafts.config import DraftSettings
from assist.drafts.gaps import Coverage, article_fits, assess
from assist.drafts.proposals import propose
from core.records import TicketRecord

CFG = DraftSettings()  # rival_ceiling 0.93, owner_floor 0.86, owner_margin 0.01


def coverage(sims: list[list[float]], chunk_articles: list[str]) -> Coverage:
    """Coverage of tickets (rows) against article chunks (columns), as article_coverage builds it."""
    arr = np.asarray(sims, dtype=np.float32)
    best = arr.max(axis=1)
    articles: list[str | None] = [chunk_articles[int(a)] for a in arr.argmax(axis=1)]
    return Coverage(best=best, articles=articles, sims=arr, chunk_articles=chunk_articles)


def test_fit_to_takes_each_tickets_best_chunk_of_one_article() -> None:
    cov = coverage([[0.8, 0.9, 0.7], [0.95, 0.6, 0.5]], ["KB-1", "KB-1", "KB-2"])
    assert np.allclose(cov.fit_to("KB-1"), [0.9, 0.95])
    assert np.allclose(cov.fit_to("KB-2"), [0.7, 0.5])
    assert np.allclose(cov.fit_to("KB-9"), [0.0, 0.0])  # an article without chunks fits nothing
    assert np.allclose(Coverage(best=np.ones(2), articles=["KB-1"] * 2).fit_to("KB-1"), [0.0, 0.0])


def test_article_fits_compares_each_topic_with_the_others_on_its_nearest_article() -> None:
    # topic A (rows 0-2) is KB-1's own topic; topic B (rows 3-5) is nearest to KB-1 too, but less
    # close; topic C (rows 6-7) is nearest to KB-2, which nobody else comes near
    sims = [
        [0.95, 0.80],
        [0.94, 0.80],
        [0.96, 0.81],
        [0.90, 0.85],
        [0.89, 0.86],
        [0.91, 0.84],
        [0.80, 0.88],
        [0.81, 0.87],
    ]
    cov = coverage(sims, ["KB-1", "KB-2"])
    fits = article_fits(cov, [[0, 1, 2], [3, 4, 5], [6, 7]])
    assert np.allclose(fits[0], (0.95, 0.90))  # A: its own median on KB-1, B's median on KB-1
    assert np.allclose(fits[1], (0.90, 0.95))  # B: A fits B's nearest article better
    assert np.allclose(fits[2], (0.875, 0.85))  # C: KB-2; B's median on KB-2 is the best rival
    assert article_fits(cov, [[0, 1]])[0][1] == 0.0  # a single topic has no rival
    assert article_fits(Coverage(best=np.zeros(2), articles=[None, None]), [[0, 1]]) == [(0.0, 0.0)]


def _verdict(median: float, fit: tuple[float, float] | None) -> bool:
    cov = Coverage(best=np.full(4, median, dtype=np.float32), articles=["KB-1"] * 4)
    gap = assess([0, 1, 2, 3], ["a", "b", "c", "d"], cov, {}, CFG, fit=fit)
    assert gap.article_fit == (None if fit is None else fit[0])
    assert gap.as_json()["rival_fit"] == (None if fit is None else round(fit[1], 4))
    return gap.is_gap


def test_a_topic_whose_nearest_article_is_another_topics_is_uncovered_below_the_ceiling() -> None:
    assert not _verdict(0.905, None)  # the absolute rule alone: covered
    assert _verdict(0.905, (0.905, 0.93))  # another topic fits KB-1 better by 0.025: a gap
    assert not _verdict(0.905, (0.905, 0.91))  # within the margin: still covered
    assert not _verdict(0.94, (0.94, 0.96))  # above rival_ceiling the article covers it anyway


def test_a_topic_its_nearest_article_fits_best_is_covered_from_the_floor_up() -> None:
    assert _verdict(0.87, None)  # the absolute rule alone: below 0.88, a gap
    assert not _verdict(0.87, (0.87, 0.84))  # the article fits it best by 0.03: covered
    assert _verdict(0.87, (0.87, 0.865))  # within the margin: still a gap
    assert _verdict(0.85, (0.85, 0.80))  # below owner_floor a best fit is no answer


def test_the_fit_rules_need_the_article_to_be_nearest_for_enough_of_the_topic() -> None:
    def verdict(median: float, nearest: list[str | None], fit: tuple[float, float]) -> bool:
        cov = Coverage(best=np.full(len(nearest), median, dtype=np.float32), articles=nearest)
        return assess(
            list(range(len(nearest))), [f"t{i}" for i in range(len(nearest))], cov, {}, CFG, fit=fit
        ).is_gap

    spread: list[str | None] = ["KB-1", "KB-2", "KB-3", "KB-4", "KB-5", "KB-6"]  # a broad topic
    assert not verdict(0.905, spread, (0.905, 0.93))  # KB-1 is nearest for 1 of 6 (< rival_share 0.2)
    assert verdict(0.905, ["KB-1", "KB-1", *spread[2:]], (0.905, 0.93))  # 2 of 6: the rival rule holds
    half: list[str | None] = ["KB-1"] * 3 + ["KB-2"] * 3  # a mixed topic, half of it KB-1's subject
    assert verdict(0.87, half, (0.87, 0.84))  # under owner_share 0.6: still a gap
    assert not verdict(0.87, ["KB-1"] * 4 + ["KB-2"] * 2, (0.87, 0.84))  # 4 of 6: KB-1 was written for it


def test_bad_feedback_marks_a_gap_whatever_the_article_fit() -> None:
    cov = Coverage(best=np.full(2, 0.87, dtype=np.float32), articles=["KB-1"] * 2)
    feedback = {"a": (2, 2), "b": (1, 1)}
    gap = assess([0, 1], ["a", "b"], cov, feedback, CFG, fit=(0.87, 0.80))
    assert not gap.weak_coverage and gap.bad_feedback and gap.is_gap


def test_a_topic_without_a_shared_subject_word_is_no_topic() -> None:
    rng = np.random.default_rng(5)
    rows = np.array([1.0] + [0.0] * 7) + rng.normal(0, 0.002, (12, 8))
    vectors = rows / np.linalg.norm(rows, axis=1, keepdims=True)  # one tight group by vectors
    params = TopicParams(min_size=3, threshold=0.05, common_share=0.9)
    # twelve complaints that something has not come: each about another thing, no word in common
    scattered = [[f"물건{i}", f"사유{i}"] for i in range(11)] + [["물건0"]]
    assert find_topics(vectors, scattered, params).tolist() == [-1] * 12
    assert find_topics(vectors, scattered, replace(params, subject_share=0.0)).tolist() == [0] * 12
    # four of the twelve (a third) name the same thing: that is the topic's subject
    shared = [["배송", f"사유{i}"] if i < 4 else [f"물건{i}"] for i in range(12)]
    assert find_topics(vectors, shared, params).tolist() == [0] * 12
    assert DraftSettings().topic_params().subject_share == 0.3


def test_a_gap_near_another_topics_article_proposes_a_new_article_not_an_update() -> None:
    cov = Coverage(best=np.full(4, 0.895, dtype=np.float32), articles=["KB-1"] * 4)
    rows, ids = [0, 1, 2, 3], ["a", "b", "c", "d"]
    tickets = [TicketRecord(ticket_id=t, inquiry=f"음료 추천 {t}", source="t", resolution="네") for t in ids]

    def kind(fit: tuple[float, float]) -> str:
        # 0.895 < coverage_ceiling with a keyword no article has: a gap; KB-1 nearest for all four
        gap = assess(rows, ids, cov, {}, CFG, keywords=["음료"], fit=fit)
        assert gap.is_gap
        return propose(gap, rows, tickets, cov, CFG).kind

    assert kind((0.895, 0.947)) == "new"  # another topic fits KB-1 by far better: KB-1 is its article
    assert kind((0.895, 0.90)) == "update"  # within owner_margin: add this topic's questions to KB-1


def test_a_topic_with_a_covered_and_an_uncovered_part_is_cut_in_two() -> None:
    from assist.drafts.gaps import coverage_split

    mixed = np.array([0.88, 0.89, 0.885, 0.895, 0.89, 0.93, 0.94, 0.935, 0.945, 0.93], dtype=np.float32)
    rows = [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]  # rows of the run, in any order

    def split(best: np.ndarray, gap: float = 0.035, ceiling: float = 0.90) -> list[list[int]]:
        return coverage_split(list(range(len(best))), best, min_size=5, gap=gap, ceiling=ceiling)

    assert split(mixed) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]  # medians 0.89 and 0.935
    assert coverage_split(rows, mixed, min_size=5, gap=0.035, ceiling=0.90)[0] == [0, 1, 2, 3, 4]
    assert split(mixed, gap=0.05) == [list(range(10))]  # the sides are not that far apart
    assert split(mixed, gap=0.0) == [list(range(10))]  # 0: never
    assert split(mixed, ceiling=0.88) == [list(range(10))]  # both sides covered
    assert split(mixed[:9]) == [list(range(9))]  # fewer than min_size a side
    # no test for two modes: a topic whose cosines spread evenly this wide is cut as well
    even = np.linspace(0.87, 0.95, 10).astype(np.float32)
    assert len(split(even)) == 2 and len(split(even, gap=0.045)) == 1
