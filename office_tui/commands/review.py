"""tally, outliers, decide, assign, import reviewers/scores, export approvals/scoresheets/summary/assignments: the committee's work from the shell."""

from __future__ import annotations


def register(sub, common) -> None:
    pass


def register_imports(imports, common) -> None:
    pass


def register_exports(exports, common) -> None:
    pass
