"""The claims screen's flows: reconcile, approve, mark paid, claw back, a claim by hand or
corrected, import, export.

Each flow is one coroutine the screen runs as a ``@work`` worker: it asks what it needs
(awaiting each dialog in turn), then hands the change to a worker (screens/jobs.py).
The worker's message — :class:`ClaimsChanged` or :class:`ClaimsExported` — is told by the
screen, which reloads after a change. ``screen`` is the ClaimsScreen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from textual.message import Message
from textual.screen import Screen

from models.clock import office_today
from office_tui.core.i18n import t
from office_tui.core.programme import CLAIM_OPEN_STATUSES
from screens import jobs
from screens.formatting import cell, money


@dataclass
class ClaimsChanged(Message):
    """A change made: what to tell; ``unmark`` when the marked claims were its subject."""

    text: str | None
    unmark: bool = False


@dataclass
class ClaimsExported(Message):
    text: str


def _change(screen: Screen, job: Callable[[], str], unmark: bool = False) -> None:
    """``job`` (a rules call returning what to tell) in a worker; the screen tells it and reloads."""
    jobs.call(screen, job, lambda text: ClaimsChanged(text, unmark), group="claims-act")


def _day(screen: Screen, value: date) -> str:
    return cell("date", value, screen.app.settings.date_style)


def reconcile(screen: Screen) -> None:
    from office_tui.claims.reconcile import reconcile as run

    if not screen.may_act():
        return
    engine, actor, close_on = screen.app.office.engine, screen.app.actor, screen.close_on

    def job() -> str:
        summary = run(engine, actor, close_on=close_on)
        counts = "、".join(f"{t(f'claim.{code}')} {n:,}" for code, n in summary.by_status.items() if n)
        return t("reconcile.done", n=f"{summary.claims:,}", changed=f"{summary.changed:,}",
                 seconds=f"{summary.seconds:.2f}") + "\n" + counts

    screen.notify(t("claimsui.reconciling"))
    _change(screen, job)


async def approve(screen: Screen) -> None:
    """The marked claims, else every clean claim in filing order, within the budget."""
    from office_tui.claims.actions import approve_clean
    from screens.confirm import ConfirmScreen

    if not screen.may_act():
        return
    marked = sorted(screen.marked)
    b = screen.budget
    if marked:
        title = t("claimsui.approve_marked_title", n=len(marked))
        text = t("claimsui.approve_marked_text", n=len(marked), first=marked[0],
                 remaining=money(b.remaining) if b else "—")
    else:
        if b is not None and not b.waiting:
            screen.notify(t("claimsui.nothing_clean"), severity="warning")
            return
        title = t("claimsui.approve_all_title")
        text = t("claimsui.approve_all_text", n=f"{b.waiting:,}" if b else "—",
                 amount=money(b.waiting_amount) if b else "—", remaining=money(b.remaining) if b else "—")
    if not await screen.app.push_screen_wait(ConfirmScreen(title, text)):
        return
    engine, actor, total, close_on = (screen.app.office.engine, screen.app.actor, screen.app.settings.budget_total,
                                      screen.close_on)
    reason = t("claimsui.approve_reason", n=len(marked)) if marked else ""

    def job() -> str:
        result = approve_clean(engine, actor, budget_total=total, claim_nos=marked or None, close_on=close_on,
                               reason=reason)
        lines = [t("claims.approved", n=f"{len(result.approved):,}", amount=money(result.amount),
                   remaining=money(result.remaining)),
                 t("claimsui.approved_waiting", n=f"{len(result.waiting):,}")]
        if marked:
            left = sorted(set(marked) - set(result.approved) - set(result.waiting))
            if left:
                lines.append(t("claims.not_approvable", claim_nos="、".join(left)))
        return "\n".join(lines)

    _change(screen, job, unmark=True)


async def pay(screen: Screen) -> None:
    """Mark paid: the marked claims, else the highlighted approved one, on a date asked."""
    from office_tui.claims.actions import mark_paid
    from screens.notice_forms import DateScreen

    if not screen.may_act():
        return
    numbers = sorted(screen.marked)
    if not numbers:
        detail = screen.highlighted(("approved",), "claimsui.not_payable")
        if detail is None:
            return
        numbers = [detail.claim_no]
    day = await screen.app.push_screen_wait(DateScreen(t("claimsui.pay_title", n=len(numbers), first=numbers[0]),
                                                       _day(screen, office_today())))
    if day is None:
        return
    engine, actor, close_on = screen.app.office.engine, screen.app.actor, screen.close_on
    reason = t("claimsui.pay_reason", n=len(numbers), day=_day(screen, day))
    paid_on = t("claimsui.paid_on", day=_day(screen, day))

    def job() -> str:
        paid = mark_paid(engine, actor, numbers, paid_on=day, reason=reason, close_on=close_on)
        return t("claims.paid", n=len(paid)) + "　" + paid_on

    _change(screen, job, unmark=True)


async def claw_back(screen: Screen) -> None:
    """Ask why (a renewal found out — 續購 — or another reason), then for the reason in
    words; a renewal marks the contract an existing customer's."""
    from office_tui.claims.actions import claw_back as run
    from screens.forms import ChoiceScreen, ReasonScreen

    if not screen.may_act():
        return
    detail = screen.highlighted(("paid", "approved"), "claimsui.not_clawable")
    if detail is None:
        return
    kind = await screen.app.push_screen_wait(ChoiceScreen(
        t("claimsui.claw_back_cause", claim_no=detail.claim_no),
        [(t("claimsui.claw_back_renewal"), "renewal"), (t(f"claimsui.claw_back_other_{detail.status}"), "other")]))
    if kind is None:
        return
    reason = await screen.app.push_screen_wait(ReasonScreen(t(
        "claimsui.claw_back_title", claim_no=detail.claim_no, amount=money(detail.approved_amount or 0))))
    if not reason:
        return
    engine, actor, close_on = screen.app.office.engine, screen.app.actor, screen.close_on

    def job() -> str:
        claim = run(engine, actor, detail.claim_no, reason, renewal=kind == "renewal", close_on=close_on)
        return t("claims.clawed_back", claim_no=claim.claim_no, status=t(f"claim.{claim.status}"))

    _change(screen, job)


async def new_claim(screen: Screen) -> None:
    from screens.claim_form import ClaimFormScreen

    if not screen.may_act():
        return
    claim_no = await screen.app.push_screen_wait(ClaimFormScreen(close_on=screen.close_on))
    if claim_no:  # filed by the form's own worker: told and reloaded here
        screen.post_message(ClaimsChanged(t("claimsui.filed", claim_no=claim_no)))


async def edit_claim(screen: Screen) -> None:
    from screens.claim_form import ClaimFormScreen

    if not screen.may_act():
        return
    detail = screen.highlighted(CLAIM_OPEN_STATUSES, "claims.not_open")
    if detail is None:
        return
    message = await screen.app.push_screen_wait(ClaimFormScreen(detail, close_on=screen.close_on))
    if message:
        screen.post_message(ClaimsChanged(message))


async def import_file(screen: Screen, title_key: str, runner) -> None:
    """A claims file, or the past-recipients list: reconciled with the announced deadline."""
    from screens.import_dialog import ImportScreen

    if not screen.may_act():
        return
    if await screen.app.push_screen_wait(ImportScreen(t(title_key), partial(runner, close_on=screen.close_on))):
        screen.post_message(ClaimsChanged(None))


async def export(screen: Screen) -> None:
    """Which sheet, then where: written in a worker."""
    from office_tui.core.config import data_dir
    from screens.forms import ChoiceScreen
    from screens.notice_forms import PathScreen

    kinds = [(t("claims.summary_sheet"), "summary"), (t("claims.payments_sheet"), "payments"),
             (t("claimsui.paid_list"), "paid"), (t("claims.withholding_sheet"), "withholding")]
    kind = await screen.app.push_screen_wait(ChoiceScreen(t("claimsui.export_title"), kinds))
    if not kind:
        return
    default = str(data_dir() / t(f"claimsui.file_{kind}", day=office_today().strftime("%Y%m%d")))
    path = await screen.app.push_screen_wait(PathScreen(t(f"claimsui.export_{kind}_title"), default))
    if not path:
        return
    style, engine = screen.app.settings.date_style, screen.app.office.engine

    def job() -> str:
        from exports import claims as out

        if kind == "summary":
            written = out.write_claims_summary(engine, path, date_style=style)
        elif kind in ("payments", "paid"):
            written = out.write_payments(engine, path, paid=kind == "paid", date_style=style)
        else:
            written = out.write_withholding(engine, path, date_style=style)
        return t("claims.exported", path=str(written))

    jobs.call(screen, job, ClaimsExported, group="claims-export")
