"""The gap verdict as a fitted probability: does no article answer what a topic's customers ask?

The cosine rules of :mod:`assist.drafts.gaps` each read one signal against a fixed level. Where
the KB's articles are thin (a title and a few script questions, as on every held-out intent set)
the bundled e5 model puts a covered topic's tickets as close to its article as an uncovered
topic's to its neighbour, and a fixed level misjudges whole sets (furniture_home: 11 of 14
covered topics called gaps). This model weighs four signals together, each relative to the run
rather than an absolute cosine, so a KB of rich articles and one of thin ones read alike; it
overrules the rules where it is sure (``DraftSettings.gap_veto`` / ``gap_override``):

- ``unasked``: the tickets' median of (best cosine to a fellow ticket) − (best cosine to a script
  question of their three nearest articles) (:meth:`assist.drafts.script_fit.ScriptQuestionFit.unasked`);
- ``own_margin``: how well the topic fits its nearest article (median best cosine of its tickets to
  that article's chunks) minus the best such fit of any other topic of the run
  (:func:`assist.drafts.gaps.article_fits`): negative when the article is another topic's;
- ``nearest_share``: the share of the topic's tickets whose nearest article is that one;
- ``missing_keywords``: top keywords (or the top pair together) that no article chunk holds, at most 2.

A logistic regression over them is fitted on labelled runs of ``kms eval gaps`` (every topic of
the run, labelled by whether most of its tickets belong to an intent no article covers) with
``kms eval gaps-fit``, which also reports, leave one dataset out, the verdict errors and gap
precision/recall of the rules alone and of the rules overruled by the model. The
model file records the embedding model it was fitted with; with another model, or where a
feature is missing (no script question near the topic, a one-article KB), the rules decide.

Lookup order: ``DATA_DIR/gap_model.json`` (fitted on your own labelled runs), then the bundled
``assist/data/gap_model.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexes.logistic import StandardLogistic

__all__ = ["BUNDLED", "FEATURES", "MODEL_FILE", "GapModel", "fit_gap_model", "load_gap_model", "overruled"]

log = logging.getLogger(__name__)

FEATURES = ("unasked", "own_margin", "nearest_share", "missing_keywords")
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "gap_model.json"
MODEL_FILE = "gap_model.json"
MAX_MISSING = 2  # a third missing keyword says nothing the second did not


@dataclass
class GapModel(StandardLogistic):
    """Standardised logistic regression over :data:`FEATURES`: the probability of a gap."""

    features: tuple[str, ...] = FEATURES

    def fits_embedder(self, model_id: str) -> bool:
        """Fitted on this embedding model's cosines (a model file without the record fits any)."""
        fitted = str(self.fit.get("embedder") or "")
        return not fitted or fitted == model_id


def overruled(rules_gap: bool, probability: float, *, veto: float, override: float) -> bool:
    """The verdict where the model decides: the rules' gap stands unless its probability is below
    ``veto``; a topic the rules call covered is a gap from ``override`` up. The product
    (:func:`assist.drafts.gaps.assess`) and ``kms eval gaps-fit`` both decide through this."""
    return (rules_gap and probability >= veto) or probability >= override


def fit_gap_model(
    rows: Sequence[dict[str, float]], labels: Sequence[int], *, fit_info: dict[str, Any]
) -> GapModel:
    """Fit on topics' features and 0/1 labels (1 = most of its tickets ask what no article covers)."""
    import numpy as np

    if len(set(labels)) < 2:
        raise ValueError("fitting the gap verdict needs both covered and uncovered topics")
    x = np.array([[r[f] for f in FEATURES] for r in rows], dtype=float)
    return GapModel.fitted_on(x, labels, fit_info=fit_info)


def load_gap_model(data_dir: Path | None) -> GapModel | None:
    """The data dir's fitted model if there is one, else the bundled one; None when neither reads."""
    for path in ([data_dir / MODEL_FILE] if data_dir else []) + [BUNDLED]:
        if not path.is_file():
            continue
        try:
            return GapModel.load_cached(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("gap model %s is unreadable (%s); using the next one", path, exc)
    return None
