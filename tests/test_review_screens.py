"""The staff's committee screens by keys: roster and conflicts, assignment (automatic and
by hand, a conflicted pair refused with its reason)."""

from __future__ import annotations

from sqlmodel import select

from apphelpers import STAFF, figures_loaded, make_app, press_to_screen, wait_for
from models import Application, Assignment, Batch, Conflict, Provider, Reviewer
from office_tui.core.db import read_session, write_session


async def _to(pilot, app, part_key: str, screen: str, ready: str):
    await wait_for(pilot, lambda: figures_loaded(app))
    await press_to_screen(pilot, "5", "ReviewScreen")
    await press_to_screen(pilot, part_key, screen, ready)


async def test_roster_declares_and_withdraws_a_conflict(demo_engine, demo_url):
    with read_session(demo_engine) as s:
        members = len(s.exec(select(Reviewer)).all())
        ubn = s.exec(select(Provider.ubn).order_by(Provider.id.desc())).first()
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(140, 45)) as pilot:
        await _to(pilot, app, "1", "RosterScreen", "#roster")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.rows) == members)
        first = screen.rows[0].reviewer_no
        # R01 works for a provider: the affiliation conflict is listed with its reason.
        await wait_for(pilot, lambda: "服務單位" in str(screen.query_one("#roster-conflicts").render()))
        await press_to_screen(pilot, "c", "TextFieldsScreen")
        await pilot.press(*"12345678", "enter")  # not a valid UBN: refused in the form
        await pilot.press("enter")
        assert "不是有效的統一編號" in str(app.screen.query_one("#form-error").render())
        app.screen.query_one("#ubn").value = ""
        app.screen.query_one("#ubn").focus()
        await pilot.press(*ubn, "enter", *"曾任顧問", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RosterScreen")

        def declared():
            with read_session(demo_engine) as s:
                rid = s.exec(select(Reviewer.id).where(Reviewer.reviewer_no == first)).one()
                return s.exec(select(Conflict.note).where(Conflict.reviewer_id == rid, Conflict.ubn == ubn)).first()

        await wait_for(pilot, lambda: declared() == "曾任顧問")
        await wait_for(pilot, lambda: ubn in str(screen.query_one("#roster-conflicts").render()))
        await press_to_screen(pilot, "d", "ChoiceScreen")
        app.screen.query_one("#choice").value = ubn
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: declared() is None)


async def test_auto_assignment_staffs_a_new_application_without_conflicts(demo_engine, demo_url):
    with write_session(demo_engine, STAFF, "test: one more application before the committee") as s:
        app_row = s.exec(select(Application).where(Application.status == "qualification_review")).first()
        app_row.status = "eligible"
        s.add(app_row)
        number, batch_id = app_row.application_no, app_row.batch_id
        batch_no = s.get(Batch, batch_id).number
        provider_ubn = s.get(Provider, app_row.provider_id).ubn
        # Every member but two declares a conflict with this applicant: only two can go.
        members = s.exec(select(Reviewer).where(Reviewer.active).order_by(Reviewer.reviewer_no)).all()
        for member in members[2:]:
            s.add(Conflict(reviewer_id=member.id, ubn=provider_ubn, source="declared", note="test"))
        free = {m.reviewer_no for m in members[:2]}
        blocked = members[-1].reviewer_no
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(140, 45)) as pilot:
        await _to(pilot, app, "2", "AssignmentsScreen", "#assignments")
        screen = app.screen
        screen.batch_no = batch_no
        screen.reload()
        await wait_for(pilot, lambda: any(r.application_no == number for r in screen.rows))
        await press_to_screen(pilot, "u", "TextFieldsScreen")
        await pilot.press("enter", *"999", "enter")  # K 5, a cap high enough for anyone
        # It could staff only two: it says so, and why.
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MessageScreen")
        assert number in str(app.screen.query_one("#message-text").render())
        await press_to_screen(pilot, "enter", "AssignmentsScreen")
        with read_session(demo_engine) as s:
            app_id = s.exec(select(Application.id).where(Application.application_no == number)).one()
            on_panel = set(s.exec(select(Reviewer.reviewer_no).join(Assignment, Assignment.reviewer_id == Reviewer.id)
                                  .where(Assignment.application_id == app_id)).all())
        assert on_panel == free
        # By hand, a conflicted member is refused with the reason.
        await wait_for(pilot, lambda: any(r.application_no == number and len(r.members) == 2 for r in screen.rows))
        screen.table.move_cursor(row=[r.application_no for r in screen.rows].index(number))
        await press_to_screen(pilot, "a", "ChoiceScreen")
        app.screen.query_one("#choice").value = blocked
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("須迴避" in str(n.message) for n in app._notifications))
        with read_session(demo_engine) as s:
            assert len(s.exec(select(Assignment).where(Assignment.application_id == app_id)).all()) == 2


async def test_staff_import_paper_sheets_from_the_sheets_list(demo_engine, demo_url, tmp_path):
    from openpyxl import Workbook
    from textual.widgets import Input

    with read_session(demo_engine) as s:
        number, member = s.exec(
            select(Application.application_no, Reviewer.reviewer_no)
            .join(Assignment, Assignment.application_id == Application.id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .where(Application.status == "eligible", Assignment.sheet_status == "assigned")).first()
    codes = [f"T{n}" for n in range(1, 10)] + [f"P{n}" for n in range(1, 5)]
    book = Workbook()
    book.active.append(["申請編號", "委員編號", *codes, "評語"])
    book.active.append([number, member, *([80] * 13), "紙本"])
    book.active.append([number, "R99", *([80] * 13), ""])  # no such member: refused, named
    path = tmp_path / "paper.xlsx"
    book.save(path)
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(140, 45)) as pilot:
        await _to(pilot, app, "3", "SheetsScreen", "#sheets")
        await press_to_screen(pilot, "i", "ImportScreen", "#path")
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")

        def submitted() -> bool:
            with read_session(demo_engine) as s:
                return s.exec(select(Assignment.sheet_status).join(Application, Application.id == Assignment.application_id)
                              .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
                              .where(Application.application_no == number, Reviewer.reviewer_no == member)
                              ).one() == "submitted"

        await wait_for(pilot, submitted)
        report = app.screen.query_one("#report")
        await wait_for(pilot, lambda: report.row_count > 0)
        assert "R99" in " ".join(str(c) for c in report.get_row_at(0))


async def test_a_scored_sheet_of_a_pair_found_conflicted_later_is_removed_from_the_panel(demo_engine, demo_url):
    """A member declares a conflict after scoring: `d` on the assignment screen takes the
    sheet and its scores off (a sheet with scores is otherwise kept), and says why."""
    from apphelpers import conflict_after_scoring
    from models import Score

    number, reviewer_no, batch_no, sheet_id = conflict_after_scoring(demo_engine, "曾任該公司顧問")
    app = make_app(demo_url, actor=STAFF)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await _to(pilot, app, "2", "AssignmentsScreen", "#assignments")
        screen = app.screen
        screen.batch_no = batch_no
        screen.reload()
        await wait_for(pilot, lambda: any(r.application_no == number for r in screen.rows))
        screen.table.move_cursor(row=[r.application_no for r in screen.rows].index(number))
        await press_to_screen(pilot, "d", "ChoiceScreen")
        app.screen.query_one("#choice").value = reviewer_no
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("一併刪除" in str(n.message) and "曾任該公司顧問" in str(n.message)
                                          for n in app._notifications))
    with read_session(demo_engine) as s:
        assert s.get(Assignment, sheet_id) is None
        assert not s.exec(select(Score).where(Score.assignment_id == sheet_id)).all()
