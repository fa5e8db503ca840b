"""ubn check, applications list/set-status, import applications/documents, template,
provider check: the intake and qualification work from the shell."""

from __future__ import annotations

import sys

from office_tui.cli.base import EXIT_FAILED, EXIT_OK, EXIT_USAGE, NOTHING, READS, CommandError, Commands, json_out
from office_tui.cli.text import table
from office_tui.core.i18n import t
from office_tui.core.programme import APPLICATION_STATUSES

TEMPLATE_KINDS = ("applications", "reviewers", "scores", "claims", "usage", "past-recipients")


def register(cli: Commands) -> None:
    ubn = cli.group("ubn", "cli.ubn")
    cli.command(ubn, "check", "cli.ubn_check", _ubn_check, opens=NOTHING).add_argument(
        "numbers", nargs="+", metavar="NUMBER")

    apps = cli.group("applications", "cli.applications")
    listing = cli.command(apps, "list", "cli.applications_list", _applications_list, opens=READS, json=True,
                          batch="optional")
    listing.add_argument("--status", choices=APPLICATION_STATUSES, metavar="CODE")
    moving = cli.command(apps, "set-status", "cli.applications_set_status", _set_status)
    moving.add_argument("items", nargs="+", metavar="APPLICATION_NO… CODE")
    moving.add_argument("--reason", required=True)

    template = cli.command(cli.top, "template", "cli.template", _template, opens=NOTHING)
    template.add_argument("kind", choices=TEMPLATE_KINDS)
    template.add_argument("-o", "--output", required=True, metavar="FILE")

    provider = cli.group("provider", "cli.provider")
    cond = cli.command(provider, "check", "cli.provider_check", _provider_check)
    cond.add_argument("ubn")
    cond.add_argument("condition", type=int, choices=range(3, 10), metavar="CONDITION")
    cond.add_argument("outcome", choices=("met", "unmet", "unknown"))
    cond.add_argument("--evidence", default="")

    cli.import_command("applications", "cli.import_applications", _import_applications)
    cli.import_command("documents", "cli.import_documents", _import_documents, folder=True)


def _ubn_check(args, shell) -> int:
    from office_tui.core.ubn import is_valid_ubn

    results = [(number, is_valid_ubn(number)) for number in args.numbers]
    for number, valid in results:
        print(f"{number}\t{t('ubn.valid') if valid else t('ubn.invalid')}")
    return EXIT_OK if all(valid for _, valid in results) else EXIT_FAILED


def _applications_list(args, shell) -> int:
    from office_tui.intake.applications import list_applications

    rows = list_applications(shell.engine, args.batch, args.status)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    headers = [t("col.application_no"), t("col.batch"), t("col.ubn"), t("col.company_name"),
               t("col.solution_name"), t("col.category"), t("col.status"), t("col.status_reason")]
    print(table(headers, [(r.application_no, r.batch, r.ubn, r.company_name, r.solution_name,
                           t(f"category.{r.category}"), t(f"status.{r.status}"), r.status_reason) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _set_status(args, shell) -> int:
    from office_tui.core.dates import format_date
    from office_tui.core.errors import describe
    from office_tui.intake.status import NOTICE_ONLY, set_status

    *numbers, code = args.items
    if not numbers:
        raise CommandError("cli.set_status_needs_numbers", EXIT_USAGE)
    if code not in APPLICATION_STATUSES:
        raise CommandError("move.unknown_code", EXIT_USAGE, code=code, codes=", ".join(APPLICATION_STATUSES))
    if not args.reason.strip():
        raise CommandError("cli.reason_required", EXIT_USAGE)
    if code == NOTICE_ONLY:  # 待補正 comes with its correction notice, raised here
        from office_tui.notices.correction import enter_correction

        moves = enter_correction(shell.engine, shell.actor, numbers, args.reason.strip())
    else:
        moves = set_status(shell.engine, shell.actor, numbers, code, args.reason.strip())
    for result in moves:
        if result.moved:
            print(t("move.done", application_no=result.application_no, old=t(f"status.{result.old}"),
                    new=t(f"status.{result.new}")))
            if result.notice_due is not None:
                print(t("notice.raised", application_no=result.application_no,
                        due=format_date(result.notice_due, shell.settings.date_style)))
            for warning in result.warnings:
                print(t("warn.prefix", application_no=result.application_no, warning=t(warning)))
        else:
            print(t("move.refused", application_no=result.application_no, why=describe(result.refusal)),
                  file=sys.stderr)
    return EXIT_OK if all(m.moved for m in moves) else EXIT_FAILED


def _import_applications(shell, path):
    from importers.applications import import_applications

    return import_applications(shell.engine, shell.actor, path)


class _DocumentsReport:
    """The documents import's results as the import handler shows them."""

    def __init__(self, results) -> None:
        self.results = results

    @property
    def refused(self) -> bool:
        """A file that went into no application (its folder names none) was not taken in."""
        return any(r.status == "unmatched" for r in self.results)

    def lines(self) -> list[str]:
        from importers.documents import import_summary, report_table

        return [table(*report_table(self.results)), import_summary(self.results)]

    def to_json(self) -> list[dict]:
        return [r.as_json() for r in self.results]


def _import_documents(shell, folder):
    from importers.documents import import_documents

    return _DocumentsReport(import_documents(shell.engine, shell.actor, folder))


def _template(args, shell) -> int:
    from pathlib import Path

    from exports.output import planned
    from exports.templates import write_template
    from office_tui.cli.base import written

    _, new_folder = planned(args.output, (".xlsx", ".csv"))
    target = write_template(args.kind, Path(args.output))
    written(t("cli.template_written", kind=args.kind, path=str(target)), new_folder)
    return EXIT_OK


def _provider_check(args, shell) -> int:
    from sqlmodel import select

    from models import Provider
    from office_tui.core.db import write_session
    from office_tui.intake.eligibility import record_condition

    who = shell.actor
    with write_session(shell.engine, who, reason=args.evidence or f"condition {args.condition}") as session:
        provider = session.exec(select(Provider).where(Provider.ubn == args.ubn)).first()
        if provider is None:
            raise CommandError("checklist.no_such_provider", ubn=args.ubn)
        record_condition(session, provider, args.condition, args.outcome, args.evidence, who.user_id)
    print(t("checklist.recorded", ubn=args.ubn, condition=args.condition, outcome=t(f"outcome.{args.outcome}")))
    return EXIT_OK
