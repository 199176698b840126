"""Tình hình báo cáo: each expected report of a plan and period, its deadline and state;
completeness (received / expected) and timeliness (received by the deadline / expected)."""
import pandas as pd
import streamlit as st

from indicators import charts, cycle, fmt, periods, reminders, reporting
from loaders.exports import reminders as files
from pages import auth, ui


def _approval_panel(slug: str, period: str, a, plan) -> None:
    """The period's approval (docs/reporting-cycle.md): its state for everyone; approve for the
    standing agency's staff and administrators, reopen (with a reason) and autolock for administrators."""
    if a is None:
        return
    user = auth.current_user()
    label = periods.label(period)
    if a.locked:  # the state itself is under the page header (ui.approval_line)
        st.caption("Kỳ đã duyệt: không nhận thêm báo cáo, không rút lại số liệu. Quản trị có thể mở lại kèm lý do.")
    if user is None:
        return
    if not a.locked and cycle.may_approve(user, plan):
        with st.popover(f"Duyệt số liệu kỳ {label}", icon=":material/lock:"):
            st.markdown(f"Sau khi duyệt, mọi báo cáo cho kỳ **{label}** bị từ chối cho đến khi quản trị mở lại kỳ.")
            if st.button(f"Xác nhận duyệt số liệu kỳ {label}", type="primary", key=f"approve_{slug}_{period}"):
                with ui.guard():
                    cycle.approve(ui.store(), slug, period, user=user.name)
                st.rerun()
    if a.locked and user.is_admin:
        with st.popover(f"Mở lại kỳ {label}", icon=":material/lock_open:"):
            reason = st.text_input("Lý do mở lại (bắt buộc, ghi vào nhật ký)", max_chars=cycle.REASON_MAX,
                                   key=f"reopen_reason_{slug}_{period}")
            if st.button("Mở lại kỳ", type="primary", key=f"reopen_{slug}_{period}"):
                with ui.guard():
                    cycle.reopen(ui.store(), slug, period, reason, user=user.name)
                st.rerun()
    if user.is_admin:
        with st.expander("Tự khóa kỳ sau hạn nộp"):
            days = ui.store().autolock_days(slug)
            on = st.toggle("Tự khóa mỗi kỳ sau hạn nộp", value=days is not None, key=f"autolock_on_{slug}")
            n = st.number_input("Số ngày sau hạn nộp", min_value=0, max_value=cycle.AUTOLOCK_MAX_DAYS, step=1,
                                value=days if days is not None else 15, disabled=not on, key=f"autolock_days_{slug}")
            if st.button("Lưu cài đặt tự khóa", key=f"autolock_save_{slug}"):
                with ui.guard():
                    cycle.set_autolock(ui.store(), slug, int(n) if on else None, user=user.name)
                st.success("Đã lưu." if on else "Đã tắt tự khóa: kỳ chỉ khóa khi được duyệt.")


slug, period = ui.header("Tình hình báo cáo")
with ui.guard():
    plan = ui.plan(slug)
    every = ui.expected_reports(slug)
today = ui.today()
order = {reporting.MISSING: 0, reporting.LATE: 1, reporting.NOT_DUE: 2, reporting.ON_TIME: 3}
mine = sorted((r for r in every if r.period == period),
              key=lambda r: (order[r.state], -(r.days_late or 0), reporting.vi_key(r.agency)))
s = reporting.summarise(mine)

st.markdown(f"#### Kỳ {periods.label(period)} — hạn nộp {fmt.day(plan.period(period).deadline)}")
st.caption(f"Tính đến ngày {fmt.day(today)}. Phải nộp: mỗi cơ quan chủ trì hoặc phối hợp ít nhất một chỉ tiêu, mỗi kỳ "
           "một báo cáo. Nộp trong ngày hạn vẫn là đúng hạn; lần nộp đầu tiên quyết định đúng hạn hay muộn.")
approvals = ui.approvals(slug)
_approval_panel(slug, period, approvals.get(period), plan)

c = st.columns(4)
c[0].metric("Phải nộp", s.expected, border=True)
c[1].metric("Đã nhận", s.received, border=True)
c[2].metric("Tỷ lệ đầy đủ", fmt.percent(s.completeness), border=True, help="Số báo cáo đã nhận / số báo cáo phải nộp")
c[3].metric("Tỷ lệ đúng hạn", fmt.percent(s.timeliness), border=True,
            help="Số báo cáo nhận trong hạn (kể cả ngày hạn) / số báo cáo phải nộp")
st.markdown('<div class="chips">' + "".join(ui.state_chip(x, s.count(x)) for x in reporting.STATES) + "</div>",
            unsafe_allow_html=True)
st.write("")
full = pd.DataFrame([{"Cơ quan": r.agency, "Vai trò": ", ".join(reporting.ROLE_LABEL[x] for x in r.roles),
                      "Trạng thái": reporting.STATE_LABEL[r.state], "Số ngày quá hạn": r.days_late,
                      "Nhận lần đầu": fmt.moment(r.received_at), "Số lần nộp": r.submissions,
                      "Tệp gần nhất": r.file_name or ""} for r in mine]) if len(mine) > ui.TABLE_ROWS else None
shown = ui.capped(mine, "báo cáo", full, f"tinh-hinh-bao-cao-{slug}-{period}")
ui.html_table(["Cơ quan", "Vai trò", "Trạng thái", "Số ngày quá hạn", "Nhận lần đầu", "Số lần nộp", "Tệp gần nhất"], [
    [f"<b>{ui.esc(r.agency)}</b>", ", ".join(reporting.ROLE_LABEL[x] for x in r.roles), ui.state_chip(r.state),
     str(r.days_late) if r.days_late is not None else "—", fmt.moment(r.received_at), str(r.submissions),
     ui.esc(r.file_name or "—") + ui.demo_tag(r.is_demo)] for r in shown],
    row_attrs=[f'data-agency="{ui.esc(r.agency)}" data-state="{r.state}"' for r in shown],
    widths=[27, 11, 20, 9, 13, 7, 13], num_cols=(3, 5))
st.caption("Số ngày quá hạn: với báo cáo nộp muộn là số ngày trễ khi nộp; với báo cáo chưa nộp là số ngày đã quá hạn "
           f"tính đến hôm nay. {fmt.DEMO_TAG}: báo cáo thuộc dữ liệu minh họa (vẫn được tính).")

others = [x for x in reporting.unexpected_submissions(plan, ui.targets(slug), ui.submissions(slug)) if x["period"] == period]
if others:
    st.caption("Báo cáo của đơn vị không phụ trách chỉ tiêu nào (không tính vào tỷ lệ): " + "; ".join(
        f"{x['agency']} ({fmt.moment(x['received_at'])})" for x in others))

st.markdown("#### Mọi kỳ của kế hoạch")
summaries = reporting.by_period(every)
ui.html_table(["Kỳ", "Hạn nộp", "Phải nộp", "Đã nhận", "Trạng thái các báo cáo", "Tỷ lệ đầy đủ", "Tỷ lệ đúng hạn",
               "Duyệt số liệu"], [
    [periods.label(p).capitalize(), fmt.day(plan.period(p).deadline), str(x.expected), str(x.received),
     '<div class="chips">' + "".join(ui.state_chip(k, x.count(k)) for k in reporting.STATES if x.count(k)) + "</div>",
     fmt.percent(x.completeness), fmt.percent(x.timeliness),
     ui.approval_chip(approvals[p]) if p in approvals else "—"] for p, x in summaries.items()],
    row_attrs=[f'data-period="{p}"' for p in summaries], widths=[15, 10, 8, 8, 29, 10, 10, 10], num_cols=(2, 3, 5, 6))
fig = charts.report_states(summaries, title="Báo cáo theo kỳ")
ui.chart(fig, charts.file_name("tình hình báo cáo", slug), key="report_states")


# ---------------------------------------------------------------------------------------------
# Nhắc báo cáo (issue 15): on a chosen date, what each agency has missing, due soon or handed in
# late (indicators/reminders.py: exactly the states of the table above for that date), with its
# contact; the Excel list, the letters, one agency's letter to copy. Signed-in people only: the
# contacts are people's telephone numbers and addresses.


def _reminder_chip(state: str, count: int | None = None) -> str:
    color = reporting.STATE_COLOR[state]
    n = f" <b>{count}</b>" if count is not None else ""
    return (f'<span class="chip" data-reminder="{state}" style="background:{color};color:{charts.text_on(color)}">'
            f"{reminders.SYMBOL[state]} {reminders.LABEL[state]}{n}</span>")


def _contact_editor(slug: str, plan, user) -> None:
    """Administrators record an agency's contact (indicators/reminders.set_contact: checked, audited)."""
    with st.expander("Ghi thông tin liên hệ của cơ quan (quản trị)"):
        names = reminders.contact_agencies(plan, ui.store().registered_units(slug))
        agency = st.selectbox("Cơ quan", names, key=f"remind_contact_agency_{slug}")
        now = ui.store().agency_contacts(plan.scope).get(agency) or {}
        k = f"{slug}_{fmt.ascii_slug(agency)}"
        with st.form(f"remind_contact_form_{k}"):
            person = st.text_input("Người liên hệ (họ tên, chức vụ)", value=now.get("person") or "",
                                   max_chars=reminders.PERSON_MAX, key=f"remind_person_{k}")
            phone = st.text_input("Điện thoại", value=now.get("phone") or "", max_chars=reminders.PHONE_MAX,
                                  key=f"remind_phone_{k}")
            email = st.text_input("Thư điện tử", value=now.get("email") or "", max_chars=reminders.EMAIL_MAX,
                                  key=f"remind_email_{k}")
            st.caption("Để trống cả ba mục rồi lưu để xóa thông tin liên hệ. Mọi thay đổi được ghi vào nhật ký.")
            if st.form_submit_button("Lưu thông tin liên hệ", type="primary", key=f"remind_save_{k}"):
                with ui.guard():
                    clean, changed = reminders.set_contact(ui.store(), slug, agency, person=person, phone=phone,
                                                           email=email, user=user.name)
                st.session_state["_remind_notice"] = (
                    f"Thông tin liên hệ của {clean.agency} không đổi." if not changed else
                    f"Đã xóa thông tin liên hệ của {clean.agency}." if clean.empty else
                    f"Đã lưu thông tin liên hệ của {clean.agency}.")
                st.rerun()


def _reminders_section(slug: str, plan) -> None:
    st.markdown("#### Nhắc báo cáo")
    user = auth.current_user()
    if user is None:
        st.caption("Đăng nhập để xem danh sách nhắc báo cáo, thông tin liên hệ của các cơ quan và thư nhắc.")
        return
    notice = st.session_state.pop("_remind_notice", None)
    if notice:
        st.success(notice)
    c = st.columns([1.3, 1.3, 3])
    on = c[0].date_input("Tính đến ngày", value=ui.today(), format="DD/MM/YYYY", key=f"remind_date_{slug}")
    days = c[1].number_input("Sắp đến hạn trong (ngày)", min_value=0, max_value=reminders.MAX_DAYS, step=1,
                             value=reminders.DEFAULT_DAYS, key=f"remind_days_{slug}")
    with ui.guard():
        rem = reminders.build(plan, ui.targets(slug), ui.submissions(slug), on, days=int(days),
                              contacts=ui.store().agency_contacts(plan.scope), users=ui.store().users(),
                              has_demo=ui.has_demo(slug))
    st.caption(f"Mọi kỳ của kế hoạch, tính đến ngày {fmt.day(on)}: báo cáo chưa nộp đã quá hạn, báo cáo chưa nộp có hạn "
               f"trong {fmt.num(rem.days)} ngày tới, và báo cáo đã nộp muộn — đúng các trạng thái của bảng trên khi tính "
               "đến ngày này." + (" Ngày đã qua: tính theo các báo cáo đã nhận đến hôm nay." if on < ui.today() else ""))
    counts = rem.counts()
    st.markdown('<div class="chips">' + "".join(_reminder_chip(s, counts[s]) for s in reminders.ORDER) + "</div>",
                unsafe_allow_html=True)
    st.write("")
    if not rem.agencies:
        st.success("Không có báo cáo nào quá hạn chưa nộp, nộp muộn hay sắp đến hạn.")
    else:
        shown, rows = [], 0
        for a in rem.agencies:  # whole agencies, up to the longest table a page draws
            if shown and rows + len(a.items) > ui.TABLE_ROWS:
                break
            shown.append(a)
            rows += len(a.items)
        if len(shown) < len(rem.agencies):
            st.caption(f"Hiển thị {fmt.num(len(shown))} trên {fmt.num(len(rem.agencies))} cơ quan; "
                       "tải danh sách Excel để có đủ.")
        groups = []
        for a in shown:
            who = f"liên hệ: {ui.esc(a.contact.text)}" if a.contact else "liên hệ: <i>chưa ghi</i>"
            if a.accounts:
                who += f"; tài khoản: {ui.esc('; '.join(x.text for x in a.accounts))}"
            groups.append((f"<b>{ui.esc(a.agency)}</b> <span class=\"why\">— {who}</span>",
                           f'data-agency="{ui.esc(a.agency)}"',
                           [[periods.label(i.period).capitalize(), fmt.day(i.due) + ("" if i.deadline else " (hết kỳ)"),
                             _reminder_chip(i.state), ui.esc(i.days_text) + ui.demo_tag(i.is_demo)] for i in a.items],
                           [f'data-reminder-agency="{ui.esc(a.agency)}" data-period="{i.period}" data-state="{i.state}"'
                            for i in a.items]))
        ui.group_table(["Kỳ báo cáo", "Hạn nộp", "Tình trạng", "Ghi chú"], groups, widths=[28, 16, 24, 32])
    d = st.columns(2)
    d[0].download_button("⬇ Danh sách nhắc báo cáo (Excel)", lambda: files.excel(rem),
                         file_name=files.file_name(rem, "xlsx"), mime=files.XLSX_MIME, key=f"remind_xlsx_{slug}",
                         on_click="ignore")
    d[1].download_button("⬇ Thư nhắc từng cơ quan (.zip, mỗi cơ quan một tệp .txt)", lambda: files.texts_zip(rem),
                         file_name=files.file_name(rem, "zip"), mime=files.ZIP_MIME, key=f"remind_zip_{slug}",
                         on_click="ignore", disabled=not rem.agencies)
    if rem.agencies:
        names = [a.agency for a in rem.agencies]
        chosen = st.selectbox("Thư nhắc cho cơ quan", names, key=f"remind_agency_{slug}")
        a = rem.agency(chosen)
        text = reminders.letter(rem, a)
        st.code(text, language=None, wrap_lines=True)
        name, data = files.letter_bytes(rem, chosen)
        st.download_button("⬇ Tải thư này (.txt)", data, file_name=name, mime="text/plain", key=f"remind_txt_{slug}",
                           on_click="ignore")
    if user.is_admin:
        _contact_editor(slug, plan, user)


_reminders_section(slug, plan)
