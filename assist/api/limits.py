"""Hostile input stops at the door: one ASGI middleware in front of every route.

* a body larger than ``KMS_MAX_BODY_BYTES`` (default 1 MB) is a 413 ``payload_too_large``
  (by its Content-Length, or once that many bytes have been read);
* a URL (path or query) holding a NUL byte or bytes that are not UTF-8 (a percent-encoded lone
  surrogate is one) is a 400 ``invalid_input``;
* a JSON body holding ``NaN``/``Infinity``, a NUL character or a lone surrogate (``"\\ud800"``) is a
  400 ``invalid_input`` naming the field, e.g. ``messages[0].content``; so is a form field.

Everything else goes on untouched (the body is replayed as read). No value is logged or echoed.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assist.api.errors import error_response

DEFAULT_MAX_BODY_BYTES = 1_000_000
_JSON_TYPES = ("application/json", "application/merge-patch+json")
_FORM_TYPE = "application/x-www-form-urlencoded"
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class BadValue(ValueError):
    """A value no route may receive; ``field`` says where it is."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def max_body_bytes(app: FastAPI | None) -> int:
    """``KMS_MAX_BODY_BYTES`` of the app's settings (the default without settings)."""
    settings = getattr(getattr(app, "state", None), "settings", None)
    value = getattr(settings, "max_body_bytes", None)
    return value if isinstance(value, int) and value > 0 else DEFAULT_MAX_BODY_BYTES


def text_problem(text: str) -> str | None:
    """What makes ``text`` unacceptable (a NUL character, a lone surrogate), else None."""
    if "\x00" in text:
        return "holds a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a lone surrogate (not valid Unicode text)"
    return None


def _reject_constant(name: str) -> Any:
    raise BadValue("body", f"holds {name}; JSON numbers must be finite")


def check_json(value: Any, path: str = "") -> None:
    """Raise :class:`BadValue` naming the first string (or key) with a NUL or a lone surrogate."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise BadValue(path or "body", problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            label = key if _PLAIN_KEY.match(key) else "<key>"  # a client's key is not echoed as is
            where = f"{path}.{label}" if path else label
            problem = text_problem(str(key))
            if problem:
                raise BadValue(path or "body", f"has a key that {problem}")
            check_json(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_json(item, f"{path}[{i}]" if path else f"[{i}]")


def check_url(path_bytes: bytes, query: bytes) -> None:
    """Raise :class:`BadValue` for a NUL byte or non-UTF-8 bytes in the path or a query parameter."""
    path = unquote_to_bytes(path_bytes)
    if b"\x00" in path:
        raise BadValue("path", "holds a NUL byte")
    try:
        path.decode("utf-8")
    except UnicodeDecodeError:
        raise BadValue("path", "is not valid UTF-8") from None
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        raw_name, raw_value = unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value)
        try:
            label = raw_name.decode("utf-8") or "query"
            raw_value.decode("utf-8")
        except UnicodeDecodeError:
            raise BadValue("query", "holds bytes that are not valid UTF-8") from None
        if b"\x00" in raw_name or b"\x00" in raw_value:
            raise BadValue(label if _PLAIN_KEY.match(label) else "query", "holds a NUL byte")


def check_body(content_type: str, body: bytes) -> None:
    """Raise :class:`BadValue` for NaN/Infinity, NUL or lone surrogates in a JSON or form body.

    A body that is not valid JSON is left to the route (FastAPI answers 422)."""
    if not body:
        return
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in _JSON_TYPES or kind.endswith("+json"):
        try:
            parsed = json.loads(body, parse_constant=_reject_constant)
        except BadValue:
            raise
        except ValueError:  # malformed JSON or bytes that are not UTF-8: the route's 422
            return
        check_json(parsed)
    elif kind == _FORM_TYPE:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise BadValue("form", "is not valid UTF-8") from None
        for name, value in pairs:
            problem = text_problem(name) or text_problem(value)
            if problem:
                raise BadValue(name if _PLAIN_KEY.match(name) else "form", problem)


def _bad(exc: BadValue) -> Any:
    return error_response(400, "invalid_input", f"'{exc.field}' {exc.problem}", {"field": exc.field})


class InputLimitsMiddleware:
    """Body-size limit and hostile-value checks for every HTTP request (see the module doc)."""

    def __init__(self, app: ASGIApp, *, fastapi_app: FastAPI | None = None) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_url(scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogatepass"),
                      scope.get("query_string", b""))  # fmt: skip
        except BadValue as exc:
            await _bad(exc)(scope, receive, send)
            return
        limit = max_body_bytes(self.fastapi_app)
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        length = headers.get(b"content-length", b"").strip()
        if length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and not length.strip(b"0"):
            await self.app(scope, receive, send)
            return
        body, over = await read_body(receive, limit)
        if over:
            await _too_large(limit)(scope, receive, send)
            return
        try:
            check_body(headers.get(b"content-type", b"").decode("latin-1"), body)
        except BadValue as exc:
            await _bad(exc)(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)


def _too_large(limit: int) -> Any:
    return error_response(
        413,
        "payload_too_large",
        f"the request body is over {limit} bytes (KMS_MAX_BODY_BYTES); send less",
        {"limit": limit},
    )


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The request body and whether it went past ``limit`` bytes (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out ``body`` once, then waits on the real one (disconnects)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def install_limits(app: FastAPI) -> None:
    app.add_middleware(InputLimitsMiddleware, fastapi_app=app)
