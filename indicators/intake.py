"""Preview, then commit, a report read from a workbook. The single path every upload takes
(command line and upload page alike): a refused report writes nothing; a commit is one
transaction; unchanged values create no new version."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from indicators import accounts, cycle, fmt, periods, plausibility, scopes
from indicators.errors import InputRefused, PermissionDenied
from indicators.submission import Change


@dataclass(frozen=True)
class Held:
    """A row that would bring back a value withdrawn earlier (the same value, nothing reported
    since): held back unless the person says they mean it (docs/reporting-cycle.md)."""

    code: str
    agency: str
    category: str | None
    new: dict
    reason: str
    by: str
    at: object
    where: str | None = None


@dataclass(frozen=True)
class Preview:
    changes: list[Change]
    warnings: list[plausibility.Warning_] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)  # withdrawn values the file brings back

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0}
        for c in self.changes:
            out[c.kind] += 1
        return out


KIND_VI = {"new": "mới", "changed": "thay đổi", "unchanged": "không đổi"}


def describe(payload: dict | None, unit: str) -> str:
    if payload is None:
        return "—"
    if payload.get("text"):
        return payload["text"]
    text = fmt.with_unit(payload.get("value"), unit)
    if payload.get("numerator") is not None:
        text += f" ({fmt.num(payload['numerator'])}/{fmt.num(payload['denominator'])})"
    return text


def describe_pair(old: dict | None, new: dict, unit: str) -> tuple[str, str]:
    """(before, after) as shown in a preview; a change of the note alone shows the notes, so a row
    never reads "0,99% → 0,99%"."""
    before, after = describe(old, unit), describe(new, unit)
    if old is not None and before == after and (old.get("note") or "") != (new.get("note") or ""):
        before += f" · ghi chú: {old.get('note') or '(trống)'}"
        after += f" · ghi chú: {new.get('note') or '(trống)'}"
    return before, after


def fix_hint(problems) -> str:
    """What to do, depending on whether the problems name cells."""
    if any("!" in (p.where or "") for p in problems):
        return "Sửa các ô được nêu trong tệp rồi tải lên lại."
    return "Làm theo cách sửa ghi ở từng lỗi rồi tải lên lại."


def refuse_if_problems(parsed) -> None:
    if parsed.problems:
        raise InputRefused(
            f"Tệp {parsed.file_name} bị từ chối: {len(parsed.problems)} lỗi. Chưa ghi gì vào cơ sở dữ liệu.",
            fix_hint(parsed.problems), parsed.problems)


def warnings(store, parsed) -> list[plausibility.Warning_]:
    """The plausibility warnings of a report's rows (indicators/plausibility.py)."""
    ident = parsed.identity
    plan = store.plan(ident.plan)
    order = sorted(plan.accepted_periods(), key=periods.sort_key)
    up_to = order[:order.index(ident.period) + 1] if ident.period in order else [ident.period]
    reporters = sorted({r.agency or ident.agency for r in parsed.rows})
    latest = store.latest_values(ident.plan, reporters, up_to)
    targets = {t.code: t for t in store.targets(ident.plan)}
    out = []
    for row in parsed.rows:
        w = plausibility.check(targets[row.code], row, latest.get((row.agency or ident.agency, row.code, row.category)), ident.agency)
        if w is not None:
            out.append(w)
    return out


def apply_decisions(store, parsed, decisions: dict[str, str]) -> list[tuple[str, str, dict]]:
    """Settle every warning: decisions maps a warning's key to "fix" (take the suggested value)
    or "keep" (the person confirms the value as it is). Rows are corrected in place; returns the
    audit notes. A warning left without a decision refuses the whole file."""
    notes: list[tuple[str, str, dict]] = []
    fixes: dict[str, float] = {}
    open_ones = []
    for w in warnings(store, parsed):
        choice = decisions.get(w.key)
        if choice == "fix" and w.suggested is not None:
            fixes[w.key] = w.suggested
            notes.append(("warning.corrected", w.key, {**w.as_dict(), "written": w.suggested}))
        elif choice in ("keep", "fix"):
            notes.append(("warning.confirmed", w.key, {**w.as_dict(), "written": w.value}))
        else:
            open_ones.append(w)
    if open_ones:
        from indicators.errors import Problem

        raise InputRefused(f"Tệp {parsed.file_name}: {len(open_ones)} số liệu bất thường cần xác nhận. Chưa ghi gì vào cơ sở dữ liệu.",
                           "Kiểm tra từng ô: sửa trong tệp rồi tải lên lại, hoặc xác nhận số liệu là đúng "
                           "(trang Nộp báo cáo: chọn cho từng cảnh báo; dòng lệnh: thêm --accept-warnings).",
                           [Problem(w.where, w.message) for w in open_ones])
    if fixes:
        keys = [plausibility.key_of(r.agency or parsed.identity.agency, r.code, r.category) for r in parsed.rows]
        parsed.rows = [replace(r, value=fixes[k]) if k in fixes else r for r, k in zip(parsed.rows, keys)]
    return notes


def _who(store, parsed, user: str | None, operator: str | None) -> str:
    """The account the write is recorded under, after the core's own permission check: a signed-in
    user must hold the agency; without a user, only the server's operator (the command line run on
    the machine itself, recorded as such) may write."""
    ident = parsed.identity
    if user is not None:
        holder = accounts.require_report(store, user, ident.plan, ident.agency)
        named = set(store.plan(ident.plan).all_agencies()) - set(store.plan(ident.plan).reporting_units)
        for agency in sorted({r.agency for r in parsed.rows if r.agency and r.agency != ident.agency}):
            # a compilation's rows are the communes' figures; a row for an agency of the plan is
            # that agency's own report, which only its holder may write
            if agency in named and not holder.may_report(ident.plan, agency):
                raise PermissionDenied(
                    f"Biểu tổng hợp có dòng của \"{agency}\", cơ quan mà tài khoản \"{user}\" không được giao báo cáo.",
                    "Biểu tổng hợp chỉ gồm số liệu của các đơn vị cấp dưới (xã, phường); mỗi cơ quan tự nộp báo cáo của mình.")
        return user
    if not operator:
        raise PermissionDenied("Chưa đăng nhập: không được nộp báo cáo.", "Đăng nhập bằng tài khoản cán bộ báo cáo.")
    return accounts.operator(operator)


def authorize(store, parsed) -> None:
    """The per-row rule of indicators/scopes.py, whoever uploads (page, command line, operator):
    refuses the whole file when any row is not the template agency's to report; unit names are
    spelt as on record afterwards."""
    ident = parsed.identity
    plan = store.plan(ident.plan)
    rows, problems = scopes.check_rows(plan, store.targets(ident.plan), store.registered_units(ident.plan),
                                       ident.agency, ident.kind, parsed.rows)
    if problems:
        raise InputRefused(f"Tệp {parsed.file_name} bị từ chối: {len(problems)} dòng không thuộc quyền báo cáo của "
                           f"{ident.agency}. Chưa ghi gì vào cơ sở dữ liệu.",
                           "Sửa hoặc xóa các dòng được nêu rồi tải lên lại.", problems)
    parsed.rows = rows


def refuse_if_locked(store, parsed) -> None:
    """An approved (locked) period takes no report: said before any preview (the store checks
    again when writing)."""
    ident = parsed.identity
    lock = store.approval(ident.plan, ident.period)
    if lock.locked:
        raise cycle.refusal(ident.plan, lock)


def held_rows(store, parsed) -> list[Held]:
    """Rows whose value equals a value withdrawn earlier for the same key (nothing reported since):
    re-uploading an old file must not bring it back unnoticed."""
    ident = parsed.identity
    reporters = sorted({r.agency or ident.agency for r in parsed.rows})
    withdrawn = store.withdrawn_values(ident.plan, reporters, ident.period) if parsed.rows else {}
    out = []
    for r in parsed.rows:
        w = withdrawn.get((r.agency or ident.agency, r.code, r.category))
        if w is None:
            continue
        new = {"value": r.value, "text": r.text, "numerator": r.numerator, "denominator": r.denominator, "note": r.note}
        if cycle.brings_back(w["payload"], new):
            out.append(Held(r.code, r.agency or ident.agency, r.category, new, w["reason"], w["by"], w["at"], r.where))
    return out


def _without_held(parsed, held: list[Held]) -> list:
    keys = {(h.agency, h.code, h.category) for h in held}
    return [r for r in parsed.rows if (r.agency or parsed.identity.agency, r.code, r.category) not in keys]


def preview(store, parsed, user: str | None = None, operator: str | None = None,
            restore_withdrawn: bool = False) -> Preview:
    """What the report would change. Rows bringing back a withdrawn value are listed in `held` and
    left out of `changes` unless `restore_withdrawn`."""
    refuse_if_problems(parsed)
    authorize(store, parsed)
    if user is not None:  # a preview writes nothing; a named user still learns at once if refused
        _who(store, parsed, user, operator)
    refuse_if_locked(store, parsed)
    ident = parsed.identity
    held = held_rows(store, parsed)
    rows = parsed.rows if restore_withdrawn else _without_held(parsed, held)
    return Preview(store.diff(ident.plan, ident.agency, ident.period, rows), warnings(store, parsed), held)


def commit(store, parsed, user: str | None = None, operator: str | None = None,
           decisions: dict[str, str] | None = None, restore_withdrawn: bool = False) -> tuple[int, dict[str, int]]:
    """Write the whole report as one submission, or nothing. Every plausibility warning needs a
    decision (see apply_decisions); decisions are audited with the submission. A withdrawn value the
    file brings back is written only with `restore_withdrawn` (counts["held"] says how many were not)."""
    refuse_if_problems(parsed)
    authorize(store, parsed)
    actor = _who(store, parsed, user, operator)
    refuse_if_locked(store, parsed)
    notes = apply_decisions(store, parsed, decisions or {})
    ident = parsed.identity
    # the store holds back (or, with restore_withdrawn, writes and audits) withdrawn values brought
    # back, inside its transaction: the same rule as held_rows, at the moment of writing
    return store.record_submission(ident.plan, ident.agency, ident.period, parsed.rows, actor=actor,
                                   file_name=parsed.file_name, checksum=parsed.checksum, source="excel",
                                   notes=notes, restore_withdrawn=restore_withdrawn)
