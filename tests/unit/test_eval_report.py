"""The HTML eval report: the dataset fingerprint appears once, and nothing makes the page wider
than a phone (wide tables scroll inside themselves, hashes and JSON wrap)."""

from __future__ import annotations

import re

from eval.report import render_html, report_payload
from eval.result import EvalRun

SHA_A = "a" * 64
SHA_B = "0123456789abcdef" * 4


def test_fingerprint_once_and_narrow_friendly_styles() -> None:
    dataset = {
        "name": "tinykb-smoke",
        "files": [
            {"path": "corpus.jsonl", "sha256": SHA_A, "rows": 4},
            {"path": "q.jsonl", "sha256": SHA_B, "rows": 5},
        ],
        "queries": 5,
        "chunks": 12,
    }
    run = EvalRun(
        kind="retrieval", primary_metric="hybrid/ndcg@10", metrics={"hybrid/ndcg@10": 0.8}, dataset=dataset
    )
    html = render_html(run, report_payload(run))
    assert html.count(SHA_A) == 1 and html.count(SHA_B) == 1  # no JSON dump repeating the table
    section = html[html.index("데이터셋 지문") : html.index("소요 시간")]
    assert (
        "<tr><th>queries</th><td>5</td></tr>" in section and "<tr><th>chunks</th><td>12</td></tr>" in section
    )
    assert "<pre>" not in section and section.count('<td class="hash">') == 2
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style and "display: block" in style.group(1) and "overflow-x: auto" in style.group(1)
    assert "white-space: pre-wrap" in style.group(1)  # the configuration JSON wraps
