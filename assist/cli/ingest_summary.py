"""What `kms ingest`, `kms init --sample` and `kms reindex` print when they are done.

Plain sentences, one subject a line (문서/티켓/개인정보/색인), counts that are zero left out:
``문서 (articles): 31 new, 2 updated`` rather than ``articles: {'created': 31, 'updated': 2}``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.pipeline import IngestReport

STAGE_LABELS = {
    "read": "읽기 (files)",
    "store": "저장 (records)",
    "model": "모델 로드 (model)",
    "embed": "임베딩 (chunks)",
}
_OUTCOMES = (("created", "new"), ("updated", "updated"), ("unchanged", "unchanged"), ("deleted", "deleted"))


def outcome_counts(counts: Counter[str]) -> str:
    """``31 new, 2 updated`` (zero counts left out), or ``none``."""
    parts = [f"{counts[key]} {word}" for key, word in _OUTCOMES if counts.get(key)]
    parts += [f"{n} {key}" for key, n in sorted(counts.items()) if n and key not in dict(_OUTCOMES)]
    return ", ".join(parts) or "none"


def summary_lines(report: IngestReport) -> list[str]:
    """The summary of a run, one readable line per subject."""
    lines = []
    if report.articles or report.tickets or report.incomplete:
        articles = f"문서 (articles): {outcome_counts(report.articles)}"
        if report.incomplete:
            articles += f"; {len(report.incomplete)} incomplete (required sections missing, see warnings)"
        lines += [articles, f"티켓 (tickets): {outcome_counts(report.tickets)}"]
    if report.masked:  # counts per kind only: the values themselves are never printed
        from korean.pii import PLACEHOLDER_BY_KIND

        shown = ", ".join(f"{PLACEHOLDER_BY_KIND.get(k, k)} {n}" for k, n in sorted(report.masked.items()))
        lines.append(f"개인정보 마스킹 (PII masked): {shown}")
    build = report.build
    if report.index_folder and report.index_unchanged:
        lines.append(
            f"색인 (index): {build.chunks} chunks, already served by {report.index_folder} "
            "(nothing embedded, built or written)"
        )
    elif report.index_folder:
        lines.append(
            f"색인 (index): {build.chunks} chunks ({build.embedded} embedded, {build.reused} reused) "
            f"in {report.index_folder}"
        )
    else:
        lines.append("색인 (index): unchanged")
    return lines


def error_line(report: IngestReport) -> str | None:
    """The closing line of a run with errors, or None without."""
    if report.ok:
        return None
    stored = sum(report.articles.values()) + sum(report.tickets.values())
    rest = "the rest was ingested" if stored else "nothing was ingested"
    return f"{len(report.errors)} error(s), listed above; {rest}"


def report_json(report: IngestReport) -> str:
    """``--json``: the report as one JSON object."""
    payload = {
        "ok": report.ok,
        "articles": dict(report.articles),
        "tickets": dict(report.tickets),
        "incomplete_articles": report.incomplete,
        "pii_masked": dict(report.masked),
        "chunks": report.build.chunks,
        "embedded": report.build.embedded,
        "reused": report.build.reused,
        "index": report.index_folder,
        "index_unchanged": report.index_unchanged,
        "issues": [i.__dict__ for i in report.issues],
    }
    return json.dumps(payload, ensure_ascii=False)


def print_report(report: IngestReport, as_json: bool, *, out: Console, err: Console) -> None:
    """Issues (one line each) and the summary; the summary to ``out``, the rest to ``err``."""
    if as_json:
        out.print_json(report_json(report))
        return
    for issue in report.issues:
        style = "red" if issue.severity == "error" else "yellow"
        err.print(str(issue), style=style, highlight=False, markup=False)
    for line in summary_lines(report):
        out.print(line, highlight=False, markup=False)
    closing = error_line(report)
    if closing:
        err.print(closing, style="red", highlight=False, markup=False)
