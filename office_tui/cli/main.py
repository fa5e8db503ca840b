"""The ``office-tui`` command.

With no subcommand it opens the TUI. Subcommands are for scripts and cron: they never
prompt, print errors in the interface language on stderr with a non-zero exit, and with
``--json`` print only JSON on stdout.

Each area's subcommands live in one module of office_tui/cli, registered in
:data:`AREAS` with the words it answers to. A command line loads only the area its
first word (or its ``import``/``export`` kind) names; ``--help`` and an unknown word
load them all, to list everything.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from office_tui.cli.base import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, Commands, Parser, Shell, global_options
from office_tui.core.config import SettingsError
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language, t


@dataclass(frozen=True)
class Area:
    """One module of commands and the words it adds: at the top (``office-tui WORD``),
    under ``import`` and under ``export``."""

    module: str
    top: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    exports: tuple[str, ...] = ()


AREAS = (
    Area("office_tui.cli.foundation", top=("demo", "db", "batch", "user")),
    Area("office_tui.cli.intake", top=("ubn", "applications", "template", "provider"),
         imports=("applications", "documents")),
    Area("office_tui.cli.notices", top=("workdays", "notices")),
    Area("office_tui.cli.review", top=("reviewers", "assign"), imports=("reviewers",), exports=("assignments",)),
    Area("office_tui.cli.tally", top=("tally", "outliers", "decide", "sheets"), imports=("scores",)),
    Area("office_tui.cli.publication", exports=("approvals", "scoresheets", "summary")),
    Area("office_tui.cli.claims", top=("reconcile", "claims"), imports=("claims", "past-recipients"),
         exports=("claims", "payments", "withholding")),
    Area("office_tui.cli.usage", top=("usage", "spotcheck"), imports=("usage",), exports=("spotcheck",)),
    Area("office_tui.cli.serve", top=("serve",)),
)


def areas_for(argv: Sequence[str]) -> tuple[Area, ...]:
    """The areas a command line needs: the one its words name, else all of them."""
    words = _words(argv)
    if not words or any(arg in ("-h", "--help") for arg in argv):
        return AREAS
    if words[0] in ("import", "export") and len(words) > 1:
        found = tuple(area for area in AREAS
                      if words[1] in (area.imports if words[0] == "import" else area.exports))
    else:
        found = tuple(area for area in AREAS if words[0] in area.top)
    return found or AREAS


def _words(argv: Sequence[str]) -> list[str]:
    """The positional words of ``argv``, skipping the global options and their values."""
    words, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--db", "--lang"):
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words


def build_parser(areas: Sequence[Area] = AREAS) -> argparse.ArgumentParser:
    parser = global_options(Parser(prog="office-tui", description=t("cli.description")), None)
    # One browser session of `office-tui serve` (office_tui/cli/serve.py): sign-in forced.
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_tui, opens=None, creates=False)
    cli = Commands(parser.add_subparsers(dest="command", parser_class=Parser))
    cli.imports, cli.exports  # noqa: B018 - `import` and `export` come first in the help, as they always did
    for area in areas:
        importlib.import_module(area.module).register(cli)
    return parser


def _tui(args, _shell) -> int:
    """The TUI. On the default database in the data directory a new office starts empty
    (and is offered the demo); a database named otherwise (``--db``, OFFICE_TUI_DB, the
    settings file) that is not there is refused, naming it, before the TUI starts."""
    from office_tui.core.config import default_db_url, load_settings
    from office_tui.opening import missing_database

    settings = load_settings(db=args.db, lang=args.lang)
    missing = missing_database(settings.db_url)
    if missing is not None and settings.db_url != default_db_url():
        raise CommandError("error.no_such_database", path=str(missing))
    from office_tui.app import OfficeApp

    OfficeApp(settings, served=getattr(args, "served", False)).run()
    return EXIT_OK


def _language_from(argv: Sequence[str]) -> None:
    """Pick the interface language before argparse speaks (its help is translated)."""
    from office_tui.core.config import load_settings

    lang = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    try:
        set_language(load_settings(lang=lang).lang)
    except (ValueError, OSError):  # the command itself then says what is wrong, in the language asked for
        set_language("en" if (lang or "").lower().startswith("en") else "zh_TW")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _language_from(argv)
    try:
        args = build_parser(areas_for(argv)).parse_args(argv)
        return args.handler(args, Shell(args, args.opens, args.creates))
    except CommandError as error:
        print(t(error.key, **error.params), file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # office-tui … | head: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except SettingsError as error:
        print(describe(error), file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - a user never sees a traceback
        print(describe(error), file=sys.stderr)
        return EXIT_FAILED
