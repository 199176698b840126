"""Screens of the reporting cycle shared by pages (docs/reporting-cycle.md): withdrawing a value
on the target page, the rows an upload would bring back after a withdrawal, a version's validity.
Every rule is the core's (indicators/cycle.py, intake.py); these only draw and collect input."""
from __future__ import annotations

import streamlit as st

from indicators import cycle, fmt, intake, periods
from pages import auth, ui


def validity(v: dict) -> str:
    """The "Hiệu lực" cell of a version (store.history row): current, superseded, or withdrawn."""
    if v.get("withdrawn_at") is not None:
        return (f"Đã rút lại lúc {fmt.moment(v['withdrawn_at'])} bởi {ui.esc(v['withdrawn_by'])}"
                f'<div class="why">Lý do: {ui.esc(v["withdrawn_reason"])}</div>')
    if v["superseded_at"] is None:
        return "Hiện hành"
    return f"Đã được thay thế lúc {fmt.moment(v['superseded_at'])}"


def withdraw_section(slug: str, target, period: str, versions: list[dict]) -> None:
    """"Rút lại số liệu": the signed-in person's withdrawable current values of this target for the
    period (those of agencies they report for, or any for an administrator), a reason, a button."""
    note = st.session_state.pop("_withdrawn_note", None)
    if note:
        st.success(note)
    user = auth.current_user()
    if user is None or user.role == "leader":
        return
    mine = [v for v in versions if v["period"] == period and v["superseded_at"] is None
            and cycle.may_withdraw(user, slug, v.get("submitted_for") or v["agency"])]
    if not mine:
        return
    approval = ui.store().approval(slug, period)
    with st.expander(f"Rút lại số liệu đã báo cáo kỳ {periods.label(period)}"):
        if approval.locked:
            st.info(f"Kỳ {periods.label(period)} {approval.note}. Đề nghị quản trị mở lại kỳ nếu cần rút lại số liệu.")
            return
        st.caption("Rút lại khi số liệu đã nộp là sai mà chưa có số đúng. Số liệu rút lại vẫn giữ trong lịch sử; "
                   "chỉ tiêu được tính lại như chưa báo cáo. Để trống ô trong biểu mẫu không rút lại số liệu.")

        def label(i: int) -> str:
            v = mine[i]
            value = fmt.actual(v["text_value"] if target.kind == "milestone" else v["value"], target.unit)
            return f"{v['agency']}" + (f" — phân tổ {v['category']}" if v["category"] else "") + f": {value}"

        pick = st.selectbox("Số liệu cần rút lại", range(len(mine)), format_func=label, key=f"withdraw_pick_{slug}_{target.code}")
        reason = st.text_input("Lý do rút lại (bắt buộc, ghi vào nhật ký)", max_chars=cycle.REASON_MAX,
                               key=f"withdraw_reason_{slug}_{target.code}")
        if st.button("Rút lại số liệu này", key=f"withdraw_{slug}_{target.code}"):
            v = mine[pick]
            with ui.guard():
                cycle.withdraw(ui.store(), slug, period, v["agency"], target.code, reason, category=v["category"],
                               user=user.name)
            st.session_state["_withdrawn_note"] = f"Đã rút lại số liệu: {label(pick)}."
            st.rerun()


def held_rows(preview: intake.Preview, units: dict[str, str], key: str) -> bool:
    """The rows an upload would bring back after a withdrawal, and the person's choice to write
    them again (False: they are left out, as the preview already shows). `units`: code -> unit."""
    if not preview.held:
        return False
    st.warning(f"**{len(preview.held)} số liệu** trong tệp trùng với số đã được rút lại trước đây (có thể là tệp cũ). "
               "Các số này **không được ghi** trừ khi bạn chọn ghi lại.")
    ui.html_table(["Mã", "Cơ quan / đơn vị", "Số trong tệp", "Đã rút lại", "Lý do rút lại"], [
        [ui.esc(h.code), ui.esc(h.agency) + (f'<div class="why">phân tổ: {ui.esc(h.category)}</div>' if h.category else ""),
         ui.esc(intake.describe(h.new, units.get(h.code, ""))), f"{fmt.moment(h.at)} — {ui.esc(h.by)}", ui.esc(h.reason)]
        for h in preview.held], widths=[8, 24, 16, 22, 30])
    return st.checkbox("Tôi muốn ghi lại các số liệu đã rút này (việc ghi lại được ghi vào nhật ký)", key=key)
