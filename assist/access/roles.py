"""Roles and the principal (who is calling): a signed-in user, an API key, or the demo mode.

Roles (a user or key may hold several):

- ``agent``: inbox, tickets, suggestions, feedback, try-a-question
- ``bot``: only the chatbot API (/v1/answer, /v1/chat/completions, /v1/models)
- ``kms_owner``: articles, draft review, the colloquial dictionary
- ``evaluator``: eval runs and reports, read-only knowledge base
- ``admin``: users, keys, audit log, settings
- ``integration``: only the webhooks of connected helpdesks and messengers (/v1/integrations/…)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assist.errors import InvalidInputError

ROLES: tuple[str, ...] = ("agent", "bot", "kms_owner", "evaluator", "admin", "integration")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

__all__ = ["NAME", "ROLES", "Principal", "check_name", "parse_roles"]


def parse_roles(values: Iterable[str]) -> list[str]:
    """Role names, deduplicated in ROLES order; an unknown one raises InvalidInputError."""
    wanted = {v.strip() for value in values for v in value.split(",") if v.strip()}
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise InvalidInputError(
            f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}", field="roles", value=unknown[0]
        )
    if not wanted:
        raise InvalidInputError(f"give at least one role ({', '.join(ROLES)})", field="roles")
    return [r for r in ROLES if r in wanted]


def check_name(value: str, what: str) -> str:
    """A user or key name: 1-64 of a-z 0-9 . _ - (lower case), starting with a letter or digit."""
    name = value.strip()
    if not NAME.match(name):
        raise InvalidInputError(
            f"{what} {value!r} is not valid: use 1-64 lower-case letters, digits, '.', '_' or '-'",
            field=what,
        )
    return name


@dataclass(frozen=True)
class Principal:
    """Who made a request. ``actor`` is what revisions and the audit log record."""

    kind: str  # "user" | "key" | "demo"
    name: str
    roles: frozenset[str]
    id: int | None = None
    csrf_token: str | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        return f"key:{self.name}" if self.kind == "key" else self.name

    def has_any(self, roles: Iterable[str]) -> bool:
        return bool(self.roles.intersection(roles))
