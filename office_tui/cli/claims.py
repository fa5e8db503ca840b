"""reconcile, claims list/approve/pay/clawback/budget, import claims/past-recipients,
export claims/payments/withholding: store subsidies from the shell."""

from __future__ import annotations


from office_tui.cli.base import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, READS, CommandError, Commands, date_arg,
                                 json_out, written)
from office_tui.core.i18n import t
from office_tui.core.programme import CLAIM_STATUSES
from office_tui.cli.text import table


def register(cli: Commands) -> None:
    cli.command(cli.top, "reconcile", "claims.cli_reconcile", _reconcile, json=True)

    claims = cli.group("claims", "claims.cli_claims")
    listing = cli.command(claims, "list", "claims.cli_list", _list, opens=READS, json=True)
    listing.add_argument("--status", choices=CLAIM_STATUSES, metavar="CODE")
    listing.add_argument("--flagged", action="store_true", help=t("claims.cli_opt_flagged"))
    approve = cli.command(claims, "approve", "claims.cli_approve", _approve, json=True)
    approve.add_argument("claim_nos", nargs="*", metavar="CLAIM_NO")
    approve.add_argument("--all-clean", action="store_true", help=t("claims.cli_opt_all_clean"))
    approve.add_argument("--reason", default="")
    pay = cli.command(claims, "pay", "claims.cli_pay", _pay)
    pay.add_argument("claim_nos", nargs="*", metavar="CLAIM_NO")
    pay.add_argument("--all-approved", action="store_true", help=t("claims.cli_opt_all_approved"))
    pay.add_argument("--on", metavar="DATE")
    pay.add_argument("--reason", default="")
    clawback = cli.command(claims, "clawback", "claims.cli_clawback", _clawback)
    clawback.add_argument("claim_no", metavar="CLAIM_NO")
    clawback.add_argument("--reason", required=True)
    clawback.add_argument("--on", metavar="DATE")
    clawback.add_argument("--not-renewal", action="store_true", help=t("claims.cli_opt_not_renewal"))
    cli.command(claims, "budget", "claims.cli_budget", _budget, opens=READS, json=True)

    cli.import_command("claims", "claims.cli_import_claims", _import_claims)
    cli.import_command("past-recipients", "claims.cli_import_past", _import_past)
    for kind, help_key in (("claims", "claims.cli_export_claims"), ("payments", "claims.cli_export_payments"),
                           ("withholding", "claims.cli_export_withholding")):
        parser = cli.command(cli.exports, kind, help_key, _export, opens=READS, output=True)
        if kind == "claims":
            parser.add_argument("--provider", metavar="UBN")
        if kind == "payments":
            parser.add_argument("--paid", action="store_true", help=t("claims.cli_opt_paid"))
        parser.set_defaults(kind=kind)


def _close_on(shell):
    from office_tui.core.config import claims_close_on

    return claims_close_on(shell.settings)


def _reconcile(args, shell) -> int:
    from office_tui.claims.results import claim_results
    from office_tui.claims.reconcile import reconcile

    summary = reconcile(shell.engine, shell.actor, close_on=_close_on(shell))
    if args.json:
        json_out([r.to_json() for r in claim_results(shell.engine, reasons=False)])
        return EXIT_OK
    print(t("reconcile.done", n=f"{summary.claims:,}", changed=f"{summary.changed:,}",
            seconds=f"{summary.seconds:.2f}"))
    print(table([t("claims.col_status"), t("claims.col_count")],
                [(t(f"claim.{code}"), f"{n:,}") for code, n in summary.by_status.items()]))
    if summary.by_flag:
        print(table([t("claims.col_flag"), t("claims.col_reasons"), t("claims.col_count")],
                    [(code, t(f"flag.label_{code}"), f"{n:,}") for code, n in summary.by_flag.items()]))
    return EXIT_OK


def _list(args, shell) -> int:
    from office_tui.claims.results import claim_results

    rows = claim_results(shell.engine, status=args.status, flagged=True if args.flagged else None,
                         date_style=shell.settings.date_style, budget_total=shell.settings.budget_total,
                         close_on=_close_on(shell))
    if args.json:
        json_out([{**r.to_json(), "reasons": list(r.reasons)} for r in rows])
        return EXIT_OK
    print(table([t("claims.col_claim_no"), t("claims.col_store_ubn"), t("claims.col_store"), t("claims.col_status"),
                 t("claims.col_subsidy"), t("claims.col_reasons")],
                [(r.claim_no, r.store_ubn, r.store_name, t(f"claim.{r.status}"), f"NT${r.subsidy:,}",
                  "；".join(r.reasons)) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _approve(args, shell) -> int:
    from office_tui.claims.actions import approve_clean

    if bool(args.claim_nos) == bool(args.all_clean):
        raise CommandError("claims.cli_approve_which", EXIT_USAGE)
    result = approve_clean(shell.engine, shell.actor, budget_total=shell.settings.budget_total,
                           claim_nos=args.claim_nos or None, close_on=_close_on(shell), reason=args.reason)
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


def _pay(args, shell) -> int:
    from office_tui.claims.actions import mark_paid

    if bool(args.claim_nos) == bool(args.all_approved):
        raise CommandError("claims.cli_pay_which", EXIT_USAGE)
    on = date_arg(args.on, "--on") if args.on else None
    paid = mark_paid(shell.engine, shell.actor, args.claim_nos or None, paid_on=on, reason=args.reason,
                     close_on=_close_on(shell))
    print(t("claims.paid", n=len(paid)))
    return EXIT_OK


def _clawback(args, shell) -> int:
    from office_tui.claims.actions import claw_back

    if not args.reason.strip():
        raise CommandError("cli.reason_required", EXIT_USAGE)
    on = date_arg(args.on, "--on") if args.on else None
    claim = claw_back(shell.engine, shell.actor, args.claim_no, args.reason, on=on, renewal=not args.not_renewal,
                      close_on=_close_on(shell))
    print(t("claims.clawed_back", claim_no=claim.claim_no, status=t(f"claim.{claim.status}")))
    return EXIT_OK


def _budget(args, shell) -> int:
    from office_tui.claims.budget import budget

    figures = budget(shell.engine, shell.settings.budget_total)
    if args.json:
        json_out(figures.to_json())
        return EXIT_OK
    print(table([t("claims.col_item"), t("claims.col_amount")], [
        (t("budget.total"), f"NT${figures.total:,}"), (t("budget.committed"), f"NT${figures.committed:,}"),
        (t("budget.paid"), f"NT${figures.paid:,}"), (t("budget.remaining"), f"NT${figures.remaining:,}"),
        (t("budget.waiting_claims", n=f"{figures.waiting:,}"), f"NT${figures.waiting_amount:,}")]))
    return EXIT_OK


def _import_claims(shell, path):
    from importers.claims import import_claims

    return import_claims(shell.engine, shell.actor, path, close_on=_close_on(shell))


def _import_past(shell, path):
    from importers.past_recipients import import_past_recipients

    return import_past_recipients(shell.engine, shell.actor, path, close_on=_close_on(shell))


def _export(args, shell) -> int:
    from exports import claims as out
    from exports.output import planned

    target, new_folder = planned(args.output)  # a bad path is refused before anything is read
    style = shell.settings.date_style
    if args.kind == "claims":
        path = out.write_claims_summary(shell.engine, target, provider_ubn=args.provider, date_style=style)
    elif args.kind == "payments":
        path = out.write_payments(shell.engine, target, paid=args.paid, date_style=style)
    else:
        path = out.write_withholding(shell.engine, target, date_style=style)
    written(t("claims.exported", path=str(path)), new_folder)
    return EXIT_OK

