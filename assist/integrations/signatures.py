"""Webhook signatures of the products that sign (checked in constant time, on the raw body).

- Chatwoot (webhooks and agent bots with a secret): ``X-Chatwoot-Signature: sha256=<hex>`` of
  HMAC-SHA256(secret, ``{X-Chatwoot-Timestamp}.{raw body}``).
- Zendesk: ``X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(secret, timestamp + raw body))`` with
  ``X-Zendesk-Webhook-Signature-Timestamp``.

A timestamp more than ``MAX_SKEW_S`` from now is refused (a replayed delivery).
Kakao i Open Builder and Freshdesk do not sign: their routes rely on the role-scoped API key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime

from assist.errors import UnauthenticatedError

MAX_SKEW_S = 300
__all__ = ["MAX_SKEW_S", "chatwoot_signature", "verify_chatwoot", "verify_zendesk", "zendesk_signature"]


def chatwoot_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _fresh(timestamp: str, now: float | None) -> bool:
    try:
        at = (
            float(timestamp)
            if timestamp.strip().isdigit()
            else datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00")).timestamp()
        )
    except ValueError:
        return False
    return abs((now if now is not None else time.time()) - at) <= MAX_SKEW_S


def _check(expected: str, given: str, timestamp: str, now: float | None, product: str) -> None:
    if not given or not timestamp:
        raise UnauthenticatedError(f"{product} webhook signature or timestamp header is missing")
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise UnauthenticatedError(f"{product} webhook signature does not match (check the secret)")
    if not _fresh(timestamp, now):
        raise UnauthenticatedError(f"{product} webhook timestamp is more than {MAX_SKEW_S} s off")


def _header(headers: Mapping[str, str], name: str) -> str:
    return headers.get(name) or headers.get(name.lower()) or ""


def verify_chatwoot(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None
) -> None:
    """Raise UnauthenticatedError unless the delivery is signed with ``secret``."""
    timestamp = _header(headers, "X-Chatwoot-Timestamp")
    expected = chatwoot_signature(secret, timestamp, body)
    _check(expected, _header(headers, "X-Chatwoot-Signature"), timestamp, now, "Chatwoot")


def verify_zendesk(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
    """Raise UnauthenticatedError unless the delivery is signed with ``secret``."""
    timestamp = _header(headers, "X-Zendesk-Webhook-Signature-Timestamp")
    expected = zendesk_signature(secret, timestamp, body)
    _check(expected, _header(headers, "X-Zendesk-Webhook-Signature"), timestamp, now, "Zendesk")
