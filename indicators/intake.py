"""Preview, then commit, a report read from a workbook. The single path every upload takes
(command line and upload page alike): a refused report writes nothing; a commit is one
transaction; unchanged values create no new version."""
from __future__ import annotations

from dataclasses import dataclass

from indicators import accounts, fmt
from indicators.errors import InputRefused, PermissionDenied
from indicators.store import Change


@dataclass(frozen=True)
class Preview:
    changes: list[Change]

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


def refuse_if_problems(parsed) -> None:
    if parsed.problems:
        raise InputRefused(
            f"Tệp {parsed.file_name} bị từ chối: {len(parsed.problems)} lỗi. Chưa ghi gì vào cơ sở dữ liệu.",
            "Sửa các ô được nêu trong tệp rồi tải lên lại.", parsed.problems)


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


def preview(store, parsed, user: str | None = None, operator: str | None = None) -> Preview:
    refuse_if_problems(parsed)
    if user is not None:  # a preview writes nothing; a named user still learns at once if refused
        _who(store, parsed, user, operator)
    ident = parsed.identity
    return Preview(store.diff(ident.plan, ident.agency, ident.period, parsed.rows))


def commit(store, parsed, user: str | None = None, operator: str | None = None) -> tuple[int, dict[str, int]]:
    """Write the whole report as one submission, or nothing."""
    refuse_if_problems(parsed)
    actor = _who(store, parsed, user, operator)
    ident = parsed.identity
    return store.record_submission(ident.plan, ident.agency, ident.period, parsed.rows, actor=actor,
                                   file_name=parsed.file_name, checksum=parsed.checksum, source="excel")
