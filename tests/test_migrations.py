"""Schema migrations: the migrated schema equals the models, start-up upgrades copy an
older database aside first, and databases this version cannot handle are refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import models
import office_tui.core.migrate as migrate
from office_tui.core.db import make_engine
from office_tui.core.migrate import SchemaError, backup_sqlite, upgrade

PINNED_STAMP = "20261120-100000"  # conftest pins the clock at 2026-11-20 10:00 Taipei

STORE_INSERT = (
    "INSERT INTO store (ubn, name, industry, city, address, owner_name, is_sme, operating,"
    " created_at) VALUES ('22099131', '老街雜貨', '零售業', '臺北市', '', '', 1, 1,"
    " '2026-01-01 00:00:00')"
)
PROVIDER_INSERT = (
    "INSERT INTO provider (ubn, name, business_items, paid_in_capital, website, address,"
    " intro, capacity, owner_name, owner_title, contact_name, contact_email, contact_phone,"
    " contact_mobile, top_qualified, created_at) VALUES ('04595257', '雲端科技', 'I301010',"
    " 1000000, '', '', '', '', '', '', '', '', '', '', 0, '2026-01-01 00:00:00')"
)
CONTRACT_INSERT = (
    "INSERT INTO contract (contract_no, store_id, provider_id, starts_on, ends_on, total,"
    " subsidy, subsidised, existing_customer, created_at) VALUES ('C-0001', 1, 1,"
    " '2026-01-01', '2027-01-01', 36000, 30000, 1, 0, '2026-01-01 00:00:00')"
)

# The real head, and the test revision written on top of it.
HEAD, NEXT = "0005", "0006"

REVISION_NEXT = '''"""test: a nullable column on store"""
from alembic import op
import sqlalchemy as sa

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("store", schema=None, recreate="{recreate}") as batch_op:
        batch_op.add_column(sa.Column("loyalty_note", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.drop_column("loyalty_note")
'''


def _migrations_with_next(tmp_path: Path, recreate: str = "auto") -> Path:
    target = tmp_path / "migrations_next"
    shutil.copytree(
        migrate.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__")
    )
    (target / "versions" / f"{NEXT}_test.py").write_text(
        REVISION_NEXT.format(recreate=recreate, next=NEXT, head=HEAD), encoding="utf-8"
    )
    return target


def _columns(db_path: Path, table: str) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _sqlite_query(db_path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --- the migrated schema is the models' schema -------------------------------------


def test_upgraded_empty_database_matches_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, models.metadata)
    assert diff == []


def test_upgraded_database_has_every_model_table(engine):
    tables = set(sa.inspect(engine).get_table_names())
    assert set(models.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_partial_unique_index_on_subsidised_contracts_exists(engine):
    indexes = {ix["name"]: ix for ix in sa.inspect(engine).get_indexes("contract")}
    index = indexes["uq_contract_subsidised_store"]
    assert index["column_names"] == ["store_id"]
    assert index["unique"]
    assert "subsidised" in str(index["dialect_options"]["sqlite_where"])


def test_partial_unique_index_enforces_one_subsidy_per_store(engine, tmp_path):
    """The index is partial: unsubsidised contracts may repeat, subsidised may not."""
    path = Path(engine.url.database)
    with engine.begin() as conn:
        conn.exec_driver_sql(PROVIDER_INSERT)
        conn.exec_driver_sql(STORE_INSERT)
        conn.exec_driver_sql(CONTRACT_INSERT)
        conn.exec_driver_sql(
            CONTRACT_INSERT.replace("C-0001", "C-0002").replace(", 30000, 1, 0,", ", 0, 0, 0,")
        )
    with pytest.raises(sa.exc.IntegrityError, match="UNIQUE"):
        with engine.begin() as conn:
            conn.exec_driver_sql(CONTRACT_INSERT.replace("C-0001", "C-0003"))
    assert _sqlite_query(path, "SELECT count(*) FROM contract") == [(2,)]


# --- upgrade() -----------------------------------------------------------------------


def test_upgrade_of_empty_database_reports_none_to_head(db_url):
    engine = make_engine(db_url)
    try:
        result = upgrade(engine)
        assert result.from_revision is None
        assert result.to_revision == migrate.head_revision() == HEAD
        assert result.backup is None
        assert migrate.current_revision(engine) == HEAD
        assert not migrate.needs_upgrade(engine)
    finally:
        engine.dispose()


def test_upgrade_of_up_to_date_database_is_a_no_op(engine):
    path = Path(engine.url.database)
    before = sorted(p.name for p in path.parent.iterdir())
    result = upgrade(engine)
    assert result.from_revision == result.to_revision == HEAD
    assert result.backup is None
    after = sorted(p.name for p in path.parent.iterdir())
    assert after == before
    assert not [name for name in after if name.endswith(".bak")]


def test_upgrade_of_older_database_copies_it_aside_first(db_url, tmp_path, monkeypatch):
    engine = make_engine(db_url)
    path = Path(engine.url.database)
    try:
        upgrade(engine)  # at HEAD with the real migrations
        with engine.begin() as conn:
            conn.exec_driver_sql(STORE_INSERT)

        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", _migrations_with_next(tmp_path))

        monkeypatch.setattr(migrate, "SCHEMA_HEAD", NEXT)
        assert migrate.head_revision() == NEXT
        assert migrate.needs_upgrade(engine)

        result = upgrade(engine)

        assert result.from_revision == HEAD
        assert result.to_revision == NEXT
        assert result.backup is not None
        assert result.backup.exists()
        assert result.backup.parent == path.parent
        assert result.backup.name == f"office.db.{HEAD}.{PINNED_STAMP}.bak"

        # The copy is a complete, openable database at the old revision with the data.
        assert _sqlite_query(result.backup, "SELECT version_num FROM alembic_version") == [
            (HEAD,)
        ]
        assert _sqlite_query(result.backup, "SELECT ubn, name FROM store") == [
            ("22099131", "老街雜貨")
        ]
        assert "loyalty_note" not in _columns(result.backup, "store")
        assert _sqlite_query(result.backup, "PRAGMA integrity_check") == [("ok",)]

        # The live database moved on and kept its row.
        assert migrate.current_revision(engine) == NEXT
        assert "loyalty_note" in [c["name"] for c in sa.inspect(engine).get_columns("store")]
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT ubn, name, loyalty_note FROM store").all()
        assert [tuple(r) for r in rows] == [("22099131", "老街雜貨", None)]
    finally:
        engine.dispose()
    assert "loyalty_note" in _columns(path, "store")


def test_second_upgrade_after_migration_is_a_no_op(db_url, tmp_path, monkeypatch):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", _migrations_with_next(tmp_path))
        monkeypatch.setattr(migrate, "SCHEMA_HEAD", NEXT)
        first = upgrade(engine)
        assert first.backup is not None
        second = upgrade(engine)
        assert second.from_revision == second.to_revision == NEXT
        assert second.backup is None
    finally:
        engine.dispose()


def test_upgrade_recreating_a_referenced_table_keeps_the_data(db_url, tmp_path, monkeypatch):
    engine = make_engine(db_url)
    path = Path(engine.url.database)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql(PROVIDER_INSERT)
            conn.exec_driver_sql(STORE_INSERT)
            conn.exec_driver_sql(CONTRACT_INSERT)  # references store 1
        monkeypatch.setattr(migrate, "SCHEMA_HEAD", NEXT)
        monkeypatch.setattr(
            migrate, "MIGRATIONS_DIR", _migrations_with_next(tmp_path, recreate="always")
        )
        result = upgrade(engine)
        assert result.to_revision == NEXT
    finally:
        engine.dispose()
    assert "loyalty_note" in _columns(path, "store")
    assert _sqlite_query(path, "SELECT count(*) FROM contract") == [(1,)]


def test_failed_upgrade_leaves_database_at_old_revision_with_backup(
    db_url, tmp_path, monkeypatch
):
    """Whatever goes wrong inside a migration, the live file is rolled back and the copy
    made beforehand is there."""
    engine = make_engine(db_url)
    path = Path(engine.url.database)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql(STORE_INSERT)
        migrations = _migrations_with_next(tmp_path)
        broken = migrations / "versions" / f"{NEXT}_test.py"
        broken.write_text(
            broken.read_text(encoding="utf-8").replace(
                'batch_op.add_column(sa.Column("loyalty_note", sa.String(), nullable=True))',
                'batch_op.add_column(sa.Column("loyalty_note", sa.String(), nullable=True))\n'
                '    op.execute("SELECT * FROM no_such_table")',
            ),
            encoding="utf-8",
        )
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)
        monkeypatch.setattr(migrate, "SCHEMA_HEAD", NEXT)
        with pytest.raises(sa.exc.OperationalError, match="no_such_table"):
            upgrade(engine)
        assert migrate.current_revision(engine) == HEAD
    finally:
        engine.dispose()
    assert "loyalty_note" not in _columns(path, "store")
    assert _sqlite_query(path, "SELECT ubn FROM store") == [("22099131",)]
    backups = list(path.parent.glob(f"office.db.{HEAD}.*.bak"))
    assert len(backups) == 1
    assert _sqlite_query(backups[0], "SELECT ubn FROM store") == [("22099131",)]


# --- databases this version cannot handle --------------------------------------------


def test_database_from_a_newer_version_is_refused(engine):
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(SchemaError) as caught:
        upgrade(engine)
    assert caught.value.key == "error.db_newer"
    assert caught.value.params == {"revision": "0099"}
    # Nothing was touched and no backup was made.
    assert migrate.current_revision(engine) == "0099"
    assert not list(Path(engine.url.database).parent.glob("*.bak"))


def test_unversioned_database_with_tables_is_refused(db_url):
    path = Path(db_url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)")
        conn.execute("INSERT INTO ledger (amount) VALUES (42)")
    conn.close()
    engine = make_engine(db_url)
    try:
        with pytest.raises(SchemaError) as caught:
            upgrade(engine)
        assert caught.value.key == "error.db_unversioned"
        assert set(sa.inspect(engine).get_table_names()) == {"ledger"}
    finally:
        engine.dispose()
    assert _sqlite_query(path, "SELECT amount FROM ledger") == [(42,)]


# --- backups -------------------------------------------------------------------------


def test_backup_of_wal_database_includes_data_not_yet_in_main_file(tmp_path):
    path = tmp_path / "live.db"
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        writer.execute("PRAGMA wal_autocheckpoint=0")  # keep everything in the WAL
        writer.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        writer.execute("INSERT INTO note (body) VALUES ('在 WAL 裡')")
        assert (tmp_path / "live.db-wal").stat().st_size > 0

        # Proof the data is only in the WAL: a plain copy of the main file lacks it.
        plain = tmp_path / "plain-copy.db"
        shutil.copy(path, plain)
        plain_conn = sqlite3.connect(plain)
        try:
            tables = plain_conn.execute(
                "SELECT name FROM sqlite_master WHERE name = 'note'"
            ).fetchall()
        finally:
            plain_conn.close()
        assert tables == []

        engine = make_engine(f"sqlite:///{path}")
        try:
            target = backup_sqlite(engine, tmp_path / "backups" / "live.bak")
        finally:
            engine.dispose()
        assert target == tmp_path / "backups" / "live.bak"
        # The writer is still open, so the WAL was not folded in by a checkpoint on close.
        assert writer.execute("SELECT body FROM note").fetchall() == [("在 WAL 裡",)]
    finally:
        writer.close()
    assert _sqlite_query(target, "SELECT body FROM note") == [("在 WAL 裡",)]
    assert _sqlite_query(target, "PRAGMA integrity_check") == [("ok",)]


def test_backup_refuses_non_file_database():
    engine = make_engine("sqlite://")
    try:
        with pytest.raises(SchemaError) as caught:
            backup_sqlite(engine, Path("unused.bak"))
        assert caught.value.key == "error.backup_sqlite_only"
    finally:
        engine.dispose()


def test_schema_head_constant_is_alembics_head():
    """Start-up compares with SCHEMA_HEAD to skip loading Alembic; it must name the head."""
    from office_tui.core.migrate import SCHEMA_HEAD, head_revision

    assert SCHEMA_HEAD == head_revision()
