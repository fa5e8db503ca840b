"""The ``office-tui`` command.

With no subcommand it opens the TUI. Subcommands are for scripts and cron: they never
prompt, print errors in the interface language on stderr with a non-zero exit, and with
``--json`` print only JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from office_tui.config import SettingsError
from office_tui.errors import OfficeError, describe
from office_tui.i18n import set_language, t

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(OfficeError):
    """A command-line failure, with the exit code it ends the command with."""

    def __init__(self, key: str, exit_code: int = EXIT_FAILED, **params) -> None:
        super().__init__(key, **params)
        self.exit_code = exit_code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own words are English only
        raise CommandError("cli.usage_error", EXIT_USAGE, detail=message)


def _global_options(parser: argparse.ArgumentParser, default) -> argparse.ArgumentParser:
    parser.add_argument("--db", metavar="URL", help=t("cli.opt_db"), default=default)
    parser.add_argument("--lang", metavar="LANG", help=t("cli.opt_lang"), default=default)
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = _global_options(_Parser(prog="office-tui", description=t("cli.description")), None)
    # The same options after a subcommand (office-tui demo --db URL); SUPPRESS keeps a
    # value given before the subcommand when none is given after it.
    common = _global_options(_Parser(add_help=False), argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = sub.add_parser("demo", help=t("cli.demo"), parents=[common])
    demo.add_argument("--scale", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=1)

    db = sub.add_parser("db", help=t("cli.db"))
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_sub.add_parser("upgrade", help=t("cli.db_upgrade"), parents=[common])
    backup = db_sub.add_parser("backup", help=t("cli.db_backup"), parents=[common])
    backup.add_argument("file")

    batch = sub.add_parser("batch", help=t("cli.batch"))
    batch_sub = batch.add_subparsers(dest="batch_command", required=True, parser_class=_Parser)
    add = batch_sub.add_parser("add", help=t("cli.batch_add"), parents=[common])
    add.add_argument("number", type=int)
    add.add_argument("--opens", required=True, metavar="DATE")
    add.add_argument("--closes", required=True, metavar="DATETIME")
    add.add_argument("--meeting", metavar="DATE")

    user = sub.add_parser("user", help=t("cli.user"))
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    uadd = user_sub.add_parser("add", help=t("cli.user_add"), parents=[common])
    uadd.add_argument("username")
    uadd.add_argument("--role", required=True, choices=("admin", "staff", "reviewer"))
    uadd.add_argument("--password-stdin", action="store_true", help=t("cli.opt_password_stdin"))
    uadd.add_argument("--os-account", metavar="NAME")
    uadd.add_argument("--reviewer", metavar="REVIEWER_NO")
    uadd.add_argument("--name", default="", metavar="DISPLAY_NAME")
    return parser


def _office(args):
    from office_tui.config import load_settings
    from office_tui.startup import open_office

    return open_office(load_settings(db=args.db, lang=args.lang))


def _cmd_demo(args) -> int:
    from office_tui.auth import shell_actor
    from office_tui.demo import load_demo

    office = _office(args)
    counts = load_demo(office.engine, shell_actor(office.engine), args.scale, args.seed)
    print(t("demo.loaded", applications=counts["application"], stores=counts["store"]))
    return EXIT_OK


def _cmd_db(args) -> int:
    from office_tui.migrate import backup_sqlite

    office = _office(args)
    if args.db_command == "upgrade":
        result = office.upgrade
        if result.from_revision == result.to_revision:
            print(t("db.up_to_date", revision=result.to_revision))
        else:
            print(t("db.upgraded", old=result.from_revision or "-", new=result.to_revision))
            if result.backup:
                print(t("db.backup_made", path=str(result.backup)))
        return EXIT_OK
    target = backup_sqlite(office.engine, args.file)
    print(t("db.backup_made", path=str(target)))
    return EXIT_OK


def _parse_date_arg(text: str, option: str):
    from office_tui.dates import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option=option, value=text) from None


def _cmd_batch(args) -> int:
    from office_tui.auth import shell_actor
    from office_tui.batches import cutoff_from_text, save_batch
    from office_tui.dates import format_datetime

    opens = _parse_date_arg(args.opens, "--opens")
    meeting = _parse_date_arg(args.meeting, "--meeting") if args.meeting else None
    try:
        closes = cutoff_from_text(args.closes)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option="--closes", value=args.closes) from None
    office = _office(args)
    batch, created = save_batch(office.engine, shell_actor(office.engine), args.number, opens, closes, meeting)
    key = "batch.created" if created else "batch.updated"
    print(t(key, number=batch.number, closes=format_datetime(batch.closes_at, office.settings.date_style)))
    return EXIT_OK


def _cmd_user(args) -> int:
    from sqlmodel import select

    from models import Reviewer
    from office_tui.auth import add_user, shell_actor
    from office_tui.db import read_session

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    if args.password_stdin and not password:
        raise CommandError("user.password_empty", EXIT_USAGE)
    office = _office(args)
    reviewer_id = None
    if args.reviewer:
        with read_session(office.engine) as session:
            reviewer = session.exec(select(Reviewer).where(Reviewer.reviewer_no == args.reviewer)).first()
        if reviewer is None:
            raise CommandError("user.no_such_reviewer", reviewer=args.reviewer)
        reviewer_id = reviewer.id
    user = add_user(office.engine, shell_actor(office.engine), args.username, args.role, password,
                    args.os_account, args.name, reviewer_id)
    print(t("user.added", username=user.username, role=t(f"role.{user.role}")))
    return EXIT_OK


def _cmd_tui(args) -> int:
    from office_tui.app import OfficeApp
    from office_tui.config import load_settings

    settings = load_settings(db=args.db, lang=args.lang)
    OfficeApp(settings).run()
    return EXIT_OK


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _cmd_tui, "demo": _cmd_demo, "db": _cmd_db, "batch": _cmd_batch, "user": _cmd_user,
}


def _language_from(argv: Sequence[str]) -> None:
    """Pick the interface language before argparse speaks (its help is translated)."""
    from office_tui.config import load_settings

    lang = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    try:
        set_language(load_settings(lang=lang).lang)
    except (ValueError, OSError):
        set_language("zh_TW")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _language_from(argv)
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(t(error.key, **error.params), file=sys.stderr)
        return error.exit_code
    except SettingsError as error:
        print(describe(error), file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - a user never sees a traceback
        print(describe(error), file=sys.stderr)
        return EXIT_FAILED


def json_out(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))
