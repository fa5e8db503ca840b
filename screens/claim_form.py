"""請款表單 — a claim by hand, or a correction / refiling of an open one.

The fields are the ``claims`` columns of docs/import-layouts.md. Each is checked as it is typed — a
UBN's check digit (office_tui.core.ubn), a date ROC or ISO (office_tui.core.dates.parse_date), a
whole NT$ amount — the problem shown beside it. Ctrl+S (or OK) files the claim through
importers.claims.file_claims, all-or-nothing: what it refuses is listed in the form by
row, field and reason, and nothing is stored. Correcting (``detail`` given) offers the
fields office_tui.claims.actions.edit_claim may change, asks why, and sends only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Static

from models.clock import office_today
from office_tui.core.errors import describe
from office_tui.core.i18n import t
from screens import jobs
from screens.formatting import cell
from screens.forms import FormScreen


@dataclass(frozen=True)
class ClaimField:
    name: str  # the template's field (office_tui.layouts.CLAIMS)
    kind: str  # text / ubn / date / money / list / bool
    required: bool = False
    limit: int | None = None  # longest text


FIELDS = (
    ClaimField("claim_no", "text", True, 32),
    ClaimField("provider_ubn", "ubn", True),
    ClaimField("store_ubn", "ubn", True),
    ClaimField("store_name", "text", True),
    ClaimField("industry", "text", True, 16),
    ClaimField("application_no", "list", True),
    ClaimField("contract_start", "date", True),
    ClaimField("contract_end", "date", True),
    ClaimField("contract_total", "money", True),
    ClaimField("terminated_on", "date"),
    ClaimField("invoice_no", "text", True, 32),
    ClaimField("invoice_date", "date", True),
    ClaimField("invoice_amount", "money", True),
    ClaimField("withholding_amount", "money"),
    ClaimField("filed_on", "date", True),
    ClaimField("declaration", "bool"),
    ClaimField("receipt", "bool"),
    ClaimField("signed_contract", "bool"),
    ClaimField("invoice_copy", "bool"),
    ClaimField("existing_customer", "bool"),
)
BY_NAME = {f.name: f for f in FIELDS}
# What a correction may change (office_tui.claims.actions.edit_claim), by the form's field name.
EDITABLE = {"filed_on": "filed_on", "withholding_amount": "withholding_amount",
            "declaration": "has_declaration", "receipt": "has_receipt", "signed_contract": "has_signed_contract",
            "invoice_copy": "has_invoice_copy", "invoice_no": "invoice_no", "invoice_date": "invoice_date",
            "invoice_amount": "invoice_amount", "contract_start": "contract_start", "contract_end": "contract_end",
            "contract_total": "contract_total", "terminated_on": "terminated_on",
            "existing_customer": "existing_customer"}


@dataclass
class Filed(Message):
    """The form's answer: ``dismiss`` (the claim's number, or the message telling the
    correction) when done, else ``refused``: the refusals, row by row."""

    dismiss: str | None
    refused: str = ""


class FilingFailed(jobs.Failed):
    """Told in the form; nothing was stored."""


def _file_claim(engine, actor, values: dict, close_on) -> Filed:
    from importers.claims import ClaimRefused, file_claims
    from office_tui.core.identifiers import normalise_claim_no

    values = {**values, "claim_no": normalise_claim_no(values["claim_no"])}  # as the claim is stored
    try:
        file_claims(engine, actor, [values], t("claimsui.filed_reason", claim_no=values["claim_no"]), close_on=close_on)
    except ClaimRefused as refused:
        lines = [t("claimsui.refusal_line", row=e.row, column=e.column, reason=e.reason) for e in refused.report.rejected]
        return Filed(None, t("claimsui.refused") + "\n" + "\n".join(lines))
    return Filed(values["claim_no"])


def _edit_claim(engine, actor, number: str, changes: dict, reason: str, close_on) -> Filed:
    from office_tui.claims.actions import edit_claim
    from office_tui.claims.reconcile import split_flags

    claim = edit_claim(engine, actor, number, reason, close_on=close_on, **changes)
    return Filed(t("claimsui.edited", claim_no=number, status=t(f"claim.{claim.status}"), n=len(split_flags(claim.flags))))


def parse(field: ClaimField, text: str):
    """The typed value read as the import reads it; FieldError when it cannot be."""
    from importers import fields as f
    from importers.application_rows import parse_ubn

    if field.kind == "ubn":
        return parse_ubn(text)
    if field.kind == "date":
        return f.parse_date(text)
    if field.kind == "money":
        return f.parse_money(text)
    if field.kind == "list":
        return f.split_list(text)
    if field.limit and len(text) > field.limit:
        raise f.FieldError("import.field.too_long", length=len(text), limit=field.limit)
    return text


def problem(field: ClaimField, text: str, *, typing: bool = False) -> str:
    """What is wrong with ``text`` for ``field`` ('' when nothing). ``typing``: a UBN
    still short of 8 digits is not (yet) wrong."""
    text = text.strip()
    if not text:
        return "" if typing or not field.required else t("import.field.required")
    if typing and field.kind == "ubn" and text.isdigit() and len(text) < 8:
        return ""
    try:
        parse(field, text)
    except Exception as error:  # noqa: BLE001 - FieldError: its message is the hint
        return describe(error)
    return ""


class ClaimFormScreen(FormScreen):
    """A new claim (``detail`` None) or a correction of an open one; dismisses with the
    new claim's number, or the message telling the correction, or None."""

    def __init__(self, detail=None, *, close_on: date | None = None) -> None:
        super().__init__()
        self.detail, self.close_on = detail, close_on
        self.original: dict[str, object] = {}
        if detail is not None:
            self.original = {
                "claim_no": detail.claim_no, "provider_ubn": detail.provider_ubn, "store_ubn": detail.store_ubn,
                "store_name": detail.store_name, "industry": detail.industry,
                "application_no": "、".join(detail.applications), "contract_start": detail.contract_start,
                "contract_end": detail.contract_end, "contract_total": detail.contract_total,
                "terminated_on": detail.terminated_on, "invoice_no": detail.invoice_no,
                "invoice_date": detail.invoice_date, "invoice_amount": detail.invoice_amount,
                "withholding_amount": detail.withholding_amount, "filed_on": detail.filed_on,
                **detail.documents, "existing_customer": detail.existing_customer}

    def error(self, message: str) -> None:
        from rich.text import Text

        self.query_one("#form-error", Static).update(Text(message))  # reasons may hold brackets

    @property
    def editing(self) -> bool:
        return self.detail is not None

    def _shown(self, name: str) -> str:
        value = self.original.get(name)
        if value is None:
            return cell("date", office_today(), self.app.settings.date_style) if name == "filed_on" else ""
        if isinstance(value, date):
            return cell("date", value, self.app.settings.date_style)
        return str(value)

    def compose(self) -> ComposeResult:
        title = (t("claimsui.form_edit_title", claim_no=self.detail.claim_no, status=t(f"claim.{self.detail.status}"))
                 if self.editing else t("claimsui.form_new_title"))
        with Vertical(classes="dialog wide claim-form"):
            yield Label(f"[b]{title}[/b]", classes="dialog-title")
            yield Static(t("claimsui.form_hint"), classes="dim")
            with VerticalScroll(id="claim-fields"):
                for field in FIELDS:
                    if field.kind == "bool":
                        continue
                    with Horizontal(classes="claim-row"):
                        mark = "*" if field.required and not self.editing else ""
                        yield Label(t(f"claimsui.field_{field.name}") + mark, classes="claim-label")
                        yield Input(value=self._shown(field.name), id=f"f-{field.name}", classes="claim-input",
                                    placeholder=t(f"claimsui.hint_{field.kind}"),
                                    disabled=self.editing and field.name not in EDITABLE)
                        yield Static("", id=f"h-{field.name}", classes="claim-hint")
                with Horizontal(classes="claim-checks"):
                    for field in FIELDS:
                        if field.kind == "bool":
                            yield Checkbox(t(f"claimsui.field_{field.name}"), bool(self.original.get(field.name)),
                                           id=f"f-{field.name}")
                if self.editing:
                    with Horizontal(classes="claim-row"):
                        yield Label(t("form.reason") + "*", classes="claim-label")
                        yield Input(id="f-reason", classes="claim-input", placeholder=t("claimsui.edit_reason_hint"))
            yield Static("", id="form-error", classes="error")
            yield from self.buttons()

    def on_mount(self) -> None:
        first = "filed_on" if self.editing else "claim_no"
        self.query_one(f"#f-{first}", Input).focus()

    @on(Input.Changed, ".claim-input")
    def _typed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        if name in BY_NAME:
            self.query_one(f"#h-{name}", Static).update(problem(BY_NAME[name], event.value, typing=True))

    @on(Input.Submitted, ".claim-input")
    def _next(self, event: Input.Submitted) -> None:
        inputs = [i for i in self.query(".claim-input").results(Input) if not i.disabled]
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()
        else:
            self.action_submit()

    def _text(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def _checked(self) -> dict[str, str] | None:
        """The typed values, or None after showing the first problem."""
        values = {}
        for field in FIELDS:
            if field.kind == "bool":
                values[field.name] = self.query_one(f"#f-{field.name}", Checkbox).value
                continue
            values[field.name] = self._text(field.name)
            if self.editing and field.name not in EDITABLE:
                continue
            wrong = problem(field, values[field.name])
            if wrong:
                self.query_one(f"#h-{field.name}", Static).update(wrong)
                self.error(t("claimsui.field_problem", field=t(f"claimsui.field_{field.name}"), problem=wrong))
                self.query_one(f"#f-{field.name}", Input).focus()
                return None
        return values

    def action_submit(self) -> None:
        values = self._checked()
        if values is None:
            return
        if not self.editing:
            self.error(t("claimsui.filing"))
            self._file(values)
            return
        changes = {}
        for name, target in EDITABLE.items():
            field = BY_NAME[name]
            value = values[name] if field.kind == "bool" else (parse(field, values[name]) if values[name] else None)
            if field.kind == "money" and value is None:
                value = 0
            if value != self.original.get(name):
                changes[target] = value
        if not changes:
            self.error(t("claimsui.no_changes"))
            return
        reason = self._text("reason")
        if not reason:
            self.error(t("form.reason_required"))
            self.query_one("#f-reason", Input).focus()
            return
        self.error(t("claimsui.filing"))
        self._edit(changes, reason)

    def _file(self, values: dict) -> None:
        engine, actor, close_on = self.app.office.engine, self.app.actor, self.close_on
        jobs.call(self, lambda: _file_claim(engine, actor, values, close_on), lambda filed: filed, group="claim-form",
                  failed=FilingFailed)

    def _edit(self, changes: dict, reason: str) -> None:
        engine, actor, close_on, number = self.app.office.engine, self.app.actor, self.close_on, self.detail.claim_no
        jobs.call(self, lambda: _edit_claim(engine, actor, number, changes, reason, close_on), lambda filed: filed,
                  group="claim-form", failed=FilingFailed)

    @on(Filed)
    def _filed(self, message: Filed) -> None:
        if message.dismiss is None:
            self.error(message.refused)
        else:
            self.dismiss(message.dismiss)

    @on(FilingFailed)
    def _failed(self, message: FilingFailed) -> None:
        message.stop()
        self.error(message.text)
