"""Every write through write_session lands in AuditEntry: who, when, which row, old → new."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models import AuditEntry, Provider, Store
from office_tui.core import audit
from office_tui.core.auth import Actor
from office_tui.core.db import read_session, write_session

TESTER = Actor(user_id=None, username="tester", role="staff")
PINNED_UTC = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 Asia/Taipei
UBN = "04595257"


def _entries(engine, **where) -> list[AuditEntry]:
    with read_session(engine) as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEntry, column) == value)
        return list(session.exec(query).all())


def _add_provider(engine, **fields) -> int:
    with write_session(engine, TESTER, reason="登錄服務提供者") as session:
        provider = Provider(ubn=UBN, name="雲端科技股份有限公司", paid_in_capital=5_000_000, **fields)
        session.add(provider)
        session.flush()
        return provider.id


def test_insert_records_one_entry_with_all_values(engine):
    provider_id = _add_provider(engine, registered_on=date(2015, 3, 2))
    entries = _entries(engine)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "insert"
    assert entry.table_name == "provider"
    assert entry.username == "tester"
    assert entry.user_id is None
    assert entry.reason == "登錄服務提供者"
    changes = json.loads(entry.changes)
    assert changes["ubn"] == [None, UBN]
    assert changes["name"] == [None, "雲端科技股份有限公司"]
    assert changes["id"] == [None, provider_id]
    assert changes["paid_in_capital"] == [None, 5_000_000]
    assert changes["registered_on"] == [None, "2015-03-02"]  # dates as ISO text
    # Non-ASCII is kept readable in the stored JSON, not \u-escaped.
    assert "雲端科技股份有限公司" in entry.changes


def test_insert_row_key_is_the_new_id(engine):
    provider_id = _add_provider(engine)
    (entry,) = _entries(engine, action="insert")
    assert entry.row_key == str(provider_id)


def test_insert_row_key_of_composite_key(engine):
    from models import UsageDaily

    with write_session(engine, TESTER, reason="usage") as session:
        store = Store(ubn="22099131", name="老街雜貨", industry="零售業")
        session.add(store)
        session.flush()
        session.add(UsageDaily(store_id=store.id, day=date(2026, 11, 2), count=7))
    entry = _entries(engine, table_name="usagedaily")[0]
    assert entry.action == "insert"
    assert entry.row_key == f"{store.id}/2026-11-02"


def test_update_and_delete_row_keys_of_composite_key(engine):
    from models import UsageDaily

    with write_session(engine, TESTER, reason="usage") as session:
        store = Store(ubn="22099131", name="老街雜貨", industry="零售業")
        session.add(store)
        session.flush()
        usage = UsageDaily(store_id=store.id, day=date(2026, 11, 2), count=7)
        session.add(usage)
    with write_session(engine, TESTER, reason="fix count") as session:
        usage = session.get(UsageDaily, (store.id, date(2026, 11, 2)))
        usage.count = 9
    with write_session(engine, TESTER, reason="remove") as session:
        session.delete(session.get(UsageDaily, (store.id, date(2026, 11, 2))))
    update = _entries(engine, table_name="usagedaily", action="update")[0]
    delete = _entries(engine, table_name="usagedaily", action="delete")[0]
    assert update.row_key == delete.row_key == f"{store.id}/2026-11-02"
    assert json.loads(update.changes) == {"count": [7, 9]}
    assert json.loads(delete.changes)["day"] == ["2026-11-02", None]


def test_update_records_old_and_new_of_changed_columns_only(engine):
    provider_id = _add_provider(engine)
    with write_session(engine, TESTER, reason="更名") as session:
        provider = session.get(Provider, provider_id)
        provider.name = "雲端數位股份有限公司"
        provider.paid_in_capital = 5_000_000  # same value: not a change
    entries = _entries(engine, action="update")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.table_name == "provider"
    assert entry.row_key == str(provider_id)
    assert entry.reason == "更名"
    assert entry.username == "tester"
    assert json.loads(entry.changes) == {"name": ["雲端科技股份有限公司", "雲端數位股份有限公司"]}


def test_update_without_changes_records_nothing(engine):
    provider_id = _add_provider(engine)
    with write_session(engine, TESTER, reason="noop") as session:
        provider = session.get(Provider, provider_id)
        provider.name = provider.name
    assert _entries(engine, action="update") == []


def test_each_flush_of_an_update_is_recorded(engine):
    provider_id = _add_provider(engine)
    with write_session(engine, TESTER, reason="two steps") as session:
        provider = session.get(Provider, provider_id)
        provider.website = "https://a.example"
        session.flush()
        provider.website = "https://b.example"
    changes = [json.loads(e.changes) for e in _entries(engine, action="update")]
    assert changes == [
        {"website": ["", "https://a.example"]},
        {"website": ["https://a.example", "https://b.example"]},
    ]


def test_delete_records_the_old_values(engine):
    provider_id = _add_provider(engine, website="https://cloud.example")
    with write_session(engine, TESTER, reason="重複登錄") as session:
        session.delete(session.get(Provider, provider_id))
    entries = _entries(engine, action="delete")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.table_name == "provider"
    assert entry.row_key == str(provider_id)
    assert entry.reason == "重複登錄"
    changes = json.loads(entry.changes)
    assert changes["ubn"] == [UBN, None]
    assert changes["name"] == ["雲端科技股份有限公司", None]
    assert changes["website"] == ["https://cloud.example", None]
    assert changes["id"] == [provider_id, None]
    with read_session(engine) as session:
        assert session.get(Provider, provider_id) is None


def test_nothing_is_recorded_when_the_transaction_rolls_back(engine):
    provider_id = _add_provider(engine)
    before = _entries(engine)
    with pytest.raises(RuntimeError, match="abort"):
        with write_session(engine, TESTER, reason="will fail") as session:
            session.add(Store(ubn="22099131", name="老街雜貨", industry="零售業"))
            provider = session.get(Provider, provider_id)
            provider.name = "never saved"
            session.flush()  # the audit rows were written inside the transaction...
            assert len(session.exec(select(AuditEntry)).all()) == len(before) + 2
            raise RuntimeError("abort")
    assert [e.id for e in _entries(engine)] == [e.id for e in before]
    with read_session(engine) as session:
        assert session.exec(select(Store)).all() == []
        assert session.get(Provider, provider_id).name == "雲端科技股份有限公司"


def test_failed_flush_records_nothing(engine):
    _add_provider(engine)
    before = len(_entries(engine))
    with pytest.raises(Exception, match="UNIQUE"):
        with write_session(engine, TESTER, reason="duplicate") as session:
            session.add(Provider(ubn=UBN, name="同一統編"))
    assert len(_entries(engine)) == before


def test_record_bulk_writes_one_bulk_entry(engine):
    with write_session(engine, TESTER, reason="匯入使用紀錄") as session:
        audit.record_bulk(session, "usagedaily", 12_345, "GA export 2026-10")
    entries = _entries(engine)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "bulk"
    assert entry.table_name == "usagedaily"
    assert entry.row_key == ""
    assert entry.username == "tester"
    assert entry.reason == "匯入使用紀錄"
    assert json.loads(entry.changes) == {"rows": [None, 12_345], "note": [None, "GA export 2026-10"]}


def test_record_bulk_rolls_back_with_its_transaction(engine):
    with pytest.raises(RuntimeError):
        with write_session(engine, TESTER, reason="bulk") as session:
            audit.record_bulk(session, "usagedaily", 10)
            raise RuntimeError("abort")
    assert _entries(engine) == []


def test_times_read_back_as_aware_utc(engine):
    _add_provider(engine)
    with write_session(engine, TESTER, reason="bulk") as session:
        audit.record_bulk(session, "store", 3)
    entries = _entries(engine)
    assert len(entries) == 2
    for entry in entries:
        assert entry.at.tzinfo is not None
        assert entry.at.utcoffset().total_seconds() == 0
        assert entry.at == PINNED_UTC  # the pinned office clock, converted to UTC
    # Stored as naive UTC text in SQLite (not Taipei local time).
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT at FROM auditentry").scalars().all()
    assert all(str(value).startswith("2026-11-20 02:00:00") for value in raw)


def test_actor_user_id_and_set_reason_are_recorded(engine):
    from office_tui.core.auth import add_user

    admin = add_user(engine, None, "admin1", "admin", password="pw-123456-admin")
    actor = Actor(user_id=admin.id, username="admin1", role="admin")
    with write_session(engine, actor, reason="first") as session:
        audit.set_reason(session, "second")
        session.add(Provider(ubn=UBN, name="P"))
    entry = _entries(engine, table_name="provider")[0]
    assert entry.user_id == admin.id
    assert entry.username == "admin1"
    assert entry.reason == "second"



def test_update_of_expired_object_records_the_real_old_value(engine):
    provider_id = _add_provider(engine)
    with write_session(engine, TESTER, reason="expired") as session:
        provider = session.get(Provider, provider_id)
        session.expire(provider)
        provider.name = "新名稱"
    entry = _entries(engine, action="update")[0]
    assert json.loads(entry.changes)["name"] == ["雲端科技股份有限公司", "新名稱"]
