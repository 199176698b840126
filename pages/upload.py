"""Nộp báo cáo: download an agency's template, or the compilation (biểu tổng hợp) of an agency's
reporting units; upload the filled file. The page reads which plan, agency, period and kind the
file is for, says so and switches to it; then the preview (what changes first, and the status each
change produces, grouped by unit in a compilation), every problem with its cell, confirm, result.
Who may report what is the core's decision (accounts.require_report, intake)."""
import hashlib
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from indicators import accounts, fmt, intake, periods, scopes, status
from indicators.errors import PermissionDenied
from loaders.templates import Identity, agency_targets, template_for
from loaders.workbooks import file_identity, read_report
from pages import auth, cycle_ui, ui

KINDS = {"agency": "Báo cáo của cơ quan", "compilation": "Biểu tổng hợp các đơn vị"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST = {"new": 0, "changed": 1, "unchanged": 9}  # the preview leads with what changes


def compilation_units(plan, registered: list[tuple[str, str]], agency: str) -> list[str]:
    """The units a compilation by `agency` may carry (scopes.units_of): the plan's reporting units
    and the units registered for the agency, never one of the plan's own agencies."""
    own = scopes.plan_agency_keys(plan)
    return [name for key, name in scopes.units_of(plan, registered, agency).items() if key not in own]


def describe_file(ident: Identity, plan) -> str:
    """'Tệp này là báo cáo 6 tháng đầu năm 2026 của Sở Y tế — <plan title> (<issuer>).'"""
    what = "biểu tổng hợp các đơn vị" if ident.kind == "compilation" else "báo cáo"
    return f"Tệp này là {what} {periods.label(ident.period)} của {ident.agency} — {plan.title} ({plan.issuer})."


@dataclass(frozen=True)
class Line:
    """One row of the preview: a value the file brings, what it does, and the status it produces."""

    unit: str  # who reports it: the agency, or a unit of a compilation
    code: str
    kind: str  # new | changed | unchanged (the order of FIRST)
    text: str  # HTML: the target's text, clean, with the category
    before: str
    after: str
    effect: str  # HTML: the target's status now → once written; "—" when the row changes nothing
    moved: tuple[str, str] | None = None  # (status now, status after), for the CSV


def preview_lines(preview: intake.Preview, by_code: dict, transitions: dict[str, tuple[str, str]]) -> list[Line]:
    """The preview's rows, changes first (new, changed, then unchanged; file order within each)."""
    lines = []
    for c in preview.changes:
        t = by_code[c.code]
        before, after = intake.describe_pair(c.old, c.new, t.unit)
        moved = transitions.get(c.code) if c.kind != "unchanged" else None
        text = ui.esc(fmt.clean_text(t.text)) + (f'<div class="why">phân tổ: {ui.esc(c.category)}</div>' if c.category else "")
        lines.append(Line(c.agency, c.code, c.kind, text, before, after, ui.transition(*moved) if moved else "—", moved))
    return sorted(lines, key=lambda x: FIRST.get(x.kind, 5))


def counts_text(lines: list[Line]) -> str:
    n = {k: sum(1 for x in lines if x.kind == k) for k in FIRST}
    return " · ".join(f"{n[k]} {intake.KIND_VI[k]}" for k in FIRST)


def draw_preview(lines: list[Line], compilation: bool, period: str, file_name: str) -> None:
    """The preview table (wrapped); a compilation's rows under a heading per unit with its counts,
    units with changes first."""
    headers = ["Mã", "Nội dung chỉ tiêu", "Thay đổi", "Trước", "Sau", f"Tình trạng chỉ tiêu kỳ {periods.label(period)}"]
    widths = [6, 34, 9, 14, 14, 23]
    full = pd.DataFrame([{"Đơn vị": x.unit, "Mã": x.code, "Thay đổi": intake.KIND_VI[x.kind], "Trước": x.before,
                          "Sau": x.after, "Tình trạng trước": status.LABEL[x.moved[0]] if x.moved else "",
                          "Tình trạng sau": status.LABEL[x.moved[1]] if x.moved else ""} for x in lines])
    if compilation:
        units = list(dict.fromkeys(x.unit for x in lines))
        changed = {x.unit for x in lines if x.kind != "unchanged"}
        units.sort(key=lambda u: u not in changed)  # stable: file order otherwise
        order = {u: i for i, u in enumerate(units)}
        lines = sorted(lines, key=lambda x: order[x.unit])  # stable: changes first within a unit
    shown = ui.capped(lines, "dòng", full=full, file_name=f"xem-truoc-{file_name.rsplit('.', 1)[0]}")

    def cells(x: Line) -> list[str]:
        return [ui.esc(x.code), x.text, intake.KIND_VI[x.kind].capitalize(), ui.num_html(x.before), ui.num_html(x.after),
                x.effect]

    def attrs(x: Line) -> str:
        return f'data-code="{ui.esc(x.code)}" data-unit="{ui.esc(x.unit)}" data-kind="{x.kind}"'

    if not compilation:
        ui.html_table(headers, [cells(x) for x in shown], row_attrs=[attrs(x) for x in shown], widths=widths, code_col=0)
        return
    groups = []
    for unit in dict.fromkeys(x.unit for x in shown):
        mine = [x for x in shown if x.unit == unit]
        every = [x for x in lines if x.unit == unit]
        groups.append((f"<b>{ui.esc(unit)}</b> — {counts_text(every)}",
                       f'data-group="{ui.esc(unit)}" data-changes="{sum(1 for x in every if x.kind != "unchanged")}"',
                       [cells(x) for x in mine], [attrs(x) for x in mine]))
    ui.group_table(headers, groups, widths=widths, code_col=0)


ui.style()
st.title("Nộp báo cáo")
user = auth.require_user()
store = ui.store()
follow = st.session_state.pop("_upload_follow", None)  # the file read on the last run is for another choice
if follow is not None and follow.plan != st.session_state.get("_plan"):
    st.session_state["_plan"] = follow.plan
    st.session_state.pop("plan_select", None)  # drawn anew on the file's plan (ui.choose_plan reads _plan)
slug = ui.choose_plan()
ui.demo_banner(slug)
plan = ui.plan(slug)
targets = ui.targets(slug)
registered = store.registered_units(slug)
own = scopes.plan_agency_keys(plan)
units_of = {a: compilation_units(plan, registered, a) for a in plan.all_agencies() if scopes.name_key(a) in own}
choices = {"agency": user.reportable(slug, [a for a in plan.all_agencies() if agency_targets(targets, a)]),
           "compilation": user.reportable(slug, [a for a, units in units_of.items() if units])}
kinds = [k for k, names in choices.items() if names]
if not kinds:
    st.warning(f"Tài khoản **{ui.esc(user.name)}** không được giao báo cáo cho cơ quan nào của kế hoạch này. "
               "Chọn kế hoạch khác, hoặc nhờ quản trị giao cơ quan.")
    st.stop()


def widget_value(key: str, value, options: list) -> bool:
    """Put the followed file's choice into a widget before it is drawn. True when the widget holds a
    value (its index is then ignored: pass 0, so Streamlit does not warn about two defaults)."""
    if value is not None and value in options:
        st.session_state[key] = value
    return key in st.session_state


kind_key = f"upload_kind_{slug}"
widget_value(kind_key, follow.kind if follow else None, kinds)
if len(kinds) > 1:
    kind = st.radio("Loại báo cáo", kinds, format_func=KINDS.get, horizontal=True, key=kind_key,
                    help="Biểu tổng hợp: một dòng cho mỗi đơn vị báo cáo (xã, phường…) và chỉ tiêu, do cơ quan tổng hợp nộp.")
else:
    kind = kinds[0]
    if kind == "compilation":
        st.caption(f"Loại báo cáo: **{KINDS[kind]}**.")
names = choices[kind]
cols = st.columns([3, 2])
agency_key = f"upload_agency_{slug}" if kind == "agency" else f"upload_compiler_{slug}"
widget_value(agency_key, follow.agency if follow else None, names)
agency = cols[0].selectbox("Cơ quan báo cáo" if kind == "agency" else "Cơ quan tổng hợp", names, key=agency_key)
codes = plan.accepted_periods()
deadline = {p.code: p.deadline for p in plan.periods}


def period_label(code: str) -> str:
    text = periods.label(code).capitalize()
    if periods.is_baseline(code, plan):
        return f"{text} (kỳ cơ sở, không có hạn)"
    return f"{text} — hạn {fmt.day(deadline[code])}" if deadline.get(code) else f"{text} (không có hạn)"


period_key = f"upload_period_{slug}"
kept = st.session_state.setdefault("_period", {}).get(slug)
held = widget_value(period_key, follow.period if follow else None, codes)
first = codes.index(kept) if kept in codes else min(1, len(codes) - 1)
period = cols[1].selectbox("Kỳ báo cáo", codes, index=0 if held else first, format_func=period_label, key=period_key)
ui.approval_line(slug, period)  # an approved period takes no report: said before anyone fills a template

st.subheader("1. Tải biểu mẫu")
units = None
if kind == "agency":
    mine = agency_targets(targets, agency)
    st.markdown(f"Biểu mẫu gồm **{len(mine)} chỉ tiêu** mà **{ui.esc(agency)}** chủ trì hoặc phối hợp, điền sẵn số đã "
                f"báo cáo cho kỳ {periods.label(period)} (nếu có). Chỉ điền các ô màu vàng.")
    name = f"bao-cao-{slug}-{fmt.ascii_slug(agency)}-{period}.xlsx"
else:
    offered = units_of[agency]
    if st.checkbox(f"Gồm tất cả {fmt.num(len(offered))} đơn vị báo cáo", value=True, key=f"upload_all_units_{slug}_{agency}"):
        units = offered
    else:
        units = st.multiselect("Đơn vị trong biểu tổng hợp", offered, key=f"upload_units_{slug}_{agency}",
                               placeholder="Chọn đơn vị")
    covered = scopes.compilation_targets(targets, agency)
    st.markdown(f"Biểu tổng hợp của **{ui.esc(agency)}**: **{len(covered)} chỉ tiêu** × **{fmt.num(len(units))} đơn vị**, "
                f"một dòng cho mỗi đơn vị và chỉ tiêu, điền sẵn số đã báo cáo cho kỳ {periods.label(period)} (nếu có). "
                "Chỉ điền các ô màu vàng.")
    st.caption("Đơn vị: các đơn vị báo cáo của kế hoạch và đơn vị quản trị đã đăng ký cho cơ quan "
               "(trang Tài khoản → Đơn vị báo cáo).")
    name = f"bieu-tong-hop-{slug}-{fmt.ascii_slug(agency)}-{period}.xlsx"
if units is not None and not units:
    st.info("Chọn ít nhất một đơn vị để tải biểu tổng hợp.")
else:
    with ui.guard():
        st.download_button("⬇ Tải biểu mẫu Excel" if kind == "agency" else "⬇ Tải biểu tổng hợp Excel",
                           data=partial(lambda *a: template_for(*a)[1], store, slug, agency, period, units),
                           file_name=name, mime=XLSX, on_click="ignore", type="primary")

st.subheader("2. Tải lên biểu mẫu đã điền")
# One uploader for the page (not keyed by plan, agency or period): following the file must not drop it.
upload = st.file_uploader("Chọn tệp .xlsx (hoặc .ods) đã điền", key="upload_file",
                          help="Hệ thống đọc trong tệp kế hoạch, cơ quan, kỳ báo cáo và loại biểu mẫu, rồi kiểm tra "
                               "mọi ô; tệp có lỗi không được ghi.")
if upload is None:
    st.stop()

data = upload.getvalue()
# Read once per uploaded file: every click on this page reruns it, and reading runs a child process.
token = (hashlib.sha256(data).hexdigest(), upload.name, store.data_version())
cached = st.session_state.get("_upload_read")
if cached is None or cached[0] != token:
    cached = (token, read_report(data, upload.name, store, owner=user.name))
    st.session_state["_upload_read"] = cached  # only the latest file is kept
parsed = cached[1]
ident = file_identity(parsed)
if ident is not None:
    file_plan = store.plan(ident.plan)
    seen = (parsed.checksum, upload.name)
    try:  # the core decides who may report for the file's agency; the page follows only a file it may take
        accounts.require_report(store, user.name, ident.plan, ident.agency)
    except PermissionDenied as exc:
        st.info(describe_file(ident, file_plan))
        st.error(f"Tệp **{ui.esc(upload.name)}** bị từ chối: {ui.esc(exc.message)} Chưa ghi gì vào cơ sở dữ liệu."
                 + (f"  \n**Cách khắc phục:** {ui.esc(exc.hint)}" if exc.hint else ""))
        st.stop()
    here = (slug, agency, period, kind)
    there = (ident.plan, ident.agency, ident.period, ident.kind)
    if here != there and st.session_state.get("_upload_followed") != seen:
        st.session_state["_upload_followed"] = seen
        st.session_state["_upload_follow"] = ident
        st.session_state["_upload_switched"] = seen
        st.rerun()
    st.session_state["_upload_followed"] = seen
    note = ""
    if here != there:
        note = ("  \nCác ô chọn phía trên khác với tệp (chỉ dùng để tải biểu mẫu); bản xem trước và việc ghi "
                "theo kế hoạch, cơ quan và kỳ ghi trong tệp.")
    elif st.session_state.get("_upload_switched") == seen:
        note = "  \nTrang đã chuyển sang kế hoạch, cơ quan và kỳ báo cáo của tệp."
    st.info(ui.esc(describe_file(ident, file_plan)) + note, icon=":material/description:")

for w in parsed.warnings:
    st.info(f"Lưu ý — {w}")
if not parsed.ok:
    st.error(f"Tệp **{ui.esc(upload.name)}** bị từ chối: {len(parsed.problems)} lỗi. Chưa ghi gì vào cơ sở dữ liệu. "
             + intake.fix_hint(parsed.problems))
    ui.problem_table(parsed.problems)
    st.stop()

st.subheader("3. Xem trước")
restore_key = f"restore_withdrawn_{parsed.checksum}"
restore = bool(st.session_state.get(restore_key))  # the checkbox under the preview (cycle_ui.held_rows)
with ui.guard():  # an approved period is refused here, with who approved it and when
    preview = intake.preview(store, parsed, user=user.name, restore_withdrawn=restore)
file_plan = store.plan(ident.plan)
by_code = {t.code: t for t in ui.targets(ident.plan)}
judged = ident.period in {p.code for p in file_plan.periods}  # the baseline period has no status of its own
memo_key = (parsed.checksum, ident, store.data_version(), restore)
memo = st.session_state.get("_upload_status")
if memo is None or memo[0] != memo_key:
    memo = (memo_key, ui.status_changes(ident.plan, ident.period, preview.changes) if judged else {})
    st.session_state["_upload_status"] = memo
transitions = memo[1]
counts = preview.counts()
st.markdown(f"**{counts['new']}** số liệu mới · **{counts['changed']}** thay đổi · **{counts['unchanged']}** "
            f"không đổi · **{parsed.blank}** để trống (chưa báo cáo)")
moved = [(c, transitions[c]) for c in by_code if c in transitions and transitions[c][0] != transitions[c][1]]
if moved:
    st.markdown(f"**Tình trạng chỉ tiêu kỳ {periods.label(ident.period)} sau khi ghi:**  \n" + "  \n".join(
        f"Chỉ tiêu {ui.esc(c)}: {status.LABEL[a]} → {status.LABEL[b]}" for c, (a, b) in moved))
elif transitions:
    st.markdown(f"Tình trạng các chỉ tiêu kỳ {periods.label(ident.period)} không đổi sau khi ghi.")
elif not judged:
    st.caption("Kỳ cơ sở: số liệu dùng làm mức cơ sở, không xét tình trạng của kỳ này.")
draw_preview(preview_lines(preview, by_code, transitions), ident.kind == "compilation", ident.period, upload.name)
cycle_ui.held_rows(preview, {c: t.unit for c, t in by_code.items()}, restore_key)

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

done_key = f"_committed_{upload.file_id}"  # this upload (a new upload of the same bytes is a new report)
if st.session_state.get(done_key):
    sub_id, written = st.session_state[done_key]
    st.success(f"Đã ghi báo cáo số {sub_id}: {written['new']} mới, {written['changed']} thay đổi, "
               f"{written['unchanged']} không đổi" + (f", {written['held']} số liệu đã rút không ghi lại"
                                                       if written.get("held") else "")
               + ". Mọi trang đã cập nhật số liệu mới.")
    st.page_link("pages/overview.py", label="Xem Tổng quan", icon=":material/dashboard:")
    st.stop()
if counts["new"] + counts["changed"] == 0:
    st.info("Không có số liệu mới hay thay đổi so với số đã lưu; vẫn có thể ghi để lưu lại lần nộp này.")
undecided = len(preview.warnings) - len(decisions)
if undecided:
    st.caption(f"Còn {undecided} số liệu bất thường chưa chọn cách xử lý.")
if st.button("✔ Xác nhận ghi báo cáo", type="primary", disabled=bool(undecided)):
    with ui.guard():
        sub_id, written = intake.commit(store, parsed, user=user.name, decisions=decisions, restore_withdrawn=restore)
    st.session_state[done_key] = (sub_id, written)
    if ident.period in {p.code for p in file_plan.periods}:  # the other pages open on the period just reported
        st.session_state.setdefault("_period", {})[ident.plan] = ident.period
    st.rerun()
