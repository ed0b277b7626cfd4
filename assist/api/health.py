"""/healthz (liveness) and /readyz (readiness) for load balancers, orchestrators and humans.

/healthz is answered by the shedding middleware (``assist.api.shedding``) on the event loop,
outside the work queue: 200 while the process serves at all. The route here only documents it
(and answers when the middleware is not installed). /readyz checks what requests need: database
reachable and writable, data folder writable with free disk, index loaded and agreeing with the
database; 200 when ready, 503 when not. Serving a fallback index is ready, with a warning.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from assist.api.deps import KB
from assist.api.readiness import Readiness, readiness_report

router = APIRouter(tags=["health"])


class Liveness(BaseModel):
    status: str = "ok"
    live: bool = True
    load: dict[str, int | float] = Field(
        default_factory=dict, description="Heavy requests in flight, queued, served, shed, timed out."
    )


def _load(request: Request) -> dict[str, int | float]:
    stats: Any = getattr(request.app.state, "load_stats", None)
    return stats.snapshot() if stats is not None else {}


@router.get(
    "/healthz",
    summary="생존 확인 · Liveness",
    description="200 while the process serves; answered at once, outside the work queue, even "
    "under overload. Use /readyz to decide whether to send traffic.",
)
async def healthz(request: Request) -> Liveness:
    return Liveness(load=_load(request))


@router.get(
    "/readyz",
    summary="준비 상태 · Readiness",
    description="Database reachable and writable, data folder writable with free disk, index loaded "
    "and agreeing with the database, with row counts; `problems` says how to fix what is wrong "
    "(e.g. `kms init --sample`), `warnings` e.g. a fallback index. Status 503 while not ready.",
    responses={503: {"model": Readiness, "description": "Not ready · 준비 안 됨"}},
)
def readyz(request: Request, response: Response, kb: KB) -> Readiness:
    model_loaded = bool(getattr(request.app.state, "model_loaded", False))
    report = readiness_report(kb, model_loaded=model_loaded, load=_load(request))
    response.status_code = 200 if report.ready else 503
    return report
