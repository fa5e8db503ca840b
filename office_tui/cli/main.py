"""The ``office-tui`` command.

With no subcommand it opens the TUI. Subcommands are for scripts and cron: they never
prompt, print errors in the interface language on stderr with a non-zero exit, and with
``--json`` print only JSON on stdout. Each area's subcommands live in office_tui/cli.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from office_tui.cli import claims, foundation, intake, notices, publication, review, tally
from office_tui.cli.base import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, Parser, group
from office_tui.core.config import SettingsError
from office_tui.core.errors import describe
from office_tui.core.i18n import set_language, t

COMMAND_MODULES = (foundation, intake, notices, review, claims, tally, publication)


def _global_options(parser: argparse.ArgumentParser, default) -> argparse.ArgumentParser:
    parser.add_argument("--db", metavar="URL", help=t("cli.opt_db"), default=default)
    parser.add_argument("--lang", metavar="LANG", help=t("cli.opt_lang"), default=default)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _global_options(Parser(prog="office-tui", description=t("cli.description")), None)
    parser.set_defaults(handler=_tui)
    # The same options after a subcommand (office-tui demo --db URL); SUPPRESS keeps a
    # value given before the subcommand when none is given after it.
    common = _global_options(Parser(add_help=False), argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    # `import KIND` and `export KIND` gather one subcommand from each area that has one.
    imports = group(sub, "import", "cli.import")
    exports = group(sub, "export", "cli.export")
    for module in COMMAND_MODULES:
        module.register(sub, common)
        if hasattr(module, "register_imports"):
            module.register_imports(imports, common)
        if hasattr(module, "register_exports"):
            module.register_exports(exports, common)
    return parser


def _tui(args) -> int:
    from office_tui.app import OfficeApp
    from office_tui.core.config import load_settings

    OfficeApp(load_settings(db=args.db, lang=args.lang)).run()
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
        args = build_parser().parse_args(argv)
        return args.handler(args)
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
