"""Engines, migrations and sessions.

``open_db(settings)`` is the one call most code needs: it builds the engine for
``settings.db_url``, brings the schema to the latest Alembic revision and returns a
``sessionmaker``. Failures to reach or migrate the database raise ``StorageError`` with the
URL (password masked) and what to check.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import StorageError
from core.settings import Settings

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
ALEMBIC_INI = PACKAGE_DIR / "alembic.ini"
_MIGRATE_LOCK = 0x4B4D53  # "KMS": PostgreSQL advisory lock held while migrating


_ALEMBIC_LOCK = threading.Lock()


def mask_url(url: str | URL) -> str:
    """The URL as text with its password replaced by ``***`` (safe for messages and logs)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", str(url))


def _json_dumps(value: Any) -> str:
    # Keep Korean readable in the database instead of \\uXXXX escapes.
    return json.dumps(value, ensure_ascii=False)


def _hint(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return "check that the folder exists and is writable, and that the file is a SQLite database"
    return (
        "check that the server is running and reachable, that the user, password and database "
        "name are right, and that KMS_DATABASE_URL is set as intended"
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: commits no longer fsync (≈1 ms instead of 5–10 ms); a power loss can drop
        # the last commits but never corrupts the database.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite gets its folder created, foreign keys and WAL; PostgreSQL
    gets ``pool_pre_ping``. A URL that can't be parsed or whose driver is missing raises
    ``StorageError``."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(
            f"Invalid database URL {mask_url(url)!r}: expected e.g. 'sqlite:///path/kms.db' or "
            "'postgresql+psycopg://user:pw@host/db' (set KMS_DATABASE_URL).",
            details={"url": mask_url(url)},
        ) from exc
    # hide_parameters: an error message or log line never carries row contents
    kwargs: dict[str, Any] = {"json_serializer": _json_dumps, "hide_parameters": True}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"Can't create the folder for the database {mask_url(parsed)!r}: {exc}; "
                    "check KMS_DATA_DIR and its permissions.",
                    details={"url": mask_url(parsed)},
                ) from exc
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(parsed, **kwargs)
    except ImportError as exc:
        if "psycopg" not in str(exc):
            raise StorageError(
                f"Can't create an engine for {mask_url(parsed)!r}: {exc}.", details={"url": mask_url(parsed)}
            ) from exc
        raise StorageError(
            f"{mask_url(parsed)!r} needs the PostgreSQL driver: pip install 'kms-assist[postgres]' "
            "(psycopg; make install-dev has it).",
            details={"url": mask_url(parsed)},
        ) from exc
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StorageError(
            f"Can't create an engine for {mask_url(parsed)!r}: {exc}. Check the URL's driver "
            "(use 'sqlite:///...' or 'postgresql+psycopg://...').",
            details={"url": mask_url(parsed)},
        ) from exc
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(url: str | None = None) -> Config:
    """An Alembic ``Config`` built in code, pointing at the packaged migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to Alembic ``head`` (a no-op when it is already there).

    On SQLite, foreign keys are off while migrating: batch migrations rebuild tables, and a
    rebuilt ``articles`` would otherwise cascade-delete every revision.
    """
    config = alembic_config()
    try:
        with engine.connect() as connection, foreign_keys_off(connection), connection.begin():
            if connection.dialect.name == "postgresql":  # one migrator at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATE_LOCK})
            config.attributes["connection"] = connection
            with _ALEMBIC_LOCK:  # alembic's context proxy is module-global: one thread at a time
                command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StorageError(
            f"Can't migrate the database {mask_url(engine.url)!r}: {exc.__class__.__name__}: "
            f"{_first_line(exc)}; {_hint(engine.url)}.",
            details={"url": mask_url(engine.url)},
        ) from exc
    except CommandError as exc:  # e.g. the database is at a revision this code doesn't know
        raise StorageError(
            f"Can't migrate the database {mask_url(engine.url)!r}: {exc}; was it created by a newer "
            "KMS Assist? Upgrade the package or point KMS_DATABASE_URL at another database.",
            details={"url": mask_url(engine.url)},
        ) from exc
    finally:
        config.attributes.pop("connection", None)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # Outside any transaction: SQLite ignores this PRAGMA inside one.
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite foreign keys off on ``connection`` for the block, on again after it (a no-op on other
    databases). Migrations run inside it: a table a batch migration rebuilds must not cascade its
    drop into the tables that point at it (``articles`` into every revision, ``query_logs`` into
    answer feedback). Call it outside any transaction."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        yield
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def open_db(settings: Settings) -> sessionmaker[Session]:
    """Engine for ``settings.db_url`` + ``migrate`` + ``sessionmaker(expire_on_commit=False)``;
    the sessions carry ``settings.pii_allow`` for the masking choke point (``masking.py``)."""
    engine = make_engine(settings.db_url)
    try:
        migrate(engine)
    except StorageError:
        engine.dispose()
        raise
    log.debug("database ready at %s", mask_url(engine.url))
    return sessionmaker(bind=engine, expire_on_commit=False, info={"pii_allow": tuple(settings.pii_allow)})


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip()
    return message.splitlines()[0] if message else orig.__class__.__name__
