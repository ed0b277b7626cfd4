"""Report plots render Hangul: a CJK font is found at run time, or labels fall back to English."""

from __future__ import annotations

import base64
import shutil
import subprocess
import warnings

from eval import plots
from eval.metrics import CurvePoint


def _system_has_hangul_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=ko", "file"], capture_output=True, text=True, timeout=10).stdout
    return bool(out.strip())


def test_a_korean_label_renders_without_missing_glyphs() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = {plots.label("기준", "baseline"): {plots.label("응답률", "coverage"): 0.8}}
        png = plots.bars(values, plots.label("한글 제목", "title"))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert base64.b64decode(png).startswith(b"\x89PNG")


def test_every_plot_kind_renders_its_korean_labels() -> None:
    points = [CurvePoint(t / 10, 1 - t / 10, 0.5 - t / 20, 0.9) for t in range(11)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = [
            plots.curve(points, "coverage", chosen=0.3),
            plots.reliability([0.1, 0.5, 0.9, 0.95], [False, True, True, True], "reliability"),
            plots.histogram({"hybrid": [1.0, 2.0, 3.0]}, "latency", "ms"),
            plots.rank_distribution({"hybrid": [1, 2, None]}, "rank"),
        ]
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert all(base64.b64decode(p).startswith(b"\x89PNG") for p in pngs)
    if _system_has_hangul_font():
        assert plots.hangul_font(), "fontconfig lists a Hangul font but the plots do not use it"
        assert plots.label("응답률", "coverage") == "응답률 (coverage)"
    else:
        assert plots.label("응답률", "coverage") == "coverage"
