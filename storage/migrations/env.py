"""Alembic environment for KMS Assist.

Two ways in:

* in code, ``storage.migrate(engine)`` passes an open connection through
  ``config.attributes["connection"]``; it is used as is;
* from the command line, the URL comes from ``-x url=...``, else ``sqlalchemy.url`` in the ini,
  else the settings (``KMS_DATABASE_URL`` or SQLite under ``KMS_DATA_DIR``)::

      alembic -c storage/alembic.ini -x url=postgresql+psycopg://kms@localhost/kms upgrade head
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from storage.engine import foreign_keys_off, make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from core.settings import Settings  # the CLI is an edge: settings are built here

    return Settings().db_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn, foreign_keys_off(conn):  # as storage.migrate
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_offline()
else:
    run_online()
