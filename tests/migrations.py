"""Alembic migrations under test: move a database to a revision, and run one check on a SQLite
file and on a fresh PostgreSQL database (:mod:`tests.pg`), disposing of the engine either way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import storage as db
from storage.engine import alembic_config, foreign_keys_off
from tests import pg

Check = Callable[[Engine], None]


def head_revision() -> str:
    """The newest migration's revision id (what ``upgrade head`` leaves in ``alembic_version``)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have more than one head"
    return head


def to_revision(engine: Engine, revision: str, *, down: bool = False) -> None:
    """Upgrade (or, ``down``, downgrade) the database to ``revision``."""
    config = alembic_config()
    with (
        engine.connect() as connection,
        foreign_keys_off(connection),
        connection.begin(),
    ):  # as storage.migrate
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def on_url(url: str, check: Check) -> None:
    engine = db.make_engine(url)
    try:
        check(engine)
    finally:
        engine.dispose()


def on_sqlite(folder: Path, check: Check) -> None:
    """``check`` on a new SQLite database in ``folder``."""
    on_url(f"sqlite:///{folder / 'kms.db'}", check)


def on_postgres(server_url: str, check: Check) -> None:
    """``check`` on a fresh database of the PostgreSQL server at ``server_url``."""
    with pg.fresh_database(server_url) as url:
        on_url(url, check)
