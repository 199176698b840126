"""Sao lưu (administrators): back up every table to Parquet, list backups, restore one."""
import streamlit as st

from indicators import fmt
from indicators.errors import AppError
from indicators.settings import backup_dir, now_local
from pages import auth, ui

store, admin = auth.admin_page("Sao lưu và khôi phục")
BACKUP_DIR = backup_dir()  # beside the database file it copies (data/backups for PostgreSQL)

st.markdown(f"Bản sao lưu gồm mọi bảng dưới dạng Parquet (đọc được bằng mọi công cụ, không phụ thuộc phiên bản "
            f"cơ sở dữ liệu) và tệp manifest.json, lưu trong `{ui.esc(BACKUP_DIR)}`. Nên chép thư mục này sang máy khác."
            + (" Cơ sở dữ liệu PostgreSQL: sao lưu thêm bằng `pg_dump` theo lịch (docs/deployment.md)."
               if store.dialect == "postgresql" else ""))
if st.button("Sao lưu ngay", type="primary"):
    target = BACKUP_DIR / now_local().strftime("%Y%m%d-%H%M%S")
    with ui.guard():
        manifest = store.backup(target, actor=admin.name)
    st.success(f"Đã sao lưu {fmt.num(sum(manifest['tables'].values()))} dòng vào {target}.")

backups = sorted((p for p in BACKUP_DIR.glob("*/manifest.json")), reverse=True) if BACKUP_DIR.exists() else []
if not backups:
    st.info("Chưa có bản sao lưu nào.")
    st.stop()
info = {}
for p in backups:
    try:
        info[p.parent.name] = store.read_manifest(p.parent)
    except AppError as exc:
        st.warning(f"Bỏ qua bản sao lưu {p.parent.name}: {exc.message}")
if not info:
    st.stop()
choice = st.selectbox("Bản sao lưu", list(info), format_func=lambda n: f"{n} — {fmt.num(sum(info[n]['tables'].values()))} dòng")
st.json(info[choice]["tables"], expanded=False)
sure = st.checkbox("Tôi hiểu: khôi phục thay TOÀN BỘ dữ liệu hiện có bằng dữ liệu của bản sao lưu này "
                   "(hệ thống tự sao lưu dữ liệu hiện tại trước khi khôi phục).")
if st.button("Khôi phục", disabled=not sure):
    safety = BACKUP_DIR / (now_local().strftime("%Y%m%d-%H%M%S") + "-truoc-khi-khoi-phuc")
    with ui.guard():
        store.check_backup(BACKUP_DIR / choice)  # a refused backup changes nothing, not even a safety copy
        store.backup(safety, actor=admin.name)
        store.restore(BACKUP_DIR / choice, actor=admin.name)
    st.success(f"Đã khôi phục từ {choice}. Dữ liệu trước đó được lưu ở {safety.name}.")
