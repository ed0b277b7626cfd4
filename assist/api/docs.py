"""The API docs pages (/docs: Swagger UI, /redoc: ReDoc) served without a CDN.

FastAPI's default pages load their JavaScript and CSS from jsDelivr, so offline (or behind a
strict proxy) /docs is blank. Here the same pages load the assets shipped by the pinned
``fastapi-offline`` package from ``/docs/assets/<file>``; nothing leaves the machine.

    app = FastAPI(docs_url=None, redoc_url=None, ...)
    install_docs(app)
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

from assist.errors import NotFoundError

__all__ = ["ASSETS", "ASSET_PREFIX", "install_docs"]

ASSET_PREFIX = "/docs/assets"
# file name -> media type; only these files are served
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
}
FAVICON = "/static/favicon.svg"


def _asset_dir() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Add /docs, /docs/oauth2-redirect, /redoc and their assets to ``app`` (created with
    ``docs_url=None, redoc_url=None``)."""
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} · 문서 · Docs",
            swagger_js_url=f"{ASSET_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSET_PREFIX}/swagger-ui.css",
            swagger_favicon_url=FAVICON,
            oauth2_redirect_url=oauth2_redirect,
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} · ReDoc",
            redoc_js_url=f"{ASSET_PREFIX}/redoc.standalone.js",
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )

    @app.get(ASSET_PREFIX + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise NotFoundError(f"no docs asset {name!r}")
        return FileResponse(_asset_dir() / name, media_type=media_type, headers={"Cache-Control": "no-cache"})
