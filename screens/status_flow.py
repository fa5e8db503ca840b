"""Changing applications' status from a screen: ask, move in a worker, report, reload."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens.forms import StatusChange, StatusChangeScreen


def ask_status_change(screen: Screen, application_id: int, list_numbers: Callable[[], list[str]] | None,
                      list_count: int, done: Callable[[], None]) -> None:
    """Offer the moves the state machine allows for this application (and, when a list
    is given, the same move for every application in it)."""
    from models import Application
    from office_tui.core.db import read_session
    from office_tui.intake.status import allowed_moves

    app = screen.app
    with read_session(app.office.engine) as session:
        application = session.get(Application, application_id)
    if application is None:
        return
    allowed = allowed_moves(application, app.actor)
    if not allowed:
        key = "move.admin_only" if application.status == "not_accepted" else "form.no_moves"
        screen.notify(t(key, application_no=application.application_no), severity="warning")
        return

    def chosen(change: StatusChange | None) -> None:
        if change is None:
            return
        numbers = list_numbers() if change.whole_list and list_numbers else [application.application_no]
        screen.run_worker(lambda: _apply(screen, numbers, change, done), thread=True, exclusive=True,
                          group="status", exit_on_error=False)

    count = list_count if list_numbers else 0
    app.push_screen(StatusChangeScreen(application.application_no, application.status, allowed, count), chosen)


def _apply(screen: Screen, numbers: list[str], change: StatusChange, done: Callable[[], None]) -> None:
    from office_tui.intake.status import NOTICE_ONLY, set_status
    from office_tui.notices.correction import enter_correction

    app = screen.app
    try:
        if change.status == NOTICE_ONLY:  # 待補正 comes with its correction notice, raised here
            moves = enter_correction(app.office.engine, app.actor, numbers, change.reason)
        else:
            moves = set_status(app.office.engine, app.actor, numbers, change.status, change.reason)
    except Exception as error:  # noqa: BLE001 - told to the user; each move is its own transaction
        app.call_from_thread(screen.notify, describe(error), severity="error")
        return
    moved = [m for m in moves if m.moved]
    refused = [m for m in moves if not m.moved]
    lines = [t("form.moved", n=len(moved), status=t(f"status.{change.status}"))]
    if any(m.notice_due is not None for m in moved):
        lines.append(t("form.notices_raised", n=sum(1 for m in moved if m.notice_due is not None)))
    lines += [describe(m.refusal) for m in refused[:5]]
    warned = sorted({t(w) for m in moved for w in m.warnings})
    if warned:
        lines.append(t("form.warnings", warnings="；".join(warned)))
    severity = "warning" if refused or warned else "information"
    app.call_from_thread(screen.notify, "\n".join(lines), severity=severity, timeout=8)
    app.call_from_thread(done)
