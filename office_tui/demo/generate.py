"""Fill an empty database with a deterministic, realistic office.

The timeline is anchored on the office's today, so that whatever day a new user opens
the demo, batches 1–2 are decided, their stores' contracts are running or being
claimed, and batch 3 is in qualification review with correction windows falling due.
Rows go in through SQLAlchemy Core in chunks (the ORM would take minutes for the large
scale); each table's load is recorded as one ``bulk`` audit entry.
"""

from __future__ import annotations

import hashlib
import random
from array import array
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Engine, func, insert, select

import models as m
from office_tui.core import audit
from office_tui.core.errors import OfficeError
from office_tui.core.auth import Actor, hash_password
from models.clock import OFFICE_TZ, office_today
from office_tui.core.db import read_session, write_session
from office_tui.core.months import monthly_periods
from office_tui.claims.reconcile import one_year_end
from office_tui.demo import names
from office_tui.core.programme import (BUDGET_TOTAL, CATEGORIES, CLAIM_FLAGS, CLAIM_WINDOW_DAYS, FATAL_FLAGS, INDUSTRIES,
                                  SUBSIDISABLE_APPLICATION_STATUSES, SUBSIDY_CAP)
from office_tui.core.ubn import make_ubn
from office_tui.core.workdays import WorkCalendar
from office_tui.usage.periods import GAP, NO_LOG, judge

# Every demo user's password: public (README, the sign-in screen's hint), and as long as
# the password rule asks (office_tui.core.passwords).
DEMO_PASSWORD = "demo-office"
DEMO_ADMIN = "admin"
CRITERIA = [f"T{i}" for i in range(1, 10)] + [f"P{i}" for i in range(1, 5)]
BUSINESS_ITEMS = ["I301010", "I301020", "I301030", "F401010", "F218010", "I103060"]
CAPACITIES = ["1~10", "11~100", "101~200", "201~300", "301~400", "401~500", "500以上"]
CHUNK = 20_000


@dataclass(frozen=True)
class Scale:
    providers: int
    applications: int
    stores: int
    usage_stores: int
    reviewers: int
    unsigned_every: int  # every Nth store has no contract yet (0: all signed)
    usage_files: bool  # usage comes in through the usage importer from generated files
    earliest_start: int  # contracts start between this many days ago …
    latest_start: int  # … and this many (a term is 365 days; claims follow its end)


SCALES = {
    "small": Scale(providers=40, applications=60, stores=300, usage_stores=300, reviewers=10,
                   unsigned_every=10, usage_files=True, earliest_start=465, latest_start=330),
    # Every store signed and every term over: 100,000 claims to reconcile.
    "large": Scale(providers=2_000, applications=5_000, stores=100_000, usage_stores=10_000, reviewers=40,
                   unsigned_every=0, usage_files=False, earliest_start=470, latest_start=420),
}


class DemoError(OfficeError):
    """Demo data that cannot be loaded."""


def _utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=OFFICE_TZ).astimezone(timezone.utc)


class _Builder:
    def __init__(self, session, scale: Scale, seed: int, today: date) -> None:
        self.s = session
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.cal = WorkCalendar()
        self.now = _utc(today, time(9, 0))

    # -- plumbing -------------------------------------------------------------------
    def put(self, model, rows: list[dict]) -> None:
        table = model.__table__
        for start in range(0, len(rows), CHUNK):
            self.s.connection().execute(insert(table), rows[start : start + CHUNK])
        audit.record_bulk(self.s, table.name, len(rows), "demo")

    def ids(self, column_key, column_id) -> dict:
        return dict(self.s.connection().execute(select(column_key, column_id)).all())

    def d(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    # -- tables ---------------------------------------------------------------------
    def batches(self) -> dict[int, int]:
        plan = {1: (-520, -480), 2: (-450, -410), 3: (-40, 7)}
        rows = []
        for number, (opens, meeting) in plan.items():
            rows.append(dict(
                number=number, programme="A", opens_on=self.d(opens),
                closes_at=_utc(self.d(opens + 7), time(17, 0)), meeting_on=self.d(meeting),
                rubric=None, note="", created_at=self.now,
            ))
        self.put(m.Batch, rows)
        return self.ids(m.Batch.number, m.Batch.id)

    def providers(self) -> list[dict]:
        rng, rows = self.rng, []
        for n in range(self.scale.providers):
            items = ["I301010"] if rng.random() < 0.8 else []
            items += rng.sample(BUSINESS_ITEMS[1:], rng.randint(0, 2))
            if not items:
                items = ["F401010"]
            rows.append(dict(
                ubn=make_ubn(f"{5_000_000 + n * 37:07d}"), name=names.company(rng, n),
                business_items=",".join(dict.fromkeys(items)),
                registered_on=self.d(-rng.randint(400, 9000)),
                paid_in_capital=rng.choice([500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 50_000_000]),
                website=f"https://www.demo{n:04d}.com.tw", address=names.address(rng, rng.choice(names.CITIES)),
                intro="提供中小型店家雲端解決方案，協助數位轉型。", capacity=rng.choice(CAPACITIES),
                owner_name=names.person(rng), owner_title="董事長", contact_name=names.person(rng),
                contact_email=f"contact{n:04d}@demo{n:04d}.com.tw", contact_phone=f"02-{rng.randint(2000, 8999)}-{rng.randint(1000, 9999)}",
                contact_mobile=f"09{rng.randint(10_000_000, 99_999_999)}", top_qualified=rng.random() < 0.2,
                created_at=self.now,
            ))
        self.put(m.Provider, rows)
        ids = self.ids(m.Provider.ubn, m.Provider.id)
        for row in rows:
            row["id"] = ids[row["ubn"]]
        self.qualification(rows)
        return rows

    def qualification(self, providers: list[dict]) -> None:
        """Conditions 3–9 as staff recorded them (1–2 are computed from the data)."""
        rows = []
        for p in providers:
            for condition in range(3, 10):
                if self.rng.random() < 0.9:
                    rows.append(dict(provider_id=p["id"], condition=condition, outcome="met", evidence="切結書",
                                     recorded_by=None, recorded_at=self.now))
        self.put(m.QualificationCheck, rows)

    def applications(self, batch_ids: dict[int, int], providers: list[dict]) -> list[dict]:
        rng, total, rows = self.rng, self.scale.applications, []
        shares = {1: 0.37, 2: 0.30, 3: 0.33}
        counts = {1: int(total * shares[1]), 2: int(total * shares[2])}
        counts[3] = total - counts[1] - counts[2]
        decided = ["listed"] * 12 + ["approved"] * 2 + ["rejected"] * 3 + ["waitlisted"] * 2 + ["delisted", "not_accepted"]
        pending = ["received"] * 3 + ["qualification_review"] * 4 + ["awaiting_correction"] * 4 + ["eligible"] * 8 + ["not_accepted"]
        serial = 0
        for number in (1, 2, 3):
            pool = pending if number == 3 else decided
            opens = {1: -520, 2: -450, 3: -40}[number]
            for k in range(counts[number]):
                serial += 1
                provider = providers[(serial * 7) % len(providers)] if serial > len(providers) else providers[serial - 1]
                category = CATEGORIES[rng.randrange(len(CATEGORIES))]
                status = pool[k % len(pool)]
                late = status == "not_accepted" and k % 2 == 0
                submitted = _utc(self.d(opens + (8 if late else rng.randint(0, 7))), time(rng.randint(8, 16), rng.randint(0, 59)))
                reason = {"not_accepted": "逾時不予受理" if late else "逾期未補正", "rejected": "總分未達及格分數",
                          "delisted": "未配合計畫辦理事項", "waitlisted": "備取"}.get(status, "")
                rows.append(dict(
                    application_no=f"C{self.d(opens).year - 1911}-{number}-{serial:04d}", batch_id=batch_ids[number],
                    provider_id=provider["id"], solution_name=rng.choice(names.SOLUTION_WORDS[category]) + f" {rng.randint(1, 9)}.0",
                    category=category, price=rng.randrange(6_000, 60_001, 1_000), term_months=rng.choice([12, 12, 12, 24]),
                    renewal_offer=rng.choice(["", "續約九折", "續約免月費一個月"]), video_url=f"https://youtu.be/demo{serial:05d}",
                    video_seconds=rng.choice([95, 150, 180, 240, 290, 330]), submitted_at=submitted, status=status,
                    status_reason=reason, status_changed_at=self.now, created_at=submitted,
                ))
        self.put(m.Application, rows)
        ids = self.ids(m.Application.application_no, m.Application.id)
        by_id = {p["id"]: p for p in providers}
        for row in rows:
            row["id"] = ids[row["application_no"]]
            row["provider"] = by_id[row["provider_id"]]
        return rows

    def documents(self, apps: list[dict]) -> None:
        rng, rows = self.rng, []
        kinds = ["tax_return", "tax_payment_proof", "track_record", "application_form", "tech_spec", "promo_plan"]
        for app in apps:
            for kind in kinds:
                if kind in ("tax_return", "tax_payment_proof", "track_record") and app["provider"]["top_qualified"]:
                    continue
                status, warnings, triage = "ok", "", "accepted"
                if app["status"] == "awaiting_correction" and kind == "tax_payment_proof":
                    status, triage = rng.choice(["no_text", "encrypted"]), "deficient"
                elif app["status"] in ("received", "qualification_review"):
                    triage = "pending"
                    if rng.random() < 0.1:
                        warnings = "ubn_mismatch"
                name = f"{app['application_no']}_{kind}.pdf"
                digest = hashlib.sha256(name.encode()).hexdigest()
                rows.append(dict(
                    application_id=app["id"], file_name=name, original_path=f"demo/{app['application_no']}/{name}",
                    stored_path=None, sha256=digest, size_bytes=rng.randint(40_000, 900_000), pages=rng.randint(1, 12),
                    kind=kind, status=status, reason="", warnings=warnings, ubns_found=app["provider"]["ubn"],
                    dates_found="", text_preview="（示範資料：未附檔案）", triage=triage, triage_reason="",
                    triaged_by=None, triaged_at=None, imported_at=app["submitted_at"],
                ))
        self.put(m.Document, rows)

    def notices(self, apps: list[dict]) -> None:
        rows, offsets = [], [0, -1, 1, 2, 0, 3]  # due today, overdue, in 1–2 working days, later
        waiting = [a for a in apps if a["status"] == "awaiting_correction"]
        for i, app in enumerate(waiting):
            due = self._working_day_offset(offsets[i % len(offsets)])
            notified = self._working_days_before(due, 3)
            rows.append(dict(application_id=app["id"], purpose="documents", items="營業稅繳納證明無法辨識，請重新上傳",
                             notified_on=notified, working_days=3, due_on=due, status="open", corrected_on=None,
                             closed_reason="", created_by=None, created_at=_utc(notified, time(10, 0))))
        for app in apps:
            if app["status"] == "not_accepted" and app["status_reason"] == "逾期未補正":
                notified = app["submitted_at"].date() + timedelta(days=14)
                due = self.cal.add_working_days(notified, 3)
                rows.append(dict(application_id=app["id"], purpose="documents", items="缺年度損益及稅額計算表",
                                 notified_on=notified, working_days=3, due_on=due, status="lapsed", corrected_on=None,
                                 closed_reason="逾期未補正", created_by=None, created_at=_utc(notified, time(10, 0))))
        self.put(m.CorrectionNotice, rows)

    def _working_day_offset(self, n: int) -> date:
        if n == 0:  # due today, or on the next working day when today is off
            return self.today if self.cal.is_working_day(self.today) else self.cal.add_working_days(self.today, 1)
        if n > 0:
            return self.cal.add_working_days(self.today, n)
        return self._working_days_before(self.today, -n)

    def _working_days_before(self, day: date, n: int) -> date:
        counted = 0
        while counted < n:
            day -= timedelta(days=1)
            counted += self.cal.is_working_day(day)
        return day

    def reviewers(self, providers: list[dict]) -> list[dict]:
        rng, rows = self.rng, []
        for n in range(self.scale.reviewers):
            rows.append(dict(reviewer_no=f"R{n + 1:02d}", name=names.person(rng),
                             affiliation=names.AFFILIATIONS[n % len(names.AFFILIATIONS)],
                             email=f"r{n + 1:02d}@review.demo.tw", expertise="、".join(rng.sample(CATEGORIES, 3)),
                             active=True, created_at=self.now))
        # Two members work for providers: their affiliation is the company (a conflict).
        for n, provider in zip((0, 1), providers[:2]):
            rows[n]["affiliation"] = provider["name"]
        self.put(m.Reviewer, rows)
        ids = self.ids(m.Reviewer.reviewer_no, m.Reviewer.id)
        for row in rows:
            row["id"] = ids[row["reviewer_no"]]
        conflicts = [dict(reviewer_id=rows[n]["id"], ubn=providers[n]["ubn"], source="affiliation", note="")
                     for n in (0, 1)]
        for row in rows[2:6]:
            conflicts.append(dict(reviewer_id=row["id"], ubn=rng.choice(providers)["ubn"], source="declared",
                                  note="曾任顧問"))
        self.put(m.Conflict, conflicts)
        for row in rows:
            row["conflicts"] = {c["ubn"] for c in conflicts if c["reviewer_id"] == row["id"]}
        return rows

    def review(self, apps: list[dict], reviewers: list[dict]) -> None:
        rng = self.rng
        reviewed = [a for a in apps if a["status"] in ("eligible", "listed", "approved", "rejected", "waitlisted", "delisted")]
        assignments, sheets = [], []
        for i, app in enumerate(reviewed):
            panel = [r for r in reviewers if app["provider"]["ubn"] not in r["conflicts"]]
            start = (i * 5) % len(panel)
            chosen = (panel + panel)[start : start + 5]
            quality = {"listed": 82, "approved": 80, "delisted": 78, "waitlisted": 71, "rejected": 60}.get(app["status"], 74)
            for k, reviewer in enumerate(chosen):
                if app["status"] == "eligible":
                    state = ["submitted", "submitted", "draft", "assigned", "submitted"][(i + k) % 5]
                else:
                    state = "submitted"
                assignments.append(dict(application_id=app["id"], reviewer_id=reviewer["id"], sheet_status=state,
                                        comment="" if state == "assigned" else "架構說明完整。",
                                        submitted_at=self.now if state == "submitted" else None, assigned_by=None,
                                        assigned_at=self.now))
                bias = rng.gauss(0, 4) + (20 if (i % 9 == 0 and k == 0) else 0)  # an occasional outlier
                sheets.append((state, [max(0, min(100, round(rng.gauss(quality + bias, 6)))) for _ in CRITERIA]))
        self.put(m.Assignment, assignments)
        ids = dict(((a, r), i) for a, r, i in self.s.connection().execute(
            select(m.Assignment.application_id, m.Assignment.reviewer_id, m.Assignment.id)).all())
        scores = []
        for row, (state, values) in zip(assignments, sheets):
            if state == "assigned":
                continue
            assignment_id = ids[(row["application_id"], row["reviewer_id"])]
            scores.extend(dict(assignment_id=assignment_id, criterion=c, value=v) for c, v in zip(CRITERIA, values))
        self.put(m.Score, scores)
        decisions = []
        for rank, app in enumerate((a for a in reviewed if a["status"] != "eligible"), start=1):
            outcome = {"listed": "approved", "delisted": "approved"}.get(app["status"], app["status"])
            decided = app["submitted_at"].date() + timedelta(days=45)
            decisions.append(dict(application_id=app["id"], outcome=outcome, decided_on=decided,
                                  doc_no=f"經商字第{decided.year - 1911}{rank:05d}號", rank=rank, score=None,
                                  decided_by=None, created_at=self.now))
        self.put(m.Decision, decisions)
        outlying = [a for i, a in enumerate(reviewed) if i % 9 == 0 and a["status"] != "eligible"]
        panel_first = {a["application_id"]: a["reviewer_id"] for a in reversed(assignments)}
        self.put(m.OutlierResolution, [dict(application_id=a["id"], reviewer_id=panel_first[a["id"]],
                                            note="委員說明評分理由，委員會討論後維持原評分。", resolved_by=None,
                                            resolved_at=self.now) for a in outlying])

    def calendar(self) -> None:
        day = self.d(-200)
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        self.put(m.CalendarOverride, [dict(day=day, kind="closure", reason="颱風停止上班",
                                           announcement="行政院人事行政總處公布：停止上班", created_by=None,
                                           created_at=self.now)])

    def districts(self, providers: list[dict]) -> list[int]:
        rows = [dict(name=n, city=c, organisation=f"{n}發展協會", approved_store_count=20,
                     provider_id=providers[i]["id"]) for i, (n, c) in enumerate(names.DISTRICTS)]
        self.put(m.District, rows)
        return list(self.ids(m.District.name, m.District.id).values())

    def stores(self, district_ids: list[int]) -> list[dict]:
        rng, rows = self.rng, []
        for n in range(self.scale.stores):
            industry = INDUSTRIES[rng.randrange(4)] if n % 5 else "餐飲業"
            city = names.CITIES[rng.randrange(len(names.CITIES))]
            rows.append(dict(ubn=make_ubn(f"{1_000_000 + n * 31:07d}"), name=names.store(rng, industry, n),
                             industry=industry, city=city, address=names.address(rng, city), owner_name=names.person(rng),
                             is_sme=True, operating=rng.random() > 0.01,
                             district_id=district_ids[n % len(district_ids)] if n % 25 == 0 else None,
                             created_at=self.now))
        self.put(m.Store, rows)
        ids = self.ids(m.Store.ubn, m.Store.id)
        for row in rows:
            row["id"] = ids[row["ubn"]]
        past = [dict(store_ubn=make_ubn(f"{9_000_000 + n * 13:07d}"), store_name=names.store(rng, "零售業", n),
                     programme="中小型店家數位轉型補助方案") for n in range(max(10, self.scale.stores // 50))]
        self.put(m.PastRecipient, past)
        return rows

    def contracts_and_claims(self, stores: list[dict], apps: list[dict]) -> list[dict]:
        """One standard contract per signed store, on a solution approved or listed (so
        that its claim can pass); the returned order decides which stores usage_counts() logs."""
        rng = self.rng
        listed = [a for a in apps if a["status"] in SUBSIDISABLE_APPLICATION_STATUSES]
        contracts, links, plans = [], [], []
        for n, store in enumerate(stores):
            every = self.scale.unsigned_every
            if every and n % every == every - 1:  # stores that have not signed yet
                continue
            app = listed[rng.randrange(len(listed))]
            starts = self.d(-rng.randint(self.scale.latest_start, self.scale.earliest_start))
            ends = one_year_end(starts)
            total = rng.randrange(12_000, 60_001, 500)
            terminated = starts + timedelta(days=rng.randint(90, 300)) if rng.random() < 0.02 else None
            existing = rng.random() < 0.01
            contracts.append(dict(contract_no=f"K{n + 1:07d}", store_id=store["id"], provider_id=app["provider_id"],
                                  signed_on=starts - timedelta(days=3), starts_on=starts, ends_on=ends, total=total,
                                  subsidy=min(total, SUBSIDY_CAP), subsidised=True, terminated_on=terminated,
                                  existing_customer=existing, created_at=self.now))
            plans.append((n, app, existing, terminated, store["operating"]))
        self.put(m.Contract, contracts)
        ids = self.ids(m.Contract.contract_no, m.Contract.id)
        for row in contracts:
            row["id"] = ids[row["contract_no"]]
        for row, (_, app, *_rest) in zip(contracts, plans):
            links.append(dict(contract_id=row["id"], application_id=app["id"]))
        self.put(m.ContractSolution, links)
        self._claims(contracts, plans)
        return contracts

    def _claims(self, contracts: list[dict], plans: list) -> None:
        """Claims for the terms that have ended, each with the subsidy, flags and status
        reconciliation gives it (office_tui.claims.reconcile; test_reconcile checks that a pass
        over the demo changes nothing). The usage is drawn first (usage_counts), so that
        each claim's continued-use verdict (office_tui.usage.periods) is known: stores
        beyond usage_stores get no usage log, so their claims wait for one
        (no_usage_log); a few claims already flagged otherwise get a gap or no log."""
        rng, invoices, pending = self.rng, [], []
        for position, (row, (n, _, existing, terminated, operating)) in enumerate(zip(contracts, plans)):
            end = terminated or row["ends_on"]
            if end >= self.today - timedelta(days=2):
                continue  # term still running: nothing to claim yet
            filed = end + timedelta(days=rng.randint(1, 40 if rng.random() < 0.05 else 28))
            if filed > self.today:
                continue
            amount = row["total"] if rng.random() > 0.02 else row["total"] - 500
            letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
            invoices.append(dict(invoice_no=f"{letters[n % 24]}{letters[(n // 24) % 24]}{10_000_000 + n:08d}",
                                 contract_id=row["id"], issued_on=row["starts_on"], amount=amount, electronic=rng.random() < 0.8))
            pending.append((row, filed, amount, existing, terminated, operating, position))
        self.put(m.Invoice, invoices)
        invoice_ids = self.ids(m.Invoice.contract_id, m.Invoice.id)
        self.usage_counts(contracts)
        self._gaps(pending)
        claims, granted = [], 0
        for row, filed, amount, existing, terminated, operating, position in sorted(pending, key=lambda p: (p[1], p[0]["id"])):
            verdict = self._verdict(position, row["starts_on"], terminated or row["ends_on"])
            has_log = verdict != NO_LOG
            subsidy = row["subsidy"]
            if terminated:
                # Days performed over contract days, both counting their first and last day.
                performed = (terminated - row["starts_on"]).days + 1
                subsidy = subsidy * performed // ((row["ends_on"] - row["starts_on"]).days + 1)
            end = terminated or row["ends_on"]
            found = {"invoice_mismatch": amount != row["total"], "store_ineligible": not operating,
                     "existing_customer": existing, "filed_late": (filed - end).days > CLAIM_WINDOW_DAYS,
                     "no_usage_log": verdict == NO_LOG, "usage_gap": verdict == GAP}
            flags = [code for code in CLAIM_FLAGS if found.get(code)]
            age, reason, approved = (self.today - filed).days, "", None
            if any(code in FATAL_FLAGS for code in flags):
                status = "rejected"
            elif flags:
                status = "incomplete"
            elif age < 20:
                status = "filed"
            elif granted + subsidy > BUDGET_TOTAL:
                status, reason = "filed", "補助預算已用罄，依送件順序待預算"
            else:
                status, approved = ("paid" if age > 45 else "approved"), subsidy
                granted += subsidy
            claims.append(dict(claim_no=f"Q{row['contract_no'][1:]}", contract_id=row["id"],
                               invoice_id=invoice_ids[row["id"]], filed_on=filed, requested=subsidy,
                               approved_amount=approved, withholding_amount=subsidy, has_declaration=True,
                               has_receipt=True, has_signed_contract=True, has_invoice_copy=True, has_usage_log=has_log,
                               status=status, status_reason=reason, subsidy=subsidy, flags=",".join(flags),
                               approved_on=filed + timedelta(days=14) if approved is not None else None,
                               paid_on=filed + timedelta(days=40) if status == "paid" else None,
                               clawed_back_on=None, created_at=self.now))
        self.put(m.Claim, claims)

    def usage_counts(self, contracts: list[dict]) -> None:
        """Each logged store's daily counts from its contract's start to today (at most a
        year): the first usage_stores contracts, their use growing as the 商圈 targets do."""
        rng = self.rng
        self.usage_log: list[tuple[dict, array]] = []
        for row in contracts[: self.scale.usage_stores]:
            keen = rng.random()
            start = row["starts_on"]
            counts = array("q")
            for day_no in range(365):
                day = start + timedelta(days=day_no)
                if day > self.today:
                    break
                month = day_no // 30 + 1
                weekly_target = {1: 5, 2: 10, 3: 15}.get(month, 20)
                counts.append(max(0, round(rng.gauss(weekly_target / 7 * (0.6 + keen * 0.9), 1.2))))
            self.usage_log.append((row, counts))

    def _gaps(self, pending: list) -> None:
        """A few claims already flagged otherwise (so that the offices' figures stay as
        they were) lose a month of use, or all of it: every verdict appears."""
        pick = random.Random(7_919)
        for row, filed, amount, existing, terminated, operating, position in pending:
            late = (filed - (terminated or row["ends_on"])).days > CLAIM_WINDOW_DAYS
            if position >= len(self.usage_log) or not (amount != row["total"] or existing or not operating or late):
                continue
            counts = self.usage_log[position][1]
            if pick.random() < 0.5:
                periods = monthly_periods(row["starts_on"], terminated or row["ends_on"])
                gone = periods[pick.randrange(1, max(2, len(periods) - 1))]
                for i in range((gone.first - row["starts_on"]).days, (gone.last - row["starts_on"]).days + 1):
                    if i < len(counts):
                        counts[i] = 0
            else:
                for i in range(len(counts)):
                    counts[i] = 0

    def _verdict(self, position: int, start: date, end: date) -> str:
        if position >= len(self.usage_log):
            return NO_LOG
        counts = self.usage_log[position][1]
        return judge(start, end, {start + timedelta(days=i): n for i, n in enumerate(counts) if n})[0]

    def usage(self) -> None:
        """The large office's daily counts straight into UsageDaily (millions of rows);
        the small one's come in through the usage importer (import_demo_usage)."""
        rows, total = [], 0
        for row, counts in self.usage_log:
            for i, count in enumerate(counts):
                rows.append(dict(store_id=row["store_id"], day=row["starts_on"] + timedelta(days=i), count=count))
                if len(rows) >= CHUNK * 5:
                    self.s.connection().execute(insert(m.UsageDaily.__table__), rows)
                    total += len(rows)
                    rows.clear()
        if rows:
            self.s.connection().execute(insert(m.UsageDaily.__table__), rows)
            total += len(rows)
        audit.record_bulk(self.s, "usagedaily", total, "demo")

    def users(self, reviewers: list[dict]) -> None:
        digest = hash_password(DEMO_PASSWORD)
        rows = [dict(username=DEMO_ADMIN, display_name="系統管理員", role="admin"),
                dict(username="staff", display_name="陳專員", role="staff"),
                dict(username="staff2", display_name="林專員", role="staff")]
        rows += [dict(username=r["reviewer_no"].lower(), display_name=r["name"], role="reviewer", reviewer_id=r["id"])
                 for r in reviewers[:3]]
        taken = set(self.s.connection().execute(select(m.User.username)).scalars())
        rows = [row for row in rows if row["username"] not in taken]  # keep accounts made before
        for row in rows:
            row.setdefault("reviewer_id", None)
            row.update(password_hash=digest, os_account=None, active=True, created_at=self.now)
        self.put(m.User, rows)


def spot_checks(engine: Engine, actor: Actor | None, seed: int, today: date) -> None:
    """A 5 % spot-check draw (at least one claim per provider) with three results
    recorded: two found as claimed, one not (its claim is listed for claw-back)."""
    from office_tui.usage.spotcheck import draw, record_result, sample_rows

    with write_session(engine, actor, reason="demo spot checks") as session:
        made = draw(session, actor, 5, min_per_provider=1, seed=seed)
        drawn = sample_rows(session, made.id)
        for k, row in enumerate(drawn[:3]):
            record_result(session, actor, row.claim_no, k < 2,
                          "後台使用流量紀錄與請款資料相符" if k < 2 else "現場查核：店家表示已半年未使用系統",
                          on=today - timedelta(days=3 - k))


def load_demo(engine: Engine, actor: Actor | None, scale: str = "small", seed: int = 1,
              today: date | None = None) -> dict[str, int]:
    """Load the demo office into an empty database; returns row counts per table."""
    if scale not in SCALES:
        raise DemoError("demo.bad_scale", scale=scale)
    today = today or office_today()
    with write_session(engine, actor, reason=f"demo {scale} seed {seed}") as session:
        if session.scalar(select(func.count()).select_from(m.Application)) or \
                session.scalar(select(func.count()).select_from(m.Store)):
            raise DemoError("demo.not_empty")
        b = _Builder(session, SCALES[scale], seed, today)
        b.calendar()
        batch_ids = b.batches()
        providers = b.providers()
        apps = b.applications(batch_ids, providers)
        b.documents(apps)
        b.notices(apps)
        reviewers = b.reviewers(providers)
        b.review(apps, reviewers)
        stores = b.stores(b.districts(providers))
        b.contracts_and_claims(stores, apps)
        if SCALES[scale].usage_files:
            logs = b.usage_log
        else:
            b.usage()
            logs = []
        b.users(reviewers)
        session.add(m.AppMeta(key="demo", value=f"{scale}:{seed}:{today.isoformat()}"))
    if logs:
        from office_tui.demo.usage_files import import_demo_usage

        import_demo_usage(engine, actor, logs, stores, seed)
    spot_checks(engine, actor, seed, today)
    with read_session(engine) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in m.metadata.sorted_tables}
