"""import usage, usage files/remove/verify, spotcheck draw/record/list, export spotcheck:
usage verification from the shell (docs/rules/usage.md)."""

from __future__ import annotations

from office_tui.cli.base import EXIT_OK, EXIT_USAGE, READS, CommandError, Commands, date_arg, json_out, \
    written
from office_tui.cli.text import table
from office_tui.core.i18n import t


def register(cli: Commands) -> None:
    parser = cli.import_command("usage", "usage.cli_import", _import_usage, several=True)
    parser.add_argument("--replace", action="store_true", help=t("usage.cli_opt_replace"))

    usage = cli.group("usage", "usage.cli_usage")
    listing = cli.command(usage, "files", "usage.cli_files", _files, opens=READS, json=True)
    listing.add_argument("--all", action="store_true", help=t("usage.cli_opt_all"))
    remove = cli.command(usage, "remove", "usage.cli_remove", _remove)
    remove.add_argument("file_id", type=int, metavar="FILE_ID")
    remove.add_argument("--reason", default="", help=t("usage.cli_opt_reason"))
    verify = cli.command(usage, "verify", "usage.cli_verify", _verify, opens=READS, json=True)
    verify.add_argument("--store", metavar="UBN")
    verify.add_argument("--provider", metavar="UBN")
    verify.add_argument("--claim", metavar="CLAIM_NO")

    spot = cli.group("spotcheck", "spotcheck.cli_spotcheck")
    draw = cli.command(spot, "draw", "spotcheck.cli_draw", _draw, json=True)
    draw.add_argument("--percent", type=float, required=True, metavar="P")
    draw.add_argument("--min-per-provider", type=int, default=1, metavar="N")
    draw.add_argument("--seed", type=int, metavar="N")
    record = cli.command(spot, "record", "spotcheck.cli_record", _record)
    record.add_argument("claim_no", metavar="CLAIM_NO")
    result = record.add_mutually_exclusive_group(required=True)
    result.add_argument("--pass", dest="passed", action="store_true", help=t("spotcheck.cli_opt_pass"))
    result.add_argument("--fail", dest="failed", action="store_true", help=t("spotcheck.cli_opt_fail"))
    record.add_argument("--note", required=True)
    record.add_argument("--on", metavar="DATE")
    shown = cli.command(spot, "list", "spotcheck.cli_list", _list, opens=READS, json=True)
    shown.add_argument("--draw", type=int, metavar="N")
    shown.add_argument("--failed", action="store_true", help=t("spotcheck.cli_opt_failed"))

    export = cli.command(cli.exports, "spotcheck", "spotcheck.cli_export", _export, opens=READS, output=True)
    export.add_argument("--draw", type=int, metavar="N")


def _close_on(shell):
    from office_tui.core.config import claims_close_on

    return claims_close_on(shell.settings)


def _import_usage(args, shell, paths, progress):
    from importers.usage import import_usage

    return import_usage(shell.engine, shell.actor, paths, replace=args.replace, progress=progress,
                        close_on=_close_on(shell), min_active_days=shell.settings.usage_min_active_days)


def _files(args, shell) -> int:
    from office_tui.core.dates import format_date, format_datetime
    from office_tui.core.db import read_session
    from office_tui.usage.files import list_files

    with read_session(shell.engine) as session:
        rows = list_files(session, removed=args.all)
    if args.json:
        json_out([row.to_json() for row in rows])
        return EXIT_OK
    style = shell.settings.date_style
    print(table([t("usage.col_id"), t("usage.col_file"), t("usage.col_imported"), t("usage.col_by"),
                 t("usage.col_stores"), t("usage.col_days"), t("usage.col_events"), t("usage.col_first"),
                 t("usage.col_last"), t("usage.col_hash")],
                [(str(r.id), r.name + (t("usage.removed_mark") if r.removed_at else "")
                  + (t("usage.replace_mark") if r.replace else ""), format_datetime(r.imported_at, style),
                  r.imported_by, f"{r.stores:,}", f"{r.days:,}", f"{r.events:,}", format_date(r.first_day, style),
                  format_date(r.last_day, style), r.sha256[:12]) for r in rows]))
    print(t("list.count", n=f"{len(rows):,}"))
    return EXIT_OK


def _remove(args, shell) -> int:
    from office_tui.claims.reconcile import reconcile
    from office_tui.core.db import write_session
    from office_tui.usage.files import remove_file

    reason = t("usage.remove_reason", file_id=args.file_id) + (f"：{args.reason}" if args.reason else "")
    with write_session(shell.engine, shell.actor, reason) as session:
        file, stores = remove_file(session, shell.actor, args.file_id)
        summary = reconcile(session, close_on=_close_on(shell), min_active_days=shell.settings.usage_min_active_days,
                            stores=stores)
    print(t("usage.removed", file_id=file.id, name=file.name, days=f"{file.days:,}", stores=f"{len(stores):,}",
            claims=f"{summary.claims:,}"))
    return EXIT_OK


def _verify(args, shell) -> int:
    from office_tui.core.dates import format_date
    from office_tui.core.db import read_session
    from office_tui.usage.verify import verify_claims

    with read_session(shell.engine) as session:
        found = verify_claims(session, store_ubn=args.store, provider_ubn=args.provider, claim_no=args.claim,
                              min_active_days=shell.settings.usage_min_active_days)
    if args.claim and not found:
        raise CommandError("claims.no_such_claim", claim_no=args.claim)
    if args.json:
        json_out([claim.to_json() for claim in found])
        return EXIT_OK
    style = shell.settings.date_style
    print(table([t("claims.col_claim_no"), t("claims.col_store_ubn"), t("claims.col_store"), t("usage.col_term"),
                 t("usage.col_verdict"), t("usage.col_short")],
                [(c.claim_no, c.store_ubn, c.store_name, f"{format_date(c.starts, style)}～{format_date(c.ends, style)}",
                  t(f"usage.verdict_{c.verdict}"),
                  "、".join(f"{format_date(p.first, style)}～{format_date(p.last, style)}（{p.active_days}）"
                           for p in c.short) if c.verdict == "gap" else "") for c in found]))
    counts = {v: sum(1 for c in found if c.verdict == v) for v in ("covered", "gap", "no_log")}
    print(t("usage.verify_counts", n=f"{len(found):,}", **{k: f"{n:,}" for k, n in counts.items()}))
    return EXIT_OK


def _draw(args, shell) -> int:
    from office_tui.core.db import write_session
    from office_tui.usage.spotcheck import draw, sample_rows

    with write_session(shell.engine, shell.actor, t("spotcheck.draw_reason", percent=f"{args.percent:g}")) as session:
        made = draw(session, shell.actor, args.percent, min_per_provider=args.min_per_provider, seed=args.seed)
        rows = sample_rows(session, made.id)
    if args.json:
        json_out({"draw": made.id, "seed": made.seed, "percent": made.percent,
                  "min_per_provider": made.min_per_provider, "population": made.population,
                  "claims": [r.claim_no for r in rows]})
        return EXIT_OK
    print(t("spotcheck.drawn", draw=made.id, n=len(rows), population=f"{made.population:,}", seed=made.seed,
            percent=f"{made.percent:g}", minimum=made.min_per_provider))
    _print_sample(rows, shell.settings.date_style)
    return EXIT_OK


def _print_sample(rows, style: str) -> None:
    from office_tui.core.dates import format_date

    print(table([t("spotcheck.col_claim_no"), t("spotcheck.col_provider"), t("spotcheck.col_contact"),
                 t("spotcheck.col_store"), t("spotcheck.col_from"), t("spotcheck.col_to"), t("spotcheck.col_result"),
                 t("spotcheck.col_note")],
                [(r.claim_no, r.provider_name, f"{r.contact_name} {r.contact_phone}".strip(), r.store_name,
                  format_date(r.starts, style), format_date(r.ends, style),
                  t(f"spotcheck.result_{r.result}") if r.result else t("spotcheck.result_none"), r.note)
                 for r in rows]))


def _record(args, shell) -> int:
    from office_tui.core.db import write_session
    from office_tui.usage.spotcheck import record_result

    if not args.note.strip():
        raise CommandError("spotcheck.note_required", EXIT_USAGE)
    on = date_arg(args.on, "--on") if args.on else None
    reason = t("spotcheck.record_reason", claim_no=args.claim_no)
    with write_session(shell.engine, shell.actor, reason) as session:
        check = record_result(session, shell.actor, args.claim_no, args.passed, args.note, on=on,
                              close_on=_close_on(shell))
        from models import Claim

        status = session.get(Claim, check.claim_id).status
    print(t("spotcheck.recorded", claim_no=args.claim_no, result=t(f"spotcheck.result_{check.result}")))
    if check.result == "fail":
        key = "spotcheck.clawback_hint" if status in ("approved", "paid") else "spotcheck.stopped"
        print(t(key, claim_no=args.claim_no, status=t(f"claim.{status}")))
    return EXIT_OK


def _list(args, shell) -> int:
    from office_tui.core.db import read_session
    from office_tui.usage.spotcheck import draws, sample_rows

    with read_session(shell.engine) as session:
        known = draws(session)
        rows = sample_rows(session, args.draw, failed_only=args.failed)
    if args.json:
        json_out({"draws": [d.to_json() for d in known], "claims": [r.to_json() for r in rows]})
        return EXIT_OK
    if not known:
        print(t("spotcheck.none_drawn"))
        return EXIT_OK
    info = next((d for d in known if d.id == (args.draw or known[0].id)), known[0])
    print(t("spotcheck.draw_line", draw=info.id, seed=info.seed, percent=f"{info.percent:g}", n=info.drawn,
            population=f"{info.population:,}", checked=info.checked, failed=info.failed))
    _print_sample(rows, shell.settings.date_style)
    return EXIT_OK


def _export(args, shell) -> int:
    from exports.output import planned
    from exports.spotcheck import write_spotcheck

    target, new_folder = planned(args.output)
    path = write_spotcheck(shell.engine, target, draw_id=args.draw, date_style=shell.settings.date_style)
    written(t("spotcheck.exported", path=str(path)), new_folder)
    return EXIT_OK
