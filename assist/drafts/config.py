"""Settings of topic mining and draft generation (env prefix ``KMS_DRAFTS_``).

Kept apart from the product's shared ``Settings``; build it at the edge (CLI command, API call,
test) and pass it down. The defaults were chosen by measurement with the bundled e5 model:

- topics (``assist.drafts.clusters``): ``kms eval gaps``-style runs on banking77 (77 intents ×
  10 tickets), paraKQC (60 paraphrase sets), the hand-written gaps_ko set and the sample KB's
  tickets (its five planted gaps), every combination of base linkage average/complete, cut
  0.08-0.14, merge centroid 0.93/0.95/0.97 (keywords 0.3/0.5), attach 0.88/0.90/0.92 and the gap
  rule below, ranked by gap F1 averaged over the four sets. Best: inquiries embedded as queries,
  complete linkage cut at 0.12, groups merged at centroid cosine 0.97 with half their keywords
  shared, leftovers attached at 0.90 (mean F1 0.86; average linkage chained the sample KB's long
  inquiries into 72-ticket topics that swallowed two planted gaps). Stored ticket passages
  (inquiry + resolution) were dropped: a resolution wording many tickets share made whole sets
  one topic (paraKQC: 7 topics for 60 sets).
- gaps: a median best-article cosine (query vectors) below 0.88, or below 0.90 with a top
  keyword that no article contains. A gap topic within 0.89 of one article that is the nearest
  for 60 % of its tickets proposes updating that article (``assist.drafts.proposals``); this
  turned covered banking77 intents' drafts into updates (precision 0.83 → 0.86) but also two
  uncovered paraKQC sets (recall 0.90 → 0.83).
- article fit (``assist.drafts.gaps.article_fits``): an article answers the topic it fits best.
  Below 0.93 a topic is a gap when another topic fits its nearest article better by 0.01 (that
  article nearest for ≥ 20 % of its tickets); from 0.86 up a topic its nearest article fits best by
  0.01 (nearest for ≥ 60 %) is covered. kms eval gaps: banking77 P/R 0.742/0.590 → 0.788/0.667
  with the subject rule below, paraKQC recall 0.833 → 0.867, gaps_ko unchanged. rival_share 0 gave
  the sample KB's 결제 오류 topic (67 tickets over many articles) a false draft, 0.25-0.4 cost
  banking77 one intent (R 0.641); owner_share 0 lost the sample KB's 관부가세 planted gap.
- topics need a subject (``subject_share`` 0.3): gaps_ko's mixed delivery-complaint topic (its most
  used noun in 2 of 16 tickets) was a false draft (precision 0.889 → 1.0).
- an update proposal needs the article to be this topic's: a gap topic that another topic fits
  its nearest article better by ``owner_margin`` proposes a new article (paraKQC R 0.867 → 0.900,
  banking77 P/R 0.788/0.667 → 0.794/0.692, gaps_ko unchanged).
- keyword attach (``keyword_attach_similarity`` 0.88): a ticket in no topic joins its nearest topic
  from 0.88 when it uses a top keyword only that topic has: gaps_ko attached 0.813 → 0.836, NMI
  0.844 → 0.852; paraKQC and banking77 P/R unchanged (0.86-0.88 gave the same figures; taking the
  nearest topic *with* such a keyword instead also cost banking77 precision, 0.794 → 0.778).
- coverage split (``coverage_split`` 0.035 around ``coverage_ceiling``): paraKQC P/R 1.0/0.900 →
  1.0/1.0 (two covered+uncovered sets cut apart, NMI 0.982 → 0.988, ARI 0.913 → 0.948); banking77
  P/R 0.794/0.692 → 0.775/0.795, F1 0.741 → 0.785; gaps_ko unchanged. 0.03/0.04 gave banking77
  0.756/0.795 and 0.769/0.769; a cut at 0.91 gave 0.784/0.744.
- early merge (``merge_centroid`` 0.975, was 0.97): short chat inquiries of different intents have
  centroids 0.97 alike in e5-small (a held-out Korean food-delivery/pay intent set written for
  this, 20 intents × 15, ``kms eval gaps --items``: its groups' purity fell 0.771 → 0.653 in the
  merge). P/R 0.75/0.30 → 0.857/0.60, NMI 0.577 → 0.688 there; a telecom/insurance set written
  the same way unchanged (0.875/0.70); gaps_ko and paraKQC unchanged; banking77 seed 7 P/R
  unchanged 0.756/0.795 but duplicates 0.139 → 0.184 and attached 0.591 → 0.540, seed 11 P
  0.739 → 0.723, duplicates 0.209 → 0.227. 0.98 gave the same on the Korean sets and banking77
  P 0.738.
- bisect (``bisect_share`` 0.6, ``assist.drafts.bisect``): a topic cut in two by 2-means when each
  half has a noun used by 60 % of it and by none of the other half. Chosen on banking77 seed 11
  (0.5-0.7 all P/R 0.717/0.846 → 0.723/0.872; 0.6-0.7 fewest duplicates), checked on seeds 7
  (unchanged), 23 (0.744/0.744 → 0.750/0.769 at 0.5-0.6, unchanged at 0.7; 0.4 lost seed 7's
  recall), gaps_ko (unchanged) and paraKQC (P/R unchanged, NMI 0.9875 → 0.9900).
- what the articles' scripts ask (``assist.drafts.script_fit``; eval/README.md): an update
  proposal needs the tickets at 0.91 of the article's script questions (``update_question_floor``;
  telco_ins P/R 0.875/0.70 → 0.889/0.80, delivery_bank 0.857/0.60 → 0.889/0.80, the others
  unchanged), and a gap whose tickets are no closer to each other than to the scripts of their
  nearest articles, within 0.012, is covered (``unasked_margin``; travel_air 0.583/0.70 →
  1.0/0.70, banking77 0.756/0.795 → 0.818/0.692, telco_ins → 1.0/0.70, delivery_bank → 0.875/0.70;
  0.008: travel_air 0.778/0.70, telco_ins 1.0/0.80, banking77 0.794/0.692).
- attach margin (``attach_margin`` 0.02): a leftover joins its nearest topic only when that
  centroid beats the second nearest by 0.02; tickets between two topics had made them mixed
  (travel_air: purity after attaching 0.851 → 0.618; the refunds of cancelled flights ended up in
  a 65-ticket topic with hotel cancellations). Left over, they seed topics of their own. kms eval
  gaps P/R: travel_air 1.0/0.70 → 1.0/1.0, telco_ins 1.0/0.70 → 1.0/0.90, delivery_bank
  0.875/0.70 → 0.889/0.80, banking77 0.818/0.692 → 0.844/0.692, edu_subs, gaps_ko, paraKQC
  unchanged; but duplicates up (edu_subs 0.091 → 0.286, gaps_ko 0 → 0.111, travel_air 0.30 →
  0.33, banking77 0.156 → 0.182) and tickets attached down (gaps_ko 0.907 → 0.850). 0.01 was
  worse than 0 on telco_ins (0.857/0.60) and edu_subs (0.818/0.90).
- topic identity: ticket overlap first; centroid cosine only at 0.98 (see ``match_centroid``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assist.drafts.clusters import TopicParams

__all__ = ["DraftSettings"]


class DraftSettings(BaseSettings):
    """How recurring topics are mined, when one is a gap and how topics are matched across runs."""

    model_config = SettingsConfigDict(env_prefix="KMS_DRAFTS_", env_file=None, extra="ignore")

    since_days: int = Field(90, ge=1, description="Default window: tickets resolved in the last N days.")
    min_size: int = Field(5, ge=2, description="Fewest tickets that make a recurring topic.")
    method: Literal["agglomerative"] = Field(
        "agglomerative", description="Base clustering of assist.drafts.clusters (then merge, split, attach)."
    )
    cluster_threshold: float = Field(
        0.12, gt=0, lt=1, description="Cosine distance cut of the base agglomerative clustering."
    )
    cluster_linkage: Literal["average", "complete"] = Field(
        "complete", description="Linkage of the base agglomerative clustering."
    )
    merge_centroid: float = Field(
        0.975,
        gt=0,
        le=1,
        description="Groups merge when their centroids are at least this cosine-similar ...",
    )
    merge_keywords: float = Field(
        0.5, ge=0, le=1, description="... and their keyword sets share this share of the smaller set."
    )
    keyword_share: float = Field(
        0.3, gt=0, le=1, description="A group's keyword: a noun used by at least this share of its members."
    )
    attach_similarity: float = Field(
        0.9, gt=0, le=1, description="A leftover ticket joins the nearest topic at this centroid cosine."
    )
    attach_margin: float = Field(
        0.02,
        ge=0,
        lt=1,
        description="... and only when that centroid is nearer than the second nearest by this much: a "
        "ticket between two topics joins neither (kms eval gaps).",
    )
    split_common_share: float = Field(
        0.1, gt=0, le=1, description="Nouns in more than this share of all tickets link nothing in a split."
    )
    regroup_centroid: float = Field(
        0.95, gt=0, le=1, description="Topics merge when their centroids are at least this cosine-similar ..."
    )
    regroup_keywords: int = Field(
        2, ge=0, description="... and share this many of their five most distinctive keywords (0: never) ..."
    )
    regroup_spread: int = Field(
        3, ge=2, description="... counting only keywords that at most this many topics have."
    )
    seed_share: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Leftover tickets sharing a noun form a topic when this share of the noun's tickets "
        "are leftovers (0.6: the clustered topics do not own it).",
    )
    subject_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="A topic needs a noun used by at least this share of its tickets (its subject); "
        "without one its tickets are left out (0: keep every topic).",
    )
    keyword_attach_similarity: float = Field(
        0.88,
        gt=0,
        le=1,
        description="A ticket in no topic joins its nearest topic from this centroid cosine when it uses "
        "one of that topic's own top keywords (no other topic's; gaps_ko attached 0.81 -> 0.84).",
    )
    bisect_share: float = Field(
        0.6,
        ge=0,
        le=1,
        description="A topic is cut in two by its vectors when each half has a noun used by this share of "
        "its tickets and by none of the other half (0: never; assist.drafts.bisect, kms eval gaps).",
    )
    coverage_threshold: float = Field(
        0.88,
        gt=0,
        le=1,
        description="A topic is weakly covered when the median over its tickets of the best dense "
        "cosine to an article chunk is below this (kms eval gaps).",
    )
    coverage_ceiling: float = Field(
        0.90,
        gt=0,
        le=1,
        description="Below this median cosine a topic is also weakly covered when one of its top "
        "keywords appears in no article (kms eval gaps).",
    )
    rival_ceiling: float = Field(
        0.93,
        gt=0,
        le=1,
        description="Below this median cosine a topic is also weakly covered when another topic fits "
        "its nearest article better by owner_margin (the article is that topic's).",
    )
    owner_floor: float = Field(
        0.86,
        gt=0,
        le=1,
        description="From this median cosine up a topic is covered when it fits its nearest article "
        "better than any other topic does by owner_margin (the article was written for it).",
    )
    coverage_split: float = Field(
        0.035,
        ge=0,
        lt=1,
        description="A topic is cut in two when its tickets' best article cosines fall into sides whose "
        "medians differ by this much, on either side of coverage_ceiling (0: never; kms eval gaps).",
    )
    owner_margin: float = Field(
        0.01, ge=0, lt=1, description="Margin of median cosines that makes an article one topic's."
    )
    rival_share: float = Field(
        0.2, ge=0, le=1, description="rival_ceiling applies when the article is nearest for this share ..."
    )
    owner_share: float = Field(
        0.6, ge=0, le=1, description="... and owner_floor when it is nearest for this share of the tickets."
    )
    update_floor: float = Field(
        0.89,
        gt=0,
        le=1,
        description="A gap topic at least this close (median cosine) to one article proposes updating it.",
    )
    unasked_margin: float = Field(
        0.012,
        ge=0,
        lt=1,
        description="A topic the cosine rules call a gap is covered when its tickets are at most this much "
        "closer to each other than to the script questions of their nearest articles (median over the "
        "tickets): a script already asks what they ask (0: not checked; assist.drafts.script_fit).",
    )
    verdict: Literal["model", "rules"] = Field(
        "model",
        description="How a topic is judged a gap: 'model' (the rules, overruled by the fitted probability "
        "of assist.drafts.gap_model where it is sure: gap_veto / gap_override) or 'rules' only.",
    )
    gap_veto: float = Field(
        0.4,
        ge=0,
        le=1,
        description="A gap by the rules is covered after all when the fitted probability is below this.",
    )
    gap_override: float = Field(
        0.7,
        ge=0,
        le=1,
        description="A topic the rules call covered is a gap when the fitted probability is at least this "
        "(kms eval gaps-fit: veto 0.4 / override 0.7 gave the best mean leave-one-dataset-out gap F1).",
    )
    update_question_floor: float = Field(
        0.91,
        ge=0,
        le=1,
        description="... and when its tickets are at least this close (median best cosine, as queries) to "
        "one of that article's script questions; below it the topic asks what the article does not and "
        "proposes a new article (0: not checked; assist.drafts.script_fit, kms eval gaps).",
    )
    update_share: float = Field(
        0.6, gt=0, le=1, description="... when that article is the nearest one for this share of its tickets."
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

    def topic_params(self, min_size: int | None = None) -> TopicParams:
        """The settings of ``assist.drafts.clusters.find_topics`` (drafts and evals use these)."""
        return TopicParams(
            min_size=min_size or self.min_size,
            threshold=self.cluster_threshold,
            linkage=self.cluster_linkage,
            merge_centroid=self.merge_centroid,
            merge_keywords=self.merge_keywords,
            keyword_share=self.keyword_share,
            attach_similarity=self.attach_similarity,
            attach_margin=self.attach_margin,
            common_share=self.split_common_share,
            regroup_centroid=self.regroup_centroid,
            regroup_keywords=self.regroup_keywords,
            regroup_spread=self.regroup_spread,
            seed_share=self.seed_share,
            subject_share=self.subject_share,
            keyword_attach=self.keyword_attach_similarity,
            bisect_share=self.bisect_share,
        )
