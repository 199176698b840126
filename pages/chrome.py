"""Streamlit's own texts (its "chrome") in Vietnamese, and its developer menu hidden.

Streamlit 1.67 has no language setting: its buttons, tooltips, dialogs and accessibility labels are
English strings inside its JavaScript. The developer menu and toolbar are off through
.streamlit/config.toml (client.toolbarMode = "minimal"; "viewer" would still show Settings / Print /
Record a screencast in English) and hidden again by the CSS in case a later Streamlit shows them.
Two means for the texts, both applied on every page by ui.style():
- CSS for the texts that are always on screen (the upload box, the Stop button, the reconnecting
  badge): the English shrunk to nothing and the Vietnamese put in its place (::after);
- a small script (`SCRIPT`, run once per browser tab) that watches the page and replaces the other
  known English texts where they appear: tooltips and menus of the tables, the password eye, the
  sidebar's buttons, the "Connection error" dialog (which appears when the server is gone, so it
  cannot come from the server), uploaded file sizes ("2.0KB" -> "2,0 KB"). Only a whole text or a
  whole attribute that is exactly one of `WORDS` (or matches `PATTERNS`) is changed, never a text of
  ours: texts inside Markdown and HTML we write are skipped (attributes are not: Streamlit adds
  "Link to heading" to our headings). React keeps its own nodes (only their text changes).

tests/test_browser.py lists the English a person could meet and checks none is visible; when a new
Streamlit release adds or renames a text, add it to WORDS."""
from __future__ import annotations

import json

import streamlit as st

CSS = """
    [data-testid="stAppDeployButton"], [data-testid="stMainMenu"], [data-testid="stToolbarActions"] {display: none}
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0}
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {content: "Chọn tệp";
        font-size: 1rem}
    [data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0}
    [data-testid="stFileUploaderDropzoneInstructions"] span::after {font-size: 0.875rem;
        content: "Kéo thả tệp vào đây · tối đa 20 MB mỗi tệp"}
    [data-testid="stFileUploaderDropzoneInput"][accept*=".xlsx"] ~ [data-testid="stFileUploaderDropzoneInstructions"] span::after {
        content: "Kéo thả tệp vào đây · tối đa 20 MB mỗi tệp · XLSX, ODS"}
    .st-key-upload_file [data-testid="stFileUploaderDropzoneInstructions"] span::after {
        content: "Kéo thả tệp vào đây · tối đa 20 MB mỗi tệp · XLSX, ODS"}
    [data-testid="stFileUploaderDropzoneInput"][accept*=".docx"] ~ [data-testid="stFileUploaderDropzoneInstructions"] span::after {
        content: "Kéo thả tệp vào đây · tối đa 20 MB mỗi tệp · DOCX, TXT"}
    [data-testid="InputInstructions"] > span {font-size: 0}
    [data-testid="InputInstructions"] > span:first-child::after {content: "Nhấn Enter để áp dụng"; font-size: 0.75rem}
    [data-testid="stForm"] [data-testid="InputInstructions"] > span:first-child::after {content: "Nhấn Enter để gửi"}
    [data-testid="stStatusWidget"] button {font-size: 0}
    [data-testid="stStatusWidget"] button::after {content: "Dừng"; font-size: 0.875rem}
    [data-testid="stConnectionStatus"] {font-size: 0}
    [data-testid="stConnectionStatus"]::after {content: "Đang kết nối lại…"; font-size: 0.875rem}
    [role="dialog"] [data-testid="stCode"], [role="dialog"] pre {display: none}
"""

RECONNECT = ("Mất kết nối tới máy chủ. Trang sẽ tự kết nối lại; nếu sau vài phút vẫn không được, tải lại trang "
             "(F5) hoặc báo quản trị hệ thống.")

# Streamlit's English (exact, whole text or attribute) -> Vietnamese
WORDS = {
    # connection, status, app frame
    "Connection error": "Mất kết nối",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": RECONNECT,
    "Streamlit server is not responding. Are you connected to the internet?": RECONNECT,
    "Connection lost. Please wait for the app to reconnect, then try again.":
        "Mất kết nối. Chờ trang kết nối lại rồi thử lại.",
    "Connecting": "Đang kết nối", "Connecting to Streamlit server": "Đang kết nối tới máy chủ",
    "Unable to connect to Streamlit server": "Không kết nối được tới máy chủ",
    "Please wait...": "Vui lòng chờ…", "Running...": "Đang chạy…", "Stop": "Dừng", "Stopping...": "Đang dừng…",
    "Skip to main content": "Chuyển tới nội dung chính", "Close": "Đóng", "Page not found": "Không có trang này",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "Không có trang này; đang mở trang Tổng quan.",
    "Collapse sidebar": "Thu gọn thanh bên", "Expand sidebar": "Mở thanh bên", "View less": "Thu gọn",
    "Copy to clipboard": "Sao chép", "Copy": "Sao chép", "Sidebar": "Thanh bên", "App pages": "Các trang",
    "Link to heading": "Liên kết tới mục này",
    # tables (st.dataframe): toolbar, search, column menu
    "Download as CSV": "Tải về dạng CSV", "Search": "Tìm kiếm", "Close Search": "Đóng tìm kiếm",
    "Fullscreen": "Toàn màn hình", "Close fullscreen": "Thoát toàn màn hình", "Exit fullscreen": "Thoát toàn màn hình",
    "Show/hide columns": "Hiện/ẩn cột", "Sort ascending": "Sắp xếp tăng dần", "Sort descending": "Sắp xếp giảm dần",
    "Hide column": "Ẩn cột", "Pin column": "Ghim cột", "Unpin column": "Bỏ ghim cột", "Autosize": "Tự chỉnh độ rộng",
    "Format": "Định dạng", "Copy column name": "Sao chép tên cột", "Select all": "Chọn tất cả",
    "Clear selection": "Bỏ chọn", "Loading...": "Đang tải…", "No data": "Không có dữ liệu",
    # choices, text fields, upload box
    "Choose an option": "Chọn một mục", "Choose options": "Chọn các mục", "No results": "Không có kết quả",
    "No options": "Không có lựa chọn", "Clear all": "Bỏ chọn tất cả", "Clear value": "Xóa lựa chọn",
    "Clear entry": "Xóa nội dung", "Show password": "Hiện các ký tự đã gõ", "Hide password": "Ẩn các ký tự đã gõ",
    "Open": "Mở", "Selected values": "Các mục đã chọn",
    "Drag and drop file here": "Kéo thả tệp vào đây", "Drag and drop files here": "Kéo thả tệp vào đây",
    "Drag and drop a file here": "Kéo thả tệp vào đây", "Browse files": "Chọn tệp", "Upload": "Chọn tệp",
    "Remove file": "Bỏ tệp", "Previous page": "Trang trước", "Next page": "Trang sau",
}

# (regular expression on the whole text, replacement in JavaScript's String.replace syntax)
PATTERNS = [
    (r"^(\d+)\.(\d+)\s?(B|KB|MB|GB)$", "$1,$2 $3"),  # an uploaded file's size
    (r"^(\d+)\s?(B|KB|MB|GB)$", "$1 $2"),
    (r"^View (\d+) more$", "Xem thêm $1 trang"),
    (r"^Showing page (\d+) of (\d+)$", "Trang $1/$2"),
    (r"^(\S+) files are not allowed\.$", "Không nhận tệp $1."),
    (r"^Remove (.+)$", "Bỏ $1"),
    (r"^You have requested page (/\S*), but no corresponding file was found in the app's pages/ directory\. "
     r"Running the app's main page\.$", "Không có trang $1; đang mở trang Tổng quan."),
    (r"^(\d+(?:\.\d+)?\s?[KMG]?B) per file$", "tối đa $1 mỗi tệp"),
]

SCRIPT = """<script>(() => {
  if (window.__viChrome) return;
  window.__viChrome = true;
  const WORDS = %s, PATTERNS = %s.map(([re, to]) => [new RegExp(re), to]);
  const ATTRS = ['aria-label', 'title', 'placeholder'];
  // our texts: Markdown and HTML we write, and the choices of a box (a plan, an agency, an account
  // named "Open" stays "Open"); Streamlit's own texts inside Markdown (upload box, tooltips) are not ours
  const OURS = '[data-testid="stMarkdownContainer"]:not([data-testid="stFileUploaderDropzone"] *):not('
    + '[data-testid="stTooltipContent"] *), [data-testid="stHtml"], [data-testid="stCode"], [role="option"], '
    + '[data-baseweb="tag"], [data-testid="stDataFrame"] [role="gridcell"]';
  const tr = (s) => {
    const t = s.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(WORDS, t)) return s.replace(t, () => WORDS[t]);
    for (const [re, to] of PATTERNS) if (re.test(t)) return s.replace(t, () => t.replace(re, to));
    return null;
  };
  const text = (n) => {
    const el = n.parentElement;
    if (!el || el.closest(OURS)) return;
    const v = tr(n.nodeValue);
    if (v !== null && v !== n.nodeValue) n.nodeValue = v;
  };
  const attrs = (el) => {  // not in our HTML; in Markdown yes: Streamlit adds "Link to heading" to our headings
    if (el.closest('[data-testid="stHtml"], [role="option"], [data-baseweb="tag"]')) return;
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      const w = v && tr(v);
      if (w && w !== v) el.setAttribute(a, w);
    }
  };
  const walk = (root) => {
    if (root.nodeType === 3) return text(root);
    if (root.nodeType !== 1) return;
    attrs(root);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) n.nodeType === 3 ? text(n) : attrs(n);
  };
  walk(document.body);
  new MutationObserver((changes) => {
    for (const m of changes) {
      if (m.type === 'characterData') text(m.target);
      else if (m.type === 'attributes') attrs(m.target);
      else m.addedNodes.forEach(walk);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRS});
  document.documentElement.lang = 'vi';
})();</script>""" % (json.dumps(WORDS, ensure_ascii=False), json.dumps(PATTERNS))


def install() -> None:
    """The script, once per browser tab (it guards itself; Streamlit runs it again on each rerun)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
