"""What every subcommand shares: its failure type, exit codes, the office, JSON out."""

from __future__ import annotations

import argparse
import json

from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(OfficeError):
    """A command-line failure, with the exit code it ends the command with."""

    def __init__(self, key: str, exit_code: int = EXIT_FAILED, **params) -> None:
        super().__init__(key, **params)
        self.exit_code = exit_code


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own words are English only
        raise CommandError("cli.usage_error", EXIT_USAGE, detail=message)


def group(sub, name: str, help_key: str):
    """A subcommand that only holds subcommands (``office-tui db …``)."""
    parser = sub.add_parser(name, help=t(help_key))
    return parser.add_subparsers(dest=f"{name}_command", required=True, parser_class=Parser)


def office(args):
    """Open the office the options name: connect, migrate, run the opening chores. The
    shell is staff's: an OS account linked to a committee member (role reviewer) is
    refused, as members work only in their own score sheets in the app."""
    from office_tui.core.auth import shell_actor
    from office_tui.core.config import load_settings
    from office_tui.opening import open_office

    opened = open_office(load_settings(db=args.db, lang=args.lang))
    if shell_actor(opened.engine).role == "reviewer":
        opened.engine.dispose()
        raise CommandError("cli.members_use_the_app")
    return opened


def actor(office_):
    from office_tui.core.auth import shell_actor

    return shell_actor(office_.engine)


def date_arg(text: str, option: str):
    from office_tui.core.dates import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option=option, value=text) from None


def json_out(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
