"""Domain errors of the service layer (the HTTP edge maps each to a status code).

KmsError (core.errors)
├── InvalidInputError  - 400/422: empty, over-long or malformed input; names the field
├── NotFoundError      - 404: unknown ticket/suggestion/article id
├── ConflictError      - 409: the request contradicts the current state
├── UpstreamError      - 502: the configured LLM endpoint failed
├── UnauthenticatedError - 401: no or bad credentials (assist.access)
└── ForbiddenError     - 403: the caller's roles don't allow it, or a cross-site post
"""

from __future__ import annotations

from core.errors import KmsError


class InvalidInputError(KmsError):
    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        details: dict[str, object] = {}
        if field:
            details["field"] = field
        if value is not None:
            details["value"] = value
        super().__init__(message, details=details)


class NotFoundError(KmsError):
    code = "not_found"


class ConflictError(KmsError):
    code = "conflict"


class UpstreamError(KmsError):
    code = "upstream_error"


class UnauthenticatedError(KmsError):
    """401: no credentials, or credentials that are unknown, expired, revoked or disabled."""

    code = "unauthenticated"


class ForbiddenError(KmsError):
    """403: signed in, but none of the caller's roles may do this (or a cross-site post)."""

    code = "forbidden"
