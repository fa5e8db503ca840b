"""export approvals / scoresheets / summary: the committee's results as .xlsx files —
the 核定名單 for the gazette, each member's score sheet, the 評審總表."""

from __future__ import annotations

from office_tui.cli.base import EXIT_OK, READS, Commands, written
from office_tui.core.i18n import t
from office_tui.committee.tally import METHODS


def register(cli: Commands) -> None:
    for name, help_key, handler in (("approvals", "cli.export_approvals", _approvals),
                                    ("scoresheets", "cli.export_scoresheets", _scoresheets),
                                    ("summary", "cli.export_summary", _summary)):
        parser = cli.command(cli.exports, name, help_key, handler, opens=READS, batch="required", output=True)
        if name == "summary":
            parser.add_argument("--method", choices=METHODS, default="mean", help=t("export.opt_method"))


def _written(path, n: int, new_folder) -> int:
    written(t("export.rows_written", n=n, path=path), new_folder)
    return EXIT_OK


def _approvals(args, shell) -> int:
    from exports.approvals import export_approvals
    from exports.output import planned

    target, new_folder = planned(args.output)  # a bad path is refused before anything is read
    return _written(*export_approvals(shell.engine, args.batch, target), new_folder)


def _scoresheets(args, shell) -> int:
    from exports.output import planned
    from exports.scoresheets import export_scoresheets

    target, new_folder = planned(args.output)
    return _written(*export_scoresheets(shell.engine, args.batch, target), new_folder)


def _summary(args, shell) -> int:
    from exports.output import planned
    from exports.summary import export_summary

    target, new_folder = planned(args.output)
    return _written(*export_summary(shell.engine, args.batch, target, args.method), new_folder)
