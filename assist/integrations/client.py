"""Outbound HTTP to a helpdesk or messenger API: credentials from the settings, a timeout on
every call, retries with exponential backoff on what can heal (connection errors, timeouts,
408/409/425/429 and 5xx; ``Retry-After`` honoured up to 10 s), and an ``Idempotency-Key`` header.

Nothing here logs a request or response body: only the connector, the status and the error class.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.settings import Settings

log = logging.getLogger(__name__)

CONNECTORS: tuple[str, ...] = ("chatwoot", "zendesk", "freshdesk")
RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
MAX_RETRY_AFTER_S = 10.0

__all__ = ["CONNECTORS", "Delivery", "Endpoint", "endpoint_for", "send"]


@dataclass(frozen=True)
class Endpoint:
    """Where a connector's API lives and how to authenticate (never stored, never logged)."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    retryable: bool
    status: int | None = None
    error: str | None = None  # "HTTP 503", "ConnectError", …: never a body
    attempts: int = 0


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


def endpoint_for(settings: Settings, connector: str) -> Endpoint | None:
    """The connector's endpoint, or None when it is not configured."""
    if connector == "chatwoot" and settings.chatwoot_url and settings.chatwoot_api_token:
        token = _secret(settings.chatwoot_api_token)
        return Endpoint(settings.chatwoot_url.rstrip("/"), headers={"api_access_token": token})
    if (
        connector == "zendesk"
        and settings.zendesk_url
        and settings.zendesk_api_token
        and settings.zendesk_email
    ):
        user = f"{settings.zendesk_email}/token"
        return Endpoint(settings.zendesk_url.rstrip("/"), auth=(user, _secret(settings.zendesk_api_token)))
    if connector == "freshdesk" and settings.freshdesk_url and settings.freshdesk_api_key:
        return Endpoint(settings.freshdesk_url.rstrip("/"), auth=(_secret(settings.freshdesk_api_key), "X"))
    return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(float(value), MAX_RETRY_AFTER_S) if value else None
    except ValueError:
        return None


def send(
    endpoint: Endpoint,
    method: str,
    path: str,
    body: dict[str, Any],
    *,
    key: str,
    timeout_s: float,
    attempts: int,
    connector: str = "",
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
) -> Delivery:
    """Send one call, retrying up to ``attempts`` times (backoff 0.5 s, 1 s, 2 s, …); ``client``
    (shared by a retry pass) or a new one."""
    if client is None:
        with httpx.Client() as own:
            return send(
                endpoint,
                method,
                path,
                body,
                key=key,
                timeout_s=timeout_s,
                attempts=attempts,
                connector=connector,
                sleep=sleep,
                client=own,
            )
    headers = {
        **endpoint.headers,
        "Idempotency-Key": key,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": "kms-assist-integrations",
    }
    result = Delivery(ok=False, retryable=True, error="not sent")
    for attempt in range(1, attempts + 1):
        wait = 0.5 * 2 ** (attempt - 1)
        try:
            response = client.request(
                method,
                endpoint.base_url + path,
                json=body,
                headers=headers,
                auth=endpoint.auth,
                timeout=httpx.Timeout(timeout_s),
            )
        except httpx.HTTPError as exc:  # connection refused, DNS, timeouts, protocol errors
            result = Delivery(False, True, None, type(exc).__name__, attempt)
        else:
            status = response.status_code
            if status < 300:
                return Delivery(True, False, status, None, attempt)
            retryable = status in RETRYABLE_STATUS or status >= 500
            result = Delivery(False, retryable, status, f"HTTP {status}", attempt)
            wait = _retry_after(response) or wait
        log.info("%s %s attempt %d failed: %s", connector, method, attempt, result.error)
        if not result.retryable or attempt == attempts:
            break
        sleep(wait)
    return result
