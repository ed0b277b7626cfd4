"""The label every sentence gets from :mod:`korean.roles`: its role, the cue that decided it and
a safe customer-facing rewrite where one exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["general", "case_report", "agent_note"]


@dataclass(frozen=True)
class RoleLabel:
    """The role of one sentence, the cue that decided it, and a safe rewrite where one exists."""

    role: Role
    reason: str
    rewrite: str | None = None

    @property
    def sendable(self) -> bool:
        """True when the sentence may be sent to any customer as written."""
        return self.role == "general"
