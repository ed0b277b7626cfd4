"""Domain errors of the service layer (the HTTP edge maps each to a status code).

KmsError (indexes.errors)
├── InvalidInputError  - 400/422: empty, over-long or malformed input; names the field
├── NotFoundError      - 404: unknown ticket/suggestion/article id
├── ConflictError      - 409: the request contradicts the current state
└── UpstreamError      - 502: the configured LLM endpoint failed
"""

from __future__ import annotations

from indexes.errors import KmsError


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
