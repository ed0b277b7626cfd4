"""Settings of topic mining and draft generation (env prefix ``KMS_DRAFTS_``).

Kept apart from the product's shared ``Settings``; build it at the edge (CLI command, API call,
test) and pass it down. The defaults were chosen by measurement with the bundled e5 model:

- clustering (``python -m assist.drafts.bench_clustering``, ~1,500 items each of banking77,
  paraKQC, korean_petitions and the sample KB's tickets): HDBSCAN has the best mean ARI but
  collapses whole sets into one or two giant clusters (petitions, the sample KB: clustered ARI
  0.00), which would make one useless "topic" of a whole domain; average linkage merges topics
  fast above a cosine distance of 0.09 (paraKQC: 150 sets -> 43 clusters at 0.10). Complete
  linkage never collapses (worst set: clustered ARI 0.18-0.27). At 0.12 it keeps 67% of items in
  clusters (0.10: 51%, 0.11: 59%) and, of 0.10/0.11/0.12, is the only one that surfaces all five
  planted gaps of the sample KB at ``min_size`` 5: recurring topics are not lost to noise.
- gaps (``python -m assist.drafts.bench_gaps``): a median best-article cosine below 0.905, or
  below 0.93 with a top keyword that no article contains, had the best F1 averaged over the
  banking77 set-up (P 0.79 / R 0.56) and the sample KB (P 0.83 / R 1.0). Re-embedding the
  inquiries as queries instead of using the stored ticket vectors did worse on both.
- topic identity: ticket overlap first; centroid cosine only at 0.98 (see ``match_centroid``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DraftSettings"]


class DraftSettings(BaseSettings):
    """How recurring topics are mined, when one is a gap and how topics are matched across runs."""

    model_config = SettingsConfigDict(env_prefix="KMS_DRAFTS_", env_file=None, extra="ignore")

    since_days: int = Field(90, ge=1, description="Default window: tickets resolved in the last N days.")
    min_size: int = Field(5, ge=2, description="Fewest tickets that make a recurring topic.")
    method: Literal["agglomerative", "hdbscan", "community"] = Field(
        "agglomerative", description="Clustering method (assist.clustering), chosen by bench_clustering."
    )
    cluster_threshold: float = Field(
        0.12,
        gt=0,
        lt=1,
        description="Cosine distance cut for 'agglomerative', cosine similarity for 'community'; "
        "unused by 'hdbscan'.",
    )
    cluster_linkage: Literal["average", "complete"] = Field(
        "complete", description="Linkage of 'agglomerative' (complete: no chaining, bench_clustering)."
    )
    hdbscan_min_samples: int | None = Field(
        None, ge=1, description="HDBSCAN min_samples (None: the same as min_size)."
    )
    coverage_threshold: float = Field(
        0.905,
        gt=0,
        le=1,
        description="A topic is weakly covered when the median over its tickets of the best dense "
        "cosine to an article chunk is below this (bench_gaps).",
    )
    coverage_ceiling: float = Field(
        0.93,
        gt=0,
        le=1,
        description="Below this median cosine a topic is also weakly covered when one of its top "
        "keywords appears in no article (bench_gaps).",
    )
    gap_keywords: int = Field(3, ge=0, description="Top topic keywords checked against the articles' text.")
    feedback_min: int = Field(2, ge=1, description="Fewest feedback rows before feedback can mark a gap.")
    feedback_bad_share: float = Field(
        0.5, ge=0, le=1, description="Share of bad feedback (rejected / heavily edited) that marks a gap."
    )
    bad_edit_distance: float = Field(
        0.5, ge=0, le=1, description="An 'edited' verdict with a larger normalised edit distance is bad."
    )
    match_overlap: float = Field(
        0.5, gt=0, le=1, description="A cluster is an existing topic when they share this share of tickets."
    )
    match_centroid: float = Field(
        0.98,
        gt=0,
        le=1,
        description="... or when their centroids are at least this cosine-similar (e5 centroids are close: "
        "sample KB, different topics median 0.945 / 99th pct 0.978, one topic's two halves median 0.985).",
    )
    regrow_factor: float = Field(
        1.5, ge=1, description="A rejected topic gets a new draft only once it grows by this factor."
    )
    max_tickets: int = Field(
        10000, ge=10, description="Most recent tickets clustered in one run (agglomerative memory is O(n²))."
    )

    def cluster_params(self, min_size: int | None = None) -> dict[str, Any]:
        """Keyword arguments of ``assist.clustering.cluster`` for the configured method."""
        size = min_size or self.min_size
        if self.method == "hdbscan":
            return {"min_size": size, "min_samples": self.hdbscan_min_samples}
        if self.method == "agglomerative":
            return {"min_size": size, "threshold": self.cluster_threshold, "linkage": self.cluster_linkage}
        return {"min_size": size, "threshold": self.cluster_threshold}
