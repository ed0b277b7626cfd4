"""Small typed readers of webhook JSON: each names the missing or wrong field in one line."""

from __future__ import annotations

import json
from typing import Any

from assist.errors import InvalidInputError

__all__ = ["field", "load_json", "obj", "ref", "text"]


def load_json(body: bytes, product: str) -> dict[str, Any]:
    """The request body as a JSON object, or InvalidInputError (400) saying what is wrong."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInputError(f"{product} webhook body is not JSON", field="body") from None
    if not isinstance(value, dict):
        raise InvalidInputError(f"{product} webhook body must be a JSON object", field="body")
    return value


def field(data: dict[str, Any], path: str, product: str) -> Any:
    """``data[a][b]…`` for ``path`` "a.b…"; InvalidInputError naming the path when absent."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or value.get(part) is None:
            raise InvalidInputError(f"{product} webhook: '{path}' is missing", field=path)
        value = value[part]
    return value


def obj(data: dict[str, Any], path: str, product: str) -> dict[str, Any]:
    value = field(data, path, product)
    if not isinstance(value, dict):
        raise InvalidInputError(f"{product} webhook: '{path}' must be an object", field=path)
    return value


def text(data: dict[str, Any], path: str, product: str, *, required: bool = True) -> str:
    """A string field ('' when optional and absent); numbers are not text."""
    try:
        value = field(data, path, product)
    except InvalidInputError:
        if required:
            raise
        return ""
    if not isinstance(value, str):
        raise InvalidInputError(f"{product} webhook: '{path}' must be a string", field=path)
    return value


def ref(data: dict[str, Any], path: str, product: str) -> str:
    """An id: a positive integer or a digit string (helpdesks send either); returned as text."""
    value = field(data, path, product)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise InvalidInputError(f"{product} webhook: '{path}' must be a numeric id", field=path)
    return str(int(value))
