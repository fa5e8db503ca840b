"""The claims screen by keys on the demo office: tabs with counts, the budget line,
reconcile, bulk approval of clean claims, marking paid, claw-back with a reason, the
exceptions queue with every reason, and the claim form (refusing, then filing)."""

from __future__ import annotations

from sqlalchemy import func, select

from apphelpers import STAFF, figures_loaded, make_app, press_to_screen, wait_for
from models import Application, AuditEntry, Claim, Contract, Provider
from office_tui.claims.budget import budget
from office_tui.claims.results import claim_results, status_counts
from office_tui.core.db import read_session
from office_tui.core.ubn import is_valid_ubn, make_ubn
from screens.formatting import money

SIZE = (160, 45)


def _statuses(engine) -> dict[str, str]:
    with read_session(engine) as s:
        return dict(s.execute(select(Claim.claim_no, Claim.status)).all())


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def _open(pilot):
    app = pilot.app
    await wait_for(pilot, lambda: figures_loaded(app))
    await press_to_screen(pilot, "6", "ClaimsScreen", "#claims")
    screen = app.screen
    await _settled(pilot, screen)
    return screen


async def _settled(pilot, screen, tab: str | None = None) -> None:
    """The tab's rows, the counts and budget, and the highlighted claim's detail are in."""
    def ready() -> bool:
        row = screen.table.current()
        return (screen.budget is not None and (tab is None or screen.tab == tab)
                and screen.table.row_count == screen.counts.get(screen.tab)
                and (row is None or (screen.detail is not None and screen.detail.id == row[0])))

    await wait_for(pilot, ready)


def _budget_shown(screen, engine) -> None:
    figures = budget(engine)
    line = _text(screen, "#claims-budget")
    for amount in (figures.total, figures.committed, figures.paid, figures.remaining):
        assert money(amount) in line


async def test_opens_by_key_with_counts_budget_and_tabs(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        counts = status_counts(demo_engine)
        assert screen.tab == "filed" and screen.table.row_count == counts["filed"]
        for code, label in (("filed", "待審"), ("incomplete", "待補件"), ("paid", "已撥款")):
            assert f"{label} {counts[code]:,}" in str(screen.query_one(f"#tab-{code}").label)
        _budget_shown(screen, demo_engine)
        first = claim_results(demo_engine, status="filed", limit=1)[0]
        assert screen.table.current()[1] == first.claim_no
        detail = _text(screen, "#claim-detail")
        assert first.claim_no in detail and first.store_name in detail and first.provider_name in detail
        # → and a number key switch tabs; the rows follow
        await pilot.press("right")
        await _settled(pilot, screen, "incomplete")
        assert screen.table.row_count == counts["incomplete"]
        await pilot.press("5")
        await _settled(pilot, screen, "paid")
        assert {screen.table.source.row(i)[8] for i in range(screen.table.row_count)} == {"paid"}
        await press_to_screen(pilot, "escape", "DashboardScreen")


async def test_exceptions_view_lists_every_flagged_claim_with_its_reasons(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("8")
        await _settled(pilot, screen, "exceptions")
        flagged = claim_results(demo_engine, flagged=True)
        assert flagged and screen.table.row_count == len(flagged)
        assert [screen.table.source.row(i)[1] for i in range(len(flagged))] == [r.claim_no for r in flagged]
        several = max(flagged, key=lambda r: len(r.flags))
        screen.table.cursor = [r.claim_no for r in flagged].index(several.claim_no)
        await wait_for(pilot, lambda: screen.detail is not None and screen.detail.claim_no == several.claim_no)
        detail = _text(screen, "#claim-detail")
        for reason in several.reasons[:len(several.flags)]:
            assert reason in detail  # each flag with its reason, in Chinese
        assert "異常" in detail


async def test_reconcile_then_approve_all_clean_claims_within_the_budget(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: any("已勾稽" in str(n.message) for n in app._notifications))
        clean = [r.claim_no for r in claim_results(demo_engine, status="filed", flagged=False)]
        assert clean
        await press_to_screen(pilot, "a", "ConfirmScreen")
        assert f"{len(clean):,} 件" in _text(app.screen, "#confirm-text")
        await pilot.press("y")
        await wait_for(pilot, lambda: all(_statuses(demo_engine)[n] == "approved" for n in clean))
        await wait_for(pilot, lambda: any("已核定" in str(n.message) and "待核定" in str(n.message)
                                          for n in app._notifications))
        await _settled(pilot, screen)
        await wait_for(pilot, lambda: screen.counts["filed"] == 0)
        _budget_shown(screen, demo_engine)
        with read_session(demo_engine) as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.table_name == "claim", AuditEntry.reason == "approve clean claims")) >= 1


async def test_approve_marked_mark_paid_and_claw_back_with_a_reason(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        # space marks two clean claims; a approves those only
        numbers = [screen.table.source.row(i)[1] for i in range(2)]
        await pilot.press("space", "space")
        assert screen.marked == set(numbers)
        await press_to_screen(pilot, "a", "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: all(_statuses(demo_engine)[n] == "approved" for n in numbers))
        assert sum(1 for s in _statuses(demo_engine).values() if s == "filed") == status_counts(demo_engine)["filed"]
        assert status_counts(demo_engine)["filed"] > 0, "the unmarked ones stay"
        await wait_for(pilot, lambda: not screen.marked)
        # p on the approved tab: the two, paid on a typed ROC date
        await pilot.press("4")
        await _settled(pilot, screen, "approved")
        shown = [screen.table.source.row(i)[1] for i in range(screen.table.row_count)]
        for number in numbers:
            screen.table.cursor = shown.index(number)
            await pilot.press("space")
        await press_to_screen(pilot, "p", "DateScreen")
        app.screen.query_one("#day").value = "115/11/20"  # the approval day (paying earlier is refused)
        await pilot.press("enter")
        await wait_for(pilot, lambda: all(_statuses(demo_engine)[n] == "paid" for n in numbers))
        with read_session(demo_engine) as s:
            assert {str(d) for d in s.scalars(select(Claim.paid_on).where(Claim.claim_no.in_(numbers)))} == {
                "2026-11-20"}
        # c on the paid tab: the reason is asked, kept in the audit trail
        await pilot.press("5")
        await _settled(pilot, screen, "paid")
        shown = [screen.table.source.row(i)[1] for i in range(screen.table.row_count)]
        screen.table.cursor = shown.index(numbers[0])
        await wait_for(pilot, lambda: screen.detail is not None and screen.detail.claim_no == numbers[0])
        await press_to_screen(pilot, "c", "ChoiceScreen")  # why: a renewal, or another reason
        app.screen.query_one("#choice").value = "renewal"
        await press_to_screen(pilot, "ctrl+s", "ReasonScreen")
        await pilot.press(*"撥款後發現為既有客戶續購", "enter")
        await wait_for(pilot, lambda: _statuses(demo_engine)[numbers[0]] == "clawed_back")
        with read_session(demo_engine) as s:
            claim_id = s.scalar(select(Claim.id).where(Claim.claim_no == numbers[0]))
            reasons = s.scalars(select(AuditEntry.reason).where(AuditEntry.table_name == "claim",
                                                                AuditEntry.row_key == str(claim_id))).all()
            assert "撥款後發現為既有客戶續購" in reasons
            assert s.scalar(select(Contract.existing_customer).join(Claim, Claim.contract_id == Contract.id)
                            .where(Claim.id == claim_id))
        await _settled(pilot, screen, "paid")
        _budget_shown(screen, demo_engine)
        # a claim not paid nor approved cannot be clawed back: told, nothing asked
        await pilot.press("1")
        await _settled(pilot, screen, "filed")
        await pilot.press("c")
        await wait_for(pilot, lambda: any("只有已撥款或已核定" in str(n.message) for n in app._notifications))
        assert type(app.screen).__name__ == "ClaimsScreen"


def _bad_ubn() -> str:
    return next(f"1234567{d}" for d in "0123456789" if not is_valid_ubn(f"1234567{d}"))


async def test_claim_form_refuses_a_bad_ubn_as_typed_then_files_a_good_claim(demo_engine, demo_url):
    with read_session(demo_engine) as s:
        application_no, provider_ubn = s.execute(
            select(Application.application_no, Provider.ubn).join(Provider, Provider.id == Application.provider_id)
            .where(Application.status.in_(["approved", "listed"])).order_by(Application.id)).first()
    store_ubn = make_ubn("9912345")
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await press_to_screen(pilot, "n", "ClaimFormScreen", "#f-store_ubn")
        form = app.screen
        form.query_one("#f-store_ubn").focus()
        await pilot.press(*_bad_ubn())
        await wait_for(pilot, lambda: "檢查碼不符" in _text(form, "#h-store_ubn"))
        values = dict(claim_no="Q-FORM-0001", provider_ubn=provider_ubn, store_name="表單測試花店", industry="零售業",
                      application_no=application_no, contract_start="115/01/05", contract_end="2027-01-04",
                      contract_total="NT$24,000", invoice_no="AB12345678", invoice_date="115/01/05",
                      invoice_amount="24,000", withholding_amount="24000")
        for name, value in values.items():
            form.query_one(f"#f-{name}").value = value
        for name in ("declaration", "receipt", "signed_contract", "invoice_copy"):
            form.query_one(f"#f-{name}").value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "店家統編" in _text(form, "#form-error"))
        assert type(app.screen).__name__ == "ClaimFormScreen"
        assert "Q-FORM-0001" not in _statuses(demo_engine)
        # a number the office does not know: file_claims refuses, row / field / reason shown
        form.query_one("#f-store_ubn").value = store_ubn
        form.query_one("#f-application_no").value = "C999-9-9999"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "查無申請編號" in _text(form, "#form-error"))
        assert "第 1 列" in _text(form, "#form-error") and "申請編號" in _text(form, "#form-error")
        assert "Q-FORM-0001" not in _statuses(demo_engine)
        form.query_one("#f-application_no").value = application_no
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ClaimsScreen")
        await wait_for(pilot, lambda: any("Q-FORM-0001" in str(n.message) for n in app._notifications))
    (filed,) = claim_results(demo_engine, claim_nos=["Q-FORM-0001"])
    assert (filed.store_ubn, filed.provider_ubn, filed.filed_on.isoformat()) == (store_ubn, provider_ubn, "2026-11-20")
    assert filed.subsidy == 24_000


async def test_edit_refiles_an_open_claim_with_a_reason(demo_engine, demo_url):
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("2")
        await _settled(pilot, screen, "incomplete")
        number = screen.detail.claim_no
        await press_to_screen(pilot, "e", "ClaimFormScreen", "#f-reason")
        form = app.screen
        assert form.query_one("#f-claim_no").disabled  # the claim's identity is not edited here
        form.query_one("#f-withholding_amount").value = "1"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "原因" in _text(form, "#form-error") or "說明" in _text(form, "#form-error"))
        form.query_one("#f-reason").value = "補正扣繳憑單"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ClaimsScreen")
        with read_session(demo_engine) as s:
            claim = s.scalar(select(Claim).where(Claim.claim_no == number))
            assert claim.withholding_amount == 1
            assert "withholding_mismatch" in claim.flags
            assert "補正扣繳憑單" in s.scalars(select(AuditEntry.reason).where(
                AuditEntry.table_name == "claim", AuditEntry.row_key == str(claim.id))).all()

