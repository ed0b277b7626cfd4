"""Server-rendered web pages (agents, KMS owners, evaluators) on top of the core functions.

    from assist.web import mount_web
    mount_web(app)          # page routes, /static, HTML 404/405 pages for unknown page URLs

``router`` holds every page route and ``/static`` (so ``app.include_router(router)`` alone
also works); ``mount_web`` adds HTML error pages for URLs no route matches, leaving API
paths (``/v1``, ``/docs``, ...) to the JSON error handlers.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

from assist.errors import NotFoundError
from assist.web import admin, analytics, auth, console, drafts, evals, kms
from assist.web.render import STATIC, PageRoute, error_page

__all__ = ["mount_web", "router"]

API_PREFIXES = ("/v1", "/docs", "/redoc", "/openapi.json", "/healthz", "/health", "/readyz")

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/static/{path:path}")
def static_file(path: str) -> Response:
    parts = [p for p in path.split("/") if p]
    target = STATIC.joinpath(*parts).resolve() if parts else STATIC
    if any(p.startswith(".") for p in parts) or not target.is_relative_to(STATIC) or not target.is_file():
        raise NotFoundError(f"no static file {path!r}")
    return FileResponse(target, headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico")
def favicon() -> Response:
    """The site icon (an SVG; browsers that ask for /favicon.ico accept it)."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


for _module in (auth, console, kms, drafts, evals, analytics, admin):
    router.include_router(_module.router)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(API_PREFIXES) and "text/html" in request.headers.get("accept", "")


def mount_web(app: FastAPI) -> None:
    """Include the page routes and answer browsers' unknown URLs with an HTML error page.

    Call it after the API's error handlers are installed: it wraps the HTTPException handler
    that is registered at that time and hands non-page requests back to it.
    """
    app.include_router(router)
    app.state.page_error = error_page  # the access middleware's 401/403 pages for browsers
    previous = app.exception_handlers.get(HTTPException) or app.exception_handlers.get(404)

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if _wants_page(request) and exc.status_code in (404, 405):
            message = f"{request.method} {request.url.path}"
            return error_page(request, exc.status_code, message)
        if previous is not None:
            result = previous(request, exc)
            return await result if hasattr(result, "__await__") else result  # type: ignore[no-any-return]
        return await http_exception_handler(request, exc)

    app.add_exception_handler(HTTPException, handler)
