"""What an import of a tabular file tells its caller: which rows went in, which were
already stored exactly so, and each problem that kept a row out, with its row number and
the column as the file heads it, in the interface language."""

from __future__ import annotations

from dataclasses import dataclass, field

from office_tui.core.errors import OfficeError
from office_tui.core.i18n import t


class ImportFileError(OfficeError):
    """The file as a whole cannot be imported: nothing was."""


@dataclass(frozen=True)
class RowError:
    """A problem that kept a row out: its spreadsheet row number, the column as the file
    heads it, and why (in the interface language)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return t("import.row_error", row=self.row, column=self.column, reason=self.reason)

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, by spreadsheet row number (the header is row 1). A refused row
    has one RowError per problem found in it."""

    file: str = ""
    accepted: list[int] = field(default_factory=list)  # imported now
    unchanged: list[int] = field(default_factory=list)  # already stored exactly so
    rejected: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # What the import did beyond a row's own cells, one line per row it concerns (e.g. an
    # assignment a paper sheet made): shown in the report, never a refusal.
    notes: list[RowError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({error.row for error in self.rejected})

    @property
    def refused(self) -> bool:
        """Was any row refused? (The good rows went in all the same; a script tells by the
        command's exit code.)"""
        return bool(self.rejected)

    @property
    def changed(self) -> bool:
        """Did the import change anything stored (so that lists showing it reload)?"""
        return bool(self.accepted)

    def to_json(self) -> dict:
        return {
            "accepted": list(self.accepted),
            "rejected": [error.to_json() for error in self.rejected],
            "unchanged": list(self.unchanged),
            "unknown_columns": list(self.unknown_columns),
        }

    def summary(self) -> str:
        return t("import.summary", accepted=len(self.accepted), unchanged=len(self.unchanged),
                 rejected=len(self.rejected_rows))

    def lines(self) -> list[str]:
        """The report as staff read it: the summary, each problem, the unknown columns."""
        lines = [self.summary(), *(str(error) for error in self.rejected),
                 *(t("import.row_note", row=note.row, note=note.reason) for note in self.notes)]
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", columns="、".join(self.unknown_columns)))
        return lines
