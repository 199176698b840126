"""Shared pieces of the pages: the store, the plan/period choice kept across pages, status badges.
Thin: every figure comes from the core (indicators/)."""
from __future__ import annotations

import streamlit as st

from indicators import periods, status
from indicators.settings import db_path
from indicators.store import Store


@st.cache_resource(show_spinner=False)
def store() -> Store:
    s = Store(db_path())
    s.migrate()
    return s


def sidebar_header() -> None:
    with st.sidebar:
        st.markdown("**Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em**")


def choose_plan(key: str = "plan") -> str:
    """A plan selector whose choice is kept when moving between pages."""
    s = store()
    plans = s.plans()
    labels = {p.slug: f"{p.title} — {p.issuer} ({p.year})" for p in plans}
    slugs = list(labels)
    if st.session_state.get("_plan") not in slugs:
        st.session_state["_plan"] = "son-la-2026" if "son-la-2026" in slugs else slugs[0]
    choice = st.selectbox("Kế hoạch", slugs, index=slugs.index(st.session_state["_plan"]),
                          format_func=labels.get, key=f"{key}_select")
    st.session_state["_plan"] = choice
    return choice


def status_badge(code: str) -> str:
    return f":{_streamlit_color(code)}-badge[{status.SYMBOL[code]} {status.LABEL[code]}]"


def _streamlit_color(code: str) -> str:
    return {status.ACHIEVED: "green", status.ON_TRACK: "blue", status.NO_DATA: "gray",
            status.LAGGING: "orange", status.OFF_TRACK: "orange", status.NOT_ACHIEVED: "red"}[code]
