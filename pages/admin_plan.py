"""Nhập kế hoạch (administrators): upload a plan document, review every proposed target beside the
sentence it came from, edit any field, then save it as a new plan in the catalogue and the database.
A programme (several years) shows its span and each target's milestones (year, comparator, value)
as editable rows. Nothing is saved before the administrator confirms."""
import hashlib
import math

import pandas as pd
import streamlit as st

from indicators import fmt, settings
from indicators.errors import AppError
from loaders import plan_doc
from pages import auth, ui

store, admin = auth.admin_page("Nhập kế hoạch từ văn bản")
st.caption("Tải lên văn bản kế hoạch (.docx hoặc .txt UTF-8). Hệ thống đề xuất các chỉ tiêu, đơn vị, phép so sánh, giá "
           "trị, cơ quan chủ trì và hạn báo cáo; xem lại từng dòng bên cạnh câu gốc, sửa nếu cần, rồi mới lưu.")

upload = st.file_uploader("Văn bản kế hoạch", key="plan_doc")
if upload is None:
    st.stop()
data = upload.getvalue()
key = "_proposal_" + hashlib.sha256(data).hexdigest()[:16]
if key not in st.session_state:
    try:
        st.session_state[key] = plan_doc.read_plan_bytes(data, upload.name)
    except AppError as exc:
        st.error(exc.message + (f"  \n**Cách khắc phục:** {exc.hint}" if exc.hint else ""))
        st.stop()
proposal = st.session_state[key]
meta = proposal.meta()
rows = proposal.rows()
flagged = sum(r["needs_review"] for r in rows)
span = f", giai đoạn {proposal.start_year}–{proposal.end_year}" if proposal.is_programme else ""
st.success(f"Đọc được {len(rows)} chỉ tiêu từ {proposal.source_file}{span}; {flagged} chỉ tiêu cần xem lại (đánh dấu ⚠).")
for reason in proposal.reasons:
    st.warning(f"Cần xem lại: {reason}")

st.subheader("1. Thông tin kế hoạch")
programme = proposal.is_programme
c = st.columns([2, 1, 1, 1] if programme else [2, 1, 1])
meta["title"] = c[0].text_input("Tên kế hoạch", meta["title"])
meta["slug"] = c[1].text_input("Mã kế hoạch (slug)", meta["slug"], help="Chữ thường không dấu và gạch nối, ví dụ bac-ninh-2026")
if programme:  # a programme: its span; each target's values per year are in the table of milestones below
    meta["start_year"] = int(c[2].number_input("Từ năm", value=int(meta["start_year"]), min_value=2000, max_value=2100, step=1))
    meta["end_year"] = int(c[3].number_input("Đến năm", value=int(meta["end_year"]), min_value=2000, max_value=2100, step=1))
else:
    meta["start_year"] = meta["end_year"] = int(c[2].number_input("Năm", value=int(meta["year"]), min_value=2000,
                                                                  max_value=2100, step=1))
meta["year"] = meta["start_year"]
c = st.columns(3)
meta["issuer"] = c[0].text_input("Cơ quan ban hành", meta["issuer"])
meta["standing_agency"] = c[1].text_input("Cơ quan thường trực", meta["standing_agency"])
levels = list(fmt.LEVEL_LABEL)
meta["level"] = c[2].selectbox("Cấp", levels, index=levels.index(meta["level"]) if meta["level"] in levels else 0,
                               format_func=fmt.level_label)
c = st.columns(3)
meta["province"] = c[0].text_input("Tỉnh", meta["province"])
meta["scope"] = c[1].text_input("Phạm vi cơ quan", meta["scope"], help="Các cơ quan thuộc về đâu, ví dụ \"tỉnh Bắc Ninh\"")
meta["doc_number"] = c[2].text_input("Số văn bản", meta["doc_number"])
meta["implements"] = st.text_input("Thực hiện văn bản", meta["implements"])
periods = st.data_editor(pd.DataFrame([{"Kỳ": p["code"], "Hạn báo cáo": p["deadline"], "Gửi về": p["recipient"]}
                                       for p in meta["periods"]]),
                         num_rows="dynamic", key=f"{key}_periods", width="stretch",
                         column_config={"Hạn báo cáo": st.column_config.DateColumn(format="DD/MM/YYYY")})

st.subheader("2. Các chỉ tiêu — so với câu gốc")
UNITS, COMPARATORS = list(fmt.UNIT_LABEL), list(fmt.COMPARATOR_SYMBOL)
KINDS = ["level", "count", "activity_count", "milestone", "yearly_change", "direction"]
table = pd.DataFrame([{
    "⚠": "⚠" if r["needs_review"] else "", "Mã": r["code"], "Câu gốc (dòng)": f"{r['source']} (dòng {r['line']})",
    "Nội dung chỉ tiêu": r["text"], "Đơn vị": r["unit"], "So sánh": r["comparator"], "Giá trị": r["target"],
    "Năm": r["target_year"], "Phấn đấu": r["aspiration"], "Cơ sở": r["baseline"], "Năm cơ sở": r["baseline_year"],
    "Trên tổng số": r["of"], "Loại": r["kind"], "Nhóm/khu vực": r["category"] or "", "Cơ quan chủ trì": r["lead_agency"],
    "Cơ quan phối hợp": "; ".join(r["coordinating"]), "Lý do cần xem lại": "; ".join(r["review_reasons"]),
} for r in rows])
edited = st.data_editor(table, key=f"{key}_targets", width="stretch", hide_index=True, disabled=[
    "⚠", "Mã", "Câu gốc (dòng)", "Lý do cần xem lại"], column_config={
    "Đơn vị": st.column_config.SelectboxColumn(options=UNITS, required=True),
    "So sánh": st.column_config.SelectboxColumn(options=COMPARATORS, required=True),
    "Loại": st.column_config.SelectboxColumn(options=KINDS, required=True),
    "Câu gốc (dòng)": st.column_config.TextColumn(width="large"),
    "Nội dung chỉ tiêu": st.column_config.TextColumn(width="large"),
    "Nhóm/khu vực": st.column_config.TextColumn(help="Giá trị chỉ nêu cho một nhóm, ví dụ \"nông thôn\", \"trẻ em gái\""),
})
milestones = None
if programme:
    st.markdown("**Các mốc của từng chỉ tiêu** — mỗi dòng một năm; cột Giá trị và Năm ở bảng trên chỉ dùng cho chỉ tiêu "
                "không có mốc. Thêm hoặc xóa dòng để thêm, bỏ mốc.")
    category = {r["code"]: r["category"] or "" for r in rows}
    milestones = st.data_editor(
        pd.DataFrame([{"Mã chỉ tiêu": m["code"], "Năm": m["year"], "So sánh": m["comparator"], "Giá trị": m["target"],
                       "Nhóm/khu vực": category[m["code"]]} for m in plan_doc.milestone_rows(rows)],
                     columns=["Mã chỉ tiêu", "Năm", "So sánh", "Giá trị", "Nhóm/khu vực"]),
        num_rows="dynamic", key=f"{key}_milestones", width="stretch", hide_index=True, disabled=["Nhóm/khu vực"],
        column_config={"So sánh": st.column_config.SelectboxColumn(options=COMPARATORS),
                       "Năm": st.column_config.NumberColumn(min_value=2000, max_value=2100, step=1, format="%d"),
                       "Nhóm/khu vực": st.column_config.TextColumn(help="Sửa ở bảng chỉ tiêu phía trên (một nhóm cho cả chỉ tiêu)")})


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value


def reviewed_rows() -> list[dict]:
    out = []
    for r, (_, e) in zip(rows, edited.iterrows()):
        lead = (_clean(e["Cơ quan chủ trì"]) or "").strip()
        year = _clean(e["Năm"])
        out.append({**r, "text": e["Nội dung chỉ tiêu"], "unit": e["Đơn vị"], "comparator": e["So sánh"],
                    "target": _clean(e["Giá trị"]), "target_year": int(year) if year else meta["end_year"],
                    "category": (_clean(e["Nhóm/khu vực"]) or "").strip() or None,
                    "aspiration": _clean(e["Phấn đấu"]), "baseline": _clean(e["Cơ sở"]),
                    "baseline_year": int(_clean(e["Năm cơ sở"])) if _clean(e["Năm cơ sở"]) else None,
                    "of": _clean(e["Trên tổng số"]), "kind": e["Loại"],
                    "lead": None if lead in ("", meta["standing_agency"]) else lead,
                    "coordinating": [a.strip() for a in (_clean(e["Cơ quan phối hợp"]) or "").split(";") if a.strip()]})
    if milestones is not None:
        out = plan_doc.with_milestones(out, [{"code": _clean(m["Mã chỉ tiêu"]), "year": _clean(m["Năm"]),
                                              "comparator": _clean(m["So sánh"]), "target": _clean(m["Giá trị"])}
                                             for _, m in milestones.iterrows()
                                             if any(_clean(m[c]) is not None for c in ("Mã chỉ tiêu", "Năm", "Giá trị"))])
    return out


st.subheader("3. Lưu")
exists = meta["slug"] in store.plan_slugs()
if exists:
    st.error(f"Đã có kế hoạch mã \"{ui.esc(meta['slug'])}\". Đổi mã kế hoạch để lưu thành kế hoạch mới.")
if st.button("✔ Lưu thành kế hoạch mới", type="primary", disabled=exists):
    meta["periods"] = [{"code": str(p["Kỳ"]), "deadline": _clean(p["Hạn báo cáo"]), "recipient": _clean(p["Gửi về"]) or "",
                        "compile_deadline": None} for _, p in periods.iterrows() if _clean(p["Kỳ"])]
    try:
        plan = plan_doc.plan_from_rows(meta, reviewed_rows())
        path = plan_doc.write_plan(plan, settings.plans_dir(), comments=plan_doc.proposal_comments(proposal))
        store.load_catalogue([plan], actor=admin.name)
    except AppError as exc:
        st.error(exc.message + "".join(f"  \n- {p}" for p in exc.problems)
                 + (f"  \n**Cách khắc phục:** {exc.hint}" if exc.hint else ""))
        st.stop()
    del st.session_state[key]
    st.session_state["_plan"] = plan.slug
    st.success(f"Đã lưu kế hoạch {plan.slug} ({len(plan.measurable_targets())} chỉ tiêu) vào {path.name} và cơ sở dữ "
               f"liệu. Kế hoạch đã có trên mọi trang; tải biểu mẫu báo cáo ở trang Nộp báo cáo.")
    st.page_link("pages/overview.py", label="Xem Tổng quan", icon=":material/dashboard:")
