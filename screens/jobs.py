"""How a screen runs work — the one way (docs/architecture.md).

Nothing in screens/ touches the database on the UI thread, and no worker touches the
DOM. A screen (or a widget, or the app) starts its work with one of the four functions
below. The work runs in a Textual thread worker; its answer comes back as a *typed
message* — a dataclass ``Message`` the screen declares — which the screen handles on the
UI thread with ``@on``::

    @dataclass
    class Loaded(Message):
        rows: list

    def reload(self) -> None:
        jobs.read(self, roster, Loaded, group="roster-load")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        ...  # draw message.rows

``done(result)`` makes the message in the worker (usually ``done`` is the message class
itself; ``lambda found: Loaded(*found)`` spreads a tuple; None posts nothing). The
message is posted to the node that started the work (``post_message`` is thread-safe).

Who owns the transaction
    ``read(node, fetch, done)``: ``fetch(session)`` runs inside
    ``office_tui.core.db.read_session`` on the office's engine, opened in the worker;
    it never takes SQLite's write lock.
    ``write(node, change, done, reason=…)``: ``change(session)`` runs inside
    ``office_tui.core.db.write_session(engine, actor, reason)``, opened in the worker:
    committed when ``change`` returns, rolled back when it raises (nothing half-done is
    kept), every change audited with the signed-in actor and the reason.
    ``fetch(node, job, done)`` and ``call(node, job, done)``: ``job()`` calls a rules
    function that takes the engine and opens its own transactions through core.db — a
    read (views.details, notices.correction.list_notices) with ``fetch``; a change with
    ``call``: several transactions on purpose (intake.status.set_status moves each
    application in its own, so one refusal stops no other), or an audit reason the
    rules give themselves (claims.actions). ``call`` is also for work beside the
    database: writing a file, reading an import. Values a job needs (the engine, the
    actor, what the user typed) are read on the UI thread before it starts and passed in.

Failures are told, never raised: whatever the job raises becomes ``Failed(text)`` in the
user's language (office_tui.core.errors.describe), or the ``Failed`` subclass given as
``failed=``. It bubbles up to the app, which tells it in a toast; a screen that shows
it elsewhere (a form's error line) handles its own subclass and stops it.

Superseded work: a job cancels the running one of its ``group`` (``exclusive``). A
superseded read's answer (``read``, ``fetch``) is dropped — the newer one follows; a
change's answer (``write``, ``call``) always arrives, for the change was made.

Progress and other news while a job runs come back the same way: the job posts its own
typed message (the import dialog's ``Progress``); it never queries or updates a widget.

Flows that ask before they act (confirm → ask the reason → act) are one ``@work``
coroutine on the UI thread awaiting ``app.push_screen_wait(…)`` for each dialog, then
starting the change here. A flow itself never touches the database: what it needs to
know first is read here and its message starts the flow.

The same pattern, in the places that look special: the big list (screens/big_list.py)
counts and reads its first page with ``fetch`` and reads any other page the same way
when it scrolls into view, drawing only pages already read; the dashboard's headline
figures come first and their message starts the slower notices list; the app opens the
database, loads the demo and signs in with ``call`` and ``fetch`` like any screen.
The one exception is the command palette (screens/commands.py): Textual's
``Provider.search`` is an async generator that must yield its hits itself, so its
look-up awaits ``asyncio.to_thread`` — off the UI thread too, but with no message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

from office_tui.core.errors import describe


@dataclass
class Failed(Message):
    """Work that failed, said in the user's language; unhandled, the app tells it."""

    text: str
    severity: str = "error"
    group: str = ""


Done = Callable[[Any], Message | None]


def read(node: DOMNode, fetch: Callable[[Any], Any], done: Done, *, group: str, exclusive: bool = True,
         failed: type[Failed] = Failed, severity: str = "error") -> Worker:
    """``done(fetch(session))`` posted to ``node``; the session a read_session."""
    engine = node.app.office.engine

    def job():
        from office_tui.core.db import read_session

        with read_session(engine) as session:
            return fetch(session)

    return _start(node, job, done, group, exclusive, failed, severity, told_when_superseded=False)


def write(node: DOMNode, change: Callable[[Any], Any], done: Done, *, reason: str, group: str,
          exclusive: bool = True, failed: type[Failed] = Failed, severity: str = "warning") -> Worker:
    """``done(change(session))`` posted to ``node``; the session one audited write_session
    (the signed-in actor, ``reason``), committed when ``change`` returns."""
    engine, actor = node.app.office.engine, node.app.actor

    def job():
        from office_tui.core.db import write_session

        with write_session(engine, actor, reason) as session:
            return change(session)

    return _start(node, job, done, group, exclusive, failed, severity, told_when_superseded=True)


def fetch(node: DOMNode, job: Callable[[], Any], done: Done, *, group: str, exclusive: bool = True,
          failed: type[Failed] = Failed, severity: str = "error") -> Worker:
    """``done(job())`` posted to ``node``: a read through a rules function that opens its
    own read_session; dropped when superseded."""
    return _start(node, job, done, group, exclusive, failed, severity, told_when_superseded=False)


def call(node: DOMNode, job: Callable[[], Any], done: Done, *, group: str, exclusive: bool = True,
         failed: type[Failed] = Failed, severity: str = "warning") -> Worker:
    """``done(job())`` posted to ``node``: a change through a rules function that opens
    its own write_session(s), or work beside the database (a file); always told."""
    return _start(node, job, done, group, exclusive, failed, severity, told_when_superseded=True)


def _start(node: DOMNode, job: Callable[[], Any], done: Done, group: str, exclusive: bool,
           failed: type[Failed], severity: str, *, told_when_superseded: bool) -> Worker:
    def run() -> None:
        try:
            message = done(job())
        except Exception as error:  # noqa: BLE001 - told to the user, never raised
            message = failed(describe(error), severity, group)
        if message is not None and (told_when_superseded or not get_current_worker().is_cancelled):
            node.post_message(message)

    return node.run_worker(run, name=group, group=group, thread=True, exclusive=exclusive, exit_on_error=False)
