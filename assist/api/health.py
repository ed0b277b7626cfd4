"""/healthz: readiness for load balancers and humans (200 when ready, 503 when not)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from assist.api.deps import KB
from assist.api.models import Health
from assist.api.readiness import health_report

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="상태 확인 · Health and readiness",
    description="Index, model and database state with row counts; `problems` says how to fix what "
    "is missing (e.g. `kms init --sample`). Status 503 while not ready.",
    responses={503: {"model": Health, "description": "Not ready · 준비 안 됨"}},
)
def healthz(request: Request, response: Response, kb: KB) -> Health:
    report = health_report(kb, model_loaded=bool(getattr(request.app.state, "model_loaded", False)))
    response.status_code = 200 if report.ready else 503
    return report
