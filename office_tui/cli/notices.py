"""workdays add/list/closure, notices list/raise/decks: the calendar and the correction
windows from the shell (and from cron: opening the office lapses overdue notices)."""

from __future__ import annotations

from office_tui.cli.base import EXIT_OK, EXIT_USAGE, CommandError, actor, date_arg, group, json_out, office
from office_tui.core.i18n import t
from office_tui.core.programme import NOTICE_STATUSES
from office_tui.cli.text import table


def register(sub, common) -> None:
    workdays = group(sub, "workdays", "cli.workdays")
    add = workdays.add_parser("add", help=t("cli.workdays_add"), parents=[common])
    add.add_argument("date", metavar="DATE")
    add.add_argument("n", type=int, metavar="N")
    add.set_defaults(handler=_workdays_add)
    listing = workdays.add_parser("list", help=t("cli.workdays_list"), parents=[common])
    listing.add_argument("year", type=int, metavar="YEAR")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_workdays_list)
    closure = workdays.add_parser("closure", help=t("cli.workdays_closure"))
    closure_sub = closure.add_subparsers(dest="closure_command", required=True, parser_class=type(closure))
    cadd = closure_sub.add_parser("add", help=t("cli.closure_add"), parents=[common])
    cadd.add_argument("date", metavar="DATE")
    cadd.add_argument("--reason", required=True)
    cadd.add_argument("--announcement", default="")
    cadd.set_defaults(handler=_closure_add)
    cremove = closure_sub.add_parser("remove", help=t("cli.closure_remove"), parents=[common])
    cremove.add_argument("date", metavar="DATE")
    cremove.set_defaults(handler=_closure_remove)

    notices = group(sub, "notices", "cli.notices")
    nlist = notices.add_parser("list", help=t("cli.notices_list"), parents=[common])
    nlist.add_argument("--status", choices=NOTICE_STATUSES)
    nlist.add_argument("--json", action="store_true")
    nlist.set_defaults(handler=_notices_list)
    nraise = notices.add_parser("raise", help=t("cli.notices_raise"), parents=[common])
    nraise.add_argument("application_no", metavar="APPLICATION_NO")
    nraise.add_argument("--notified", metavar="DATE", help=t("cli.opt_notified"))
    nraise.add_argument("--item", action="append", default=[], metavar="TEXT")
    nraise.set_defaults(handler=_notices_raise)
    decks = notices.add_parser("decks", help=t("cli.notices_decks"), parents=[common])
    decks.add_argument("--batch", type=int, required=True)
    decks.add_argument("--raise", dest="raise_them", action="store_true")
    decks.add_argument("--notified", metavar="DATE")
    decks.set_defaults(handler=_decks)


def _workdays_add(args) -> int:
    from office_tui.notices.calendar import office_calendar

    start = date_arg(args.date, "DATE")
    if args.n < 1:
        raise CommandError("cli.workdays_positive", EXIT_USAGE)
    print(office_calendar(office(args).engine).add_working_days(start, args.n).isoformat())
    return EXIT_OK


def _workdays_list(args) -> int:
    from office_tui.notices.calendar import exceptions

    found = exceptions(office(args).engine, args.year)
    if args.json:
        json_out([{"date": d.day.isoformat(), "working": d.working, "name": d.reason or d.holiday,
                   "override": d.override or None} for d in found])
        return EXIT_OK
    rows = [(d.day.isoformat(), t("calendar.weekend_on") if d.working else t("calendar.weekday_off"),
             d.reason or d.holiday) for d in found]
    print(table([t("cli.col_date"), t("cli.col_kind"), t("cli.col_name")], rows))
    return EXIT_OK


def _closure_add(args) -> int:
    from office_tui.notices.closures import set_override

    day = date_arg(args.date, "DATE")
    opened = office(args)
    moved = set_override(opened.engine, actor(opened), day, "closure", args.reason, args.announcement)
    print(t("calendar.closure_added", day=day.isoformat(), reason=args.reason))
    for notice in moved:
        print(t("cli.notice_due_moved", notice_id=notice.id, due=notice.due_on.isoformat()))
    return EXIT_OK


def _closure_remove(args) -> int:
    from office_tui.notices.closures import remove_override

    day = date_arg(args.date, "DATE")
    opened = office(args)
    moved = remove_override(opened.engine, actor(opened), day)
    print(t("calendar.override_removed", day=day.isoformat()))
    for notice in moved:
        print(t("cli.notice_due_moved", notice_id=notice.id, due=notice.due_on.isoformat()))
    return EXIT_OK


def _notices_list(args) -> int:
    from office_tui.core.dates import format_date
    from office_tui.notices.correction import list_notices

    opened = office(args)
    rows = list_notices(opened.engine, status=args.status)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    style = opened.settings.date_style
    print(table([t("col.application_no"), t("col.company_name"), t("col.notified_on"), t("col.due_on"),
                 t("col.notice_status"), t("col.urgency"), t("col.items")],
                [(r.application_no, r.company_name, format_date(r.notified_on, style), format_date(r.due_on, style),
                  t(f"notice.{r.status}"), t(f"notice.urgency_{r.urgency}"), r.items.splitlines()[0] if r.items else "")
                 for r in rows]))
    return EXIT_OK


def _notices_raise(args) -> int:
    from models.clock import office_today
    from office_tui.core.dates import format_date
    from office_tui.notices.correction import raise_notice

    notified = date_arg(args.notified, "--notified") if args.notified else office_today()
    opened = office(args)
    notice = raise_notice(opened.engine, actor(opened), args.application_no, notified, args.item or None)
    print(t("notice.raised", application_no=args.application_no,
            due=format_date(notice.due_on, opened.settings.date_style)))
    return EXIT_OK


def _decks(args) -> int:
    from models.clock import office_today
    from office_tui.core.dates import format_date
    from office_tui.documents.kinds import kind_label
    from office_tui.notices.correction import deck_gaps, raise_deck_notices

    opened = office(args)
    if args.raise_them:
        notified = date_arg(args.notified, "--notified") if args.notified else office_today()
        for notice in raise_deck_notices(opened.engine, actor(opened), args.batch, notified):
            print(t("cli.deck_notice_raised", notice_id=notice.id,
                    due=format_date(notice.due_on, opened.settings.date_style)))
    gaps = deck_gaps(opened.engine, args.batch)
    print(table([t("col.application_no"), t("col.company_name"), t("cli.col_missing"), t("cli.col_notice_open")],
                [(g.application_no, g.company_name, "、".join(kind_label(k) for k in g.missing),
                  t("common.yes") if g.notice_open else t("common.no")) for g in gaps]))
    return EXIT_OK
