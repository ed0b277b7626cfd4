"""Writing a run: ``report.json``, a self-contained ``report.html`` and ``per_query.jsonl``.

Everything is written into a hidden temporary folder beside ``out`` and renamed into place at the
end, so an interrupted run leaves no half-written report (a previous report in ``out`` is only
replaced once the new one is complete).

``report.json``::

    {"kind", "created_at", "primary_metric", "primary_value", "metrics": {flat name: value},
     "config", "dataset": {"name", "files": [{"path", "sha256", "rows"}], counts…},
     "versions", "timings_s", "notes", "details", "comparison"?}
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import jinja2

from eval.compare import Comparison
from eval.result import EvalRun, library_versions

__all__ = ["METRIC_LABELS", "metric_label", "render_html", "report_payload", "write_report"]

TEMPLATES = Path(__file__).parent / "templates"

METRIC_LABELS: dict[str, str] = {
    "recall": "재현율 (Recall)",
    "mrr": "평균 역순위 (MRR)",
    "ndcg": "nDCG",
    "token_f1": "토큰 F1 (token F1)",
    "rouge_l": "ROUGE-L",
    "citation_precision": "인용 정밀도 (citation precision)",
    "groundedness": "근거 충실도 (groundedness)",
    "gold_contained": "정답 포함률 (gold answer contained)",
    "abstention_rate": "답변 보류율 (abstention rate)",
    "coverage": "응답률 (coverage)",
    "far": "오답변율 (false-answer rate)",
    "auc": "응답률-오답변율 곡선 면적 (coverage/FAR AUC)",
    "threshold": "임계값 (threshold)",
    "nmi": "정규화 상호정보량 (NMI)",
    "ari": "조정 랜드 지수 (ARI)",
    "v_measure": "V-측도 (V-measure)",
    "homogeneity": "동질성 (homogeneity)",
    "completeness": "완전성 (completeness)",
    "clusters": "군집 수 (clusters)",
    "noise_share": "미배정 비율 (noise share)",
    "search_ms": "검색 지연 (search latency, ms)",
    "embed_ms": "질의 임베딩 (query embedding, ms)",
    "qps": "처리량 (queries/s)",
    "rss": "최대 메모리 (peak RSS)",
}


def metric_label(name: str) -> str:
    """``hybrid/recall@5`` → ``hybrid · 재현율 (Recall)@5``, for table rows."""
    head, _, tail = name.rpartition("/")
    base, at, cut = tail.partition("@")
    pretty = METRIC_LABELS.get(base)
    if pretty is None:
        return name
    return f"{head} · {pretty}{at}{cut}" if head else f"{pretty}{at}{cut}"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def report_payload(run: EvalRun, comparison: Comparison | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": run.kind,
        "created_at": run.created_at,
        "primary_metric": run.primary_metric,
        "primary_value": run.primary_value,
        "metrics": run.metrics,
        "config": run.config,
        "dataset": run.dataset,
        "versions": library_versions(),
        "timings_s": {k: round(v, 3) for k, v in run.timings_s.items()},
        "notes": run.notes,
        "details": run.details,
    }
    if comparison is not None:
        payload["comparison"] = comparison.as_dict()
    return _clean(payload)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render_html(run: EvalRun, payload: dict[str, Any], comparison: Comparison | None = None) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["fmt"] = _fmt
    env.filters["metric_label"] = metric_label
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2, default=str)
    return env.get_template("report.html.j2").render(run=run, payload=payload, comparison=comparison)


def write_report(run: EvalRun, out: Path, *, comparison: Comparison | None = None) -> Path:
    """Write the run's files into ``out`` (created or replaced whole); returns ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    old: Path | None = None
    try:
        tmp.mkdir()
        payload = report_payload(run, comparison)
        (tmp / "report.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        if run.per_query:
            with (tmp / "per_query.jsonl").open("w", encoding="utf-8") as fh:
                for row in run.per_query:
                    fh.write(json.dumps(_clean(row), ensure_ascii=False) + "\n")
        (tmp / "report.html").write_text(render_html(run, payload, comparison), encoding="utf-8")
        if out.exists():
            old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
            os.replace(out, old)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out
