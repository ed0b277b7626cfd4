"""Who the browser tests are, and small steps they share.

The live server's database gets one user, ``USER``, holding every web role; the browser signs in
once per session through a one-time sign-in link, as a person would after ``kms init``. After
each test, every write the page posted must have its entry in the audit log (conftest).
"""

from __future__ import annotations

import re
from typing import Any

from assist.access import ROUTES, Rule

USER = "cx.lead"
USER_ROLES = ("agent", "kms_owner", "evaluator", "admin")


def ask(page: Any, base_url: str, question: str) -> None:
    """Try a question the way an agent does: the form posts it (it never goes into a URL)."""
    page.goto(f"{base_url}/try")
    page.get_by_label("고객 문의를 입력하세요").fill(question)
    page.get_by_role("button", name="추천 받기").click()


def rule_of(method: str, path: str) -> Rule | None:
    """The access rule of a concrete request path (path templates matched as regexes)."""
    for (rule_method, template), rule in ROUTES.items():
        if rule_method != method:
            continue
        pattern = re.sub(r"{\w+:path}", ".+", template)
        pattern = re.sub(r"{\w+}", "[^/]+", pattern)
        if re.fullmatch(pattern, path):
            return rule
    return None
