"""Admin pages: users (create with a one-time sign-in link, disable), API keys (create, shown
once; revoke), the effective settings (read-only, secrets hidden) and the audit log.

Writes are audited by the access middleware; each route puts the object it created in
``request.state.audit_object`` (a username or key prefix)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from assist import access
from assist.api.deps import KB
from assist.api.security import principal_of
from assist.errors import ConflictError, InvalidInputError
from assist.knowledge import KnowledgeBase
from assist.web.render import PageRoute, render
from core.settings import Settings
from storage import mask_url

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AUDIT_PAGE = 50


def sign_in_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/signin/link/{token}"


SECRET_SETTINGS = ("llm_api_key",)


def settings_view(settings: Settings) -> list[tuple[str, str]]:
    """(KMS_NAME, value) of every setting, read-only; secrets hidden, database password masked."""
    rows = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if name in SECRET_SETTINGS and value:
            shown = "***"
        elif name == "database_url" and value:
            shown = mask_url(value)
        else:
            shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        rows.append((f"KMS_{name.upper()}", shown))
    return rows


def _admin_page(request: Request, kb: KnowledgeBase, *, status_code: int = 200, **extra: Any) -> Response:
    context = {
        "users": access.list_users(kb.sessions),
        "keys": access.list_keys(kb.sessions),
        "settings": settings_view(kb.settings),
        "roles": access.ROLES,
        "error": None,
        "new_key": None,
        "new_link": None,
        **extra,
    }
    return render(request, "admin.html", context, status_code=status_code)


@router.get("/admin")
def admin_home(request: Request, kb: KB) -> Response:
    return _admin_page(request, kb)


@router.post("/admin/users")
def admin_create_user(
    request: Request,
    kb: KB,
    username: Annotated[str, Form(max_length=200)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        user = access.create_user(kb.sessions, username, roles or [])
    except (InvalidInputError, ConflictError) as exc:
        return _admin_page(request, kb, error=exc.message, status_code=400)
    request.state.audit_object = user.username
    link = sign_in_url(request, access.create_sign_in_link(kb.sessions, user.username))
    return _admin_page(request, kb, new_link=link)


@router.post("/admin/users/{username}/disable")
def admin_disable_user(request: Request, kb: KB, username: str) -> Response:
    if username == principal_of(request).name:
        return _admin_page(request, kb, error="you cannot disable yourself", status_code=400)
    access.disable_user(kb.sessions, username)
    return RedirectResponse("/admin?msg=user_disabled", status_code=303)


@router.post("/admin/keys")
def admin_create_key(
    request: Request,
    kb: KB,
    name: Annotated[str, Form(max_length=200)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        info, key = access.create_key(kb.sessions, name, roles or [], created_by=principal_of(request).actor)
    except InvalidInputError as exc:
        return _admin_page(request, kb, error=exc.message, status_code=400)
    request.state.audit_object = f"kms_{info.prefix}"
    return _admin_page(request, kb, new_key=key)


@router.post("/admin/keys/{prefix}/revoke")
def admin_revoke_key(kb: KB, prefix: str) -> Response:
    access.revoke_key(kb.sessions, prefix)
    return RedirectResponse("/admin?msg=key_revoked", status_code=303)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    kb: KB,
    actor: Annotated[str, Query(max_length=120)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    events = access.list_events(
        kb.sessions,
        limit=AUDIT_PAGE + 1,
        offset=(page - 1) * AUDIT_PAGE,
        actor=actor.strip() or None,
        action=action.strip() or None,
    )
    context = {
        "events": events[:AUDIT_PAGE],
        "more": len(events) > AUDIT_PAGE,
        "page": page,
        "actor": actor,
        "action": action,
    }
    return render(request, "audit.html", context)
