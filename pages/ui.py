"""Shared pieces of the pages: the store, cached reads keyed by the data version, the plan and
period choice kept across pages, the demo banner, status chips and tables, and chart drawing.
Thin: every figure comes from the core (indicators/)."""
from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from indicators import cascade as cascade_
from indicators import charts, continuity, fmt, periods, progress, reporting, status, webcharts
from indicators.errors import AppError
from indicators.settings import database, now_local
from indicators.store import Store
from pages import chrome

DEMO_BANNER = (f"**{fmt.DEMO_MARK}** — số liệu của kế hoạch này {fmt.DEMO_WHAT} "
               "(xóa bằng lệnh `python -m indicators demo --remove`).")


@st.cache_resource(show_spinner=False)
def store() -> Store:
    s = Store(database())
    s.migrate()
    return s


# ---------------------------------------------------------------------------------------------
# Cached reads: keyed by (database file, plan, period, data version), so an upload (which changes
# the data version) refreshes every page at once. The store is passed underscored (not hashed).


@st.cache_data(show_spinner=False, max_entries=256)
def _progress(_s: Store, path: str, slug: str, period: str, version: tuple) -> progress.PlanProgress:
    return progress.plan_progress(_s, slug, period)


@st.cache_data(show_spinner=False, max_entries=64)
def _submissions(_s: Store, path: str, slug: str, version: tuple) -> list[dict]:
    return _s.submissions(slug)


@st.cache_data(show_spinner=False, max_entries=64)
def _receipts(_s: Store, path: str, slug: str, version: tuple) -> dict:
    return _s.receipts(slug)


@st.cache_data(show_spinner=False, max_entries=64)
def _targets(_s: Store, path: str, slug: str, version: tuple) -> list:
    return _s.targets(slug)


@st.cache_data(show_spinner=False, max_entries=64)
def _plan_facts(_s: Store, path: str, slug: str, version: tuple) -> tuple:
    plan = _s.plan(slug)
    return plan, _s.has_demo(slug), progress.default_period(_s, plan)


@st.cache_data(show_spinner=False, max_entries=64)
def _reports(_s: Store, path: str, slug: str, period: str, code: str | None, version: tuple) -> dict:
    return _s.reports(slug, [period], code)


@st.cache_data(show_spinner=False, max_entries=256)
def _history(_s: Store, path: str, slug: str, code: str, version: tuple) -> list[dict]:
    return _s.history(slug, code)


def _key() -> tuple[Store, str, tuple]:
    s = store()
    return s, str(s.path), s.data_version()


def plan_progress(slug: str, period: str) -> progress.PlanProgress:
    s, path, version = _key()
    return _progress(s, path, slug, period, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _over_periods(_s: Store, path: str, slug: str, code: str, version: tuple):
    return progress.target_over_periods(_s, slug, code)


def target_over_periods(slug: str, code: str) -> dict[str, progress.TargetProgress]:
    """One target at every accepted period (the target page's history and milestone answers)."""
    s, path, version = _key()
    return _over_periods(s, path, slug, code, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _indicator_history(_s: Store, path: str, slug: str, code: str, version: tuple):
    return continuity.indicator_history(_s, slug, code)


def indicator_history(slug: str, code: str) -> list[continuity.HistoryRow]:
    """The target's indicator for its scope, year by year across the scope's plans."""
    s, path, version = _key()
    return _indicator_history(s, path, slug, code, version)


@st.cache_data(show_spinner=False, max_entries=64)
def _cascade(_s: Store, path: str, slug: str, code: str, year: int, depth: int | None, version: tuple):
    return cascade_.cascade(_s, slug, code, year, max_depth=depth)


def cascade(slug: str, code: str, year: int, depth: int | None = None) -> cascade_.Cascade:
    s, path, version = _key()
    return _cascade(s, path, slug, code, year, depth, version)


def submissions(slug: str) -> list[dict]:
    s, path, version = _key()
    return _submissions(s, path, slug, version)


def targets(slug: str) -> list:
    s, path, version = _key()
    return _targets(s, path, slug, version)


def plan(slug: str):
    s, path, version = _key()
    return _plan_facts(s, path, slug, version)[0]


def reports(slug: str, period: str, code: str | None = None) -> dict:
    """(target code, period) -> every agency's current value (status.Report), of one target if given."""
    s, path, version = _key()
    return _reports(s, path, slug, period, code, version)


def history(slug: str, code: str) -> list[dict]:
    """Every version of every agency's value for a target, with its submission (store.history)."""
    s, path, version = _key()
    return _history(s, path, slug, code, version)


def has_demo(slug: str) -> bool:
    s, path, version = _key()
    return _plan_facts(s, path, slug, version)[1]


def expected_reports(slug: str, period: str | None = None) -> list[reporting.ExpectedReport]:
    """Every expected report of the plan (or one period), judged against today in Việt Nam."""
    s, path, version = _key()
    return reporting.expected_reports(plan(slug), targets(slug), _receipts(s, path, slug, version), today(), period)


def today():
    return now_local().date()


# ---------------------------------------------------------------------------------------------
# Page frame


def sidebar_header() -> None:
    with st.sidebar:
        st.markdown("**Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em**")
        st.caption("Kế hoạch và kỳ báo cáo đã chọn được giữ nguyên khi chuyển trang.")


# A phone (390 px): cards two by two, tables as one block per row with each cell's heading
# before it (group_table writes data-label), nothing wider than the screen.
PHONE_CSS = """
    @media (max-width: 640px) {
      .stMainBlockContainer {padding-left: 0.8rem; padding-right: 0.8rem; padding-top: 3.2rem}
      .stMainBlockContainer h1 {font-size: 1.6rem}
      .kpis {grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px}
      .kpi .lbl {min-height: 0; font-size: 0.9rem}
      .kpi .val {font-size: 1.6rem}
      table.ind, table.ind tbody, table.ind tr, table.ind td {display: block; width: auto !important}
      table.ind colgroup, table.ind thead {display: none}
      table.ind tr {border: 1px solid #d5d9de; border-radius: 8px; margin: 0 0 8px; padding: 4px 0}
      table.ind td {border-bottom: none; padding: 3px 10px; text-align: left !important}
      table.ind td[data-label]:not(.code)::before {content: attr(data-label) ": "; font-weight: 600; color: #4a5058}
      table.ind tr.group td::before {content: none}
      .stMarkdown, [data-testid="stMarkdownContainer"] {overflow-wrap: anywhere}
    }
"""


def style() -> None:
    """Larger type for projectors; tables that wrap long Vietnamese texts; Streamlit's own texts
    in Vietnamese; a layout that fits a phone."""
    st.html("""<style>
    .stMainBlockContainer {padding-top: 1.6rem; max-width: 1400px}
    .stMainBlockContainer h1 {font-size: 2.1rem; padding-top: 0.4rem; padding-bottom: 0.3rem}
    table.ind td.code {white-space: nowrap; font-weight: 700}
    .stMarkdown p, .stMarkdown li {font-size: 1.02rem}
    table.ind {border-collapse: collapse; width: 100%; font-size: 0.98rem; line-height: 1.35}
    table.ind th {text-align: left; background: #f0f2f6; padding: 6px 8px; border-bottom: 2px solid #c9ced6}
    table.ind td {padding: 6px 8px; border-bottom: 1px solid #e3e6ea; vertical-align: top; overflow-wrap: normal;
                  word-break: normal}
    table.ind td.num {text-align: right}
    table.ind .why {color: #4a5058; font-size: 0.9rem; margin-top: 3px}
    .chip {display: inline-block; padding: 2px 9px; border-radius: 11px; font-weight: 600; white-space: nowrap;
           font-size: 0.92rem}
    table.ind .chip {font-size: 0.84rem; padding: 2px 7px}
    .kpis {display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 10px; margin: 4px 0 10px}
    .kpi {border: 1px solid #d5d9de; border-top: 8px solid; border-radius: 8px; padding: 8px 10px; background: #fff}
    .kpi .lbl {font-size: 0.98rem; font-weight: 600; line-height: 1.2; min-height: 2.4em}
    .kpi .val {font-size: 2.1rem; font-weight: 700; line-height: 1.15}
    .legend {display: flex; flex-wrap: wrap; gap: 6px; margin: 2px 0 8px}
    .chips {display: flex; flex-wrap: wrap; gap: 4px}
    .quote {font-size: 1.2rem; line-height: 1.45; border-left: 5px solid #4a9fd8; padding: 4px 0 4px 14px;
            margin: 6px 0 12px; color: #1f2328}
    .tag {display: inline-block; padding: 0 6px; border-radius: 4px; background: #fff3cd; color: #6b4e00;
          font-size: 0.8rem; font-weight: 600; border: 1px solid #e0a100}
    """ + chrome.CSS + PHONE_CSS + webcharts.CSS + "</style>")
    chrome.install()


def from_link(name: str, valid, widget_key: str | None = None) -> str | None:
    """The value the address bar's query string names for `name` when it came from outside (a copied
    link, a typed address), not from this tab's own write-back; None otherwise. The widget showing it
    (`widget_key`) is then reset so that it opens on that value."""
    asked = st.query_params.get(name)
    written = st.session_state.setdefault("_link_written", {})
    if asked is None:
        written.pop(name, None)  # e.g. moving to another page: the address starts afresh
        return None
    if asked == written.get(name) or asked not in valid:
        return None
    if widget_key is not None:
        st.session_state.pop(widget_key, None)
    return asked


def to_link(name: str, value: str) -> None:
    """Write the shown value back into the query string, so the address bar always names the view."""
    st.session_state.setdefault("_link_written", {})[name] = value
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def choose_plan(key: str = "plan") -> str:
    """A plan selector whose choice is kept when moving between pages; `?ke-hoach=<slug>` in the
    address opens that plan and the choice is written back there."""
    s = store()
    plans = s.plans()
    labels = {p.slug: f"{p.issuer} — {p.title} ({p.years})" for p in plans}
    slugs = list(labels)
    asked = from_link("ke-hoach", slugs, f"{key}_select")
    if asked is not None:
        st.session_state["_plan"] = asked
    if st.session_state.get("_plan") not in slugs:
        st.session_state["_plan"] = "son-la-2026" if "son-la-2026" in slugs else slugs[0]
    choice = st.selectbox("Kế hoạch", slugs, index=slugs.index(st.session_state["_plan"]),
                          format_func=labels.get, key=f"{key}_select")
    st.session_state["_plan"] = choice
    to_link("ke-hoach", choice)
    return choice


def choose_period(slug: str, key: str = "period") -> str:
    """A reporting-period selector for the plan, kept across pages (per plan); defaults to the
    latest declared period with data (progress.default_period); `?ky=<code>` in the address opens
    that period and the choice is written back there."""
    p = plan(slug)
    codes = [x.code for x in p.periods]
    kept: dict = st.session_state.setdefault("_period", {})
    asked = from_link("ky", codes, f"{key}_select_{slug}")
    if asked is not None:
        kept[slug] = asked
    if kept.get(slug) not in codes:
        s, path, version = _key()
        kept[slug] = _plan_facts(s, path, slug, version)[2]
    choice = st.selectbox("Kỳ báo cáo", codes, index=codes.index(kept[slug]),
                          format_func=lambda c: periods.label(c).capitalize(), key=f"{key}_select_{slug}")
    kept[slug] = choice
    to_link("ky", choice)
    return choice


def header(title: str, *, with_period: bool = True) -> tuple[str, str | None]:
    """Title, plan (and period) selectors and the demo banner: the top of every page."""
    style()
    st.title(title)
    cols = st.columns([4, 1.3]) if with_period else [st.container()]
    with cols[0]:
        slug = choose_plan()
    period = None
    if with_period:
        with cols[1]:
            period = choose_period(slug)
    demo_banner(slug)
    if period is not None:
        approval_line(slug, period)
    return slug, period


def raw_html(markup: str) -> None:
    """HTML we built (every text in it escaped by esc): drawn by st.html, which the browser puts in
    place at once (DOMPurify, then the browser's own parser), not by st.markdown with HTML, whose
    Markdown-with-HTML parser (rehype-raw, 190 KB of script, then a slow parse of big tables) held
    the overview's first chart back by about 0,3 s."""
    st.html(markup)


def approval_line(slug: str, period: str) -> None:
    """The period's approval under the page header: "🔒 Đã duyệt (người duyệt, lúc …)" / "Chưa duyệt"."""
    a = store().approval(slug, period)
    raw_html(f'<div class="chips approval">{approval_chip(a)}<span class="approval-note"> {esc(a.note)}</span></div>')


def demo_banner(*slugs: str) -> None:
    """The demo banner when any of these plans holds demo data (a page showing several plans)."""
    if any(has_demo(s) for s in slugs):
        st.warning(DEMO_BANNER, icon="⚠️")


@contextmanager
def guard():
    """Translate the core's typed errors into a Vietnamese message with its hint (no traceback)."""
    try:
        yield
    except AppError as exc:
        st.error(exc.message + (f"  \n**Cách khắc phục:** {exc.hint}" if exc.hint else ""))
        if exc.problems:
            problem_table(exc.problems)
        st.stop()


# ---------------------------------------------------------------------------------------------
# Status chips, legends, tables


def chip(code: str, count: int | None = None) -> str:
    """A status as a coloured chip WITH its symbol and text label (and a count, when given) (HTML)."""
    color = status.COLOR[code]
    n = f" <b>{count}</b>" if count is not None else ""
    return (f'<span class="chip" data-status="{code}" style="background:{color};color:{charts.text_on(color)}">'
            f'{status.display(code)}{n}</span>')


def state_chip(state: str, count: int | None = None) -> str:
    """A report state as a coloured chip with its label (and a count, when given)."""
    color = reporting.STATE_COLOR[state]
    n = f" <b>{count}</b>" if count is not None else ""
    return (f'<span class="chip" data-state="{state}" style="background:{color};color:{charts.text_on(color)}">'
            f'{reporting.state_display(state)}{n}</span>')


def approval_chip(a) -> str:
    """A period's approval (cycle.Approval) as a chip: "🔒 Đã duyệt" / "Chưa duyệt" (HTML)."""
    color = "#1b5e20" if a.locked else "#eceff1"
    text = ("🔒 " if a.locked else "") + a.label
    return (f'<span class="chip" data-approval="{"locked" if a.locked else "open"}" title="{esc(a.describe())}" '
            f'style="background:{color};color:{charts.text_on(color)}">{text}</span>')


def approvals(slug: str) -> dict:
    """period -> cycle.Approval (one small query; not cached: a period may lock by itself at a time)."""
    return store().approvals(slug)


def count_chips(counts: dict[str, int]) -> str:
    """'✔ Đạt 8  ✖ Không đạt 2': the non-zero statuses as chips with their counts (HTML)."""
    chips = [chip(c, counts[c]) for c in status.STATUSES if counts.get(c)]
    return f'<div class="chips">{"".join(chips)}</div>' if chips else "—"


def demo_tag(is_demo: bool) -> str:
    return f' <span class="tag">{fmt.DEMO_TAG}</span>' if is_demo else ""


def legend() -> None:
    raw_html('<div class="legend"><b>Chú giải:</b> ' + " ".join(chip(c) for c in status.STATUSES) + "</div>")


def status_cards(counts: dict[str, int]) -> None:
    """Counts by status: one card per status, coloured, with symbol and label (also the legend)."""
    cards = "".join(
        f'<div class="kpi" data-status="{c}" style="border-top-color:{status.COLOR[c]}">'
        f'<div class="lbl">{status.display(c)}</div><div class="val">{counts.get(c, 0)}</div></div>'
        for c in status.STATUSES)
    raw_html(f'<div class="kpis">{cards}</div>')


def html_table(headers: list[str], rows: list[list[str]], *, row_attrs: list[str] | None = None,
               num_cols: tuple[int, ...] = (), widths: list[int] | None = None, code_col: int | None = None) -> None:
    """A table of already-escaped HTML cells that wraps long texts (st.dataframe cuts them);
    `widths` in % of the table width."""
    group_table(headers, [("", "", rows, row_attrs or [""] * len(rows))], widths=widths, num_cols=num_cols,
                code_col=code_col)


def wrap_anywhere(text) -> str:
    """Escaped text that may break anywhere ("bieu-tong-hop-son-la-2026-….xlsx (thông tin biểu mẫu)"),
    so a long name never widens a table."""
    return f'<span style="overflow-wrap:anywhere">{esc(text)}</span>'


def problem_table(problems) -> None:
    """Every problem (errors.Problem) with its place, message and fix, wrapped: "Cách sửa" stays
    readable at 1366 px without scrolling sideways."""
    rows = capped(list(problems), "lỗi")
    html_table(["Vị trí", "Lỗi", "Cách sửa"],
               [[wrap_anywhere(p.where or "—"), esc(p.message), esc(p.hint) if p.hint else "—"] for p in rows],
               row_attrs=[f'data-where="{esc(p.where or "")}"' for p in rows], widths=[20, 44, 36])


def group_table(headers: list[str], groups: list[tuple[str, str, list[list[str]], list[str]]], *,
                widths: list[int] | None = None, num_cols: tuple[int, ...] = (), code_col: int | None = None) -> None:
    """html_table with a heading row before each group: groups are (heading HTML, heading row
    attributes, rows of already-escaped cells, their row attributes)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    # each cell's heading as plain text, shown before the cell on a phone (PHONE_CSS)
    labels = [f' data-label="{html.escape(re.sub(r"<[^>]+>", "", h), quote=True)}"' for h in headers]
    labels += [""] * max(0, max((len(r) for _, _, rows, _ in groups for r in rows), default=0) - len(labels))
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>" if widths else ""
    body = []
    for heading, heading_attrs, rows, attrs in groups:
        if heading:
            body.append(f'<tr class="group" {heading_attrs}><td colspan="{len(headers)}" '
                        f'style="background:#f7f8fa;border-top:2px solid #c9ced6">{heading}</td></tr>')
        for row, a in zip(rows, attrs):
            cells = "".join(f'<td class="num"{labels[j]}>{c}</td>' if j in num_cols
                            else f'<td class="code"{labels[j]}>{c}</td>' if j == code_col
                            else f"<td{labels[j]}>{c}</td>" for j, c in enumerate(row))
            body.append(f"<tr {a}>{cells}</tr>" if a else f"<tr>{cells}</tr>")
    fixed = ' style="table-layout:fixed"' if widths else ""
    raw_html(f'<table class="ind"{fixed}>{cols}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def transition(before: str, after: str) -> str:
    """A status change as two chips, '▲ Chậm tiến độ → ➜ Đúng tiến độ'; one chip when it stays (HTML)."""
    if before == after:
        return f'{chip(after)} <span class="why">(giữ nguyên)</span>'
    return f"{chip(before)} → {chip(after)}"


def status_changes(slug: str, period: str, changes: list) -> dict[str, tuple[str, str]]:
    """code -> (status now, status once the preview's changes are written): progress.status_after."""
    return progress.status_after(store(), slug, period, changes)


def milestone_table(pp) -> None:
    """A programme's targets with the current status beside one column per milestone year ("Mốc
    2025", "Mốc 2030"): the verdict of a milestone already reached, else what it requires, the one
    this period is judged against marked "đang xét"."""
    years = sorted({m.year for r in pp.rows for m in r.milestones})
    if not years:
        return

    def cell(r, year: int) -> str:
        m = next((m for m in r.milestones if m.year == year), None)
        if m is None:
            return "—"
        need = esc(fmt.milestone_value(m, r.target))
        if m.status:
            return f"{chip(m.status)}<div class=\"why\">cần {need}, kết quả {esc(fmt.actual(m.actual, r.target.unit))}</div>"
        mark = " <b>(đang xét)</b>" if r.judgement.milestone_year == year else ""
        return f"cần {need}{mark}"

    st.markdown(f"**Các mốc của chương trình ({pp.plan.span_label})** — tình trạng kỳ {periods.label(pp.period)} "
                "so với mốc đang xét, và kết quả của từng mốc đã qua")
    rows = capped(pp.rows, "chỉ tiêu")
    share = max(10, 52 // len(years))
    ui_widths = [7, 18] + [share] * len(years)
    ui_widths.append(max(10, 100 - sum(ui_widths)))
    html_table(["Mã", "Tình trạng kỳ này", *[f"Mốc {y}" for y in years], "Cơ quan chủ trì"], [
        [f"<b>{esc(r.target.code)}</b>", chip(r.status), *[cell(r, y) for y in years], esc(r.target.lead_agency)]
        for r in rows], row_attrs=[f'data-code="{esc(r.target.code)}"' for r in rows], widths=ui_widths, code_col=0)


TABLE_ROWS = 300  # longest table a page draws (a national plan has thousands of communes)


def capped(rows: list, what: str, full: "pd.DataFrame | None" = None, file_name: str = "danh-sach") -> list:
    """The first TABLE_ROWS rows (callers sort what matters first); says how many are hidden and
    offers the whole list as CSV when `full` is given."""
    if len(rows) <= TABLE_ROWS:
        return rows
    st.caption(f"Hiển thị {fmt.num(TABLE_ROWS)} trên {fmt.num(len(rows))} {what} (những dòng cần chú ý nhất trước).")
    if full is not None:
        st.download_button(f"⬇ Tải đủ {fmt.num(len(rows))} {what} (CSV)", full.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{file_name}.csv", mime="text/csv", key=f"full_{file_name}")
    return rows[:TABLE_ROWS]


esc = webcharts.esc  # HTML-escaped text, '$' too ("$\\geq 95\\%$" shows as written, not as a formula)


def verbatim(text) -> str:
    """Text exactly as written, markup and all ("$\\geq 95\\%$"): escaped so that neither HTML nor
    Markdown (backslash escapes, emphasis, formulas, links and images, headings, tables) changes a
    character (HTML entities, which Markdown shows as the characters). Every text from a plan or
    an agency that goes into st.markdown/st.caption goes through it: a name holding "![](…)" must
    not make every reader's browser fetch an address."""
    if text is None:
        return "—"
    return "".join(_VERBATIM.get(ch, ch) for ch in str(text))


# one pass, character by character (an entity written for one character is never escaped again)
_VERBATIM = {ch: f"&#{ord(ch)};" for ch in "&<>\"'$\\*_`~[]!#|"}


def num_html(text) -> str:
    """A figure for a table cell: may break after '/' ('17,2/100.000'), nowhere else."""
    return esc(text).replace("/", "/<wbr>")


_BY_LABEL = {status.LABEL[c]: c for c in status.STATUSES}
_STATE_BY_LABEL = {reporting.STATE_LABEL[s]: s for s in reporting.STATES}


def _cell_style(value) -> str:
    code = _BY_LABEL.get(str(value).split(" ", 1)[-1])
    if code:
        color = status.COLOR[code]
        return f"background-color: {color}; color: {charts.text_on(color)}; font-weight: 600"
    state = _STATE_BY_LABEL.get(str(value).split(" ", 1)[-1])
    if state:
        color = reporting.STATE_COLOR[state]
        return f"background-color: {color}; color: {charts.text_on(color)}; font-weight: 600"
    return ""


def dataframe(df: pd.DataFrame, status_columns: tuple[str, ...] = ("Tình trạng",), **kwargs) -> None:
    """st.dataframe with status (or report state) cells in the status colours, labels kept."""
    cols = [c for c in status_columns if c in df.columns]
    shown = df.style.map(_cell_style, subset=cols) if cols and len(df) else df
    st.dataframe(shown, hide_index=True, width="stretch", **kwargs)


def change_text(row) -> str:
    """Change of the plan-level figure since the previous period, in words, direction-aware."""
    t = row.target
    if t.kind == "milestone":
        return f"{periods.label(row.previous_period).capitalize()}: {row.previous.text}" if row.previous.text else "—"
    if row.change is None:
        return f"— (chưa có số liệu {periods.label(row.previous_period)})" if row.previous.missing else "—"
    delta = row.change
    if abs(delta) < 1e-9:
        return f"Không đổi so với {periods.label(row.previous_period)}"
    if t.comparator == "=":
        goal = row.judgement.target if row.judgement.target is not None else (t.target or 0.0)
        better = abs(row.figure.value - goal) < abs(row.previous.value - goal)
    else:
        better = delta < 0 if t.lower_is_better else delta > 0
    sign = "+" if delta > 0 else "−"
    word = "tốt lên" if better else "xấu đi"
    return f"{sign}{fmt.difference(abs(delta), t.unit)} so với {periods.label(row.previous_period)} ({word})"


# ---------------------------------------------------------------------------------------------
# Charts


def chart(fig, filename: str, key: str | None = None) -> None:
    """A plotly figure with its toolbar; the camera button downloads a PNG named `filename`."""
    st.plotly_chart(fig, config=charts.config(filename), theme=None, key=key)


def web_chart(chart_html: str, name: str, key: str, figure=None) -> None:
    """A chart from indicators.webcharts (HTML drawn by the server: on screen with the page's text,
    no chart script to load first), and, when `figure` (a function returning the same chart as a
    plotly figure) is given and Chromium is here, a button that downloads it as the exports draw it
    (kaleido, 1600 px PNG) under the Vietnamese file name `name`. The image is made only when the
    button is pressed."""
    raw_html(chart_html)
    if figure is None:
        return
    from loaders import images

    if not images.available():
        return
    st.download_button("Tải ảnh biểu đồ (PNG)", data=lambda: images.render(figure(), "png"),
                       file_name=f"{name}.png", mime="image/png", on_click="ignore", icon=":material/download:",
                       key=f"{key}_png", type="tertiary")
