"""Report plots render Hangul: a CJK font is found at run time, or labels fall back to English."""

from __future__ import annotations

import base64
import shutil
import subprocess
import warnings

from eval import plots


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
    if _system_has_hangul_font():
        assert plots.hangul_font(), "fontconfig lists a Hangul font but the plots do not use it"
        assert plots.label("응답률", "coverage") == "응답률 (coverage)"
    else:
        assert plots.label("응답률", "coverage") == "coverage"
