"""Secrets: argon2id hashes for passwords and API keys (argon2-cffi), SHA-256 for random tokens.

Passwords use argon2-cffi's default (RFC 9106 low-memory) parameters. API keys carry 256 bits of
randomness, so their argon2id parameters are lighter (one pass, 8 MiB); a verified key is
remembered in memory for a minute, keyed by its SHA-256, so a chatbot's every call doesn't pay the
hash. Session and sign-in-link tokens are random 256-bit values stored as SHA-256 (the database
never holds a usable secret).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORDS = PasswordHasher()
KEYS = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)

__all__ = ["KEYS", "PASSWORDS", "new_token", "sha256", "tokens_equal", "verify"]


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def verify(hasher: PasswordHasher, stored: str, secret: str) -> bool:
    """True when ``secret`` matches the argon2 hash ``stored`` (False on any mismatch or bad hash)."""
    try:
        return hasher.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
