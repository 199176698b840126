"""Entry point: page config, the store, and st.navigation (the router). Nothing else."""
import streamlit as st

from pages import ui

st.set_page_config(page_title="Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em", page_icon="📊", layout="wide")

pages = {
    "Theo dõi": [
        st.Page("pages/catalogue.py", title="Danh mục kế hoạch", icon="📚", url_path="danh-muc", default=True),
    ],
}
ui.sidebar_header()
st.navigation(pages).run()
