"""reviewers list / conflict add|remove, assign auto|add|remove|list, import reviewers,
export assignments: the committee's members and who reviews what, from the shell."""

from __future__ import annotations

import sys

from office_tui.cli.base import EXIT_OK, READS, Commands, json_out, written
from office_tui.core.i18n import t
from office_tui.core.identifiers import normalise_application_no
from office_tui.cli.text import table


def register(cli: Commands) -> None:
    reviewers = cli.group("reviewers", "cli.reviewers")
    cli.command(reviewers, "list", "cli.reviewers_list", _reviewers_list, opens=READS, json=True)
    actions = cli.group("conflict", "cli.reviewers_conflict", under=reviewers)
    for name, handler in (("add", _conflict_add), ("remove", _conflict_remove)):
        parser = cli.command(actions, name, f"cli.reviewers_conflict_{name}", handler)
        parser.add_argument("reviewer_no", metavar="REVIEWER_NO")
        parser.add_argument("ubn", metavar="UBN")
        if name == "add":
            parser.add_argument("--note", default="", help=t("cli.reviewers_conflict_note"))

    assign = cli.group("assign", "cli.assign")
    auto = cli.command(assign, "auto", "cli.assign_auto", _assign_auto, json=True, batch="required")
    auto.add_argument("--k", type=int, default=5, help=t("cli.assign_k"))
    auto.add_argument("--cap", type=int, default=None, help=t("cli.assign_cap"))
    for name, handler in (("add", _assign_add), ("remove", _assign_remove)):
        parser = cli.command(assign, name, f"cli.assign_{name}", handler)
        parser.add_argument("application_no", metavar="APPLICATION_NO")
        parser.add_argument("reviewer_no", metavar="REVIEWER_NO")
    cli.command(assign, "list", "cli.assign_list", _assign_list, opens=READS, json=True, batch="optional")

    cli.import_command("reviewers", "cli.import_reviewers", _import_reviewers)
    cli.command(cli.exports, "assignments", "cli.export_assignments", _export_assignments, opens=READS,
                batch="required", output=True)


# -- members -------------------------------------------------------------------------


def _reviewers_list(args, shell) -> int:
    from office_tui.core.db import read_session
    from office_tui.committee.roster import roster

    with read_session(shell.engine) as session:
        rows = roster(session)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    yes, no = t("roster.active_yes"), t("roster.active_no")
    headers = [t("roster.col_reviewer_no"), t("roster.col_name"), t("roster.col_affiliation"),
               t("roster.col_expertise"), t("roster.col_active"), t("roster.col_conflicts"),
               t("roster.col_assigned"), t("roster.col_submitted")]
    print(table(headers, [(r.reviewer_no, r.name, r.affiliation, r.expertise.replace(",", "、"),
                           yes if r.active else no, r.conflict_count, r.assigned, r.submitted) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _conflict_add(args, shell) -> int:
    from office_tui.core.db import write_session
    from office_tui.committee.roster import add_conflict, conflict_warnings, normalise_reviewer_no

    reason = f"conflict add {args.reviewer_no} {args.ubn}"
    who = shell.actor
    with write_session(shell.engine, who, reason=reason) as session:
        conflict = add_conflict(session, who, args.reviewer_no, args.ubn, args.note)
        warnings = conflict_warnings(session, args.reviewer_no)
    print(t("roster.conflict_added", reviewer=normalise_reviewer_no(args.reviewer_no), ubn=conflict.ubn))
    for warning in warnings:  # each assignment it now clashes with, and the command to remove it
        print(warning, file=sys.stderr)
    return EXIT_OK


def _conflict_remove(args, shell) -> int:
    from office_tui.core.db import write_session
    from office_tui.committee.roster import normalise_reviewer_no, parse_conflict_ubn, remove_conflict

    reason = f"conflict remove {args.reviewer_no} {args.ubn}"
    who = shell.actor
    with write_session(shell.engine, who, reason=reason) as session:
        remove_conflict(session, who, args.reviewer_no, args.ubn)
    print(t("roster.conflict_removed", reviewer=normalise_reviewer_no(args.reviewer_no),
            ubn=parse_conflict_ubn(args.ubn)))
    return EXIT_OK


def _import_reviewers(shell, path):
    from importers.reviewers import import_reviewers

    return import_reviewers(shell.engine, shell.actor, path)


# -- assignments ---------------------------------------------------------------------


def _assign_auto(args, shell) -> int:
    from office_tui.committee.assignment import auto_assign
    from office_tui.core.db import write_session

    who = shell.actor
    with write_session(shell.engine, who, reason=f"assign auto batch {args.batch} k={args.k}") as session:
        plan = auto_assign(session, who, args.batch, k=args.k, cap=args.cap)
    if args.json:
        json_out(plan.to_json())
        return EXIT_OK
    print(t("assign.auto_done", batch=plan.batch_no, created=len(plan.created), k=plan.k, cap=plan.cap))
    for application_no, _staffed, why in plan.unstaffed:
        print(t("assign.unstaffed_line", application=application_no, why=why))
    if plan.loads:
        print(t("assign.loads", loads="  ".join(f"{no}:{n}" for no, n in sorted(plan.loads.items()))))
    return EXIT_OK


def _assign_add(args, shell) -> int:
    from office_tui.committee.assignment import assign
    from office_tui.core.db import write_session
    from office_tui.committee.roster import normalise_reviewer_no

    who = shell.actor
    with write_session(shell.engine, who, reason=f"assign {args.application_no} {args.reviewer_no}") as session:
        assign(session, who, args.application_no, args.reviewer_no)
    print(t("assign.added", application=normalise_application_no(args.application_no),
            reviewer=normalise_reviewer_no(args.reviewer_no)))
    return EXIT_OK


def _assign_remove(args, shell) -> int:
    """An untouched sheet's assignment; a conflicted pair's whatever its sheet holds
    (its scores are deleted with it, audited with the conflict)."""
    from office_tui.core.db import write_session
    from office_tui.committee.assignment import remove_assignment
    from office_tui.committee.roster import normalise_reviewer_no

    who = shell.actor
    with write_session(shell.engine, who, reason=f"unassign {args.application_no} {args.reviewer_no}") as session:
        removed = remove_assignment(session, who, args.application_no, args.reviewer_no)
    if removed is None:
        print(t("assign.removed", application=normalise_application_no(args.application_no),
                reviewer=normalise_reviewer_no(args.reviewer_no)))
    else:
        print(removed.describe())
    return EXIT_OK


def _assign_list(args, shell) -> int:
    from exports.assignments import headers, row_values
    from office_tui.committee.assignment import assignment_rows, find_batch
    from office_tui.core.db import read_session

    with read_session(shell.engine) as session:
        if args.batch is not None:
            find_batch(session, args.batch)  # an unknown batch is refused, as by the other commands
        rows = assignment_rows(session, args.batch)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    print(table(headers(), [row_values(row) for row in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _export_assignments(args, shell) -> int:
    from exports.assignments import write_assignments
    from exports.output import planned
    from office_tui.committee.assignment import assignment_rows, find_batch
    from office_tui.core.db import read_session

    target, new_folder = planned(args.output)  # a bad path is refused before anything is read
    with read_session(shell.engine) as session:
        find_batch(session, args.batch)
        rows = assignment_rows(session, args.batch)
    target = write_assignments(rows, target, args.batch)
    written(t("assign.exported", n=len(rows), path=str(target)), new_folder)
    return EXIT_OK
