"""The claims screen's list (a PagedTable that tells when its cursor moves) and the text
of one claim's detail panel."""

from __future__ import annotations

from functools import partial

from textual.message import Message

from office_tui.claims.view import ClaimDetail
from office_tui.core.i18n import t
from office_tui.core.listing import ListSource
from screens.big_list import PagedTable
from screens.formatting import cell, money


# -- the rows ------------------------------------------------------------------------------------


class ClaimTable(PagedTable):
    """The claims of a tab; tells when the cursor moves (the detail panel follows)."""

    class Moved(Message):
        pass

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.post_message(self.Moved())

    def _adopt(self, source: ListSource, from_top: bool = False) -> None:
        super()._adopt(source, from_top)
        self.post_message(self.Moved())

    def page_arrived(self, number: int) -> None:
        if self.row_count and self.cursor // self.source.page_size == number:
            self.post_message(self.Moved())  # the highlighted row is in now

    def current(self) -> tuple | None:
        """The highlighted row (id, claim_no, claim_no, filed_on, …), or None."""
        return self.current_row()

    def waiting(self) -> bool:
        """Rows there are, but the highlighted one's page is still being read."""
        return bool(self.row_count) and not self.source.has_row(self.cursor)


# -- the detail of one claim ----------------------------------------------------------------------


def detail_text(d: ClaimDetail, style: str) -> str:
    day = partial(cell, "date", date_style=style)
    lines = [t("claimsui.detail_head", claim_no=d.claim_no, status=t(f"claim.{d.status}"), filed=day(d.filed_on)),
             t("claimsui.detail_store", name=d.store_name, ubn=d.store_ubn, industry=d.industry),
             t("claimsui.detail_provider", name=d.provider_name, ubn=d.provider_ubn,
               applications="、".join(d.applications) or "—")]
    ended = t("claimsui.detail_terminated", day=day(d.terminated_on)) if d.terminated_on else ""
    lines.append(t("claimsui.detail_contract", starts=day(d.contract_start), ends=day(d.contract_end),
                   terminated=ended, total=money(d.contract_total),
                   renewal=t("claimsui.detail_renewal") if d.existing_customer else ""))
    lines.append(t("claimsui.detail_invoice", number=d.invoice_no, day=day(d.invoice_date),
                   amount=money(d.invoice_amount)))
    lines.append(t("claimsui.detail_money", subsidy=money(d.subsidy),
                   approved=money(d.approved_amount) if d.approved_amount is not None else "—",
                   withholding=money(d.withholding_amount)))
    documents = "  ".join(f"{t(f'claimsui.field_{name}')}{'✔' if present else '✘'}"
                         for name, present in d.documents.items())
    lines.append(t("claimsui.detail_documents", documents=documents))
    dates = [t(key, day=day(value)) for key, value in (("claimsui.detail_approved_on", d.approved_on),
                                                       ("claimsui.detail_paid_on", d.paid_on),
                                                       ("claimsui.detail_clawed_back_on", d.clawed_back_on)) if value]
    if dates:
        lines.append("　".join(dates))
    if d.status_reason:
        lines.append(t("claimsui.detail_status_reason", reason=d.status_reason))
    if d.flags:
        lines.append(t("claimsui.detail_flags", n=len(d.flags)))
        lines += [t("claimsui.detail_flag_line", label=t(f"flag.label_{code}"), reason=reason)
                  for code, reason in zip(d.flags, d.reasons)]
    else:
        lines.append(t("claimsui.detail_clean"))
    return "\n".join(lines)
