"""Xuất báo cáo: the Word report, the PowerPoint deck, the Excel summary and chart images (PNG, SVG,
PDF) of a plan and period, made on the server (loaders/exports) when asked, then downloaded."""
import streamlit as st

from indicators import charts
from indicators.errors import AppError
from loaders import exports, images
from pages import ui

slug, period = ui.header("Xuất báo cáo")
with ui.guard():
    b = exports.gather(ui.store(), slug, period)
browser = images.available()
if browser:
    images.warm()  # start Chromium in the background: the first image is then quick too

st.markdown(f"#### {ui.verbatim(b.plan.issuer)} — kỳ {b.period_label}")
st.caption(f"{b.data_date_text().capitalize()}. Mỗi tệp ghi rõ kế hoạch, kỳ báo cáo và ngày số liệu"
           + (f"; số liệu minh họa được đánh dấu {exports.WATERMARK} trong mọi tệp." if b.demo else "."))
if not browser:
    st.warning(images.no_browser_message() + " " + images.NO_BROWSER_HINT, icon=":material/image_not_supported:")

# Made files are kept for this session, keyed by what they show (plan, period, data version).
made: dict = st.session_state.setdefault("_exports", {})
version = ui.store().data_version()


def offer(fmt_: str, label: str, build, chart_key: str | None = None) -> None:
    """A button that makes the file, then the button that downloads it."""
    key = (slug, period, fmt_, chart_key, version)
    name = exports.file_name(fmt_, slug, period, chart_key)
    suffix = f"_{chart_key}" if chart_key else ""
    if st.button(label, key=f"make_{fmt_}{suffix}", width="stretch",
                 disabled=fmt_ in exports.IMAGE_FORMATS and not browser):
        with st.spinner(f"Đang tạo {name}…"):
            for old in [k for k in made if k[:4] == key[:4]]:
                del made[old]
            try:
                made[key] = build()
            except AppError as exc:  # told in Vietnamese with its hint; the rest of the page stays
                st.error(exc.message + (f"  \n**Cách khắc phục:** {exc.hint}" if exc.hint else ""))
    if key in made:
        data = made[key]
        st.download_button(f"Tải về .{fmt_} ({len(data) // 1024:,} KB)".replace(",", "."), data, file_name=name,
                           mime=exports.MIME[fmt_], key=f"get_{fmt_}{suffix}", icon=":material/download:",
                           type="primary", width="stretch", on_click="ignore")
        st.caption(f"Tên tệp: `{name}`")


st.subheader("Báo cáo và bảng tổng hợp")
cols = st.columns(3)
files = [("docx", "Tạo báo cáo Word", "Báo cáo tóm tắt theo thể thức văn bản hành chính: số chỉ tiêu theo tình trạng, "
          "từng chỉ tiêu, các chỉ tiêu cần chú ý kèm cơ quan chủ trì, biểu đồ."),
         ("pptx", "Tạo trình chiếu PowerPoint", "Tổng quan, chỉ tiêu cần chú ý, theo cơ quan, mỗi nhóm mục tiêu một biểu đồ."),
         ("xlsx", "Tạo bảng tổng hợp Excel", "Trang tổng quan và mỗi nhóm mục tiêu một trang: mã, nội dung, đơn vị, "
          "chỉ tiêu, kết quả, tình trạng, cơ quan chủ trì, giải thích, ghi chú.")]
for col, (fmt_, label, what) in zip(cols, files):
    with col:
        st.markdown(f"**{exports.FORMAT_LABEL[fmt_]}**")
        st.caption(what)
        offer(fmt_, label, lambda f=fmt_: exports.export(b, f))

st.subheader("Hình biểu đồ")
every = {c.key: c for c in exports.chart_list(b)}
key = st.selectbox("Biểu đồ", list(every), format_func=lambda k: every[k].title, key=f"export_chart_{slug}")
chosen = every[key]
st.caption(f"Hình rộng {charts.EXPORT_PX} điểm ảnh, chữ cỡ lớn để trình chiếu; chú thích ghi kế hoạch, kỳ báo cáo "
           "và ngày số liệu. SVG và PDF là hình vectơ, phóng to không vỡ nét.")
cols = st.columns(3)
for col, fmt_ in zip(cols, images.FORMATS):
    with col:
        offer(fmt_, f"Tạo hình {fmt_.upper()}", lambda f=fmt_: exports.chart_image(b, key, f, c=chosen), chart_key=key)
if chosen.plotted:
    ui.chart(chosen.figure, charts.file_name("biểu đồ", key, slug, period), key="export_preview")
else:
    st.info("Biểu đồ này không có chỉ tiêu nào có số để vẽ trong kỳ đã chọn.")
