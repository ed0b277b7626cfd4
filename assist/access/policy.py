"""Who may call what: the one table of every route's roles (and the audit action of each write).

``ROUTES[(METHOD, path template)]`` is a :class:`Rule`. The HTTP layer enforces it for every
request (``assist.api.security``); a test walks the application's route table and fails for any
route missing here, and checks every role against every route. ``PUBLIC`` routes need no
sign-in (health probe, static files, the sign-in page); ``SIGNED_IN`` routes need any role.
A rule with an ``action`` is a write: every call is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist.access.roles import ROLES

__all__ = ["PUBLIC", "ROUTES", "SIGNED_IN", "Rule", "home_for", "rule_for"]

PUBLIC: tuple[str, ...] = ()
SIGNED_IN: tuple[str, ...] = ROLES

AGENT = ("agent",)
BOT = ("bot",)
OWNER = ("kms_owner",)
EVALUATOR = ("evaluator",)
ADMIN = ("admin",)
INTEGRATION = ("integration",)
KB_READERS = ("agent", "kms_owner", "evaluator")
MANAGERS = ("kms_owner", "admin")  # VOC analytics: KMS owners and whoever runs the team (admin)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    action: str | None = None  # audit action of a write; None for reads

    @property
    def public(self) -> bool:
        return not self.roles


ROUTES: dict[tuple[str, str], Rule] = {
    # --- public ------------------------------------------------------------------------------
    ("GET", "/healthz"): Rule(PUBLIC),  # liveness: answered by assist.api.shedding first
    ("GET", "/readyz"): Rule(PUBLIC),
    ("GET", "/static/{path:path}"): Rule(PUBLIC),
    ("GET", "/favicon.ico"): Rule(PUBLIC),
    ("GET", "/docs/assets/{name}"): Rule(PUBLIC),  # Swagger UI / ReDoc files (assist.api.docs)
    ("GET", "/signin"): Rule(PUBLIC),
    ("POST", "/signin"): Rule(PUBLIC),  # audited by the page itself (auth.sign_in)
    ("GET", "/signin/link/{token}"): Rule(PUBLIC),  # audited by the page itself (auth.sign_in_link)
    ("POST", "/signout"): Rule(PUBLIC),  # audited by the page itself (auth.sign_out)
    # --- any signed-in role ------------------------------------------------------------------
    ("GET", "/"): Rule(SIGNED_IN),
    ("GET", "/openapi.json"): Rule(SIGNED_IN),
    ("GET", "/docs"): Rule(SIGNED_IN),
    ("GET", "/docs/oauth2-redirect"): Rule(SIGNED_IN),
    ("GET", "/redoc"): Rule(SIGNED_IN),
    # --- agent API ---------------------------------------------------------------------------
    ("POST", "/v1/tickets"): Rule(AGENT, "ticket.create"),
    ("GET", "/v1/tickets"): Rule(AGENT),
    ("GET", "/v1/tickets/{ticket_id}"): Rule(AGENT),
    ("GET", "/v1/tickets/{ticket_id}/suggestions"): Rule(AGENT),
    ("POST", "/v1/tickets/{ticket_id}/resolve"): Rule(AGENT, "ticket.resolve"),
    ("POST", "/v1/tickets/{ticket_id}/reopen"): Rule(AGENT, "ticket.reopen"),
    ("POST", "/v1/suggestions"): Rule(AGENT),
    ("POST", "/v1/suggestions/{suggestion_id}/feedback"): Rule(AGENT, "feedback.create"),
    ("GET", "/v1/feedback/summary"): Rule(("agent", "kms_owner", "evaluator")),
    # --- chatbot API -------------------------------------------------------------------------
    ("POST", "/v1/answer"): Rule(BOT),
    ("POST", "/v1/answer/{log_id}/feedback"): Rule(BOT, "answer_feedback.create"),
    ("POST", "/v1/chat/completions"): Rule(BOT),
    ("GET", "/v1/models"): Rule(BOT),
    # --- helpdesk and messenger webhooks (assist.api.integrations) ------------------------------
    ("POST", "/v1/integrations/chatwoot"): Rule(INTEGRATION),
    ("POST", "/v1/integrations/kakao"): Rule(INTEGRATION),
    ("POST", "/v1/integrations/zendesk"): Rule(INTEGRATION, "ticket.create"),
    ("POST", "/v1/integrations/freshdesk"): Rule(INTEGRATION, "ticket.create"),
    # --- drafts API (KMS owners) -------------------------------------------------------------
    ("GET", "/v1/drafts"): Rule(OWNER),
    ("POST", "/v1/drafts/generate"): Rule(OWNER, "draft.generate"),
    ("GET", "/v1/drafts/{draft_id}"): Rule(OWNER),
    ("PATCH", "/v1/drafts/{draft_id}"): Rule(OWNER, "draft.edit"),
    ("POST", "/v1/drafts/{draft_id}/approve"): Rule(OWNER, "draft.approve"),
    ("POST", "/v1/drafts/{draft_id}/reject"): Rule(OWNER, "draft.reject"),
    ("POST", "/v1/drafts/{draft_id}/merge"): Rule(OWNER, "draft.merge"),
    # --- VOC analytics (assist.analytics) --------------------------------------------------------
    ("GET", "/v1/analytics"): Rule(MANAGERS),
    ("GET", "/analytics"): Rule(MANAGERS),
    # --- agent console pages -----------------------------------------------------------------
    ("GET", "/tickets"): Rule(AGENT),
    ("GET", "/tickets/new"): Rule(AGENT),
    ("POST", "/tickets/new"): Rule(AGENT, "ticket.create"),
    ("GET", "/tickets/{ticket_id}"): Rule(("agent", "kms_owner")),  # owners follow draft evidence
    ("POST", "/tickets/{ticket_id}/resolve"): Rule(AGENT, "ticket.resolve"),
    ("POST", "/tickets/{ticket_id}/reopen"): Rule(AGENT, "ticket.reopen"),
    ("POST", "/suggestions/{suggestion_id}/feedback"): Rule(AGENT, "feedback.create"),
    ("GET", "/try"): Rule(AGENT),
    ("POST", "/try"): Rule(AGENT),  # a question, never in the URL; not a write
    # --- KMS pages ---------------------------------------------------------------------------
    ("GET", "/kms"): Rule(KB_READERS),
    ("POST", "/kms/colloquial"): Rule(OWNER, "dictionary.edit"),
    ("GET", "/kms/{article_id}"): Rule(KB_READERS),
    ("GET", "/kms/{article_id}/edit"): Rule(OWNER),
    ("POST", "/kms/{article_id}/edit"): Rule(OWNER, "article.edit"),
    ("GET", "/kms/{article_id}/diff"): Rule(KB_READERS),
    # --- draft review pages ------------------------------------------------------------------
    ("GET", "/drafts"): Rule(OWNER),
    ("POST", "/drafts/generate"): Rule(OWNER, "draft.generate"),
    ("GET", "/drafts/{draft_id}"): Rule(OWNER),
    ("GET", "/drafts/{draft_id}/edit"): Rule(OWNER),
    ("POST", "/drafts/{draft_id}/edit"): Rule(OWNER, "draft.edit"),
    ("POST", "/drafts/{draft_id}/approve"): Rule(OWNER, "draft.approve"),
    ("POST", "/drafts/{draft_id}/reject"): Rule(OWNER, "draft.reject"),
    ("POST", "/drafts/{draft_id}/merge"): Rule(OWNER, "draft.merge"),
    # --- eval pages --------------------------------------------------------------------------
    ("GET", "/eval"): Rule(EVALUATOR),
    ("GET", "/eval/{source}/{path:path}"): Rule(EVALUATOR),
    # --- admin pages -------------------------------------------------------------------------
    ("GET", "/admin"): Rule(ADMIN),
    ("GET", "/admin/audit"): Rule(ADMIN),
    ("POST", "/admin/users"): Rule(ADMIN, "user.create"),
    ("POST", "/admin/users/{username}/disable"): Rule(ADMIN, "user.disable"),
    ("POST", "/admin/keys"): Rule(ADMIN, "key.create"),
    ("POST", "/admin/keys/{prefix}/revoke"): Rule(ADMIN, "key.revoke"),
}


def rule_for(method: str, path: str) -> Rule | None:
    """The rule of a route (HEAD is checked as GET); None for an undeclared route."""
    return ROUTES.get(("GET" if method == "HEAD" else method, path))


def home_for(roles: frozenset[str] | set[str]) -> str:
    """The first page a principal with these roles may open."""
    for role, page in (
        ("agent", "/tickets"),
        ("kms_owner", "/kms"),
        ("evaluator", "/eval"),
        ("admin", "/admin"),
    ):
        if role in roles:
            return page
    return "/docs"
