"""Settings: defaults < settings file < environment < command-line flags; database URLs."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from office_tui.core.config import Settings, config_path, data_dir, load_settings, save_setting
from office_tui.core.db import DatabaseUrlError, make_engine


@pytest.fixture
def settings_file() -> Path:
    path = Path(os.environ["OFFICE_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_isolated_paths_come_from_the_environment(isolated_office):
    assert data_dir() == isolated_office / "data"
    assert config_path() == isolated_office / "config" / "config.toml"


def test_defaults(isolated_office):
    assert not config_path().exists()
    settings = load_settings()
    assert settings.lang == "zh_TW"
    assert settings.date_style == "roc"
    assert settings.auth == "login"
    assert settings.correction_working_days == {"A": 3, "B": 3}
    assert settings.db_url == f"sqlite:///{isolated_office / 'data' / 'office.db'}"
    assert not config_path().exists()  # loading never writes the file


def test_settings_file_overrides_defaults(settings_file):
    settings_file.write_text(
        'db_url = "sqlite:////srv/office/office.db"\n'
        'lang = "en"\n'
        'date_style = "iso"\n'
        'auth = "os"\n'
        'unknown_key = "ignored"\n'
        "[correction_working_days]\nA = 5\nB = 4\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings == Settings(
        db_url="sqlite:////srv/office/office.db",
        lang="en",
        date_style="iso",
        auth="os",
        theme="textual-dark",
        correction_working_days={"A": 5, "B": 4},
    )


def test_environment_overrides_settings_file(settings_file, monkeypatch):
    settings_file.write_text(
        'db_url = "sqlite:////from/file.db"\nlang = "en"\ndate_style = "iso"\n', encoding="utf-8"
    )
    monkeypatch.setenv("OFFICE_TUI_DB", "sqlite:////from/env.db")
    monkeypatch.setenv("OFFICE_TUI_LANG", "zh_TW")
    settings = load_settings()
    assert settings.db_url == "sqlite:////from/env.db"
    assert settings.lang == "zh_TW"
    assert settings.date_style == "iso"  # untouched by the environment


def test_empty_environment_values_do_not_override(settings_file, monkeypatch):
    settings_file.write_text('db_url = "sqlite:////from/file.db"\nlang = "en"\n', encoding="utf-8")
    monkeypatch.setenv("OFFICE_TUI_DB", "")
    monkeypatch.setenv("OFFICE_TUI_LANG", "")
    settings = load_settings()
    assert settings.db_url == "sqlite:////from/file.db"
    assert settings.lang == "en"


def test_arguments_override_environment_and_file(settings_file, monkeypatch):
    settings_file.write_text('db_url = "sqlite:////from/file.db"\nlang = "en"\n', encoding="utf-8")
    monkeypatch.setenv("OFFICE_TUI_DB", "sqlite:////from/env.db")
    monkeypatch.setenv("OFFICE_TUI_LANG", "en")
    settings = load_settings(db="sqlite:////from/flag.db", lang="zh-TW")
    assert settings.db_url == "sqlite:////from/flag.db"
    assert settings.lang == "zh_TW"
    # Arguments left out (None) do not override.
    assert load_settings(db=None, lang=None).db_url == "sqlite:////from/env.db"


def test_environment_overrides_defaults_without_a_file(monkeypatch):
    monkeypatch.setenv("OFFICE_TUI_DB", "postgresql+psycopg://u:p@localhost/office")
    monkeypatch.setenv("OFFICE_TUI_LANG", "en")
    settings = load_settings()
    assert settings.db_url == "postgresql+psycopg://u:p@localhost/office"
    assert settings.lang == "en"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("en-US", "en"),
        ("en_US", "en"),
        ("en", "en"),
        ("EN", "en"),
        ("zh-TW", "zh_TW"),
        ("zh_tw", "zh_TW"),
        ("zh", "zh_TW"),
        ("zh-Hant", "zh_TW"),
    ],
)
def test_language_aliases(given, expected, settings_file, monkeypatch):
    assert load_settings(lang=given).lang == expected
    monkeypatch.setenv("OFFICE_TUI_LANG", given)
    assert load_settings().lang == expected
    monkeypatch.delenv("OFFICE_TUI_LANG")
    settings_file.write_text(f'lang = "{given}"\n', encoding="utf-8")
    assert load_settings().lang == expected


def test_unknown_language_argument_is_refused():
    with pytest.raises(ValueError):
        load_settings(lang="fr")


@pytest.mark.parametrize("style", ["ROC", "western", "", "民國"])
def test_invalid_date_style_falls_back_to_roc(settings_file, style):
    settings_file.write_text(f'date_style = "{style}"\nlang = "en"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.date_style == "roc"
    assert settings.lang == "en"  # the rest of the file still applies


def test_save_setting_creates_the_file(isolated_office):
    assert not config_path().exists()
    save_setting("lang", "en")
    assert config_path().exists()
    assert load_settings().lang == "en"


def test_save_setting_keeps_other_keys(settings_file):
    settings_file.write_text(
        'db_url = "sqlite:////srv/office.db"\ndate_style = "iso"\n[correction_working_days]\nA = 4\n',
        encoding="utf-8",
    )
    save_setting("theme", "textual-light")
    save_setting("lang", "en")
    stored = tomllib.loads(settings_file.read_text(encoding="utf-8"))
    assert stored == {
        "db_url": "sqlite:////srv/office.db",
        "date_style": "iso",
        "theme": "textual-light",
        "lang": "en",
        "correction_working_days": {"A": 4},
    }
    settings = load_settings()
    assert settings.db_url == "sqlite:////srv/office.db"
    assert settings.date_style == "iso"
    assert settings.theme == "textual-light"
    assert settings.correction_working_days == {"A": 4}


@pytest.mark.parametrize(
    "value",
    [
        "sqlite:///C:\\Users\\辦公室\\office.db",
        '專案辦公室 "雲世代" 😀',
        "tab\tand\nnewline",
    ],
)
def test_save_setting_round_trips_non_ascii_and_escapes(settings_file, value):
    save_setting("db_url", value)
    save_setting("lang", "en")
    text = settings_file.read_text(encoding="utf-8")
    if "辦公室" in value:
        assert "辦公室" in text  # written as UTF-8 text, not \u escapes
    assert tomllib.loads(text)["db_url"] == value
    assert load_settings().db_url == value


def test_save_setting_overwrites_a_key(settings_file):
    save_setting("lang", "en")
    save_setting("lang", "zh_TW")
    assert tomllib.loads(settings_file.read_text(encoding="utf-8")) == {"lang": "zh_TW"}


@pytest.mark.parametrize(
    "existing",
    ['[ui]\nfont = "mono"\n', "last_export = 2021-07-08\n"],
    ids=["table", "date"],
)
def test_save_setting_keeps_other_toml_values_readable(settings_file, existing):
    settings_file.write_text(existing, encoding="utf-8")
    before = tomllib.loads(existing)
    save_setting("lang", "en")
    stored = tomllib.loads(settings_file.read_text(encoding="utf-8"))
    assert stored == {**before, "lang": "en"}
    assert load_settings().lang == "en"


# --- database URLs -------------------------------------------------------------------


def test_make_engine_sqlite_creates_parent_directory_and_configures(tmp_path):
    path = tmp_path / "nested" / "dir" / "office.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert engine.dialect.name == "sqlite"
        assert path.parent.is_dir()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000
    finally:
        engine.dispose()
    assert path.exists()


def test_make_engine_postgresql_psycopg_without_connecting():
    engine = make_engine("postgresql+psycopg://u:p@localhost/db")
    try:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
        assert engine.url.database == "db"
        assert engine.url.username == "u"
        assert engine.pool._pre_ping
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url", ["mysql://u:p@localhost/db", "mysql+pymysql://u:p@localhost/db", "oracle://u:p@h/db"]
)
def test_make_engine_rejects_other_databases(url):
    with pytest.raises(DatabaseUrlError) as caught:
        make_engine(url)
    assert str(caught.value) == url
    assert isinstance(caught.value, ValueError)


def test_default_db_url_opens(isolated_office):
    engine = make_engine(load_settings().db_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()
    assert (isolated_office / "data" / "office.db").exists()


@pytest.mark.parametrize(("line", "key"), [
    ('budget_total = "abc"', "error.bad_budget_total"),
    ("budget_total = -5", "error.bad_budget_total"),
    ("budget_total = true", "error.bad_budget_total"),
    ('claims_close_on = "2022/13/01"', "error.bad_claims_close_on"),
    ("claims_close_on = 13", "error.bad_claims_close_on"),
    ("x = ", "error.settings_unreadable"),
])
def test_money_settings_that_cannot_be_read_stop_with_the_setting_named(settings_file, line, key):
    """A wrong budget or deadline must never fall back silently to the default."""
    from office_tui.core.config import SettingsError
    from office_tui.core.errors import describe

    settings_file.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert refused.value.key == key
    assert str(settings_file) in describe(refused.value)


@pytest.mark.parametrize(("line", "expected"), [
    ('claims_close_on = "111/10/15"', "2022-10-15"), ("claims_close_on = 2022-10-15", "2022-10-15"),
    ('claims_close_on = ""', None)])
def test_claims_deadline_roc_iso_or_none(settings_file, line, expected):
    from office_tui.core.config import claims_close_on

    settings_file.write_text(line + "\n", encoding="utf-8")
    found = claims_close_on(load_settings())
    assert (found.isoformat() if found else None) == expected
