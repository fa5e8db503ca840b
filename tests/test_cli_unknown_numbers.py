"""Every command that takes a number the office keeps (an application, a member, a claim,
a batch, a provider's UBN) names a number it does not know as unknown and ends 1 — never
an empty answer, never a refusal that reads as if the record were there."""

from __future__ import annotations

import pytest
from test_cli import run_all

# (the command, a phrase that names the unknown number)
UNKNOWN = [
    (("applications", "set-status", "C999-9-9999", "eligible", "--reason", "x"), "找不到申請編號 C999-9-9999"),
    (("applications", "list", "--batch", "99"), "沒有第 99 批次"),
    (("provider", "check", "99999999", "3", "met", "--evidence", "x"), "找不到統編 99999999"),
    (("notices", "raise", "C999-9-9999"), "找不到申請編號 C999-9-9999"),
    (("notices", "decks", "--batch", "99"), "沒有第 99 批次"),
    (("reviewers", "conflict", "add", "R99", "04595257"), "找不到委員 R99"),
    (("assign", "add", "C999-9-9999", "R01"), "找不到申請案 C999-9-9999"),
    (("assign", "add", "C115-3-0048", "R99"), "找不到委員 R99"),
    (("assign", "remove", "C999-9-9999", "R01"), "找不到申請案 C999-9-9999"),
    (("assign", "auto", "--batch", "99"), "沒有第 99 批次"),
    (("tally", "--batch", "99"), "沒有第 99 批次"),
    (("outliers", "resolve", "C999-9-9999", "R01", "--note", "x"), "沒有申請案 C999-9-9999"),
    (("outliers", "resolve", "C115-3-0048", "R99", "--note", "x"), "R99"),
    (("decide", "C999-9-9999", "--approve", "--date", "115/11/20", "--doc-no", "x"), "沒有申請案 C999-9-9999"),
    (("sheets", "reopen", "C999-9-9999", "R01", "--reason", "x"), "找不到申請案 C999-9-9999"),
    (("sheets", "reopen", "C115-3-0048", "R99", "--reason", "x"), "找不到委員 R99"),
    (("claims", "approve", "Q9999999"), "查無請款編號：Q9999999"),
    (("claims", "pay", "Q9999999"), "查無請款編號：Q9999999"),
    (("claims", "clawback", "Q9999999", "--reason", "x"), "查無請款編號：Q9999999"),
    (("batch", "rubric", "99", "--default"), "沒有第 99 批次"),
    (("user", "add", "bob", "--role", "reviewer", "--reviewer", "R99"), "R99"),
]


def test_unknown_numbers_are_named_as_unknown(demo_url, tmp_path):
    calls = [((*args, "--db", demo_url),) for args, _ in UNKNOWN]
    results = [r for start in range(0, len(calls), 6) for r in run_all(*calls[start:start + 6])]
    wrong = [(args, r.returncode, r.stdout + r.stderr) for (args, phrase), r in zip(UNKNOWN, results)
             if r.returncode != 1 or phrase not in r.stderr]
    assert wrong == []


@pytest.mark.parametrize("kind", ["approvals", "summary", "scoresheets"])
def test_an_export_of_an_unknown_batch_names_it(demo_url, tmp_path, kind):
    (result,) = run_all((("export", kind, "--batch", "99", "-o", str(tmp_path / "x.xlsx"), "--db", demo_url),))
    assert result.returncode == 1 and "第 99 批次" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
