"""The HTTP edge of access control: one ASGI middleware in front of every route.

For each request it

1. finds the route (method + path template) and its rule in :data:`assist.access.ROUTES`;
   an undeclared route is refused (500 is never right, 403 ``forbidden`` is safe),
2. names the caller: ``Authorization: Bearer <key>`` (or ``Basic`` with the key as password, for
   webhooks that can only carry ``user:key@`` in their URL), else the ``kms_session`` cookie, else
   nobody (``KMS_AUTH=off``: a demo principal with every role),
3. answers 401 (JSON with ``WWW-Authenticate``, or a redirect to /signin for a page) without
   credentials and 403 with the wrong role,
4. refuses a state-changing request that is not authenticated by a Bearer key unless its
   Origin (or Referer) is this site and, when a session is signed in, its CSRF token
   (form field ``csrf_token`` or header ``X-CSRF-Token``) is the session's,
5. records every write (rules with an ``action``) in the audit log with its outcome,
6. adds the security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy, no-store) to
   every response.

The principal is ``request.state.principal`` for the routes (see :func:`principal_of`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assist import access
from assist.access import Principal, Rule, rule_for
from assist.access.hashing import tokens_equal
from assist.api.errors import error_response
from assist.api.limits import install_limits, max_body_bytes, read_body, replay
from assist.errors import UnauthenticatedError
from core.errors import KmsError

log = logging.getLogger(__name__)

SESSION_COOKIE = "kms_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEMO = Principal("demo", "demo", frozenset(access.ROLES))
API_PREFIXES = ("/v1", "/openapi.json", "/healthz")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# /docs and /redoc load Swagger UI / ReDoc from this site (assist.api.docs) with an inline
# bootstrap script
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# eval report files are served as written by `kms eval`: sandboxed, no script at all
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox"

PageError = Callable[[Request, int, str], Response]

__all__ = ["CSRF_FIELD", "SESSION_COOKIE", "AccessMiddleware", "install_access", "principal_of"]


def principal_of(request: Request) -> Principal:
    """The caller of a request the middleware let through (raises 401 if there is none)."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise UnauthenticatedError("sign in, or send 'Authorization: Bearer <key>'")
    return principal


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _basic_password(value: str) -> str:
    """The password of ``Basic base64(user:password)`` (an API key there); '' if malformed."""
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
    except (ValueError, UnicodeDecodeError):
        return ""


def _csp_for(path: str) -> str:
    if path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        return DOCS_CSP
    if path.startswith("/eval/"):
        return FILE_CSP
    return CSP


def _own_origin(scope: Scope) -> str:
    host = _header(scope, b"host") or ""
    return f"{scope.get('scheme', 'http')}://{host}".lower()


def same_origin(scope: Scope) -> bool:
    """True when Origin (or, without it, Referer) names this site."""
    origin = _header(scope, b"origin")
    if origin is None:
        referer = _header(scope, b"referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin.lower() == _own_origin(scope)


class AccessMiddleware:
    def __init__(self, app: ASGIApp, *, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        self._routes: list[Any] | None = None

    # --- routing -------------------------------------------------------------------------
    def _match(self, scope: Scope) -> tuple[str, Rule | None, dict[str, Any]] | None:
        """(path template, its rule, path params) of the route that serves ``scope``; None if none."""
        if self._routes is None:
            self._routes = list(iter_route_contexts(self.fastapi_app.routes))
        for route in self._routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                return route.path, rule_for(scope["method"], route.path), child.get("path_params", {})
        return None  # 404 / 405: the app's own handlers answer

    # --- credentials ---------------------------------------------------------------------
    def _settings_auth_off(self) -> bool:
        settings = getattr(self.fastapi_app.state, "settings", None)
        return getattr(settings, "auth", "on") == "off"

    def _authenticate(self, scope: Scope) -> tuple[Principal | None, str]:
        """(principal or None, how: 'key' | 'session' | 'demo' | 'none' | 'bad_key')."""
        kb = getattr(self.fastapi_app.state, "kb", None)
        authz = _header(scope, b"authorization")
        if authz is not None:
            scheme, _, token = authz.partition(" ")
            if scheme.lower() == "basic":  # a webhook that can only carry user:KEY in its URL
                token = _basic_password(token)
            elif scheme.lower() != "bearer":
                return None, "bad_key"
            if kb is None:
                return None, "bad_key"
            principal = access.authenticate_key(kb.sessions, token)
            return principal, "key" if principal else "bad_key"
        if self._settings_auth_off():
            return DEMO, "demo"
        cookie = Request(scope).cookies.get(SESSION_COOKIE)
        if cookie and kb is not None:
            principal = access.session_principal(kb.sessions, cookie)
            if principal is not None:
                return principal, "session"
        return None, "none"

    # --- the request ---------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        status_box: dict[str, Any] = {}

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", _csp_for(path))
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cache-Control", "no-store")
                if scope.get("scheme") == "https":
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
                status_box["location"] = headers.get("location")
            await send(message)

        matched = self._match(scope)
        if matched is None:
            await self.app(scope, receive, secure_send)
            return
        template, rule, params = matched
        state = scope.setdefault("state", {})
        if rule is None:
            log.error("route %s %s has no access rule in assist.access.policy", scope["method"], template)
            await self._deny(scope, receive, secure_send, 403, "this route declares no roles; refused")
            return
        try:
            principal, how = await run_in_threadpool(self._authenticate, scope)
        except KmsError as exc:
            await error_response(503, exc.code, exc.message)(scope, receive, secure_send)
            return
        state["principal"] = principal
        state["auth_how"] = how
        unsafe = scope["method"] not in SAFE_METHODS
        obj = "/".join(str(v) for v in params.values()) or None

        async def audit(outcome: str, status: int | None) -> None:
            if rule.action is None:
                return
            who = principal or Principal("anonymous", "anonymous", frozenset())
            created = state.get("audit_object")
            await self._audit(who, rule.action, created or obj, outcome, status)

        if how == "bad_key":
            await audit("denied", 401)
            await self._unauthenticated(scope, receive, secure_send, "the API key is unknown or revoked")
            return
        if not rule.public:
            if principal is None:
                await audit("denied", 401)
                await self._unauthenticated(scope, receive, secure_send, "sign in, or send a Bearer API key")
                return
            if not principal.has_any(rule.roles):
                await audit("denied", 403)
                roles = ", ".join(rule.roles)
                await self._deny(scope, receive, secure_send, 403, f"this needs the role {roles}")
                return
        if unsafe and how != "key" and not same_origin(scope):
            await audit("refused", 403)
            message = "cross-site request refused: Origin/Referer is not this site"
            await self._deny(scope, receive, secure_send, 403, message)
            return
        if unsafe and how == "session":
            limit = max_body_bytes(self.fastapi_app)
            body, over = await read_body(receive, limit)
            receive = replay(body, receive)
            if over:
                response = error_response(
                    413, "payload_too_large", f"a form may hold at most {limit} bytes (KMS_MAX_BODY_BYTES)"
                )
                await response(scope, receive, secure_send)
                return
            token = _header(scope, CSRF_HEADER.encode()) or await _form_token(scope, body)
            if not token or principal is None or not tokens_equal(token, principal.csrf_token or ""):
                await audit("refused", 403)
                message = "the form's CSRF token is missing or stale; reload the page and try again"
                await self._deny(scope, receive, secure_send, 403, message)
                return
        await self.app(scope, receive, secure_send)
        status = int(status_box.get("status", 500))
        creates = rule.action is not None and rule.action.endswith(".create")
        if creates and obj is None and status < 400 and not state.get("audit_object"):
            location = status_box.get("location")
            if location:
                state["audit_object"] = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1] or None
        await audit("ok" if status < 400 else "failed", status)

    async def _audit(
        self, who: Principal, action: str, obj: str | None, outcome: str, status: int | None
    ) -> None:
        kb = getattr(self.fastapi_app.state, "kb", None)
        if kb is None:
            return
        try:
            await run_in_threadpool(
                access.record,
                kb.sessions,
                actor=who.actor,
                roles=who.roles,
                action=action,
                object=obj,
                outcome=outcome,
                status=status,
            )
        except KmsError as exc:  # the write itself is done; say loudly that its record is not
            log.error("audit record failed for %s %s by %s: %s", action, obj, who.actor, exc.message)

    # --- refusals ------------------------------------------------------------------------
    def _wants_page(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        accept = _header(scope, b"accept") or ""
        return not path.startswith(API_PREFIXES) and "text/html" in accept

    async def _page_error(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> bool:
        page_error: PageError | None = getattr(self.fastapi_app.state, "page_error", None)
        if page_error is None or not self._wants_page(scope):
            return False
        response = await run_in_threadpool(page_error, Request(scope, receive), status, message)
        await response(scope, receive, send)
        return True

    async def _unauthenticated(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        if self._wants_page(scope) and scope["method"] in SAFE_METHODS:
            target = scope.get("path", "/")
            response: Response = RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
            await response(scope, receive, send)
            return
        if await self._page_error(scope, receive, send, 401, message):
            return
        response = error_response(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)

    async def _deny(self, scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
        if await self._page_error(scope, receive, send, status, message):
            return
        response: JSONResponse = error_response(status, "forbidden", message)
        await response(scope, receive, send)


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = (_header(scope, b"content-type") or "").lower()
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    sent = False

    async def once() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
    except Exception:  # a malformed body: no token (the route will say what is wrong)
        return None
    value = form.get(CSRF_FIELD)
    await form.close()
    return value if isinstance(value, str) else None


def install_access(app: FastAPI) -> None:
    """Add the access middleware (outermost, so even a 500 gets the security headers) and
    declare the Bearer scheme in the OpenAPI document (the "Authorize" button of /docs).

    Just inside it: the body-size limit and hostile-value checks of :mod:`assist.api.limits`."""
    install_limits(app)
    app.add_middleware(AccessMiddleware, fastapi_app=app)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["bearer"] = {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: `kms keys create --role bot --name NAME`.",
            }
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
