"""workdays add/list/closure, notices list/raise/decks: the calendar and the correction
windows from the shell (and from cron: opening the office lapses overdue notices)."""

from __future__ import annotations

from office_tui.cli.base import EXIT_OK, EXIT_USAGE, READS, CommandError, Commands, date_arg, json_out
from office_tui.core.i18n import t
from office_tui.core.identifiers import normalise_application_no
from office_tui.core.programme import NOTICE_STATUSES
from office_tui.cli.text import table


def register(cli: Commands) -> None:
    workdays = cli.group("workdays", "cli.workdays")
    add = cli.command(workdays, "add", "cli.workdays_add", _workdays_add, opens=READS)
    add.add_argument("date", metavar="DATE")
    add.add_argument("n", type=int, metavar="N")
    cli.command(workdays, "list", "cli.workdays_list", _workdays_list, opens=READS, json=True).add_argument(
        "year", type=int, metavar="YEAR")
    closure = cli.group("closure", "cli.workdays_closure", under=workdays)
    cadd = cli.command(closure, "add", "cli.closure_add", _closure_add)
    cadd.add_argument("date", metavar="DATE")
    cadd.add_argument("--reason", required=True)
    cadd.add_argument("--announcement", default="")
    cli.command(closure, "remove", "cli.closure_remove", _closure_remove).add_argument("date", metavar="DATE")

    notices = cli.group("notices", "cli.notices")
    cli.command(notices, "list", "cli.notices_list", _notices_list, opens=READS, json=True).add_argument(
        "--status", choices=NOTICE_STATUSES)
    nraise = cli.command(notices, "raise", "cli.notices_raise", _notices_raise)
    nraise.add_argument("application_no", metavar="APPLICATION_NO")
    nraise.add_argument("--notified", metavar="DATE", help=t("cli.opt_notified"))
    nraise.add_argument("--item", action="append", default=[], metavar="TEXT")
    decks = cli.command(notices, "decks", "cli.notices_decks", _decks, batch="required")
    decks.add_argument("--raise", dest="raise_them", action="store_true")
    decks.add_argument("--notified", metavar="DATE")


def _workdays_add(args, shell) -> int:
    from office_tui.notices.calendar import office_calendar

    start = date_arg(args.date, "DATE")
    if args.n < 1:
        raise CommandError("cli.workdays_positive", EXIT_USAGE)
    print(office_calendar(shell.engine).add_working_days(start, args.n).isoformat())
    return EXIT_OK


def _workdays_list(args, shell) -> int:
    from office_tui.notices.calendar import exceptions

    found = exceptions(shell.engine, args.year)
    if args.json:
        json_out([{"date": d.day.isoformat(), "working": d.working, "name": d.reason or d.holiday,
                   "override": d.override or None} for d in found])
        return EXIT_OK
    rows = [(d.day.isoformat(), t("calendar.weekend_on") if d.working else t("calendar.weekday_off"),
             d.reason or d.holiday) for d in found]
    print(table([t("cli.col_date"), t("cli.col_kind"), t("cli.col_name")], rows))
    return EXIT_OK


def _closure_add(args, shell) -> int:
    from office_tui.notices.closures import set_override

    day = date_arg(args.date, "DATE")
    moved = set_override(shell.engine, shell.actor, day, "closure", args.reason, args.announcement)
    print(t("calendar.closure_added", day=day.isoformat(), reason=args.reason))
    for notice in moved:
        print(t("cli.notice_due_moved", notice_id=notice.id, due=notice.due_on.isoformat()))
    return EXIT_OK


def _closure_remove(args, shell) -> int:
    from office_tui.notices.closures import remove_override

    day = date_arg(args.date, "DATE")
    moved = remove_override(shell.engine, shell.actor, day)
    print(t("calendar.override_removed", day=day.isoformat()))
    for notice in moved:
        print(t("cli.notice_due_moved", notice_id=notice.id, due=notice.due_on.isoformat()))
    return EXIT_OK


def _notices_list(args, shell) -> int:
    from office_tui.core.dates import format_date
    from office_tui.notices.correction import list_notices

    rows = list_notices(shell.engine, status=args.status)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    style = shell.settings.date_style
    print(table([t("col.application_no"), t("col.company_name"), t("col.notified_on"), t("col.due_on"),
                 t("col.notice_status"), t("col.urgency"), t("col.items")],
                [(r.application_no, r.company_name, format_date(r.notified_on, style), format_date(r.due_on, style),
                  t(f"notice.{r.status}"), t(f"notice.urgency_{r.urgency}"), r.items.splitlines()[0] if r.items else "")
                 for r in rows]))
    return EXIT_OK


def _notices_raise(args, shell) -> int:
    from models.clock import office_today
    from office_tui.core.dates import format_date
    from office_tui.notices.correction import raise_notice

    notified = date_arg(args.notified, "--notified") if args.notified else office_today()
    notice = raise_notice(shell.engine, shell.actor, args.application_no, notified, args.item or None)
    print(t("notice.raised", application_no=normalise_application_no(args.application_no),
            due=format_date(notice.due_on, shell.settings.date_style)))
    return EXIT_OK


def _decks(args, shell) -> int:
    from models.clock import office_today
    from office_tui.core.dates import format_date
    from office_tui.documents.kinds import kind_label
    from office_tui.notices.correction import deck_gaps, raise_deck_notices

    if args.raise_them:
        notified = date_arg(args.notified, "--notified") if args.notified else office_today()
        for notice in raise_deck_notices(shell.engine, shell.actor, args.batch, notified):
            print(t("cli.deck_notice_raised", notice_id=notice.id,
                    due=format_date(notice.due_on, shell.settings.date_style)))
    gaps = deck_gaps(shell.engine, args.batch)
    print(table([t("col.application_no"), t("col.company_name"), t("cli.col_missing"), t("cli.col_notice_open")],
                [(g.application_no, g.company_name, "、".join(kind_label(k) for k in g.missing),
                  t("common.yes") if g.notice_open else t("common.no")) for g in gaps]))
    return EXIT_OK
