"""Nộp báo cáo: choose agency and period, download the template, upload the filled file, see the
preview (new / changed / unchanged, every problem with its cell), confirm, see the result."""
import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from indicators import fmt, intake, periods
from loaders.templates import Identity, agency_targets, template_for
from loaders.workbooks import read_report
from pages import auth, ui

ui.style()
st.title("Nộp báo cáo")
user = auth.require_user()
slug = ui.choose_plan()
ui.demo_banner(slug)
store = ui.store()
plan = ui.plan(slug)
targets = ui.targets(slug)
agencies = user.reportable(slug, [a for a in plan.all_agencies() if agency_targets(targets, a)])
if not agencies:
    st.warning(f"Tài khoản **{ui.esc(user.name)}** không được giao báo cáo cho cơ quan nào của kế hoạch này. "
               "Chọn kế hoạch khác, hoặc nhờ quản trị giao cơ quan.")
    st.stop()
cols = st.columns([3, 2])
agency = cols[0].selectbox("Cơ quan báo cáo", agencies, key=f"upload_agency_{slug}")
codes = plan.accepted_periods()
deadline = {p.code: p.deadline for p in plan.periods}


def period_label(code: str) -> str:
    text = periods.label(code).capitalize()
    if periods.is_baseline(code, plan):
        return f"{text} (kỳ cơ sở, không có hạn)"
    return f"{text} — hạn {fmt.day(deadline[code])}" if deadline.get(code) else f"{text} (không có hạn)"


kept = st.session_state.setdefault("_period", {}).get(slug)
period = cols[1].selectbox("Kỳ báo cáo", codes, index=codes.index(kept) if kept in codes else min(1, len(codes) - 1),
                           format_func=period_label, key=f"upload_period_{slug}")

st.subheader("1. Tải biểu mẫu")
mine = agency_targets(targets, agency)
st.markdown(f"Biểu mẫu gồm **{len(mine)} chỉ tiêu** mà **{ui.esc(agency)}** chủ trì hoặc phối hợp, điền sẵn số đã "
            f"báo cáo cho kỳ {periods.label(period)} (nếu có). Chỉ điền các ô màu vàng.")
name = f"bao-cao-{slug}-{period}.xlsx"
with ui.guard():
    st.download_button("⬇ Tải biểu mẫu Excel", data=partial(lambda *a: template_for(*a)[1], store, slug, agency, period),
                       file_name=name, mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", type="primary")

st.subheader("2. Tải lên biểu mẫu đã điền")
upload = st.file_uploader("Chọn tệp .xlsx (hoặc .ods) đã điền", key=f"upload_file_{slug}_{agency}_{period}",
                          help="Hệ thống kiểm tra mọi ô trước; tệp có lỗi không được ghi.")
if upload is None:
    st.stop()

data = upload.getvalue()
expected = Identity(slug, agency, period)
# Read once per uploaded file: every click on this page reruns it, and reading runs a child process.
token = (hashlib.sha256(data).hexdigest(), upload.name, expected, store.data_version())
cached = st.session_state.get("_upload_read")
if cached is None or cached[0] != token:
    cached = (token, read_report(data, upload.name, store, expected=expected, owner=user.name))
    st.session_state["_upload_read"] = cached  # only the latest file is kept
parsed = cached[1]
for w in parsed.warnings:
    st.info(f"Lưu ý — {w}")
if not parsed.ok:
    st.error(f"Tệp **{ui.esc(upload.name)}** bị từ chối: {len(parsed.problems)} lỗi. Chưa ghi gì vào cơ sở dữ liệu. "
             + intake.fix_hint(parsed.problems))
    ui.dataframe(pd.DataFrame([{"Vị trí": p.where, "Lỗi": p.message, "Cách sửa": p.hint} for p in parsed.problems]),
                 status_columns=())
    st.stop()

st.subheader("3. Xem trước")
by_code = {t.code: t for t in targets}
with ui.guard():
    preview = intake.preview(store, parsed, user=user.name)
counts = preview.counts()
st.markdown(f"**{counts['new']}** chỉ tiêu mới · **{counts['changed']}** thay đổi · **{counts['unchanged']}** "
            f"không đổi · **{parsed.blank}** để trống (chưa báo cáo)")
rows = []
for c in preview.changes:
    t = by_code[c.code]
    before, after = intake.describe_pair(c.old, c.new, t.unit)
    rows.append({"Mã": c.code, **({"Đơn vị": c.agency} if c.agency != agency else {}),
                 "Nội dung chỉ tiêu": t.text + (f" — phân tổ {c.category}" if c.category else ""),
                 "Thay đổi": intake.KIND_VI[c.kind].capitalize(), "Trước": before, "Sau": after})
ui.dataframe(pd.DataFrame(rows), status_columns=())

# Plausibility warnings: each needs a decision, the suggested correction or a confirmation.
decisions: dict[str, str] = {}
if preview.warnings:
    st.warning(f"**{len(preview.warnings)} số liệu bất thường** cần kiểm tra trước khi ghi. Chọn cho từng số: sửa theo "
               "gợi ý, hoặc xác nhận số liệu đúng như trong tệp (lựa chọn được ghi vào nhật ký).")
    for i, w in enumerate(preview.warnings):
        options = (["fix"] if w.suggested is not None else []) + ["keep"]
        labels = {"fix": f"Sửa thành {fmt.with_unit(w.suggested, w.unit, 3)}" if w.suggested is not None else "",
                  "keep": f"Giữ {fmt.with_unit(w.value, w.unit, 3)} (tôi xác nhận số này đúng)"}
        choice = st.radio(f"**{ui.esc(w.where)}** — {ui.esc(w.message)}", options, index=None,
                          format_func=labels.get, key=f"warn_{parsed.checksum}_{i}")
        if choice:
            decisions[w.key] = choice

done_key = f"_committed_{parsed.checksum}_{agency}_{period}"
if st.session_state.get(done_key):
    sub_id, written = st.session_state[done_key]
    st.success(f"Đã ghi báo cáo số {sub_id}: {written['new']} mới, {written['changed']} thay đổi, "
               f"{written['unchanged']} không đổi. Mọi trang đã cập nhật số liệu mới.")
    st.page_link("pages/overview.py", label="Xem Tổng quan", icon=":material/dashboard:")
    st.stop()
if counts["new"] + counts["changed"] == 0:
    st.info("Không có số liệu mới hay thay đổi so với số đã lưu; vẫn có thể ghi để lưu lại lần nộp này.")
undecided = len(preview.warnings) - len(decisions)
if undecided:
    st.caption(f"Còn {undecided} số liệu bất thường chưa chọn cách xử lý.")
if st.button("✔ Xác nhận ghi báo cáo", type="primary", disabled=bool(undecided)):
    with ui.guard():
        sub_id, written = intake.commit(store, parsed, user=user.name, decisions=decisions)
    st.session_state[done_key] = (sub_id, written)
    if period in deadline:  # the other pages open on the period just reported
        st.session_state.setdefault("_period", {})[slug] = period
    st.rerun()
