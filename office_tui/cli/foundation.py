"""demo, db upgrade/backup, batch add, user add."""

from __future__ import annotations

import sys

from office_tui.cli.base import EXIT_OK, EXIT_USAGE, CommandError, actor, date_arg, group, office
from office_tui.core.i18n import t


def register(sub, common) -> None:
    demo = sub.add_parser("demo", help=t("cli.demo"), parents=[common])
    demo.add_argument("--scale", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(handler=_demo)

    db = group(sub, "db", "cli.db")
    db.add_parser("upgrade", help=t("cli.db_upgrade"), parents=[common]).set_defaults(handler=_db_upgrade)
    backup = db.add_parser("backup", help=t("cli.db_backup"), parents=[common])
    backup.add_argument("file")
    backup.set_defaults(handler=_db_backup)

    batch = group(sub, "batch", "cli.batch")
    add = batch.add_parser("add", help=t("cli.batch_add"), parents=[common])
    add.add_argument("number", type=int)
    add.add_argument("--opens", required=True, metavar="DATE")
    add.add_argument("--closes", required=True, metavar="DATETIME")
    add.add_argument("--meeting", metavar="DATE")
    add.set_defaults(handler=_batch_add)
    rubric = batch.add_parser("rubric", help=t("cli.batch_rubric"), parents=[common])
    rubric.add_argument("number", type=int)
    which = rubric.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", metavar="FILE")
    which.add_argument("--default", action="store_true")
    rubric.set_defaults(handler=_batch_rubric)

    user = group(sub, "user", "cli.user")
    uadd = user.add_parser("add", help=t("cli.user_add"), parents=[common])
    uadd.add_argument("username")
    uadd.add_argument("--role", required=True, choices=("admin", "staff", "reviewer"))
    uadd.add_argument("--password-stdin", action="store_true", help=t("cli.opt_password_stdin"))
    uadd.add_argument("--os-account", metavar="NAME")
    uadd.add_argument("--reviewer", metavar="REVIEWER_NO")
    uadd.add_argument("--name", default="", metavar="DISPLAY_NAME")
    uadd.set_defaults(handler=_user_add)


def _demo(args) -> int:
    from office_tui.demo import load_demo

    opened = office(args)
    counts = load_demo(opened.engine, actor(opened), args.scale, args.seed)
    print(t("demo.loaded", applications=counts["application"], stores=counts["store"]))
    return EXIT_OK


def _db_upgrade(args) -> int:
    result = office(args).upgrade
    if result.from_revision == result.to_revision:
        print(t("db.up_to_date", revision=result.to_revision))
    else:
        print(t("db.upgraded", old=result.from_revision or "-", new=result.to_revision))
        if result.backup:
            print(t("db.backup_made", path=str(result.backup)))
    return EXIT_OK


def _db_backup(args) -> int:
    from office_tui.core.migrate import backup_sqlite

    target = backup_sqlite(office(args).engine, args.file)
    print(t("db.backup_made", path=str(target)))
    return EXIT_OK


def _batch_add(args) -> int:
    from office_tui.intake.batches import cutoff_from_text, save_batch
    from office_tui.core.dates import format_datetime

    opens = date_arg(args.opens, "--opens")
    meeting = date_arg(args.meeting, "--meeting") if args.meeting else None
    try:
        closes = cutoff_from_text(args.closes)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option="--closes", value=args.closes) from None
    opened = office(args)
    batch, created = save_batch(opened.engine, actor(opened), args.number, opens, closes, meeting)
    key = "batch.created" if created else "batch.updated"
    print(t(key, number=batch.number, closes=format_datetime(batch.closes_at, opened.settings.date_style)))
    return EXIT_OK


def _batch_rubric(args) -> int:
    from pathlib import Path

    from office_tui.committee.batch_rubric import set_batch_rubric
    from office_tui.committee.rubric import parse_rubric

    text = None
    if not args.default:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError("batch.rubric_file_unreadable", path=args.file,
                               reason=getattr(error, "strerror", None) or str(error)) from None
    opened = office(args)
    set_batch_rubric(opened.engine, actor(opened), args.number, text)
    if text is None:
        print(t("batch.rubric_default", number=args.number))
    else:
        rubric = parse_rubric(text)
        print(t("batch.rubric_set", number=args.number, criteria=len(rubric.criteria),
                pass_line=f"{rubric.pass_line:g}"))
    return EXIT_OK


def _user_add(args) -> int:
    from sqlmodel import select

    from models import Reviewer
    from office_tui.core.auth import add_user
    from office_tui.core.db import read_session

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    if args.password_stdin and not password:
        raise CommandError("user.password_empty", EXIT_USAGE)
    opened = office(args)
    reviewer_id = None
    if args.reviewer:
        with read_session(opened.engine) as session:
            reviewer = session.exec(select(Reviewer).where(Reviewer.reviewer_no == args.reviewer)).first()
        if reviewer is None:
            raise CommandError("user.no_such_reviewer", reviewer=args.reviewer)
        reviewer_id = reviewer.id
    user = add_user(opened.engine, actor(opened), args.username, args.role, password,
                    args.os_account, args.name, reviewer_id)
    print(t("user.added", username=user.username, role=t(f"role.{user.role}")))
    return EXIT_OK
