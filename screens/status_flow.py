"""Changing applications' status from a screen: look the application up, ask the move
(one coroutine awaiting the dialog), move in a worker, tell the outcome.

A screen offering it (the applications list, an application's detail) calls
:func:`look_up`, starts :func:`change_status` as a ``@work`` coroutine on
:class:`StatusAsked`, and on :class:`StatusMoved` calls :func:`tell` and reloads.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.screen import Screen

from office_tui.core.errors import describe
from office_tui.core.i18n import t
from office_tui.core.listing import ListSource
from screens import jobs
from screens.forms import StatusChange, StatusChangeScreen


@dataclass
class StatusAsked(Message):
    """The moves the state machine allows ``actor`` for one application."""

    application_no: str
    status: str
    allowed: list


@dataclass
class StatusMoved(Message):
    """What the moves did, to tell."""

    text: str
    severity: str


def _asked(session, application_id: int, actor) -> StatusAsked | None:
    from models import Application
    from office_tui.intake.status import allowed_moves

    application = session.get(Application, application_id)
    if application is None:
        return None
    return StatusAsked(application.application_no, application.status, allowed_moves(application, actor))


def look_up(screen: Screen, application_id: int) -> None:
    """Read the application and its allowed moves; :class:`StatusAsked` follows."""
    actor = screen.app.actor
    jobs.read(screen, lambda session: _asked(session, application_id, actor), lambda asked: asked,
              group="status-look-up")


async def change_status(screen: Screen, asked: StatusAsked, whole: ListSource | None = None, count: int = 0) -> None:
    """Offer the allowed moves (and, with ``whole``, the same move for every application
    of that list of ``count`` rows); the move runs in a worker, :class:`StatusMoved` tells."""
    if not asked.allowed:
        key = "move.admin_only" if asked.status == "not_accepted" else "form.no_moves"
        screen.notify(t(key, application_no=asked.application_no), severity="warning")
        return
    change: StatusChange | None = await screen.app.push_screen_wait(
        StatusChangeScreen(asked.application_no, asked.status, asked.allowed, count if whole is not None else 0))
    if change is None:
        return
    engine, actor = screen.app.office.engine, screen.app.actor
    source = whole if change.whole_list else None
    number = asked.application_no

    def move():
        from office_tui.intake.status import NOTICE_ONLY, set_status
        from office_tui.notices.correction import enter_correction

        numbers = _numbers(source) if source is not None else [number]
        if change.status == NOTICE_ONLY:  # 待補正 comes with its correction notice, raised here
            return enter_correction(engine, actor, numbers, change.reason)
        return set_status(engine, actor, numbers, change.status, change.reason)

    jobs.call(screen, move, lambda moves: _told(moves, change.status), group="status", severity="error")


def _numbers(source: ListSource) -> list[str]:
    """Every application number of the list, read afresh (in the worker)."""
    source = source.refined()
    return [source.row(i)[1] for i in range(source.count())]


def _told(moves: list, status: str) -> StatusMoved:
    moved = [m for m in moves if m.moved]
    refused = [m for m in moves if not m.moved]
    lines = [t("form.moved", n=len(moved), status=t(f"status.{status}"))]
    if any(m.notice_due is not None for m in moved):
        lines.append(t("form.notices_raised", n=sum(1 for m in moved if m.notice_due is not None)))
    lines += [describe(m.refusal) for m in refused[:5]]
    warned = sorted({t(w) for m in moved for w in m.warnings})
    if warned:
        lines.append(t("form.warnings", warnings="；".join(warned)))
    return StatusMoved("\n".join(lines), "warning" if refused or warned else "information")


def tell(screen: Screen, message: StatusMoved) -> None:
    screen.notify(message.text, severity=message.severity, timeout=8)
