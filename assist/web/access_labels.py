"""Page labels of sign-in, navigation by role and the admin pages (joined into ``i18n.MESSAGES``)."""

from __future__ import annotations

ACCESS_MESSAGES: dict[str, tuple[str, str]] = {
    "nav.admin": ("관리", "Admin"),
    "auth.signin": ("로그인", "Sign in"),
    "auth.signout": ("로그아웃", "Sign out"),
    "auth.username": ("사용자 이름", "Username"),
    "auth.password": ("비밀번호", "Password"),
    "auth.failed": (
        "사용자 이름 또는 비밀번호가 맞지 않습니다.",
        "The username or password is not right.",
    ),
    "auth.link_bad": (
        "로그인 링크가 없거나 이미 사용되었거나 만료되었습니다. "
        "`kms users link 이름`으로 새 링크를 만드세요.",
        "The sign-in link is unknown, used or expired. Make a new one with `kms users link NAME`.",
    ),
    "auth.hint": (
        "계정은 관리자가 만듭니다 (`kms users create`). 처음이면 `make run`이 보여 준 로그인 링크를 여세요.",
        "Accounts are made by an admin (`kms users create`). "
        "First time? Open the sign-in link `make run` printed.",
    ),
    "auth.signed_in_as": ("로그인 사용자", "Signed in as"),
    "auth.off_banner": (
        "인증 꺼짐 (KMS_AUTH=off): 누구나 모든 권한을 가집니다. 로컬 데모 전용입니다.",
        "Authentication is OFF (KMS_AUTH=off): everyone has every role. Local demo only.",
    ),
    "admin.title": ("관리", "Administration"),
    "admin.users": ("사용자", "Users"),
    "admin.keys": ("API 키", "API keys"),
    "admin.audit": ("감사 로그", "Audit log"),
    "admin.roles": ("역할", "Roles"),
    "admin.name": ("이름", "Name"),
    "admin.prefix": ("접두사", "Prefix"),
    "admin.created": ("생성", "Created"),
    "admin.last_used": ("마지막 사용", "Last used"),
    "admin.last_sign_in": ("마지막 로그인", "Last sign-in"),
    "admin.state": ("상태", "State"),
    "admin.active": ("사용 중", "active"),
    "admin.disabled": ("사용 중지", "disabled"),
    "admin.revoked": ("폐기됨", "revoked"),
    "admin.disable": ("사용 중지", "Disable"),
    "admin.revoke": ("폐기", "Revoke"),
    "admin.create_user": ("사용자 만들기", "Create user"),
    "admin.create_key": ("키 만들기", "Create key"),
    "admin.new_key": (
        "새 API 키입니다. 지금 복사하세요. 다시 볼 수 없습니다.",
        "The new API key. Copy it now: it is never shown again.",
    ),
    "admin.new_link": (
        "일회용 로그인 링크 (1시간 유효). 사용자에게 안전하게 전달하세요.",
        "One-time sign-in link (valid for 1 hour). Hand it to the user safely.",
    ),
    "admin.at": ("시각", "When"),
    "admin.actor": ("누가", "Who"),
    "admin.action": ("작업", "Action"),
    "admin.object": ("대상", "Object"),
    "admin.outcome": ("결과", "Outcome"),
    "admin.settings": ("설정", "Settings"),
    "admin.audit_hint": (
        "모든 쓰기와 로그인이 기록됩니다 (추가 전용, 고객 문장 없음). `kms audit`로도 볼 수 있습니다.",
        "Every write and sign-in is recorded (append only, no customer text). Also `kms audit`.",
    ),
    "msg.user_created": ("사용자를 만들었습니다", "User created"),
    "msg.user_disabled": ("사용자를 사용 중지했습니다", "User disabled"),
    "msg.key_revoked": ("키를 폐기했습니다", "Key revoked"),
    "msg.signed_out": ("로그아웃했습니다", "Signed out"),
    "error.401": ("로그인이 필요합니다", "Sign-in required"),
    "error.403": ("권한이 없습니다", "Not allowed"),
}
