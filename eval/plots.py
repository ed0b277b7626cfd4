"""Report plots as base64 PNGs (matplotlib, Agg backend, no files, no display).

Axis labels are Korean with English in parentheses when a Hangul-capable font is installed
(``fc-list :lang=ko``); otherwise English only, so no tofu boxes appear.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from assist.fonts import hangul_font
from eval.metrics import CurvePoint

__all__ = ["bars", "curve", "hangul_font", "histogram", "label", "rank_distribution"]


def label(ko: str, en: str) -> str:
    return f"{ko} ({en})" if hangul_font() else en


def _fonts() -> None:
    """Set the fonts before any figure exists: axes create their label texts with the fonts
    current at creation, so a font set afterwards would leave Hangul labels without glyphs."""
    font = hangul_font()
    if font:  # DejaVu Sans (matplotlib's own) as the fallback for any glyph the CJK face lacks
        plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False


def _figure(width: float = 7.5, height: float = 3.6, ncols: int = 1) -> tuple[Any, Any]:
    _fonts()
    return plt.subplots(1, ncols, figsize=(width, height), dpi=100)


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def bars(values: Mapping[str, Mapping[str, float | None]], title: str, ylabel: str = "") -> str:
    """Grouped bars: one group per metric, one bar per configuration."""
    configs = list(values)
    metrics = list(dict.fromkeys(m for v in values.values() for m in v))
    fig, ax = _figure(max(6.0, 1.2 * len(metrics) + 0.3 * len(configs) * len(metrics) / 2), 3.8)
    width = 0.8 / max(1, len(configs))
    for i, config in enumerate(configs):
        heights = [values[config].get(m) or 0.0 for m in metrics]
        xs = [j + i * width - 0.4 + width / 2 for j in range(len(metrics))]
        ax.bar(xs, heights, width=width, label=config)
    ax.set_xticks(range(len(metrics)), metrics)
    ax.set_ylim(0, 1.05 if all((v or 0) <= 1 for c in values.values() for v in c.values()) else None)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def rank_distribution(ranks: Mapping[str, Sequence[int | None]], title: str, *, cutoff: int = 10) -> str:
    """Share of queries whose first relevant document is at rank 1, 2, …, cutoff, later, or never."""
    bins = [str(r) for r in range(1, cutoff + 1)] + [f">{cutoff}", label("없음", "none")]
    fig, ax = _figure(8, 3.6)
    width = 0.8 / max(1, len(ranks))
    for i, (config, values) in enumerate(ranks.items()):
        n = max(1, len(values))
        counts = [sum(1 for r in values if r == b) for b in range(1, cutoff + 1)]
        counts += [
            sum(1 for r in values if r is not None and r > cutoff),
            sum(1 for r in values if r is None),
        ]
        xs = [j + i * width - 0.4 + width / 2 for j in range(len(bins))]
        ax.bar(xs, [c / n for c in counts], width=width, label=config)
    ax.set_xticks(range(len(bins)), bins)
    ax.set_xlabel(label("첫 관련 문서 순위", "rank of first relevant document"))
    ax.set_ylabel(label("질문 비율", "share of queries"))
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def curve(points: Sequence[CurvePoint], title: str, *, chosen: float | None = None) -> str:
    """Coverage, false-answer rate and answered-correct share against the confidence threshold."""
    fig, (left, right) = _figure(10, 3.8, ncols=2)
    ts = [p.threshold for p in points]
    left.step(ts, [p.coverage for p in points], where="post", label=label("응답률", "coverage"))
    left.step(ts, [p.far for p in points], where="post", label=label("오답변율", "false-answer rate"))
    correct = [(p.threshold, p.answered_correct) for p in points if p.answered_correct is not None]
    if correct:
        left.step(
            [t for t, _ in correct],
            [c for _, c in correct],
            where="post",
            label=label("정답 인용 비율", "top citation gold"),
        )
    if chosen is not None:
        left.axvline(chosen, color="grey", linestyle="--", label=label("권장 임계값", "recommended"))
    left.set_xlabel(label("신뢰도 임계값", "confidence threshold"))
    left.set_xlim(0, max(1.0, max(ts, default=1.0)))
    left.set_ylim(0, 1.02)
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    right.plot([p.far for p in points], [p.coverage for p in points], marker=".")
    right.set_xlabel(label("오답변율", "false-answer rate"))
    right.set_ylabel(label("응답률", "coverage"))
    right.set_xlim(0, 1.02)
    right.set_ylim(0, 1.02)
    right.grid(alpha=0.3)
    fig.suptitle(title)
    return _png(fig)


def histogram(values: Mapping[str, Sequence[float]], title: str, xlabel: str, *, bins: int = 40) -> str:
    """Step histograms on shared bins (logarithmic when the values span more than 50×)."""
    fig, ax = _figure(7.5, 3.6)
    every = np.asarray([v for vals in values.values() for v in vals], dtype=float)
    positive = every[every > 0]
    edges: Any = bins
    if positive.size and positive.max() / positive.min() > 50:
        edges = np.geomspace(positive.min(), positive.max(), bins + 1)
        ax.set_xscale("log")
    elif every.size:
        edges = np.histogram_bin_edges(every, bins=bins)
    for name, vals in values.items():
        if len(vals):
            ax.hist(list(vals), bins=edges, histtype="step", linewidth=1.4, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label("빈도", "count"))
    ax.set_title(title)
    if len(values) > 1:
        ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return _png(fig)


def reliability(confidences: Sequence[float], correct: Sequence[bool], title: str, *, bins: int = 10) -> str:
    """Reliability diagram: share of right answers per confidence bin against the diagonal."""
    fig, (left, right) = _figure(10, 3.8, ncols=2)
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges) - 1, 0, bins - 1)
    mids, acc, counts = [], [], []
    for b in range(bins):
        sel = which == b
        counts.append(int(sel.sum()))
        if sel.any():
            mids.append(float(conf[sel].mean()))
            acc.append(float(ok[sel].mean()))
    left.plot([0, 1], [0, 1], color="grey", linestyle="--", label=label("완벽한 보정", "perfect calibration"))
    left.plot(mids, acc, marker="o", label=label("실제 정답 비율", "observed share right"))
    left.set_xlabel(label("신뢰도", "confidence"))
    left.set_ylabel(label("정답 비율", "share right"))
    left.set_xlim(0, 1)
    left.set_ylim(0, 1.02)
    left.legend(fontsize=7)
    left.grid(alpha=0.3)
    right.bar((edges[:-1] + edges[1:]) / 2, counts, width=0.9 / bins)
    right.set_xlabel(label("신뢰도", "confidence"))
    right.set_ylabel(label("질문 수", "questions"))
    right.grid(axis="y", alpha=0.3)
    fig.suptitle(title)
    return _png(fig)
