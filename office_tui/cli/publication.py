"""export approvals / scoresheets / summary: the committee's results as .xlsx files —
the 核定名單 for the gazette, each member's score sheet, the 評審總表."""

from __future__ import annotations

from office_tui.cli.base import EXIT_OK, office
from office_tui.core.i18n import t
from office_tui.committee.tally import METHODS


def register(sub, common) -> None:
    pass


def register_exports(exports, common) -> None:
    for name, help_key, handler in (("approvals", "cli.export_approvals", _approvals),
                                    ("scoresheets", "cli.export_scoresheets", _scoresheets),
                                    ("summary", "cli.export_summary", _summary)):
        parser = exports.add_parser(name, help=t(help_key), parents=[common])
        parser.add_argument("--batch", type=int, required=True, metavar="N", help=t("export.opt_batch"))
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help=t("export.opt_output"))
        if name == "summary":
            parser.add_argument("--method", choices=METHODS, default="mean", help=t("export.opt_method"))
        parser.set_defaults(handler=handler)


def _written(path, n: int, new_folder) -> int:
    print(t("export.rows_written", n=n, path=path))
    if new_folder is not None:
        print(t("export.folder_created", folder=str(new_folder)))
    return EXIT_OK


def _approvals(args) -> int:
    from exports.approvals import export_approvals
    from exports.output import planned

    target, new_folder = planned(args.output)  # a bad path is refused before anything is read
    return _written(*export_approvals(office(args).engine, args.batch, target), new_folder)


def _scoresheets(args) -> int:
    from exports.output import planned
    from exports.scoresheets import export_scoresheets

    target, new_folder = planned(args.output)
    return _written(*export_scoresheets(office(args).engine, args.batch, target), new_folder)


def _summary(args) -> int:
    from exports.output import planned
    from exports.summary import export_summary

    target, new_folder = planned(args.output)
    return _written(*export_summary(office(args).engine, args.batch, target, args.method), new_folder)
