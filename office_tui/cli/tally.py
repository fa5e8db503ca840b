"""tally, outliers list/resolve, decide, import scores, sheets reopen: the committee's
tally and the ministry's decisions from the shell."""

from __future__ import annotations

import sys

from office_tui.cli.base import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, READS, CommandError, Commands, date_arg,
                                 json_out)
from office_tui.core.i18n import t
from office_tui.core.identifiers import normalise_application_no
from office_tui.committee.tally import METHODS


def register(cli: Commands) -> None:
    tally = cli.command(cli.top, "tally", "tally.cli_tally", _tally, opens=READS, json=True, batch="required")
    tally.add_argument("--method", choices=METHODS, default="mean")

    outliers = cli.group("outliers", "outlier.cli_outliers")
    cli.command(outliers, "list", "outlier.cli_list", _outliers_list, opens=READS, json=True, batch="required")
    resolve = cli.command(outliers, "resolve", "outlier.cli_resolve", _outliers_resolve)
    resolve.add_argument("application_no", metavar="APPLICATION_NO")
    resolve.add_argument("reviewer_no", metavar="REVIEWER_NO")
    resolve.add_argument("--note", required=True)

    decide = cli.command(cli.top, "decide", "decide.cli_decide", _decide, json=True)
    decide.add_argument("application_nos", nargs="+", metavar="APPLICATION_NO")
    which = decide.add_mutually_exclusive_group(required=True)
    for outcome in ("approve", "reject", "waitlist"):
        which.add_argument(f"--{outcome}", dest="outcome", action="store_const", const=outcome)
    decide.add_argument("--date", required=True, metavar="DATE")
    decide.add_argument("--doc-no", default="", metavar="TEXT")
    decide.add_argument("--method", choices=METHODS, default="mean")
    decide.add_argument("--incomplete-reason", default="", metavar="TEXT", help=t("decide.opt_incomplete_reason"))

    sheets = cli.group("sheets", "tally.cli_sheets")
    reopen = cli.command(sheets, "reopen", "tally.cli_sheets_reopen", _sheets_reopen)
    reopen.add_argument("application_no", metavar="APPLICATION_NO")
    reopen.add_argument("reviewer_no", metavar="REVIEWER_NO")
    reopen.add_argument("--reason", required=True)

    scores = cli.import_command("scores", "tally.cli_import_scores", _import_scores)
    scores.add_argument("--allow-over-cap", action="store_true", help=t("tally.opt_allow_over_cap"))


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _tally(args, shell) -> int:
    from office_tui.committee.batch_tally import batch_tally
    from office_tui.core.db import read_session
    from office_tui.cli.text import table

    with read_session(shell.engine) as session:
        board = batch_tally(session, args.batch, args.method)
    if args.json:
        json_out([row.to_json() for row in board.rows])
        return EXIT_OK
    rows = []
    for row in board.rows:
        info = board.info[row.application_no]
        unresolved = set(board.unresolved(row.application_no))
        marked = [f"{m}!" if m in unresolved else m for m in row.outliers]
        rows.append((row.rank or "", row.application_no, info.company, info.solution_name, _figure(row.mean),
                     _figure(row.median), _figure(row.trimmed_mean), _figure(row.stdev), _figure(row.rank_sum),
                     _figure(row.mean_rank), f"{row.submitted}/{row.assigned}", f"{row.at_pass_line}/{len(row.totals)}",
                     t("tally.yes") if row.passed else t("tally.no"), " ".join(marked), " ".join(row.missing),
                     t(f"status.{info.status}")))
    headers = [t(f"tally.col_{name}") for name in (
        "rank", "application_no", "company", "solution", "mean", "median", "trimmed", "stdev", "rank_sum",
        "mean_rank", "sheets", "at_pass_line", "passed", "outliers", "missing", "status")]
    print(table(headers, rows))
    waiting = sum(1 for row in board.rows if board.unresolved(row.application_no))
    print(t("tally.footer", batch=args.batch, method=t(f"tally.method_{args.method}"), n=len(board.rows),
            passed=sum(1 for row in board.rows if row.passed), pass_line=f"{board.rubric.pass_line:g}",
            threshold=f"{board.rubric.outlier_threshold:g}", unresolved=waiting))
    for (application_no, reviewer_no), reason in board.conflicted.items():  # 迴避: not counted, not missing
        print(t("tally.conflicted", application=application_no, reviewer=reviewer_no,
                why=reason.describe(reviewer_no, application_no)))
    return EXIT_OK


def _outliers_list(args, shell) -> int:
    from office_tui.committee.batch_tally import batch_tally
    from office_tui.core.db import read_session
    from office_tui.cli.text import table

    with read_session(shell.engine) as session:
        board = batch_tally(session, args.batch)
    found = []
    for row in board.rows:
        for member in row.outliers:
            others = [v for m, v in row.totals.items() if m != member]
            others_mean = sum(others) / len(others)
            note = board.resolutions.get((row.application_no, member))
            found.append({"application_no": row.application_no, "reviewer_no": member,
                          "total": round(row.totals[member], 2), "others_mean": round(others_mean, 2),
                          "difference": round(row.totals[member] - others_mean, 2),
                          "resolved": note is not None, "note": note})
    if args.json:
        json_out(found)
        return EXIT_OK
    headers = [t(f"outlier.col_{name}") for name in (
        "application_no", "reviewer_no", "total", "others_mean", "difference", "resolution")]
    print(table(headers, [(o["application_no"], o["reviewer_no"], f"{o['total']:.2f}", f"{o['others_mean']:.2f}",
                           f"{o['difference']:+.2f}", o["note"] if o["resolved"] else t("outlier.unresolved"))
                          for o in found]))
    print(t("outlier.count", n=len(found), unresolved=sum(1 for o in found if not o["resolved"]),
            threshold=f"{board.rubric.outlier_threshold:g}"))
    return EXIT_OK


def _outliers_resolve(args, shell) -> int:
    from models import Reviewer
    from office_tui.core.db import write_session
    from office_tui.committee.decisions import resolve_outlier

    note = args.note.strip()
    if not note:
        raise CommandError("outlier.note_required", EXIT_USAGE)
    with write_session(shell.engine, shell.actor, reason=note) as session:
        resolution = resolve_outlier(session, shell.actor, args.application_no, args.reviewer_no, note)
        reviewer_no = session.get(Reviewer, resolution.reviewer_id).reviewer_no
    print(t("outlier.resolved", application=normalise_application_no(args.application_no), reviewer=reviewer_no))
    return EXIT_OK


def _decide(args, shell) -> int:
    from office_tui.core.db import write_session
    from office_tui.committee.decisions import NEEDS_DOC_NO, decide
    from office_tui.core.errors import describe

    decided_on = date_arg(args.date, "--date")
    if args.outcome in NEEDS_DOC_NO and not args.doc_no.strip():
        raise CommandError("decide.doc_no_required", EXIT_USAGE)
    who = shell.actor
    with write_session(shell.engine, who, reason=f"decide {args.outcome} {args.doc_no}".strip()) as session:
        results = decide(session, who, args.application_nos, args.outcome, decided_on, args.doc_no, args.method,
                         incomplete_reason=args.incomplete_reason)
    if args.json:
        json_out([result.to_json() for result in results])
    else:
        for result in results:
            if result.decided:
                print(t("decide.done", application=result.application_no, old=t(f"status.{result.old}"),
                        new=t(f"status.{result.new}"), rank=result.rank or "-", score=_figure(result.score)))
                if result.incomplete_reason:
                    print(t("decide.done_incomplete", application=result.application_no,
                            submitted=result.sheets_submitted, assigned=result.sheets_assigned,
                            why=result.incomplete_reason))
                for warning in result.warnings:
                    print(t("warn.prefix", application_no=result.application_no, warning=t(warning)))
    for result in results:
        if not result.decided:
            print(t("decide.refused", application=result.application_no, why=describe(result.refusal)),
                  file=sys.stderr)
    return EXIT_OK if all(result.decided for result in results) else EXIT_FAILED


def _import_scores(shell, path):
    from importers.scores import import_scores

    return import_scores(shell.engine, shell.actor, path, allow_over_cap=shell.args.allow_over_cap)


def _sheets_reopen(args, shell) -> int:
    from models import Reviewer
    from office_tui.core.db import write_session
    from office_tui.committee.scoresheets import find_assignment, reopen_sheet

    reason = args.reason.strip()
    if not reason:
        raise CommandError("sheet.reason_required", EXIT_USAGE)
    who = shell.actor
    with write_session(shell.engine, who, reason=reason) as session:
        assignment = find_assignment(session, args.application_no, args.reviewer_no)
        reopen_sheet(session, who, assignment.id, reason)
        reviewer_no = session.get(Reviewer, assignment.reviewer_id).reviewer_no
    print(t("tally.sheet_reopened", application=normalise_application_no(args.application_no), reviewer=reviewer_no))
    return EXIT_OK
