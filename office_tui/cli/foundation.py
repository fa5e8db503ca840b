"""demo, db init/upgrade/backup, batch add/rubric, user add: setting an office up.

Only ``demo``, ``db init`` and ``db upgrade`` create a database; every other command
refuses one that is not there (office_tui.cli.base)."""

from __future__ import annotations

import sys

from office_tui.cli.base import ADMIN, EXIT_OK, EXIT_USAGE, CommandError, Commands, date_arg
from office_tui.core.i18n import t


def register(cli: Commands) -> None:
    demo = cli.command(cli.top, "demo", "cli.demo", _demo, creates=True, first_user=True)
    demo.add_argument("--scale", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=1)

    db = cli.group("db", "cli.db")
    cli.command(db, "init", "cli.db_init", _db_init, creates=True, first_user=True)
    cli.command(db, "upgrade", "cli.db_upgrade", _db_upgrade, creates=True, first_user=True)
    cli.command(db, "backup", "cli.db_backup", _db_backup).add_argument("file")

    batch = cli.group("batch", "cli.batch")
    add = cli.command(batch, "add", "cli.batch_add", _batch_add)
    add.add_argument("number", type=int)
    add.add_argument("--opens", required=True, metavar="DATE")
    add.add_argument("--closes", required=True, metavar="DATETIME")
    add.add_argument("--meeting", metavar="DATE")
    rubric = cli.command(batch, "rubric", "cli.batch_rubric", _batch_rubric)
    rubric.add_argument("number", type=int)
    which = rubric.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", metavar="FILE")
    which.add_argument("--default", action="store_true")

    user = cli.group("user", "cli.user")
    uadd = cli.command(user, "add", "cli.user_add", _user_add, needs=ADMIN, first_user=True)
    uadd.add_argument("username")
    uadd.add_argument("--role", required=True, choices=("admin", "staff", "reviewer"))
    uadd.add_argument("--password-stdin", action="store_true", help=t("cli.opt_password_stdin"))
    uadd.add_argument("--os-account", metavar="NAME")
    uadd.add_argument("--reviewer", metavar="REVIEWER_NO")
    uadd.add_argument("--name", default="", metavar="DISPLAY_NAME")


def _demo(args, shell) -> int:
    from office_tui.demo import load_demo

    actor = shell.actor
    counts = load_demo(shell.engine, actor, args.scale, args.seed)
    print(t("demo.loaded", applications=counts["application"], stores=counts["store"]))
    if actor.user_id is None:  # a new office: the account that loaded it works as its admin
        from office_tui.core.auth import link_os_account, os_username
        from office_tui.demo import DEMO_ADMIN

        link_os_account(shell.engine, actor, DEMO_ADMIN, os_username())
        print(t("demo.linked", account=os_username(), username=DEMO_ADMIN))
    return EXIT_OK


def _db_init(args, shell) -> int:
    """A new office: the database made, with the newest schema. One already holding an
    office is left alone (``db upgrade`` brings an older one up to date)."""
    from office_tui.core.config import load_settings
    from office_tui.core.migrate import current_revision
    from office_tui.opening import missing_database, sqlite_file

    settings = load_settings(db=args.db, lang=args.lang)
    if missing_database(settings.db_url) is None:
        from office_tui.core.db import make_engine

        engine = make_engine(settings.db_url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
        if revision is not None:
            raise CommandError("db.init_exists", path=str(sqlite_file(settings.db_url) or settings.db_url),
                               revision=revision)
    result = shell.office.upgrade
    print(t("db.initialised", path=str(sqlite_file(settings.db_url) or settings.db_url), revision=result.to_revision))
    return EXIT_OK


def _db_upgrade(args, shell) -> int:
    result = shell.office.upgrade
    if result.from_revision == result.to_revision:
        print(t("db.up_to_date", revision=result.to_revision))
    else:
        print(t("db.upgraded", old=result.from_revision or "-", new=result.to_revision))
        if result.backup:
            print(t("db.backup_made", path=str(result.backup)))
    return EXIT_OK


def _db_backup(args, shell) -> int:
    from office_tui.core.migrate import backup_sqlite

    target = backup_sqlite(shell.engine, args.file)
    print(t("db.backup_made", path=str(target)))
    return EXIT_OK


def _batch_add(args, shell) -> int:
    from office_tui.core.dates import format_datetime
    from office_tui.intake.batches import cutoff_from_text, save_batch

    opens = date_arg(args.opens, "--opens")
    meeting = date_arg(args.meeting, "--meeting") if args.meeting else None
    try:
        closes = cutoff_from_text(args.closes)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option="--closes", value=args.closes) from None
    batch, created = save_batch(shell.engine, shell.actor, args.number, opens, closes, meeting)
    key = "batch.created" if created else "batch.updated"
    print(t(key, number=batch.number, closes=format_datetime(batch.closes_at, shell.settings.date_style)))
    return EXIT_OK


def _batch_rubric(args, shell) -> int:
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
    set_batch_rubric(shell.engine, shell.actor, args.number, text)
    if text is None:
        print(t("batch.rubric_default", number=args.number))
    else:
        rubric = parse_rubric(text)
        print(t("batch.rubric_set", number=args.number, criteria=len(rubric.criteria),
                pass_line=f"{rubric.pass_line:g}"))
    return EXIT_OK


def _user_add(args, shell) -> int:
    from sqlmodel import select

    from models import Reviewer
    from office_tui.core.auth import add_user
    from office_tui.core.db import read_session

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    if args.password_stdin and not password:
        raise CommandError("user.password_empty", EXIT_USAGE)
    reviewer_id = None
    if args.reviewer:
        with read_session(shell.engine) as session:
            reviewer = session.exec(select(Reviewer).where(Reviewer.reviewer_no == args.reviewer)).first()
        if reviewer is None:
            raise CommandError("user.no_such_reviewer", reviewer=args.reviewer)
        reviewer_id = reviewer.id
    user = add_user(shell.engine, shell.actor, args.username, args.role, password,
                    args.os_account, args.name, reviewer_id)
    print(t("user.added", username=user.username, role=t(f"role.{user.role}")))
    return EXIT_OK

