"""Where data lives and the user's settings.

Order of precedence: built-in defaults < the settings file < environment
(``OFFICE_TUI_DB``, ``OFFICE_TUI_LANG``) < command-line flags.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


from office_tui.core.errors import OfficeError

APP_NAME = "office-tui"

LANGS = ("zh_TW", "en")
DATE_STYLES = ("roc", "iso")
AUTH_MODES = ("login", "os")


def data_dir() -> Path:
    """The office's data directory (database, document copies, backups)."""
    override = os.environ.get("OFFICE_TUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    override = os.environ.get("OFFICE_TUI_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'office.db'}"


@dataclass(frozen=True)
class Settings:
    db_url: str = ""
    lang: str = "zh_TW"
    date_style: str = "roc"  # roc: 110/07/05, iso: 2021-07-05
    auth: str = "login"  # login: a login screen; os: the operating-system account
    theme: str = "textual-dark"
    # Correction window in working days, per programme (A: the main one, B: 商圈); docs/rules/notices.md.
    correction_working_days: dict = field(default_factory=lambda: {"A": 3, "B": 3})
    # The store-subsidy budget in NT$ (docs/rules/claims.md: 90,000,000; the system's 剩餘補助金額).
    budget_total: int = 90_000_000
    # The announced last day for filing claims (ISO or ROC date; "" = none announced):
    # a claim filed after it is late whatever its contract's end (docs/rules/claims.md).
    claims_close_on: str = ""
    # Continued use: days with an event needed in every monthly period of a contract's
    # term (docs/rules/usage.md); at least 1.
    usage_min_active_days: int = 1
    # A group whose members share the office's files on one server (README "Where data
    # lives"): files 0660 and folders 2770 of that group; "" keeps them to this account.
    shared_group: str = ""


def _normalise_lang(value: str) -> str:
    value = value.replace("-", "_")
    if value.lower() in ("zh", "zh_tw", "zh_hant", "tw"):
        return "zh_TW"
    if value.lower().startswith("en"):
        return "en"
    raise ValueError(value)


class SettingsError(OfficeError, ValueError):
    """A setting asked for that does not exist."""


def load_settings(db: str | None = None, lang: str | None = None) -> Settings:
    """The settings in force. An unknown language asked for explicitly is an error; one
    in the settings file or environment falls back to Traditional Chinese."""
    values: dict[str, object] = {}
    path = config_path()
    if path.exists():
        import tomllib

        try:
            with path.open("rb") as handle:
                stored = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError("error.settings_unreadable", path=str(path), detail=str(error)) from None
        known = {f.name for f in fields(Settings)}
        values.update({k: v for k, v in stored.items() if k in known})
    if os.environ.get("OFFICE_TUI_DB"):
        values["db_url"] = os.environ["OFFICE_TUI_DB"]
    if os.environ.get("OFFICE_TUI_LANG"):
        values["lang"] = os.environ["OFFICE_TUI_LANG"]
    if db:
        values["db_url"] = db
    if lang:
        try:
            _normalise_lang(lang)
        except ValueError:
            raise SettingsError("error.bad_lang", lang=lang) from None
        values["lang"] = lang
    settings = Settings(**values)  # type: ignore[arg-type]
    try:
        settings = replace(settings, lang=_normalise_lang(str(settings.lang)))
    except ValueError:
        settings = replace(settings, lang="zh_TW")
    if not settings.db_url:
        settings = replace(settings, db_url=default_db_url())
    if settings.date_style not in DATE_STYLES:
        settings = replace(settings, date_style="roc")
    _check_money_settings(settings, path)
    return settings


def _check_money_settings(settings: Settings, path: Path) -> None:
    """The budget and the claims deadline decide who is paid: a value that cannot be read
    stops the app with the setting named, never a silent fall-back to the default."""
    budget = settings.budget_total
    if not isinstance(budget, int) or isinstance(budget, bool) or budget < 0:
        raise SettingsError("error.bad_budget_total", path=str(path), value=repr(budget))
    if settings.claims_close_on not in ("", None) and claims_close_on(settings) is None:
        raise SettingsError("error.bad_claims_close_on", path=str(path), value=repr(settings.claims_close_on))
    days = settings.usage_min_active_days
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 28:
        raise SettingsError("error.bad_usage_min_active_days", path=str(path), value=repr(days))


def claims_close_on(settings: Settings):
    """The announced claims deadline as a date, or None (none set; load_settings refuses
    an unreadable one)."""
    from datetime import date

    from office_tui.core.dates import parse_date

    if isinstance(settings.claims_close_on, date):  # a TOML date
        return settings.claims_close_on
    text = str(settings.claims_close_on or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None


def save_setting(key: str, value: str | int) -> None:
    """Write one setting to the settings file, keeping the others."""
    import tomllib

    import tomli_w

    path = config_path()
    stored: dict[str, object] = {}
    if path.exists():
        with path.open("rb") as handle:
            stored = tomllib.load(handle)
    stored[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(stored), encoding="utf-8")
