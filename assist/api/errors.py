"""One JSON error shape for every error the HTTP layer returns.

    {"error": {"code": "not_found", "message": "ticket 'W-1' does not exist", "details": {...}}}

Domain errors (``core.errors`` / ``assist.errors``) keep their ``code``; the status comes
from :data:`STATUS_BY_ERROR`. FastAPI's validation errors become 422 ``validation_error``
with one entry per bad field; routing errors 404 ``not_found`` / 405 ``method_not_allowed``;
anything unexpected 500 ``internal_error`` (logged, never a traceback in the body).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assist.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    UnauthenticatedError,
    UpstreamError,
)
from core.errors import (
    EmbedderError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    KmsError,
    StorageError,
)
from core.masking import mask_value

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[KmsError], int] = {
    InvalidInputError: 400,
    UnauthenticatedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    UpstreamError: 502,
    IndexNotFoundError: 503,
    IndexMismatchError: 503,
    IndexCorruptError: 503,
    StorageError: 503,
    EmbedderError: 503,
}
HTTP_CODES = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media",
}
_SMALL = 200  # a bad value is echoed in details only when its repr is at most this long


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. 'invalid_input', 'not_found'.")
    message: str = Field(description="What went wrong and what to do next.")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorInfo

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "error": {
                        "code": "invalid_input",
                        "message": "'inquiry' is empty; send the customer's question",
                        "details": {"field": "inquiry"},
                    }
                }
            ]
        }
    }


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, **kw: Any
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": jsonable_encoder(details or {})}}
    return JSONResponse(body, status_code=status, **kw)


def status_for(exc: KmsError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def _small(value: Any) -> Any:
    """The value as JSON when it is small enough to echo back, else None; PII-masked (an error
    body may end up in a client's or proxy's log)."""
    try:
        encoded = mask_value(jsonable_encoder(value), "personal")
        text = json.dumps(encoded, ensure_ascii=False, allow_nan=False)  # NaN/Infinity: not JSON
        text.encode("utf-8")  # a lone surrogate can't be sent back either
        return encoded if len(text) <= _SMALL else None
    except (TypeError, ValueError):
        return None


def _printable(text: str) -> str:
    """``text`` with control characters and lone surrogates as '?' (the message stays one line)."""
    return "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else "?" for c in text)


def validation_details(exc: RequestValidationError) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = [_printable(str(part)[:_SMALL]) for part in err.get("loc", ())]  # a key may be the client's
        entry: dict[str, Any] = {
            "location": ".".join(loc),
            "field": ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc),
            "message": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        value = _small(err.get("input"))
        if value is not None and err.get("type") != "missing":
            entry["value"] = value
        fields.append(entry)
    return {"errors": fields}


async def _kms_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KmsError)
    status = status_for(exc)
    if status >= 500:
        log.warning("%s %s -> %d %s: %s", request.method, request.url.path, status, exc.code, exc.message)
    return error_response(status, exc.code, exc.message, exc.details)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc)
    names = ", ".join(e["field"] or e["location"] for e in details["errors"]) or "request"
    return error_response(422, "validation_error", f"invalid request: check {names}", details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    if exc.status_code == 404 and exc.detail in ("Not Found", None):
        message = f"no route {request.method} {request.url.path}; see /docs for the API"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


class CatchAllMiddleware:
    """Turn an unexpected exception into a logged 500 ``internal_error`` (no traceback leak)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for an error body; the server closes the connection
                raise
            response = error_response(
                500, "internal_error", "unexpected server error; it has been logged", {}
            )
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KmsError, _kms_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(CatchAllMiddleware)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid input (empty or over-long text) · 입력 오류"},
    422: {"model": ErrorBody, "description": "Request does not match the schema · 요청 형식 오류"},
    503: {"model": ErrorBody, "description": "No index built yet or storage down · 색인 없음/저장소 오류"},
}
