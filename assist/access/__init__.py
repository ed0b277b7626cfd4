"""Access control without any web framework: roles, users, API keys, web sessions, sign-in
links, the route policy table and the audit log.

    from assist.access import create_key, create_user, ROUTES
    info, key = create_key(kb.sessions, "kakao", ["bot"])   # key shown once
    create_user(kb.sessions, "kim", ["agent"], password="...")

The HTTP layer (``assist.api.security``) enforces :data:`ROUTES` and records the audit log.
"""

from assist.access.audit import OUTCOMES, AuditEvent, count_events, count_failures, list_events, record
from assist.access.keys import KeyInfo, authenticate_key, create_key, list_keys, revoke_key
from assist.access.policy import PUBLIC, ROUTES, SIGNED_IN, Rule, home_for, rule_for
from assist.access.roles import ROLES, Principal, parse_roles
from assist.access.users import (
    MIN_PASSWORD,
    UserInfo,
    check_password,
    create_user,
    disable_user,
    find_user,
    list_users,
    set_password,
)
from assist.access.web_sessions import (
    create_sign_in_link,
    end_session,
    redeem_sign_in_link,
    session_principal,
    start_session,
)

__all__ = [
    "MIN_PASSWORD",
    "OUTCOMES",
    "PUBLIC",
    "ROLES",
    "ROUTES",
    "SIGNED_IN",
    "AuditEvent",
    "KeyInfo",
    "Principal",
    "Rule",
    "UserInfo",
    "authenticate_key",
    "check_password",
    "count_events",
    "count_failures",
    "create_key",
    "create_sign_in_link",
    "create_user",
    "disable_user",
    "end_session",
    "find_user",
    "home_for",
    "list_events",
    "list_keys",
    "list_users",
    "parse_roles",
    "record",
    "redeem_sign_in_link",
    "revoke_key",
    "rule_for",
    "session_principal",
    "set_password",
    "start_session",
]
