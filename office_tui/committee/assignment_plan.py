"""分派計畫 — the automatic assignment plan on plain data (no database): a min-cost
maximum flow over applications and committee members. :mod:`office_tui.committee.assignment`
feeds it the batch and stores what it plans.

The plan is the best there is, in this order: the most assignments the conflicts and the
cap allow (never one fewer than possible); then the shortage, if any, spread over the
applications (with 10 seats for three applications of K = 5: 4, 3 and 3 members, not 5, 5
and 0); then loads balanced (max load − min load ≤ 1 unless conflicts or earlier loads
forbid it); then as many members as possible whose expertise names the category. The same
data always gives the same plan, whatever the order it comes in; where plans are equally
good the search takes lower application and member numbers first.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from office_tui.core.errors import OfficeError
from office_tui.core.i18n import catalogue, t
from office_tui.core.programme import CATEGORIES

DEFAULT_K = 5

# -- expertise -----------------------------------------------------------------------

_WORDS = re.compile(r"[、,，;；/()（）\s]+")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def category_words(code: str) -> set[str]:
    """What names a category in a member's expertise: its code, its Chinese programme
    label and the parts of it (「雲端收銀(POS)」 → 雲端收銀, pos), its English label."""
    zh = catalogue("zh_TW").get(f"category.{code}", code)
    en = catalogue("en").get(f"category.{code}", code)
    words = {_norm(code), _norm(zh), _norm(en)}
    words |= {w for w in (_norm(part) for part in _WORDS.split(zh)) if len(w) >= 2}
    return words - {""}


def expertise_matches(expertise: str, category: str) -> bool:
    """Does the member's 專長 mention the application's category (code or label)?"""
    text = _norm(expertise)
    if not text or category not in CATEGORIES:
        return False
    items = {w for w in (_norm(part) for part in re.split(r"[、,，;；]+", text)) if w}
    words = category_words(category)
    zh = _norm(catalogue("zh_TW").get(f"category.{category}", ""))
    return bool(items & words) or (bool(zh) and zh in text)


# -- the plan, on plain data ---------------------------------------------------------


@dataclass(frozen=True)
class PlanApplication:
    application_no: str
    category: str
    assigned: frozenset[str] = frozenset()  # reviewer numbers already on it
    conflicted: frozenset[str] = frozenset()  # reviewer numbers that must not review it


@dataclass(frozen=True)
class PlanMember:
    reviewer_no: str
    expertise: str = ""
    load: int = 0  # sheets already assigned in the batch
    active: bool = True


@dataclass(frozen=True)
class Shortfall:
    """An application the plan could not fully staff, and the facts that explain it.

    The plan is a maximum one, so every active member not on the application is either
    in ``conflicted`` or counted in ``at_cap``: those two (and too few active members)
    are the whole reason, never a guess."""

    application_no: str
    staffed: int  # members validly on it after the plan (a conflicted sheet does not count)
    k: int
    active: int  # active members in all
    conflicted: tuple[str, ...]  # active members who must not review it (also any already on it)
    at_cap: int  # active members free of conflict, not on it, at the load cap after the plan
    cap: int
    too_few: bool | None = None  # fewer than k members could ever be on it; None: active < k

    def reason(self) -> str:
        """Why, in the interface language."""
        parts = []
        if self.active < self.k if self.too_few is None else self.too_few:
            parts.append(t("assign.why_too_few", active=self.active, k=self.k))
        if self.conflicted:
            parts.append(t("assign.why_conflicts", n=len(self.conflicted), members="、".join(self.conflicted)))
        if self.at_cap:
            parts.append(t("assign.why_cap", n=self.at_cap, cap=self.cap))
        if not parts:
            parts.append(t("assign.why_no_members"))
        return t("assign.shortfall", staffed=self.staffed, k=self.k, why="；".join(parts))


@dataclass
class Plan:
    created: list[tuple[str, str]] = field(default_factory=list)  # (application_no, reviewer_no)
    shortfalls: list[Shortfall] = field(default_factory=list)
    loads: dict[str, int] = field(default_factory=dict)  # reviewer_no → load after the plan
    cap: int = 0


def _valid(app: PlanApplication) -> frozenset[str]:
    """The members who count towards K: those on it, less any found in conflict since."""
    return app.assigned - app.conflicted


def default_cap(applications: Sequence[PlanApplication], members: Sequence[PlanMember], k: int) -> int:
    """The fair share: ⌈seats / active members⌉ (a seat: one member on one application;
    a sheet now in conflict is a seat besides the K it does not count towards)."""
    active = sum(1 for m in members if m.active)
    seats = sum(max(k, len(_valid(a))) + len(a.assigned & a.conflicted) for a in applications)
    return max(1, math.ceil(seats / active)) if active else 0


def plan_assignments(applications: Sequence[PlanApplication], members: Sequence[PlanMember],
                     k: int = DEFAULT_K, cap: int | None = None) -> Plan:
    """Top every application up to ``k`` members, no member above ``cap`` sheets.

    The most assignments possible (see the module for the order of what else counts).
    Deterministic: the order of the arguments does not matter, only the numbers."""
    if k < 1:
        raise OfficeError("assign.bad_k", k=k)
    if cap is not None and cap < 1:
        raise OfficeError("assign.bad_cap", cap=cap)
    cap = default_cap(applications, members, k) if cap is None else cap
    apps = sorted(applications, key=lambda a: a.application_no)
    active = sorted((m for m in members if m.active), key=lambda m: m.reviewer_no)
    loads = {m.reviewer_no: m.load for m in members}
    matches: dict[tuple[str, str], bool] = {}

    def mismatch(member: PlanMember, category: str) -> int:
        key = (member.expertise, category)
        if key not in matches:
            matches[key] = expertise_matches(member.expertise, category)
        return 0 if matches[key] else 1

    allowed = [[j for j, m in enumerate(active) if m.reviewer_no not in a.assigned | a.conflicted] for a in apps]
    costs = [{j: mismatch(active[j], a.category) for j in allowed[i]} for i, a in enumerate(apps)]
    added = _staff(k, cap, [len(_valid(a)) for a in apps], allowed, costs, [m.load for m in active])

    plan = Plan(loads=loads, cap=cap)
    for i, app in enumerate(apps):
        plan.created += [(app.application_no, active[j].reviewer_no) for j in allowed[i] if added[i] >> j & 1]
    for _, number in plan.created:
        loads[number] += 1
    for i, app in enumerate(apps):
        on = _valid(app) | {active[j].reviewer_no for j in allowed[i] if added[i] >> j & 1}
        if len(on) < k:
            conflicted = tuple(m.reviewer_no for m in active if m.reviewer_no in app.conflicted)
            at_cap = sum(1 for m in active if m.reviewer_no not in on and m.reviewer_no not in app.conflicted
                         and loads[m.reviewer_no] >= cap)
            could = len(on | {m.reviewer_no for m in active})
            plan.shortfalls.append(Shortfall(app.application_no, len(on), k, len(active), conflicted, at_cap, cap,
                                             too_few=could < k))
    plan.created.sort()
    return plan


# -- the flow ------------------------------------------------------------------------


def _staff(k: int, cap: int, staffed: list[int], allowed: list[list[int]], costs: list[dict[int, int]],
           loads: list[int]) -> list[int]:
    """The members to add to each application (bit j set: member j), by a min-cost
    max-flow: source → application i (its free seats up to ``k``; the s-th member on
    it costs s·W_S) → member j (``costs[i][j]``: 0 expertise matches, 1 not) → sink
    (the t-th sheet of a member costs t·W_B, up to ``cap``). Convex costs on the seats
    and the sheets spread the shortages and balance the loads; W_S and W_B are big
    enough that plans rank by spread, then balance, then expertise.

    Successive shortest paths (primal-dual): Dijkstra on reduced costs sets the
    potentials, then a breadth-first search takes every path of zero reduced cost (all
    are shortest) before the next Dijkstra. There are few members and many
    applications, so the searches run on the members alone: the edge j → j' is the
    cheapest application that could pass from j to j', the edge source → j the
    cheapest application with a free seat that j could take (min-heaps with lazy
    deletion; among equals the lowest application index). Both stand for paths of the
    full graph, so potentials on the members alone keep every reduced cost ≥ 0."""
    n, m = len(staffed), len(loads)
    cnt, load, x = list(staffed), list(loads), [0] * n
    most = sum(min(max(0, k - cnt[i]), len(allowed[i])) for i in range(n))
    if not most or not m:
        return x
    top = max(min(cap, base + n) for base in loads)
    w_b = most + 1  # > any difference in expertise cost
    w_s = most * top * w_b + most + 1  # > any difference in load and expertise cost
    push, pop = heapq.heappush, heapq.heappop
    sink = m
    pot = [0] * (m + 1)  # the source's stays 0
    src: list[list[tuple[int, int]]] = [[] for _ in range(m)]  # (seat cost + edge cost, application)
    for i in range(n):
        if cnt[i] < k:
            seat = (cnt[i] + 1) * w_s
            for j in allowed[i]:
                src[j].append((seat + costs[i][j], i))
    for heap in src:
        heapq.heapify(heap)
    moves: list[list[list[tuple[int, int]]]] = [[[] for _ in range(m)] for _ in range(m)]  # (cost change, app)

    def enter(j: int) -> tuple[int, int] | None:
        """The cheapest application with a free seat that member j could take."""
        heap = src[j]
        while heap:
            key, i = heap[0]
            if cnt[i] < k and not x[i] >> j & 1 and key == (cnt[i] + 1) * w_s + costs[i][j]:
                return heap[0]
            pop(heap)
        return None

    def move(u: int, v: int) -> tuple[int, int] | None:
        """The cheapest application that could pass from member u to member v."""
        heap = moves[u][v]
        while heap:
            i = heap[0][1]
            if x[i] >> u & 1 and not x[i] >> v & 1:
                return heap[0]
            pop(heap)
        return None

    def leave(u: int) -> int | None:
        """The reduced cost of one more sheet for member u."""
        return (load[u] + 1) * w_b + pot[u] - pot[sink] if load[u] < cap else None

    def shortest() -> list[tuple[int, int]] | None:
        """Dijkstra from the source (members and the sink: dense, no heap); updates
        the potentials. ``via[v]``: (previous member or -1 for the source, application)."""
        dist: list[int | None] = [None] * (m + 1)
        via = [(-1, -1)] * (m + 1)
        done = [False] * (m + 1)
        for j in range(m):
            edge = enter(j)
            if edge is not None:
                dist[j], via[j] = edge[0] - pot[j], (-1, edge[1])
        while True:
            u, best = -1, None
            for v in range(m):
                if not done[v] and dist[v] is not None and (best is None or dist[v] < best):
                    u, best = v, dist[v]
            if dist[sink] is not None and (best is None or dist[sink] <= best):
                break
            if u < 0:
                return None
            done[u] = True
            out = leave(u)
            if out is not None and (dist[sink] is None or best + out < dist[sink]):
                dist[sink], via[sink] = best + out, (u, -1)
            for v in range(m):
                if done[v] or v == u or (dist[v] is not None and dist[v] <= best):
                    continue  # reduced costs are ≥ 0: no path through u does better
                edge = move(u, v)
                if edge is not None:
                    d = best + edge[0] + pot[u] - pot[v]
                    if dist[v] is None or d < dist[v]:
                        dist[v], via[v] = d, (u, edge[1])
        reach = dist[sink]
        for v in range(m + 1):
            pot[v] += dist[v] if dist[v] is not None and dist[v] < reach else reach
        return via

    def admissible() -> list[tuple[int, int]] | None:
        """A path of zero reduced cost (so a shortest one), breadth first: the fewest
        applications that change hands."""
        via = [(-1, -1)] * (m + 1)
        seen = [False] * m
        queue = []
        for j in range(m):
            edge = enter(j)
            if edge is not None and edge[0] == pot[j]:
                seen[j], via[j] = True, (-1, edge[1])
                if leave(j) == 0:
                    via[sink] = (j, -1)
                    return via
                queue.append(j)
        for u in queue:  # grows while it is read
            for v in range(m):
                if seen[v]:
                    continue
                edge = move(u, v)
                if edge is not None and edge[0] + pot[u] == pot[v]:
                    seen[v], via[v] = True, (u, edge[1])
                    if leave(v) == 0:
                        via[sink] = (v, -1)
                        return via
                    queue.append(v)
        return None

    def augment(via: list[tuple[int, int]]) -> None:
        """The last member takes one more sheet; each application on the path trades
        the member before for the member after; the first one gains a seat. Then new
        heap entries for what became possible (stale ones are dropped when seen)."""
        j = via[sink][0]
        load[j] += 1
        gained: dict[int, list[int]] = {}
        lost: dict[int, list[int]] = {}
        while True:
            before, i = via[j]
            gained.setdefault(i, []).append(j)
            if before < 0:
                x[i] |= 1 << j
                cnt[i] += 1
                seated = i
                break
            x[i] = (x[i] & ~(1 << before)) | (1 << j)
            lost.setdefault(i, []).append(before)
            j = before
        for i in sorted(gained.keys() | lost.keys()):
            xi, cost, new = x[i], costs[i], gained.get(i, [])
            free = [j2 for j2 in allowed[i] if not xi >> j2 & 1]
            for j in new:
                for j2 in free:
                    push(moves[j][j2], (cost[j2] - cost[j], i))
            for j2 in lost.get(i, []):
                for j in allowed[i]:
                    if xi >> j & 1 and j not in new:
                        push(moves[j][j2], (cost[j2] - cost[j], i))
            if cnt[i] < k:
                seat = (cnt[i] + 1) * w_s
                for j2 in (free if i == seated else lost.get(i, [])):
                    push(src[j2], (seat + cost[j2], i))

    while True:
        via = admissible() or shortest()
        if via is None:
            return x
        augment(via)
