"""The Hangul-capable font the plots use (the analytics page's SVGs and the eval report's PNGs).

The fonts come from fontconfig (``fc-list :lang=ko``); a font installed after matplotlib built its
font cache (or a ``.ttc`` collection it did not scan) is added at run time, so a report never needs
a rebuilt cache to show Hangul. Regular, sans and KR faces are preferred.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from matplotlib import font_manager

__all__ = ["hangul_font"]


@functools.lru_cache(maxsize=1)
def hangul_font() -> str | None:
    """A font family that renders Hangul, registered with matplotlib, or None."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(
            ["fc-list", ":lang=ko", "-f", "%{file}\t%{family}\n"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = [line.split("\t", 1) for line in out.splitlines() if "\t" in line]
    fonts.sort(key=lambda f: ("Regular" not in f[0], "Sans" not in f[1], "KR" not in f[1], f[0]))
    ttflist = font_manager.fontManager.ttflist
    by_file = {f.fname: f.name for f in ttflist}  # the last entry of a file wins, as in ttflist order
    for path, _ in fonts:
        if path not in by_file:
            known = len(ttflist)
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
            finally:  # the map follows ttflist: only the entries just added are read
                by_file.update((f.fname, f.name) for f in ttflist[known:])
        if path in by_file:
            return by_file[path]
    return None
