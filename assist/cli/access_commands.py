"""`kms keys …`, `kms users …`, `kms audit`: API keys, web users and the audit log.

Keys and sign-in links are printed once and never stored in a readable form. Every write made
here is in the audit log too, by ``cli:<os user>``.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from assist.cli.app import CliConsole, app, console
from core.errors import KmsError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

out = CliConsole()
keys_app = typer.Typer(help="API keys for machines: create (shown once), list, revoke.", no_args_is_help=True)
users_app = typer.Typer(
    help="Web users: create, list, disable, sign-in link, password.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")

DEFAULT_URL = "http://127.0.0.1:8000"
BOOTSTRAP_ADMIN = "admin"
BOOTSTRAP_ROLES = ("admin", "agent", "kms_owner", "evaluator")
# assist.access.ROLES, spelled out so that the help page needs no import of the access layer
# (argon2, SQLAlchemy); tests/unit/test_cli_lazy.py checks that the two agree.
ROLES = ("agent", "bot", "kms_owner", "evaluator", "admin", "integration")
RoleOpt = Annotated[list[str], typer.Option("--role", "-r", help=f"Role (repeat): {', '.join(ROLES)}.")]


def _sessions() -> sessionmaker[Session]:
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    return KnowledgeBase(Settings()).sessions


def cli_actor() -> str:
    """Who a CLI write is recorded as: ``cli:<os user>`` (the person with shell access)."""
    try:
        return f"cli:{getpass.getuser()}"[:120]
    except (KeyError, OSError):
        return "cli"


def _audit(action: str, obj: str | None, outcome: str = "ok") -> None:
    from assist import access

    access.record(
        _sessions(), actor=cli_actor(), roles=("admin",), action=action, object=obj, outcome=outcome
    )


@contextmanager
def audited(action: str, obj: str | None) -> Iterator[None]:
    """Record the CLI write in the block: ``ok`` when it returns, ``failed`` when it raises."""
    try:
        yield
    except KmsError:
        _audit(action, obj, outcome="failed")
        raise
    _audit(action, obj)


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "–"


def sign_in_link(base_url: str, username: str) -> str:
    """A new one-time sign-in URL for ``username`` (valid for an hour)."""
    from assist import access

    token = access.create_sign_in_link(_sessions(), username)
    return f"{base_url.rstrip('/')}/signin/link/{token}"


def bootstrap_admin(base_url: str = DEFAULT_URL) -> str | None:
    """``kms init``: with no user at all, create ``admin`` and return a one-time sign-in link."""
    from assist import access

    sessions = _sessions()
    if access.list_users(sessions):
        return None
    access.create_user(sessions, BOOTSTRAP_ADMIN, BOOTSTRAP_ROLES)
    _audit("user.create", BOOTSTRAP_ADMIN)
    return sign_in_link(base_url, BOOTSTRAP_ADMIN)


def first_admin() -> str | None:
    from assist import access

    return next((u.username for u in access.list_users(_sessions()) if u.active and "admin" in u.roles), None)


# --- keys ------------------------------------------------------------------------------------
@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="What uses the key, e.g. kakao (a-z 0-9 . _ -).")],
    role: RoleOpt,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {key, prefix, name, roles} as JSON.")
    ] = False,
) -> None:
    """Create an API key; it is printed once (store it in your secret manager)."""
    from assist import access

    info, key = access.create_key(_sessions(), name, role, created_by=cli_actor())
    _audit("key.create", f"kms_{info.prefix}")
    if as_json:
        payload = {"key": key, "prefix": f"kms_{info.prefix}", "name": info.name, "roles": info.roles}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    out.print(key, highlight=False, soft_wrap=True)
    console.print(
        f"key kms_{info.prefix} ({info.name}; {', '.join(info.roles)}) created. It is shown only now: "
        "send it as 'Authorization: Bearer <key>'.",
        highlight=False,
    )


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Keys with prefix, name, roles, creation, last use and revocation (never the key)."""
    from assist import access

    keys = access.list_keys(_sessions())
    if as_json:
        rows = [
            {
                "prefix": f"kms_{k.prefix}",
                "name": k.name,
                "roles": k.roles,
                "created_at": k.created_at.isoformat(),
                "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in keys
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table(title="API keys")
    for col in ("prefix", "name", "roles", "created", "last used", "revoked"):
        table.add_column(col)
    for k in keys:
        row = (f"kms_{k.prefix}", k.name, ",".join(k.roles), _dt(k.created_at), _dt(k.last_used_at))
        table.add_row(*row, _dt(k.revoked_at))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key: Annotated[str, typer.Argument(help="Prefix (kms_ab12cd34) or unique name.")]) -> None:
    """Revoke a key: it stops working at once."""
    from assist import access

    info = access.revoke_key(_sessions(), key)
    _audit("key.revoke", f"kms_{info.prefix}")
    out.print(f"revoked kms_{info.prefix} ({info.name})")


# --- users -----------------------------------------------------------------------------------
@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Sign-in name (a-z 0-9 . _ -).")],
    role: RoleOpt,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (else: a sign-in link).")
    ] = False,
    url: Annotated[str, typer.Option(help="Base URL for the sign-in link.")] = DEFAULT_URL,
) -> None:
    """Create a web user; prints a one-time sign-in link unless a password is given on stdin."""
    from assist import access

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user = access.create_user(_sessions(), username, role, password=password)
    _audit("user.create", user.username)
    out.print(f"user {user.username} created ({', '.join(user.roles)})")
    if password is None:
        out.print(f"one-time sign-in link (1 hour): {sign_in_link(url, user.username)}", soft_wrap=True)


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Users with roles, last sign-in and state (never a password)."""
    from assist import access

    users = access.list_users(_sessions())
    if as_json:
        rows = [
            {
                "username": u.username,
                "roles": u.roles,
                "has_password": u.has_password,
                "last_sign_in_at": u.last_sign_in_at.isoformat() if u.last_sign_in_at else None,
                "disabled": not u.active,
            }
            for u in users
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table(title="users")
    for col in ("username", "roles", "password", "last sign-in", "state"):
        table.add_column(col)
    for u in users:
        state = "active" if u.active else f"disabled {_dt(u.disabled_at)}"
        table.add_row(
            u.username, ",".join(u.roles), "yes" if u.has_password else "no", _dt(u.last_sign_in_at), state
        )
    out.print(table)


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The user to disable.")]) -> None:
    """Disable a user and end their sessions at once."""
    from assist import access

    user = access.disable_user(_sessions(), username)
    _audit("user.disable", user.username)
    out.print(f"user {user.username} disabled; their sessions are ended")


@users_app.command("link")
def users_link(
    username: Annotated[str, typer.Argument(help="The user.")],
    url: Annotated[str, typer.Option(help="Base URL of the site.")] = DEFAULT_URL,
) -> None:
    """Print a one-time sign-in link (valid for an hour) for a user."""
    link = sign_in_link(url, username)
    _audit("user.sign_in_link", username.strip())
    out.print(link, soft_wrap=True, highlight=False)


@users_app.command("password")
def users_password(
    username: Annotated[str, typer.Argument(help="The user.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read it from stdin.")] = False,
) -> None:
    """Set a user's password (prompted twice, or one line from stdin)."""
    from assist import access

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    user = access.set_password(_sessions(), username, password)
    _audit("user.password", user.username)
    out.print(f"password of {user.username} set")


# --- audit -----------------------------------------------------------------------------------
@app.command()
def audit(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many events, newest first.")] = 50,
    actor: Annotated[str | None, typer.Option(help="Only this actor (user name or key:NAME).")] = None,
    action: Annotated[str | None, typer.Option(help="Only actions starting with this, e.g. ticket.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """The audit log: every write and sign-in (who, roles, action, object, outcome, when)."""
    from assist import access

    events = access.list_events(_sessions(), limit=limit, actor=actor, action=action)
    if as_json:
        for e in events:
            row = {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "roles": e.roles,
                "action": e.action,
                "object": e.object,
                "outcome": e.outcome,
                "status": e.status,
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title="audit log")
    for col in ("when (UTC)", "who", "roles", "action", "object", "outcome"):
        table.add_column(col)
    for e in events:
        when = e.at.strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(when, e.actor, ",".join(e.roles), e.action, e.object or "", e.outcome)
    out.print(table)
