"""storage schema and engine errors: migrations up to the head, the alembic CLI, bad URLs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

import storage as db
from core.errors import StorageError
from core.settings import Settings
from storage.engine import ALEMBIC_INI
from tests.dbhelp import TABLES, engine_of


def head_revision() -> str:
    heads = ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_heads()
    assert len(heads) == 1, f"migrations must form one line, found heads {heads}"
    return heads[0]


# --- schema --------------------------------------------------------------------------------


def test_migrate_creates_all_tables(sessions: sessionmaker[Session], settings: Settings) -> None:
    engine = engine_of(sessions)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
    assert (settings.data_dir / "kms.db").exists()


def test_migrate_twice_is_a_noop(sessions: sessionmaker[Session]) -> None:
    engine = engine_of(sessions)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]).strip().upper())

    event.listen(engine, "before_cursor_execute", record)
    db.migrate(engine)
    event.remove(engine, "before_cursor_execute", record)
    writes = [
        s for s in statements if s.split()[0] in {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"}
    ]
    assert statements and writes == []


def test_migration_matches_models_exactly(sessions: sessionmaker[Session]) -> None:
    with engine_of(sessions).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.Base.metadata) == []


def test_alembic_cli_upgrades_a_database_given_by_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cmd = [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), "-x", f"url={url}", "upgrade", "head"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    engine = db.make_engine(url)
    assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    engine.dispose()


# --- errors --------------------------------------------------------------------------------


def test_unreachable_database_raises_storage_error_with_masked_url() -> None:
    url = "postgresql+psycopg://kms:s3cret@127.0.0.1:1/kms"
    with pytest.raises(StorageError) as info:
        db.open_db(Settings(database_url=url))
    assert "kms:***@127.0.0.1:1/kms" in info.value.message
    assert "s3cret" not in info.value.message and "s3cret" not in str(info.value.details)
    assert "server is running" in info.value.message


@pytest.mark.parametrize(
    "url", ["not a url", "nosuchdb+driver://u:s3cret@x/y", "postgresql+nodriver://u:s3cret@x/y"]
)
def test_bad_url_raises_storage_error_naming_it(url: str) -> None:
    with pytest.raises(StorageError) as info:
        db.make_engine(url)
    assert url.replace(":s3cret@", ":***@") in info.value.message and "s3cret" not in info.value.message


def test_unwritable_sqlite_location_raises_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="folder"):
        db.open_db(Settings(data_dir=blocker / "kms"))


def test_database_from_a_newer_version_raises_storage_error(settings: Settings) -> None:
    db.open_db(settings).kw["bind"].dispose()
    engine = db.make_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match="newer KMS Assist"):
        db.migrate(engine)
    engine.dispose()


def test_a_postgres_url_without_the_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # psycopg is the 'postgres' extra: without it the error says what to install, in one line
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: object, **kwargs: object) -> object:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ModuleNotFoundError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(StorageError) as info:
        db.make_engine("postgresql+psycopg://kms:s3cret@127.0.0.1:5432/kms")
    assert "kms-assist[postgres]" in info.value.message and "s3cret" not in info.value.message
    assert "\n" not in info.value.message
