"""The one way a screen does database work: off the UI thread, failures told, never raised.

``load`` reads (``fetch(session)`` in a read session) and hands the result to ``show`` on
the UI thread; ``act`` runs a change and tells its message in a toast, then calls
``after`` (usually the screen's reload); ``write`` is ``act`` inside one audited write
session whose reason is the message. Whatever fails is told in the user's language
(office_tui.core.errors.describe) and nothing half-done is kept: the session rolls back.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from office_tui.core.errors import describe


def _tell(screen: Screen, error: Exception, severity: str) -> None:
    screen.app.call_from_thread(screen.notify, describe(error), severity=severity, timeout=8)


def load(screen: Screen, fetch: Callable[[object], object], show: Callable[[object], object], group: str) -> None:
    """``show(fetch(session))``: the fetch in a worker, the show on the UI thread."""

    def run() -> None:
        from office_tui.core.db import read_session

        try:
            with read_session(screen.app.office.engine) as session:
                result = fetch(session)
        except Exception as error:  # noqa: BLE001 - told to the user
            _tell(screen, error, "error")
            return
        screen.app.call_from_thread(show, result)

    screen.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=False)


def act(screen: Screen, job: Callable[[], str | None], group: str, after: Callable[[], object] | None = None) -> None:
    """Run ``job()`` in a worker; tell the message it returns, then ``after()``."""

    def run() -> None:
        try:
            message = job()
        except Exception as error:  # noqa: BLE001 - told to the user; nothing was written
            _tell(screen, error, "warning")
            return
        if message:
            screen.app.call_from_thread(screen.notify, message, timeout=8)
        if after is not None:
            screen.app.call_from_thread(after)

    screen.run_worker(run, thread=True, exclusive=True, group=group, exit_on_error=False)


def write(screen: Screen, change: Callable[[object], object], message: str, group: str,
          after: Callable[[], object] | None = None) -> None:
    """``change(session)`` in one audited transaction (``message`` is its reason); tells
    the string ``change`` returns, else ``message``."""

    def job() -> str:
        from office_tui.core.db import write_session

        with write_session(screen.app.office.engine, screen.app.actor, message) as session:
            result = change(session)
        return result if isinstance(result, str) else message

    act(screen, job, group, after)
