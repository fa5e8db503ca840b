"""ubn check, applications list/set-status, import applications/documents, template,
provider check: the intake and qualification work from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

from office_tui.cli.base import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, actor, group,
                                      json_out, office)
from office_tui.core.i18n import t
from office_tui.core.programme import APPLICATION_STATUSES
from office_tui.cli.text import table

TEMPLATE_KINDS = ("applications", "reviewers", "scores", "claims", "usage", "past-recipients")


def register(sub, common) -> None:
    ubn = group(sub, "ubn", "cli.ubn")
    check = ubn.add_parser("check", help=t("cli.ubn_check"), parents=[common])
    check.add_argument("numbers", nargs="+", metavar="NUMBER")
    check.set_defaults(handler=_ubn_check)

    apps = group(sub, "applications", "cli.applications")
    listing = apps.add_parser("list", help=t("cli.applications_list"), parents=[common])
    listing.add_argument("--batch", type=int)
    listing.add_argument("--status", choices=APPLICATION_STATUSES, metavar="CODE")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_applications_list)
    moving = apps.add_parser("set-status", help=t("cli.applications_set_status"), parents=[common])
    moving.add_argument("items", nargs="+", metavar="APPLICATION_NO… CODE")
    moving.add_argument("--reason", required=True)
    moving.set_defaults(handler=_set_status)

    template = sub.add_parser("template", help=t("cli.template"), parents=[common])
    template.add_argument("kind", choices=TEMPLATE_KINDS)
    template.add_argument("-o", "--output", required=True, metavar="FILE")
    template.set_defaults(handler=_template)

    provider = group(sub, "provider", "cli.provider")
    cond = provider.add_parser("check", help=t("cli.provider_check"), parents=[common])
    cond.add_argument("ubn")
    cond.add_argument("condition", type=int, choices=range(3, 10), metavar="CONDITION")
    cond.add_argument("outcome", choices=("met", "unmet", "unknown"))
    cond.add_argument("--evidence", default="")
    cond.set_defaults(handler=_provider_check)


def register_imports(imports, common) -> None:
    app_import = imports.add_parser("applications", help=t("cli.import_applications"), parents=[common])
    app_import.add_argument("file")
    app_import.add_argument("--json", action="store_true")
    app_import.set_defaults(handler=_import_applications)
    doc_import = imports.add_parser("documents", help=t("cli.import_documents"), parents=[common])
    doc_import.add_argument("folder", metavar="DIR")
    doc_import.add_argument("--json", action="store_true")
    doc_import.set_defaults(handler=_import_documents)


def _ubn_check(args) -> int:
    from office_tui.core.ubn import is_valid_ubn

    results = [(number, is_valid_ubn(number)) for number in args.numbers]
    for number, valid in results:
        print(f"{number}\t{t('ubn.valid') if valid else t('ubn.invalid')}")
    return EXIT_OK if all(valid for _, valid in results) else EXIT_FAILED


def _applications_list(args) -> int:
    from office_tui.intake.applications import list_applications

    rows = list_applications(office(args).engine, args.batch, args.status)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    headers = [t("col.application_no"), t("col.batch"), t("col.ubn"), t("col.company_name"),
               t("col.solution_name"), t("col.category"), t("col.status"), t("col.status_reason")]
    print(table(headers, [(r.application_no, r.batch, r.ubn, r.company_name, r.solution_name,
                           t(f"category.{r.category}"), t(f"status.{r.status}"), r.status_reason) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _set_status(args) -> int:
    from office_tui.core.errors import describe
    from office_tui.intake.status import set_status

    *numbers, code = args.items
    if not numbers:
        raise CommandError("cli.set_status_needs_numbers", EXIT_USAGE)
    if code not in APPLICATION_STATUSES:
        raise CommandError("move.unknown_code", EXIT_USAGE, code=code, codes=", ".join(APPLICATION_STATUSES))
    if not args.reason.strip():
        raise CommandError("cli.reason_required", EXIT_USAGE)
    opened = office(args)
    moves = set_status(opened.engine, actor(opened), numbers, code, args.reason.strip())
    for result in moves:
        if result.moved:
            print(t("move.done", application_no=result.application_no, old=t(f"status.{result.old}"),
                    new=t(f"status.{result.new}")))
            for warning in result.warnings:
                print(t("warn.prefix", application_no=result.application_no, warning=t(warning)))
        else:
            print(t("move.refused", application_no=result.application_no, why=describe(result.refusal)),
                  file=sys.stderr)
    return EXIT_OK if all(m.moved for m in moves) else EXIT_FAILED


def _import_applications(args) -> int:
    from importers.applications import import_applications

    path = Path(args.file)
    if not path.is_file():
        raise CommandError("cli.no_such_file", path=args.file)
    opened = office(args)
    report = import_applications(opened.engine, actor(opened), path)
    if args.json:
        json_out(report.to_json())
    else:
        print("\n".join(report.lines()))
    return EXIT_OK


def _import_documents(args) -> int:
    from importers.documents import import_documents, import_summary, report_table

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CommandError("cli.no_such_folder", path=args.folder)
    opened = office(args)
    results = import_documents(opened.engine, actor(opened), folder)
    if args.json:
        json_out([r.as_json() for r in results])
        return EXIT_OK
    print(table(*report_table(results)))
    print(import_summary(results))
    return EXIT_OK


def _template(args) -> int:
    from exports.output import planned
    from exports.templates import write_template

    _, new_folder = planned(args.output, (".xlsx", ".csv"))
    target = write_template(args.kind, Path(args.output))
    print(t("cli.template_written", kind=args.kind, path=str(target)))
    if new_folder is not None:
        print(t("export.folder_created", folder=str(new_folder)))
    return EXIT_OK


def _provider_check(args) -> int:
    from sqlmodel import select

    from models import Provider
    from office_tui.core.db import write_session
    from office_tui.intake.eligibility import record_condition

    opened = office(args)
    who = actor(opened)
    with write_session(opened.engine, who, reason=args.evidence or f"condition {args.condition}") as session:
        provider = session.exec(select(Provider).where(Provider.ubn == args.ubn)).first()
        if provider is None:
            raise CommandError("checklist.no_such_provider", ubn=args.ubn)
        record_condition(session, provider, args.condition, args.outcome, args.evidence, who.user_id)
    print(t("checklist.recorded", ubn=args.ubn, condition=args.condition, outcome=t(f"outcome.{args.outcome}")))
    return EXIT_OK
