"""Any failure, said in the user's language: never a traceback in front of a user.

Our own exceptions carry an i18n ``key`` and ``params``; database and unexpected
errors are named plainly.
"""

from __future__ import annotations

from office_tui.core.i18n import t


class OfficeError(Exception):
    """A failure to tell the user: an i18n key and the values its text needs."""

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class DatabaseUrlError(ValueError):
    """The --db URL is neither sqlite nor postgresql+psycopg (raised by core.db)."""


def describe(error: BaseException) -> str:
    if isinstance(error, OfficeError):
        return t(error.key, **error.params)
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DatabaseUrlError):
        return t("error.db_url", url=str(error))
    if isinstance(error, DBAPIError):
        return t("error.database", detail=str(error.orig) if error.orig is not None else str(error))
    return t("error.unexpected", kind=type(error).__name__, detail=str(error))
