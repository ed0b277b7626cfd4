"""Evaluation pages: the list of eval runs and each run's own files (report.html and its plots).

A run is a folder holding ``report.json`` (and ``report.html``) under ``DATA_DIR/eval-runs/``
(source "runs"), ``./eval-runs/`` (source "local", where ``kms eval`` writes by default) or the
repository's ``eval/baselines/`` (source "baselines"). Its files are
served as-is at ``/eval/<source>/<folder>/<file>``; paths are checked so nothing outside a run
folder can be read (no ``..``, no hidden names, no symlink escapes).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from assist.api.deps import KB
from assist.errors import NotFoundError
from assist.web.render import PageRoute, render
from core.settings import Settings

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BASELINES = Path(__file__).resolve().parents[2] / "eval" / "baselines"
MAX_DEPTH = 3


@dataclass
class EvalRunInfo:
    run_id: str  # "<source>/<folder relative to its root>"
    source: str
    name: str
    kind: str | None
    dataset: str | None
    primary_metric: str | None
    primary_value: float | None
    created_at: str | None
    has_html: bool
    problem: str | None = None


def eval_roots(settings: Settings) -> dict[str, Path]:
    """Where runs are looked for: DATA_DIR/eval-runs, ./eval-runs (the default ``--out`` of
    ``kms eval``, when that is another folder) and the committed baselines."""
    roots = {"runs": settings.data_dir / "eval-runs"}
    local = Path.cwd() / "eval-runs"
    if local.resolve() != roots["runs"].resolve():
        roots["local"] = local
    return roots | {"baselines": BASELINES}


def _visible(name: str) -> bool:
    return bool(name) and not name.startswith(".")


def _run_info(source: str, root: Path, folder: Path) -> EvalRunInfo:
    rel = folder.relative_to(root).as_posix()
    info = EvalRunInfo(
        f"{source}/{rel}", source, rel, None, None, None, None, None, (folder / "report.html").is_file()
    )
    try:
        data: dict[str, Any] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        info.problem = f"report.json unreadable: {exc}"
        return info
    dataset = data.get("dataset")
    info.kind = data.get("kind")
    info.dataset = dataset.get("name") if isinstance(dataset, dict) else (str(dataset) if dataset else None)
    info.primary_metric = data.get("primary_metric")
    value = data.get("primary_value")
    info.primary_value = float(value) if isinstance(value, int | float) else None
    info.created_at = str(data.get("created_at") or "") or None
    return info


def list_runs(roots: dict[str, Path]) -> list[EvalRunInfo]:
    """Every run folder under ``roots``, newest first (by the date in report.json)."""
    runs: list[EvalRunInfo] = []
    for source, root in roots.items():
        if not root.is_dir():
            continue
        base_depth = len(root.parts)
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if _visible(d))
            if len(here.parts) - base_depth >= MAX_DEPTH:
                dirnames[:] = []
            if "report.json" in filenames and here != root:
                runs.append(_run_info(source, root, here))
    runs.sort(key=lambda r: (r.created_at or "", r.run_id), reverse=True)
    return runs


def resolve_run_file(roots: dict[str, Path], source: str, path: str) -> Path:
    """The file (or run folder) ``path`` of ``source``, checked to lie inside a run folder."""
    root = roots.get(source)
    parts = [p for p in path.split("/") if p]
    if root is None or not parts or any(not _visible(p) or p == ".." or "\\" in p for p in parts):
        raise NotFoundError(f"no eval file {source}/{path}", details={"path": f"{source}/{path}"})
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base) or not target.exists():
        raise NotFoundError(f"no eval file {source}/{path}", details={"path": f"{source}/{path}"})
    folder = target if target.is_dir() else target.parent
    while folder != base and folder.is_relative_to(base):
        if (folder / "report.json").is_file():
            return target
        folder = folder.parent
    raise NotFoundError(f"{source}/{path} is not inside an eval run folder", details={"path": path})


@router.get("/eval")
def eval_list(request: Request, kb: KB) -> Response:
    roots = eval_roots(kb.settings)
    return render(request, "eval_list.html", {"runs": list_runs(roots)})


@router.get("/eval/{source}/{path:path}")
def eval_file(kb: KB, source: str, path: str) -> Response:
    target = resolve_run_file(eval_roots(kb.settings), source, path)
    if target.is_dir():
        return RedirectResponse(f"/eval/{source}/{path.strip('/')}/report.html", status_code=303)
    return FileResponse(target, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})
