"""reconcile, claims list/approve/pay/clawback/budget, import claims/past-recipients,
export claims/payments/withholding: store subsidies from the shell."""

from __future__ import annotations

from pathlib import Path

from office_tui.cli.base import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, actor, date_arg, group,
                                      json_out, office)
from office_tui.core.i18n import t
from office_tui.core.programme import CLAIM_STATUSES
from office_tui.cli.text import table


def register(sub, common) -> None:
    rec = sub.add_parser("reconcile", help=t("claims.cli_reconcile"), parents=[common])
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(handler=_reconcile)

    claims = group(sub, "claims", "claims.cli_claims")
    listing = claims.add_parser("list", help=t("claims.cli_list"), parents=[common])
    listing.add_argument("--status", choices=CLAIM_STATUSES, metavar="CODE")
    listing.add_argument("--flagged", action="store_true", help=t("claims.cli_opt_flagged"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    approve = claims.add_parser("approve", help=t("claims.cli_approve"), parents=[common])
    approve.add_argument("claim_nos", nargs="*", metavar="CLAIM_NO")
    approve.add_argument("--all-clean", action="store_true", help=t("claims.cli_opt_all_clean"))
    approve.add_argument("--reason", default="")
    approve.add_argument("--json", action="store_true")
    approve.set_defaults(handler=_approve)
    pay = claims.add_parser("pay", help=t("claims.cli_pay"), parents=[common])
    pay.add_argument("claim_nos", nargs="*", metavar="CLAIM_NO")
    pay.add_argument("--all-approved", action="store_true", help=t("claims.cli_opt_all_approved"))
    pay.add_argument("--on", metavar="DATE")
    pay.add_argument("--reason", default="")
    pay.set_defaults(handler=_pay)
    clawback = claims.add_parser("clawback", help=t("claims.cli_clawback"), parents=[common])
    clawback.add_argument("claim_no", metavar="CLAIM_NO")
    clawback.add_argument("--reason", required=True)
    clawback.add_argument("--on", metavar="DATE")
    clawback.add_argument("--not-renewal", action="store_true", help=t("claims.cli_opt_not_renewal"))
    clawback.set_defaults(handler=_clawback)
    money = claims.add_parser("budget", help=t("claims.cli_budget"), parents=[common])
    money.add_argument("--json", action="store_true")
    money.set_defaults(handler=_budget)


def register_imports(imports, common) -> None:
    for kind, help_key, handler in (("claims", "claims.cli_import_claims", _import_claims),
                                    ("past-recipients", "claims.cli_import_past", _import_past)):
        parser = imports.add_parser(kind, help=t(help_key), parents=[common])
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")
        parser.set_defaults(handler=handler)


def register_exports(exports, common) -> None:
    for kind, help_key in (("claims", "claims.cli_export_claims"), ("payments", "claims.cli_export_payments"),
                           ("withholding", "claims.cli_export_withholding")):
        parser = exports.add_parser(kind, help=t(help_key), parents=[common])
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help=t("export.opt_output"))
        if kind == "claims":
            parser.add_argument("--provider", metavar="UBN")
        if kind == "payments":
            parser.add_argument("--paid", action="store_true", help=t("claims.cli_opt_paid"))
        parser.set_defaults(handler=_export, kind=kind)


def _close_on(opened):
    from office_tui.core.config import claims_close_on

    return claims_close_on(opened.settings)


def _reconcile(args) -> int:
    from office_tui.claims.results import claim_results
    from office_tui.claims.reconcile import reconcile

    opened = office(args)
    summary = reconcile(opened.engine, actor(opened), close_on=_close_on(opened))
    if args.json:
        json_out([r.to_json() for r in claim_results(opened.engine, reasons=False)])
        return EXIT_OK
    print(t("reconcile.done", n=f"{summary.claims:,}", changed=f"{summary.changed:,}",
            seconds=f"{summary.seconds:.2f}"))
    print(table([t("claims.col_status"), t("claims.col_count")],
                [(t(f"claim.{code}"), f"{n:,}") for code, n in summary.by_status.items()]))
    if summary.by_flag:
        print(table([t("claims.col_flag"), t("claims.col_reasons"), t("claims.col_count")],
                    [(code, t(f"flag.label_{code}"), f"{n:,}") for code, n in summary.by_flag.items()]))
    return EXIT_OK


def _list(args) -> int:
    from office_tui.claims.results import claim_results

    opened = office(args)
    rows = claim_results(opened.engine, status=args.status, flagged=True if args.flagged else None,
                         date_style=opened.settings.date_style, budget_total=opened.settings.budget_total,
                         close_on=_close_on(opened))
    if args.json:
        json_out([{**r.to_json(), "reasons": list(r.reasons)} for r in rows])
        return EXIT_OK
    print(table([t("claims.col_claim_no"), t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_status"),
                 t("claims.col_subsidy"), t("claims.col_reasons")],
                [(r.claim_no, r.store_ubn, r.store_name, t(f"claim.{r.status}"), f"NT${r.subsidy:,}",
                  "；".join(r.reasons)) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _approve(args) -> int:
    from office_tui.claims.actions import approve_clean

    if bool(args.claim_nos) == bool(args.all_clean):
        raise CommandError("claims.cli_approve_which", EXIT_USAGE)
    opened = office(args)
    result = approve_clean(opened.engine, actor(opened), budget_total=opened.settings.budget_total,
                           claim_nos=args.claim_nos or None, close_on=_close_on(opened), reason=args.reason)
    if args.json:
        json_out(result.to_json())
        return EXIT_OK
    print(t("claims.approved", n=len(result.approved), amount=f"NT${result.amount:,}",
            remaining=f"NT${result.remaining:,}"))
    if result.waiting:
        print(t("claims.waiting", n=len(result.waiting)))
    if args.claim_nos:
        unapproved = sorted(set(args.claim_nos) - set(result.approved))
        if unapproved:
            print(t("claims.not_approvable", claim_nos="、".join(unapproved)))
            return EXIT_FAILED
    return EXIT_OK


def _pay(args) -> int:
    from office_tui.claims.actions import mark_paid

    if bool(args.claim_nos) == bool(args.all_approved):
        raise CommandError("claims.cli_pay_which", EXIT_USAGE)
    on = date_arg(args.on, "--on") if args.on else None
    opened = office(args)
    paid = mark_paid(opened.engine, actor(opened), args.claim_nos or None, paid_on=on, reason=args.reason)
    print(t("claims.paid", n=len(paid)))
    return EXIT_OK


def _clawback(args) -> int:
    from office_tui.claims.actions import claw_back

    if not args.reason.strip():
        raise CommandError("cli.reason_required", EXIT_USAGE)
    on = date_arg(args.on, "--on") if args.on else None
    opened = office(args)
    claim = claw_back(opened.engine, actor(opened), args.claim_no, args.reason, on=on, renewal=not args.not_renewal,
                      close_on=_close_on(opened))
    print(t("claims.clawed_back", claim_no=claim.claim_no, status=t(f"claim.{claim.status}")))
    return EXIT_OK


def _budget(args) -> int:
    from office_tui.claims.budget import budget

    opened = office(args)
    figures = budget(opened.engine, opened.settings.budget_total)
    if args.json:
        json_out(figures.to_json())
        return EXIT_OK
    print(table([t("claims.col_item"), t("claims.col_amount")], [
        (t("budget.total"), f"NT${figures.total:,}"), (t("budget.committed"), f"NT${figures.committed:,}"),
        (t("budget.paid"), f"NT${figures.paid:,}"), (t("budget.remaining"), f"NT${figures.remaining:,}"),
        (t("budget.waiting_claims", n=f"{figures.waiting:,}"), f"NT${figures.waiting_amount:,}")]))
    return EXIT_OK


def _import(args, run) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError("cli.no_such_file", path=args.file)
    opened = office(args)
    report = run(opened.engine, actor(opened), path, close_on=_close_on(opened))
    if args.json:
        json_out(report.to_json())
    else:
        print("\n".join(report.lines()))
    return EXIT_OK


def _import_claims(args) -> int:
    from importers.claims import import_claims

    return _import(args, import_claims)


def _import_past(args) -> int:
    from importers.past_recipients import import_past_recipients

    return _import(args, import_past_recipients)


def _export(args) -> int:
    from exports import claims as out
    from exports.output import planned

    target, new_folder = planned(args.output)  # a bad path is refused before anything is read
    opened = office(args)
    style = opened.settings.date_style
    if args.kind == "claims":
        path = out.write_claims_summary(opened.engine, target, provider_ubn=args.provider, date_style=style)
    elif args.kind == "payments":
        path = out.write_payments(opened.engine, target, paid=args.paid, date_style=style)
    else:
        path = out.write_withholding(opened.engine, target, date_style=style)
    print(t("claims.exported", path=str(path)))
    if new_folder is not None:
        print(t("export.folder_created", folder=str(new_folder)))
    return EXIT_OK

