"""Rendering pages: the jinja2 environment, the shared layout context and HTML error pages.

Every page route uses :class:`PageRoute`, which turns domain errors (unknown id, bad input, no
index yet) and HTTP errors into an error page in the site layout, so the JSON error handlers of
the API never answer a browser with JSON.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException

from assist.api.errors import status_for
from assist.knowledge import KnowledgeBase
from assist.web.i18n import COOKIE, LANGS, MESSAGES, channel_label, pick_lang, section_label, translate
from assist.web.markdown import render_markdown, render_marked, snippet
from core.errors import KmsError
from indexes import store

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True

_CITE = re.compile(r"\[(\d+)\]")


def fmt_dt(value: datetime | date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def cite_links(text: str, prefix: str) -> Markup:
    """Draft text as paragraphs whose ``[n]`` markers link to the citation ``{prefix}-n``."""
    paragraphs = []
    for para in re.split(r"\n\s*\n", text.strip()):
        html = str(escape(para)).replace("\n", "<br>")
        html = _CITE.sub(
            lambda m: (
                f'<a class="cite" href="#{prefix}-{m.group(1)}" data-cite="{prefix}-{m.group(1)}">'
                f"[{m.group(1)}]</a>"
            ),
            html,
        )
        paragraphs.append(f"<p>{html}</p>")
    return Markup("\n".join(paragraphs))


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline_md(text: str) -> Markup:
    """Escaped ``text`` with ``**bold**`` shown bold (one sentence of a draft)."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


env.filters["dt"] = fmt_dt
env.filters["markdown"] = render_markdown
env.filters["marked"] = render_marked
env.filters["snippet"] = snippet
env.filters["md"] = inline_md
env.filters["cite_links"] = cite_links
env.filters["pct"] = lambda v: f"{round(float(v) * 100)}%"


def index_status(kb: KnowledgeBase | None) -> dict[str, Any] | None:
    """Chunks, model and version of the serving index (for the footer); None without one."""
    if kb is None:
        return None
    try:
        folder = store.current_folder_or_none(kb.settings.index_root)
        if folder is None:
            return None
        manifest = store.read_manifest(folder)
    except (KmsError, OSError, ValueError):
        return None
    return {
        "chunks": manifest.get("counts", {}).get("chunks"),
        "model": manifest.get("embedder", {}).get("id"),
        "name": manifest.get("name"),
    }


def url_with(request: Request, **changes: object) -> str:
    """The current URL with query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render template ``name`` in the site layout, in the request's language."""
    lang = pick_lang(request)
    kb = getattr(request.app.state, "kb", None)
    ctx: dict[str, Any] = {
        "lang": lang,
        "langs": LANGS,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "section_label": lambda key: section_label(key, lang),
        "channel_label": lambda channel: channel_label(channel, lang),
        "index_status": index_status(kb),
        "url_with": lambda **kw: url_with(request, **kw),
        "path": request.url.path,
        "flash": _flash(request, lang),
        **access_context(request),
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


NAV: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("/tickets", "nav.console", ("/tickets", "/try"), ("agent",)),
    ("/kms", "nav.kms", ("/kms",), ("agent", "kms_owner", "evaluator")),
    ("/drafts", "nav.drafts", ("/drafts",), ("kms_owner",)),
    ("/eval", "nav.eval", ("/eval",), ("evaluator",)),
    ("/analytics", "nav.analytics", ("/analytics",), ("kms_owner", "admin")),
    ("/admin", "nav.admin", ("/admin",), ("admin",)),
)


def access_context(request: Request) -> dict[str, Any]:
    """Who is signed in, the sections their roles open, the CSRF field for forms, demo mode."""
    principal = getattr(request.state, "principal", None)
    roles: frozenset[str] = getattr(principal, "roles", frozenset())
    token = getattr(principal, "csrf_token", None) or ""
    settings = getattr(request.app.state, "settings", None)
    return {
        "principal": principal if getattr(principal, "kind", "") in ("user", "demo") else None,
        "nav": [(href, key, prefixes) for href, key, prefixes, needs in NAV if roles.intersection(needs)],
        "csrf_token": token,
        "csrf_field": Markup(f'<input type="hidden" name="csrf_token" value="{escape(token)}">'),
        "auth_off": getattr(settings, "auth", "on") == "off",
    }


def _flash(request: Request, lang: str) -> str | None:
    """A one-line notice named by ``?msg=`` (after a form post redirected here)."""
    msg = request.query_params.get("msg")
    if not msg or not re.fullmatch(r"[a-z_]{1,32}", msg):
        return None
    values = {k: v[:40] for k in ("verdict", "version") if (v := request.query_params.get(k))}
    counts = ("created", "updated", "topics", "tickets")
    values |= {k: v for k in counts if (v := request.query_params.get(k, "")).isdigit() and len(v) < 10}
    if "verdict" in values:
        values["verdict"] = translate(f"sg.{values['verdict']}", lang)
    try:
        text = translate(f"msg.{msg}", lang, **values)
    except KeyError:
        return None
    return None if text.startswith("msg.") else text


def error_page(request: Request, status: int, message: str) -> Response:
    key = f"error.{status}"
    if key not in MESSAGES:
        key = "error.500" if status >= 500 else "error.400"
    return render(
        request, "error.html", {"status": status, "heading_key": key, "message": message}, status_code=status
    )


def validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        parts.append(f"{loc}: {err.get('msg', '')}")
    return "; ".join(parts) or "invalid request"


class PageRoute(APIRoute):
    """An APIRoute whose errors become HTML error pages in the site layout."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except KmsError as exc:
                status = status_for(exc)
                if status >= 500:
                    log.warning("%s %s -> %d: %s", request.method, request.url.path, status, exc.message)
                return error_page(request, status, exc.message)
            except RequestValidationError as exc:
                return error_page(request, 422, validation_message(exc))
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except Exception:
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return error_page(request, 500, "unexpected server error; it has been logged")

        return page_handler
