"""The reporting cycle around the reports themselves (docs/reporting-cycle.md): approval, which
locks a plan's period, and withdrawal of a reported value. Pure rules; the store keeps the events
and calls these inside its write transactions, so a rule is checked where the write happens.

- A period is approved ("Đã duyệt") by its plan's standing agency or an administrator once at least
  one report has come in; from then on every write for it (import, withdrawal) is refused with who
  approved it and when. An administrator reopens it with a reason. The latest event decides.
- Optionally (a setting per plan, off by default) a period locks by itself N days after its
  deadline; an administrator's reopening after that moment keeps it open.
- A withdrawn value is superseded by nothing: every figure falls back as if it had not been
  reported, and the withdrawn version stays in the history with the reason."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from indicators import fmt, periods
from indicators.errors import AppError, PermissionDenied, UsageError

APPROVE, REOPEN = "approve", "reopen"
APPROVED_LABEL, OPEN_LABEL = "Đã duyệt", "Chưa duyệt"
AUTO = "tự động"  # who locked a period that locked by itself
REASON_MAX = 500  # characters of a reason (reopening, withdrawal)
AUTOLOCK_MAX_DAYS = 366
AUTOLOCK_SETTING = "autolock_days:{slug}"  # app setting per plan; absent = off


class PeriodLocked(AppError):
    """A write for an approved (locked) period; nothing was written. Exit code 1."""


@dataclass(frozen=True)
class Event:
    action: str  # APPROVE | REOPEN
    actor: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class Approval:
    """The approval state of one period of a plan."""

    period: str
    locked: bool
    by: str | None = None  # who approved it (AUTO when it locked by itself)
    at: datetime | None = None
    auto: bool = False
    reopened_by: str | None = None  # the latest reopening, if any
    reopened_at: datetime | None = None
    reopen_reason: str | None = None

    @property
    def label(self) -> str:
        return APPROVED_LABEL if self.locked else OPEN_LABEL

    @property
    def note(self) -> str:
        """What the label means, in words: who locked it and when, or that it is still open."""
        if self.locked:
            return (f"tự khóa lúc {fmt.moment(self.at)} (sau hạn nộp)" if self.auto
                    else f"duyệt bởi {self.by} lúc {fmt.moment(self.at)}") + ": không nhận thêm số liệu"
        if self.reopened_by:
            return f"mở lại bởi {self.reopened_by} lúc {fmt.moment(self.reopened_at)}: {self.reopen_reason}"
        return "số liệu kỳ này còn được bổ sung, sửa"

    def describe(self) -> str:
        """"Đã duyệt (nguyễn văn a, 15/07/2026 09:30)" / "Chưa duyệt (mở lại …: lý do)"."""
        if self.locked:
            who = "tự khóa sau hạn" if self.auto else self.by
            return f"{APPROVED_LABEL} ({who}, {fmt.moment(self.at)})"
        if self.reopened_by:
            return f"{OPEN_LABEL} (mở lại bởi {self.reopened_by}, {fmt.moment(self.reopened_at)}: {self.reopen_reason})"
        return OPEN_LABEL


def autolock_moment(deadline: date | None, days: int | None) -> datetime | None:
    """When a period locks by itself: the start of the day after deadline + days (None: never)."""
    if deadline is None or days is None:
        return None
    return datetime.combine(deadline + timedelta(days=days + 1), time.min)


def state(period: str, events: list[Event], *, deadline: date | None = None, autolock_days: int | None = None,
          now: datetime | None = None) -> Approval:
    """The approval state of a period from its events (any order) and the plan's autolock setting."""
    ordered = sorted(events, key=lambda e: e.at)
    last = ordered[-1] if ordered else None
    reopen = next((e for e in reversed(ordered) if e.action == REOPEN), None)
    extra = dict(reopened_by=reopen.actor, reopened_at=reopen.at, reopen_reason=reopen.reason) if reopen else {}
    if last is not None and last.action == APPROVE:
        return Approval(period, True, last.actor, last.at, **extra)
    lock_at = autolock_moment(deadline, autolock_days)
    if lock_at is not None and now is not None and now >= lock_at and (reopen is None or reopen.at < lock_at):
        return Approval(period, True, AUTO, lock_at, auto=True, **extra)
    return Approval(period, False, **extra)


def refusal(plan_slug: str, a: Approval, doing: str = "nhận thêm số liệu") -> PeriodLocked:
    """The error for a write into a locked period, saying who locked it and when."""
    when = fmt.moment(a.at)
    if a.auto:
        why = f"Kỳ {periods.label(a.period)} của kế hoạch {plan_slug} đã tự khóa lúc {when} (sau hạn nộp)"
    else:
        why = f"Kỳ {periods.label(a.period)} của kế hoạch {plan_slug} đã được duyệt bởi {a.by} lúc {when}"
    return PeriodLocked(f"{why}: không {doing}. Chưa ghi gì vào cơ sở dữ liệu.",
                        f"Nếu cần sửa số liệu, đề nghị quản trị mở lại kỳ (lệnh: reopen {plan_slug} --period {a.period} "
                        "--reason \"…\"), rồi nộp lại.")


def check_reason(reason: str | None, what: str) -> str:
    """A reason, trimmed: required, at most REASON_MAX characters, one paragraph of text."""
    if fmt.has_hidden(" ".join((reason or "").split())):  # line breaks become spaces; ESC, NUL, bidi… refused
        raise UsageError(f"Lý do {what} có ký tự ẩn hoặc ký tự điều khiển (khoảng trắng không độ rộng, ESC…).",
                         "Gõ lại lý do bằng bàn phím thay vì dán từ nơi khác.")
    text = " ".join((reason or "").split())
    if not text:
        raise UsageError(f"Thiếu lý do {what}.", f"Ghi rõ lý do {what} (ví dụ: --reason \"Sở Y tế báo cáo nhầm kỳ\").")
    if len(text) > REASON_MAX:
        raise UsageError(f"Lý do {what} dài {len(text)} ký tự, tối đa {REASON_MAX}.", "Viết ngắn gọn lý do.")
    return text


def check_autolock_days(value) -> int | None:
    """The autolock setting from a person: a whole number of days 0..AUTOLOCK_MAX_DAYS, or off."""
    text = str(value).strip().lower()
    if text in ("off", "tắt", "tat", "", "none"):
        return None
    if not re.fullmatch(r"[0-9]{1,4}", text) or int(text) > AUTOLOCK_MAX_DAYS:
        raise UsageError(f"Số ngày tự khóa \"{value}\" không hợp lệ.",
                         f"Ghi một số nguyên từ 0 đến {AUTOLOCK_MAX_DAYS} (số ngày sau hạn nộp), hoặc \"off\" để tắt.")
    return int(text)


def may_approve(user, plan) -> bool:
    """The plan's standing agency's staff, or an administrator (user None: the server's operator)."""
    return user is None or user.is_admin or user.may_report(plan.slug, plan.standing_agency)


def require_approver(user, plan) -> None:
    if not may_approve(user, plan):
        raise PermissionDenied(
            f"Tài khoản \"{user.name}\" không được duyệt số liệu kế hoạch {plan.slug}.",
            f"Chỉ cán bộ của cơ quan thường trực ({plan.standing_agency}) hoặc quản trị được duyệt số liệu.")


def require_reopener(user, plan) -> None:
    if user is not None and not user.is_admin:
        raise PermissionDenied(f"Tài khoản \"{user.name}\" không được mở lại kỳ đã duyệt.",
                               "Chỉ quản trị được mở lại kỳ đã duyệt; đề nghị quản trị mở lại, kèm lý do.")


def check_approve(plan_slug: str, period: str, current: Approval, reports: int) -> None:
    """Approving needs reports and an open period."""
    if current.locked:
        raise UsageError(f"Kỳ {periods.label(period)} của kế hoạch {plan_slug} đã ở trạng thái {current.describe()}.",
                         "Không cần duyệt lại.")
    if reports == 0:
        raise UsageError(f"Kỳ {periods.label(period)} của kế hoạch {plan_slug} chưa có báo cáo nào: chưa thể duyệt.",
                         "Duyệt sau khi các cơ quan đã nộp báo cáo (xem trang Tình hình báo cáo).")


def check_reopen(plan_slug: str, period: str, current: Approval) -> None:
    if not current.locked:
        raise UsageError(f"Kỳ {periods.label(period)} của kế hoạch {plan_slug} chưa được duyệt: không có gì để mở lại.",
                         "Kỳ đang mở, các cơ quan vẫn nộp được báo cáo.")


def brings_back(withdrawn: dict, new: dict) -> bool:
    """Whether a reported value is the withdrawn one again (the same figure, or the same text of a
    milestone; numerator, denominator and note do not matter): held back unless the person means it."""
    def same(a, b) -> bool:
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return abs(a - b) <= 1e-9 * max(1.0, abs(a))
        return (a or None) == (b or None)
    return same(withdrawn.get("value"), new.get("value")) and same(withdrawn.get("text"), new.get("text"))


def may_withdraw(user, plan_slug: str, submitting_agency: str) -> bool:
    """A value is withdrawn by whoever may report for the agency whose submission wrote it (a
    compilation's unit rows belong to the compiling agency), or an administrator (None: operator)."""
    return user is None or user.is_admin or user.may_report(plan_slug, submitting_agency)


# ---------------------------------------------------------------------------------------------
# The actions, as every edge (page, command line) calls them: who acts is checked here, the
# state is checked again by the store inside the write's transaction.


def _actor(store, user: str | None, operator: str | None):
    """(User or None, recorded name): a signed-in account (known, enabled), or the server's operator."""
    from indicators import accounts

    if user is not None:
        account = accounts.active(store, user)
        return account, user
    if not operator:
        raise PermissionDenied("Chưa đăng nhập: không được thực hiện việc này.", "Đăng nhập bằng tài khoản được giao.")
    return None, accounts.operator(operator)


def _period(plan, period: str) -> str:
    periods.check_accepted(plan, period)
    return period


def approve(store, slug: str, period: str, *, user: str | None = None, operator: str | None = None) -> Approval:
    plan = store.plan(slug)
    _period(plan, period)
    account, actor = _actor(store, user, operator)
    require_approver(account, plan)
    return store.record_approval(slug, period, APPROVE, actor=actor)


def reopen(store, slug: str, period: str, reason: str | None, *, user: str | None = None,
           operator: str | None = None) -> Approval:
    plan = store.plan(slug)
    _period(plan, period)
    text = check_reason(reason, "mở lại kỳ")
    account, actor = _actor(store, user, operator)
    require_reopener(account, plan)
    return store.record_approval(slug, period, REOPEN, actor=actor, reason=text)


def set_autolock(store, slug: str, days, *, user: str | None = None, operator: str | None = None) -> int | None:
    plan = store.plan(slug)
    value = check_autolock_days(days)
    account, actor = _actor(store, user, operator)
    if account is not None and not account.is_admin:
        raise PermissionDenied(f"Tài khoản \"{account.name}\" không được đặt chế độ tự khóa kỳ.",
                               "Việc này cần tài khoản quản trị.")
    store.set_autolock_days(plan.slug, value, actor=actor)
    return value


def withdraw(store, slug: str, period: str, agency: str, code: str, reason: str | None, *, category: str | None = None,
             user: str | None = None, operator: str | None = None) -> dict:
    """Withdraw a reported value (the agency's current value of a target, or of one of its
    categories, for a period). Returns the withdrawn payload."""
    plan = store.plan(slug)
    _period(plan, period)
    text = check_reason(reason, "rút lại số liệu")
    targets = {t.code: t for t in store.targets(slug)}
    if code not in targets:
        raise UsageError(f"Kế hoạch {slug} không có chỉ tiêu đo lường được mã \"{code}\".",
                         f"Xem danh sách bằng lệnh: targets {slug}")
    if category is not None and category not in targets[code].category_names:
        raise UsageError(f"Chỉ tiêu {code} không phân tổ theo \"{category}\".",
                         "Bỏ --category, hoặc ghi đúng tên phân tổ: " + (", ".join(targets[code].category_names) or "(không có)"))
    account, actor = _actor(store, user, operator)
    return store.withdraw(slug, period, agency, code, category, actor=actor, reason=text,
                          allowed=lambda submitter: may_withdraw(account, slug, submitter))
