"""The app factory: ``create_app(settings)`` → FastAPI (no import-time globals).

The lifespan opens the knowledge base once (database, model, index, Kiwi). Without a built
index the app still starts: index-backed endpoints answer 503 saying how to build one, and
/readyz reports not ready until an ingest (in any process) swaps an index in. /healthz
(liveness) and load shedding are the outermost middleware (``assist.api.shedding``).

Routers, one module each: tickets, suggestions, answers, openai_compat, integrations, health; plus
``assist.api.drafts`` when it exists, and the web pages (``assist.web``) mounted last on "/"
(see ``_mount_web``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import ModuleType

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

from assist.api import analytics, answers, health, integrations, openai_compat, suggestions, tickets
from assist.api.docs import install_docs
from assist.api.errors import install_error_handlers
from assist.api.readiness import open_kb
from assist.api.security import install_access
from assist.api.shedding import install_shedding
from assist.integrations.worker import start_retry_loop
from assist.knowledge import KnowledgeBase
from core.settings import Settings

log = logging.getLogger(__name__)

TAGS = [
    {
        "name": "tickets",
        "description": "티켓 인박스 · Ticket inbox; resolved tickets become knowledge at once.",
    },
    {"name": "suggestions", "description": "상담 추천 · Articles, similar tickets, tag and a cited draft."},
    {"name": "answers", "description": "챗봇 답변 · Grounded answers with citations, or a handoff."},
    {"name": "openai", "description": "OpenAI 호환 · Chat completions for any OpenAI-speaking front end."},
    {
        "name": "integrations",
        "description": "헬프데스크·메신저 연동 · Chatwoot, Kakao, Zendesk and Freshdesk webhooks.",
    },
    {"name": "health", "description": "상태 · Liveness, readiness and counts."},
    {"name": "analytics", "description": "VOC 분석 · Volume, KPIs, assist use, deflection, KB health."},
    {
        "name": "drafts",
        "description": "문서 초안 · Draft articles for recurring uncovered topics: generate, review, decide.",
    },
]
DESCRIPTION = """KMS Assist: 한국어 우선 상담 지원 API · Korean-first retrieval-augmented assistant for
customer-support teams. Every answer and draft sentence is cited from your knowledge base.

Every error has one shape: `{"error": {"code", "message", "details"}}`."""


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        kb = KnowledgeBase(settings)
        app.state.kb = kb
        problems = open_kb(kb)
        app.state.model_loaded = "model" not in problems
        app.state.startup_problems = list(problems.values())
        if problems:
            log.warning("KMS Assist started degraded: %s", "; ".join(problems.values()))
        retry = start_retry_loop(settings, kb.sessions) if "database" not in problems else None
        try:
            yield
        finally:
            if retry is not None:
                retry.stop()
            if not kb.wait_for_compaction(30):  # it is built aside: stopping mid-way loses nothing
                log.warning("stopping while an index compaction is still running; the delta stays in use")
            bind = kb.sessions.kw.get("bind") if "database" not in problems else None
            if bind is not None:
                bind.dispose()

    return lifespan


def optional_module(name: str) -> ModuleType | None:
    """The module ``name`` if it exists (written by another team), else None.

    Only the module itself being absent is tolerated; an import error inside it is raised.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name or (exc.name is not None and name.startswith(exc.name + ".")):
            return None
        raise


def optional_router(name: str) -> APIRouter | None:
    """``name.router`` when that module exists and defines one."""
    router = getattr(optional_module(name), "router", None)
    return router if isinstance(router, APIRouter) else None


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app serving the knowledge base of ``settings`` (default: from KMS_* env vars)."""
    settings = settings or Settings()
    app = FastAPI(
        title="KMS Assist API",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=_lifespan(settings),
        docs_url=None,  # install_docs serves /docs and /redoc from installed assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_docs(app)
    for module in (tickets, suggestions, answers, openai_compat, integrations, health, analytics):
        app.include_router(module.router)
    drafts = optional_router("assist.api.drafts")
    if drafts is not None:
        app.include_router(drafts)
    _mount_web(app)
    install_access(app)
    install_shedding(app)  # outermost: /healthz and load shedding never wait behind anything
    if settings.auth == "off":
        log.warning("KMS_AUTH=off: no sign-in, every visitor has every role (local demo only)")
    return app


def _mount_web(app: FastAPI) -> None:
    """Web pages for agents (``assist.web``), mounted on "/" after the API and its error handlers.

    ``assist.web.mount_web(app)`` when it exists (pages plus HTML error pages for browsers),
    else ``assist.web.router``; until there are pages, "/" points at the API docs.
    """
    web = optional_module("assist.web")
    mount = getattr(web, "mount_web", None)
    if callable(mount):
        mount(app)
        return
    router = getattr(web, "router", None)
    if isinstance(router, APIRouter):
        app.include_router(router)
        return

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/docs")
