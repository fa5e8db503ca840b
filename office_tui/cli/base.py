"""What every subcommand shares: how it is declared, what it opens, how it fails.

An area's module (office_tui/cli/<area>.py) has one function, ``register(cli)``, which
declares its commands on :class:`Commands`: :meth:`Commands.command` adds one (the
shared ``--db``/``--lang``, ``--json``, ``--batch`` and ``-o`` options come from parent
parsers written once here), :meth:`Commands.import_command` adds an ``import KIND``
(the one import handler: the file — or files — checked, the importer run, with a
progress line on a terminal when it reports progress, its report printed or given as
JSON, and exit status 1 when the report says something failed). Each command says what it needs of the office (:data:`NOTHING`,
:data:`READS`, :data:`WRITES`); the handler is called as ``handler(args, shell)`` and
opens the office through ``shell`` at most once, only as far as it declared:

* ``NOTHING`` — no database at all (``ubn check``, ``template``);
* ``READS`` — connect, check the schema is current (never migrate or back up: an older
  schema is refused with the command that upgrades it), lapse overdue notices;
* ``WRITES`` — connect, migrate if needed (copying the file aside first), lapse.

A database that is not there (or is empty) is refused, naming it, unless the command
declared ``creates=True`` (``demo``, ``db init``, ``db upgrade``): a mistyped ``--db``
never becomes a new, empty office.

Either way the shell's actor is found once — the user linked to the operating-system
account the command runs as (its real user id, never ``$USER``) — and checked against
what the command declared it needs (README "Who may do what"):

* :data:`STAFF` (the default) — an admin's or a staff member's account;
* :data:`ADMIN` — an admin's account (``user …``);
* ``first_user=True`` — besides, an account linked to nobody may run it on a database
  that has no users yet (``user add NAME --role admin``, ``demo``).

A committee member's account is refused every command (members work in the app, in a
terminal or a browser: ``serve``); an account linked to nobody is refused everything else.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
NOTHING, READS, WRITES = "nothing", "reads", "writes"
STAFF, ADMIN = "staff", "admin"


class CommandError(OfficeError):
    """A command-line failure, with the exit code it ends the command with."""

    def __init__(self, key: str, exit_code: int = EXIT_FAILED, **params) -> None:
        super().__init__(key, **params)
        self.exit_code = exit_code


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own words are English only
        raise CommandError("cli.usage_error", EXIT_USAGE, detail=message)


def global_options(parser: argparse.ArgumentParser, default) -> argparse.ArgumentParser:
    parser.add_argument("--db", metavar="URL", help=t("cli.opt_db"), default=default)
    parser.add_argument("--lang", metavar="LANG", help=t("cli.opt_lang"), default=default)
    return parser


# -- the office a command opens ---------------------------------------------------------


@dataclass
class Shell:
    """The office as one command sees it, opened on first use and only as far as the
    command declared (see the module)."""

    args: argparse.Namespace
    opens: str = WRITES
    creates: bool = False  # may make the database when it is not there
    _office: object = field(default=None, init=False, repr=False)
    _actor: object = field(default=None, init=False, repr=False)

    @property
    def office(self):
        """The opened office (office_tui.opening.Office)."""
        if self._office is None:
            self._office = self._open()
        return self._office

    @property
    def engine(self):
        return self.office.engine

    @property
    def settings(self):
        return self.office.settings

    @property
    def actor(self):
        """Who runs the command (found once, when the office is opened)."""
        self.office  # noqa: B018 - opening it finds and checks the actor
        return self._actor

    def _admit(self, engine) -> None:
        """Find who runs the command and refuse them unless the command allows them (see
        the module) — before anything is migrated, backed up or written."""
        from sqlalchemy import inspect

        from office_tui.core.auth import UNLINKED, Actor, os_username, shell_actor, user_count

        if inspect(engine).has_table("user"):
            who, users = shell_actor(engine), None
        else:  # a new database: nobody is anybody yet
            who, users = Actor(None, f"os:{os_username()}", UNLINKED), 0
        if who.role == "reviewer":  # members work only in their own score sheets, in the app
            raise CommandError("cli.members_use_the_app")
        if who.user_id is None:
            if not getattr(self.args, "first_user", False):
                raise CommandError("cli.unlinked_account", account=os_username())
            if (user_count(engine) if users is None else users) != 0:
                raise CommandError("cli.unlinked_account", account=os_username())
        elif getattr(self.args, "needs", STAFF) == ADMIN and not who.is_admin:
            raise CommandError("cli.admins_only", username=who.username)
        self._actor = who

    def _open(self):
        from office_tui.core.config import load_settings
        from office_tui.opening import open_office

        if self.opens == NOTHING:
            raise RuntimeError("a command declared to need no office opened it")
        opened = open_office(load_settings(db=self.args.db, lang=self.args.lang), migrate=self.opens == WRITES,
                             create=self.creates, admit=self._admit)
        self._office = opened
        return opened


# -- declaring commands -----------------------------------------------------------------


class Commands:
    """Where the areas declare their commands (``register(cli)`` in each area module)."""

    def __init__(self, top) -> None:
        self.top = top  # the subparsers of `office-tui`
        self.common = global_options(Parser(add_help=False), argparse.SUPPRESS)
        self.json = Parser(add_help=False)
        self.json.add_argument("--json", action="store_true", help=t("cli.opt_json"))
        self.batch_required = Parser(add_help=False)
        self.batch_required.add_argument("--batch", type=int, required=True, metavar="N", help=t("cli.opt_batch"))
        self.batch_optional = Parser(add_help=False)
        self.batch_optional.add_argument("--batch", type=int, metavar="N", help=t("cli.opt_batch"))
        self.output = Parser(add_help=False)
        self.output.add_argument("-o", "--output", required=True, metavar="FILE", help=t("export.opt_output"))
        self._groups: dict[tuple[int, str], object] = {}

    def group(self, name: str, help_key: str, under=None):
        """A word that only holds subcommands (``office-tui db …``), made once."""
        parent = self.top if under is None else under
        key = (id(parent), name)
        if key not in self._groups:
            parser = parent.add_parser(name, help=t(help_key))
            self._groups[key] = parser.add_subparsers(dest=f"{name}_command", required=True, parser_class=Parser)
        return self._groups[key]

    @property
    def imports(self):
        return self.group("import", "cli.import")

    @property
    def exports(self):
        return self.group("export", "cli.export")

    def command(self, where, name: str, help_key: str, handler, *, opens: str = WRITES, creates: bool = False,
                json: bool = False, batch: str | None = None, output: bool = False, needs: str = STAFF,
                first_user: bool = False) -> argparse.ArgumentParser:
        """One subcommand: ``handler(args, shell)``; ``batch`` is "required" or "optional";
        ``creates``: the command may make a database that is not there yet; ``needs`` STAFF
        or ADMIN, ``first_user`` as the module says."""
        parents = [self.common]
        if json:
            parents.append(self.json)
        if batch is not None:
            parents.append(self.batch_required if batch == "required" else self.batch_optional)
        if output:
            parents.append(self.output)
        parser = where.add_parser(name, help=t(help_key), parents=parents)
        parser.set_defaults(handler=handler, opens=opens, creates=creates, needs=needs, first_user=first_user)
        return parser

    def import_command(self, kind: str, help_key: str, importer, *, folder: bool = False,
                       several: bool = False) -> argparse.ArgumentParser:
        """``import KIND FILE [--json]``: ``importer(shell, path)`` returns a report with
        ``lines()`` and ``to_json()`` (and ``refused`` — or ``failed`` for several files — True when the command
        should end with exit status 1: the good rows go in whatever the others hold, and a
        script can tell). With ``several``, ``import KIND FILE…``: the importer is
        called as ``importer(args, shell, paths, progress)``, ``progress(done, total)``
        drawing a progress line on a terminal (None otherwise)."""
        parser = self.command(self.imports, kind, help_key, run_import, json=True)
        if several:
            parser.add_argument("sources", nargs="+", metavar="FILE")
        else:
            parser.add_argument("source", metavar="DIR" if folder else "FILE")
        parser.set_defaults(importer=importer, source_is_folder=folder, several=several)
        return parser


def run_import(args, shell: Shell) -> int:
    """The one import handler: the files (or folder) are there, the import runs, its
    report is printed — or given as JSON with ``--json``."""
    sources = args.sources if args.several else [args.source]
    for source in sources:
        path = Path(source)
        if args.source_is_folder and not path.is_dir():
            raise CommandError("cli.no_such_folder", path=source)
        if not args.source_is_folder and not path.is_file():
            raise CommandError("cli.no_such_file", path=source)
    if args.several:
        line = ProgressLine() if sys.stderr.isatty() else None
        try:
            report = args.importer(args, shell, [Path(source) for source in sources], line)
        finally:
            if line is not None:
                line.close()
    else:
        report = args.importer(shell, Path(args.source))
    if args.json:
        json_out(report.to_json())
    else:
        print("\n".join(report.lines()))
    return EXIT_FAILED if getattr(report, "refused", False) or getattr(report, "failed", False) else EXIT_OK


class ProgressLine:
    """A percentage on one line of stderr, redrawn at most every whole percent."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != self.shown:
            self.shown = percent
            sys.stderr.write(f"\r{t('cli.progress', percent=percent)}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown >= 0:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


# -- small shared pieces ----------------------------------------------------------------


def date_arg(text: str, option: str):
    from office_tui.core.dates import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise CommandError("error.bad_date", EXIT_USAGE, option=option, value=text) from None


def json_out(value) -> None:
    import json

    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def written(message: str, new_folder) -> None:
    """An export's closing lines: what was written, and the folder made for it."""
    print(message)
    if new_folder is not None:
        print(t("export.folder_created", folder=str(new_folder)))
