"""Sign-in pages: the sign-in form, one-time sign-in links, sign-out.

The session cookie (``kms_session``) is HttpOnly, SameSite=Lax, and Secure when the request came
over HTTPS; it holds a random token whose hash is the server-side session. Every sign-in attempt
is in the audit log. After ``MAX_FAILURES`` failed attempts for one user within ``LOCKOUT``, that
user's password is refused until the window has passed (a link still works).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from assist import access
from assist.access import Principal, home_for
from assist.api.deps import KB
from assist.api.security import SESSION_COOKIE
from assist.errors import NotFoundError
from assist.knowledge import KnowledgeBase
from assist.web.i18n import pick_lang, translate
from assist.web.render import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def safe_next(target: str | None) -> str | None:
    """A same-site path to go to after sign-in (never another host), or None."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:500]
    return None


def _signin_page(
    request: Request, *, error: str | None = None, username: str = "", next_: str = "", status: int = 200
) -> Response:
    context = {"error": error, "username": username, "next": next_}
    return render(request, "signin.html", context, status_code=status)


def _signed_in(request: Request, kb: KnowledgeBase, principal: Principal, target: str | None) -> Response:
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        access.end_session(kb.sessions, old)
    assert principal.id is not None
    token = access.start_session(kb.sessions, principal.id)
    response = RedirectResponse(safe_next(target) or home_for(principal.roles), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


def _known_user(kb: KnowledgeBase, username: str) -> str:
    """The username when such a user exists, else '?' (the audit log never holds a typed secret)."""
    try:
        return access.find_user(kb.sessions, username).username
    except NotFoundError:
        return "?"


def _locked(kb: KnowledgeBase, username: str) -> bool:
    since = datetime.now(UTC) - LOCKOUT
    failures = access.count_failures(kb.sessions, actor=username, action="auth.sign_in", since=since)
    return failures >= MAX_FAILURES


@router.get("/signin")
def signin_form(request: Request, next: str = "") -> Response:
    return _signin_page(request, next_=safe_next(next) or "")


@router.post("/signin")
def signin(
    request: Request,
    kb: KB,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    actor = _known_user(kb, username)
    locked = actor != "?" and _locked(kb, actor)
    principal = None if locked else access.check_password(kb.sessions, username, password)
    if principal is None:
        outcome = "denied" if locked else "failed"
        access.record(kb.sessions, actor=actor, roles=(), action="auth.sign_in", outcome=outcome, status=401)
        message = translate("auth.failed", pick_lang(request))
        return _signin_page(request, error=message, username=username[:64], next_=next, status=401)
    access.record(
        kb.sessions, actor=principal.actor, roles=principal.roles, action="auth.sign_in", status=303
    )
    return _signed_in(request, kb, principal, next)


@router.get("/signin/link/{token}")
def signin_link(request: Request, kb: KB, token: str) -> Response:
    principal = access.redeem_sign_in_link(kb.sessions, token)
    if principal is None:
        access.record(
            kb.sessions, actor="?", roles=(), action="auth.sign_in_link", outcome="failed", status=400
        )
        message = translate("auth.link_bad", pick_lang(request))
        return _signin_page(request, error=message, status=400)
    access.record(
        kb.sessions, actor=principal.actor, roles=principal.roles, action="auth.sign_in_link", status=303
    )
    return _signed_in(request, kb, principal, None)


@router.post("/signout")
def signout(request: Request, kb: KB) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    principal = getattr(request.state, "principal", None)
    if token:
        access.end_session(kb.sessions, token)
    if isinstance(principal, Principal):
        access.record(kb.sessions, actor=principal.actor, roles=principal.roles, action="auth.sign_out")
    response = RedirectResponse("/signin?msg=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
