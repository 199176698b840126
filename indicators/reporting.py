"""Reporting discipline: which reports a plan expects, and whether each came in on time.

Pure functions over the plan, its targets and its submissions (the rows of `Store.submissions`);
`today` is passed in (pages use `settings.now_local().date()`), so every rule is testable.

- Expected reports: every agency that is lead or coordinating on at least one target, × each
  declared reporting period of the plan (the baseline period has no deadline and is not expected).
- State of one expected report, judged on the FIRST submission the agency made for the period
  (a later correction does not make an on-time report late):
  received on or before the deadline day → on time; received after it → late (days late);
  nothing received and today is after the deadline → missing (days overdue); otherwise not yet due.
  A period without a deadline: anything received is on time, nothing received is not yet due.
- Completeness = received / expected; timeliness = received by the deadline / expected.
  Demo submissions count like any other and are flagged (`is_demo`)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from indicators import periods, status
from indicators.models import Plan, Target

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
STATES = (ON_TIME, LATE, MISSING, NOT_DUE)
STATE_LABEL = {ON_TIME: "Đúng hạn", LATE: "Nộp muộn", MISSING: "Chưa nộp (quá hạn)", NOT_DUE: "Chưa đến hạn"}
STATE_SYMBOL = {ON_TIME: "✔", LATE: "⏱", MISSING: "✖", NOT_DUE: "…"}
# Same hues as the target statuses, so green / amber / red / grey mean the same thing everywhere.
STATE_COLOR = {ON_TIME: status.COLOR[status.ACHIEVED], LATE: status.COLOR[status.LAGGING],
               MISSING: status.COLOR[status.NOT_ACHIEVED], NOT_DUE: status.COLOR[status.NO_DATA]}


def state_display(state: str) -> str:
    """A report state as pages and charts show it: symbol and label ('⏱ Nộp muộn')."""
    return f"{STATE_SYMBOL[state]} {STATE_LABEL[state]}"

LEAD, COORDINATING, UNIT = "lead", "coordinating", "unit"
ROLE_LABEL = {LEAD: "Chủ trì", COORDINATING: "Phối hợp", UNIT: "Đơn vị báo cáo"}


# ---------------------------------------------------------------------------------------------
# Vietnamese collation (a, ă, â, b, c, d, đ, e, ê, … then tones), for lists of names.

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def _letters(text: str) -> list[tuple[int, int, str]]:
    """(alphabet index or code point, tone, original char) for each letter of `text`."""
    out: list[tuple[int, int, str]] = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch.lower())
        base, marks = parts[0], parts[1:]
        letter, tone = base, 0
        for m in marks:
            if m in _TONES:
                tone = _TONES[m]
            elif m == "\u0302":
                letter = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
            elif m == "\u0306" and base == "a":
                letter = "ă"
            elif m == "\u031b":
                letter = {"o": "ơ", "u": "ư"}.get(base, base)
        idx = _ALPHABET.find(letter)
        out.append((idx if idx >= 0 else 1000 + ord(letter), tone, ch))
    return out


def vi_key(text: str) -> tuple:
    """Sort key in Vietnamese order: letters first (đ after d, ư after u), tones second, case last."""
    letters = _letters(text or "")
    return (tuple(i for i, _, _ in letters), tuple(t for _, t, _ in letters), text or "")


# ---------------------------------------------------------------------------------------------
# Expected reports and their state


@dataclass(slots=True)  # built by the ten thousand at national scale: slots, not frozen (3× faster to make)
class ExpectedReport:
    agency: str
    period: str
    deadline: date | None
    state: str
    received_at: datetime | None = None  # first submission for the period
    last_received_at: datetime | None = None
    submissions: int = 0
    days_late: int | None = None  # late: days after the deadline it came in; missing: days overdue so far
    file_name: str | None = None  # of the latest submission
    is_demo: bool = False
    roles: tuple[str, ...] = ()  # lead / coordinating

    @property
    def label(self) -> str:
        return STATE_LABEL[self.state]

    @property
    def received(self) -> bool:
        return self.state in (ON_TIME, LATE)


def expected_agencies(targets: list[Target], units: list[str] = ()) -> dict[str, tuple[str, ...]]:
    """Agency -> its roles (lead and/or coordinating), for every agency named on a target,
    in order of first appearance in the plan; then the plan's reporting units (communes of a
    compilation), which report on every target."""
    roles: dict[str, set[str]] = {}
    for t in targets:
        for i, name in enumerate(t.agencies):
            roles.setdefault(name, set()).add(LEAD if i == 0 else COORDINATING)
    for name in units:
        roles.setdefault(name, set()).add(UNIT)
    return {name: tuple(r for r in (LEAD, COORDINATING, UNIT) if r in rs) for name, rs in roles.items()}


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    return datetime.fromisoformat(str(value))


def judge_report(deadline: date | None, received: list[datetime], today: date,
                 period_end: date | None = None) -> tuple[str, int | None]:
    """State and days late/overdue of one expected report, from the times its submissions came in.
    A period without a deadline (the national programme's) is never late, but once it has ended a
    report not received is missing (days counted from its end)."""
    if received:
        first = min(received).date()
        if deadline is None or first <= deadline:
            return ON_TIME, None
        return LATE, (first - deadline).days
    due = deadline if deadline is not None else period_end
    if due is not None and today > due:
        return MISSING, (today - due).days
    return NOT_DUE, None


@dataclass(frozen=True)
class Receipt:
    """What came in from one agency for one period: first and last time, how many submissions,
    the latest one's file, whether any was demo data."""

    first: datetime
    last: datetime
    count: int = 1
    file_name: str | None = None
    is_demo: bool = False


def receipts_of(submissions: list[dict], slug: str | None = None) -> dict[tuple[str, str], Receipt]:
    """(agency, period) -> Receipt, from submission records (Store.submissions); the store builds
    the same in SQL for a whole plan (Store.receipts)."""
    seen: dict[tuple[str, str], Receipt] = {}
    dated = sorted(((_as_datetime(s["received_at"]), s) for s in submissions if slug is None or s.get("plan", slug) == slug),
                   key=lambda x: x[0])
    for when, s in dated:
        key = (s["agency"], s["period"])
        got = seen.get(key)
        seen[key] = (Receipt(when, when, 1, s.get("file_name"), bool(s.get("is_demo"))) if got is None else
                     Receipt(got.first, when, got.count + 1, s.get("file_name"), got.is_demo or bool(s.get("is_demo"))))
    return seen


def expected_reports(plan: Plan, targets: list[Target], submissions: "list[dict] | dict[tuple[str, str], Receipt]",
                     today: date, period: str | None = None) -> list[ExpectedReport]:
    """Every expected report of the plan (or of one period), in period then plan order, from the
    submission records or their receipts (Store.receipts, at scale)."""
    seen = submissions if isinstance(submissions, dict) else receipts_of(submissions, plan.slug)
    agencies = expected_agencies(targets, plan.reporting_units)
    out = []
    for p in plan.periods:
        if period is not None and p.code != period:
            continue
        # most agencies of a large compilation have not sent anything for a future period: judged once
        ends = periods.parse(p.code).end
        none_state, none_days = judge_report(p.deadline, [], today, ends)
        for name, roles in agencies.items():
            got = seen.get((name, p.code))
            if got is None:
                out.append(ExpectedReport(name, p.code, p.deadline, none_state, None, None, 0, none_days, None, False, roles))
                continue
            state, days = judge_report(p.deadline, [got.first], today, ends)
            out.append(ExpectedReport(name, p.code, p.deadline, state, got.first, got.last, got.count, days,
                                      got.file_name, got.is_demo, roles))
    return out


def unexpected_submissions(plan: Plan, targets: list[Target], submissions: list[dict]) -> list[dict]:
    """Submissions from agencies that hold no target of the plan (e.g. the standing agency
    handing in a compilation): shown, but outside the completeness and timeliness rates."""
    agencies = expected_agencies(targets, plan.reporting_units)
    declared = {p.code for p in plan.periods}
    return [s for s in submissions if s["agency"] not in agencies and s["period"] in declared]


@dataclass(frozen=True)
class Summary:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0
    has_demo: bool = False

    @property
    def received(self) -> int:
        return self.on_time + self.late

    @property
    def completeness(self) -> float | None:
        """Reports received / reports expected."""
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """Reports received by their deadline / reports expected."""
        return self.on_time / self.expected if self.expected else None

    def count(self, state: str) -> int:
        return {ON_TIME: self.on_time, LATE: self.late, MISSING: self.missing, NOT_DUE: self.not_due}[state]


def summarise(reports: list[ExpectedReport]) -> Summary:
    n = {s: sum(1 for r in reports if r.state == s) for s in STATES}
    return Summary(len(reports), n[ON_TIME], n[LATE], n[MISSING], n[NOT_DUE], any(r.is_demo for r in reports))


def by_period(reports: list[ExpectedReport]) -> dict[str, Summary]:
    out: dict[str, list[ExpectedReport]] = {}
    for r in reports:
        out.setdefault(r.period, []).append(r)
    return {p: summarise(rs) for p, rs in out.items()}


# ---------------------------------------------------------------------------------------------
# Agencies: their targets by status and their reports, ranked


@dataclass(frozen=True)
class AgencySummary:
    agency: str
    lead: list = field(default_factory=list)  # TargetProgress rows it leads
    coordinating: list = field(default_factory=list)  # TargetProgress rows it helps with
    reports: Summary = field(default_factory=Summary)
    report_rows: list[ExpectedReport] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in status.STATUSES}
        for r in self.lead:
            out[r.status] += 1
        return out

    @property
    def behind(self) -> int:
        return sum(1 for r in self.lead if r.status in status.BEHIND)

    @property
    def behind_share(self) -> float | None:
        """Share of the targets it leads that are lagging, off track or not achieved."""
        return self.behind / len(self.lead) if self.lead else None


def agencies(rows: list, reports: list[ExpectedReport]) -> list[AgencySummary]:
    """One summary per agency named on a target, ranked: largest share of led targets behind
    first, then most targets behind, then most reports missing or late, then name (Vietnamese order);
    agencies that lead no target (coordinating only) come after every agency that leads one.
    `rows` are the TargetProgress rows of one plan and period."""
    targets = [r.target for r in rows]
    names = list(expected_agencies(targets))
    lead: dict[str, list] = {n: [] for n in names}
    coord: dict[str, list] = {n: [] for n in names}
    for r in rows:
        lead[r.target.lead_agency].append(r)
        for name in r.target.coordinating:
            coord[name].append(r)
    rep: dict[str, list[ExpectedReport]] = {n: [] for n in names}
    for x in reports:
        rep.setdefault(x.agency, []).append(x)
    out = [AgencySummary(n, lead[n], coord[n], summarise(rep.get(n, [])), rep.get(n, [])) for n in names]
    return sorted(out, key=lambda a: (-(a.behind_share if a.behind_share is not None else -1.0), -a.behind,
                                      -(a.reports.missing + a.reports.late), vi_key(a.agency)))
