"""The notices screen's dialogs: a date, an extension, a file path, a notice by hand."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea

from office_tui.core.dates import DateParseError, parse_date
from office_tui.core.i18n import t
from screens import jobs
from screens.forms import FormScreen, TextField, TextFieldsScreen


class DateScreen(FormScreen):
    """Ask for a date, typed ROC (115/11/20, 115年11月20日, 1151120) or ISO."""

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        self.title_text, self.default = title, default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield Input(value=self.default, placeholder=t("notices.date_hint"), id="day")
            yield Static(t("notices.date_hint"), classes="dim")
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    @on(Input.Submitted, "#day")
    def _done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        text = self.query_one("#day", Input).value.strip()
        try:
            self.dismiss(parse_date(text))
        except DateParseError:
            self.error(t("notices.bad_date", value=text))


def _positive_days(text: str) -> str | None:
    return None if text.isdigit() and int(text) >= 1 else t("notice.bad_extension")


class ExtendScreen(TextFieldsScreen):
    """How many more working days, and why (kept in the notice's history)."""

    def __init__(self, title: str) -> None:
        super().__init__(title, [
            TextField("days", t("notices.extra_days"), "notice.bad_extension", type="integer", check=_positive_days),
            TextField("reason", t("form.reason"), "form.reason_required"),
        ], lambda values: (int(values["days"]), values["reason"]))


class PathScreen(TextFieldsScreen):
    """Where to write a file (a default in the data directory)."""

    def __init__(self, title: str, default: str) -> None:
        super().__init__(title, [TextField("path", t("dialog.file_prompt"), "notices.path_required", value=default)],
                         lambda values: values["path"])


@dataclass
class ItemsFound(Message):
    """What an application's records say is to correct, for a notice raised by hand."""

    application_no: str
    company: str
    status: str
    items: list


class NotFound(jobs.Failed):
    """Said under the number typed."""


def application_items(session, application_no: str) -> ItemsFound:
    from sqlmodel import select

    from models import Application, Provider
    from office_tui.notices.correction import NoticeError, items_to_correct

    from office_tui.core.identifiers import normalise_application_no

    application_no = normalise_application_no(application_no)
    application = session.exec(select(Application).where(Application.application_no == application_no)).first()
    if application is None:
        raise NoticeError("move.no_such_application", application_no=application_no)
    company = session.get(Provider, application.provider_id).name
    return ItemsFound(application_no, company, application.status, items_to_correct(session, application))


class RaiseNoticeScreen(FormScreen):
    """A notice by hand: the application number (Enter fills in what its records say is
    to correct), the day the provider received it, the items one a line."""

    def __init__(self, today: str) -> None:
        super().__init__()
        self.today = today
        self.prefilled = ""
        self.looking_up = ""  # the number last looked up

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"[b]{t('notices.raise_title')}[/b]", classes="dialog-title")
            yield Input(placeholder=t("col.application_no"), id="application-no")
            yield Static("", id="application", classes="dim")
            yield Label(t("col.notified_on"))
            yield Input(value=self.today, placeholder=t("notices.date_hint"), id="notified-on")
            yield Label(t("notices.items_label"))
            yield TextArea(id="items", placeholder=t("notices.items_placeholder"))
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    @on(Input.Submitted, "#application-no")
    def _number_done(self) -> None:
        self._look_up()
        self.query_one("#items", TextArea).focus()

    @on(Input.Blurred, "#application-no")
    def _number_left(self) -> None:
        self._look_up()

    def _look_up(self) -> None:
        number = self.query_one("#application-no", Input).value.strip()
        if number:
            self.looking_up = number
            jobs.read(self, lambda session: application_items(session, number), lambda found: found,
                      group="raise-look-up", failed=NotFound)

    def _typed_on(self, number: str) -> bool:
        return number != self.query_one("#application-no", Input).value.strip()

    @on(NotFound)
    def _not_found(self, message: NotFound) -> None:
        message.stop()
        if not self._typed_on(self.looking_up):
            self.query_one("#application", Static).update(message.text)

    @on(ItemsFound)
    def _found(self, found: ItemsFound) -> None:
        if self._typed_on(found.application_no):
            return  # typed on meanwhile
        area = self.query_one("#items", TextArea)
        if area.text.strip() in ("", self.prefilled.strip()):
            self.prefilled = "\n".join(found.items)
            area.text = self.prefilled
        key = "notices.prefilled" if found.items else "notices.nothing_on_record"
        self.query_one("#application", Static).update(t(key, company=found.company, status=t(f"status.{found.status}"),
                                                        n=len(found.items)))
        self.error("")

    def action_submit(self) -> None:
        number = self.query_one("#application-no", Input).value.strip()
        day_text = self.query_one("#notified-on", Input).value.strip()
        items = [line.strip() for line in self.query_one("#items", TextArea).text.splitlines() if line.strip()]
        if not number:
            self.error(t("notices.application_required"))
            self.query_one("#application-no", Input).focus()
            return
        try:
            day = parse_date(day_text)
        except DateParseError:
            self.error(t("notices.bad_date", value=day_text))
            self.query_one("#notified-on", Input).focus()
            return
        if not items:
            self.error(t("notices.items_required"))
            self.query_one("#items", TextArea).focus()
            return
        self.dismiss((number, day, items))
