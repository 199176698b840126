"""Chart images of a briefing (PNG, SVG, PDF): the dashboard's figures (indicators.charts) laid out
for a file, with the caption and the demo mark, rendered by loaders.images (kaleido and the system
Chromium). Raises images.NoBrowser without Chromium; `try_png` gives the Word and PowerPoint files a
Vietnamese note in the image's place instead."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import cached_property

from indicators import charts, fmt
from indicators.errors import AppError, UsageError
from indicators.progress import TargetProgress
from loaders import images
from loaders.exports.briefing import DEMO_NOTE, OVERVIEW_CHART, Briefing


@dataclass(eq=False)
class Chart:
    briefing: Briefing
    key: str  # 'tong-quan', 'nhom-muc-tieu', 'co-quan', 'muc-tieu-1' …
    title: str
    plotted: int  # how many bars it has (0: nothing to draw)

    @cached_property
    def figure(self):
        """The plotly figure as the dashboard draws it (built on first use)."""
        return _figure(self.briefing, self.key, self.title)


def chart_list(b: Briefing) -> list[Chart]:
    """The charts of a briefing: every target against its target (the overview), progress by goal
    group, targets by lead agency, then one per goal group."""
    pp = b.progress
    out = [Chart(b, OVERVIEW_CHART, "Từng chỉ tiêu so với chỉ tiêu kế hoạch (bên phải là tốt hơn)",
                 sum(1 for r in pp.rows if charts.distance(r) is not None)),
           Chart(b, "nhom-muc-tieu", "Tiến độ theo nhóm mục tiêu", len(pp.by_group())),
           Chart(b, "co-quan", "Chỉ tiêu chủ trì theo tình trạng, theo cơ quan", len(pp.by_agency())),
           Chart(b, "bao-cao", f"Báo cáo của các cơ quan theo kỳ (đến ngày {fmt.day(b.made_at)})", len(b.reports))]
    titles = {g.code: g.title for g in b.plan.goal_groups}
    for code, rows in pp.by_group().items():
        if code in titles:
            out.append(Chart(b, f"muc-tieu-{code}", titles[code], sum(1 for r in rows if charts.distance(r) is not None)))
    return out


def group_rows(b: Briefing, key: str) -> list[TargetProgress]:
    code = key.removeprefix("muc-tieu-")
    return [r for r in b.progress.rows if r.target.group == code]


def _figure(b: Briefing, key: str, title: str):
    pp = b.progress
    if key == OVERVIEW_CHART:
        return charts.target_positions(pp.rows, title=title)
    if key == "nhom-muc-tieu":
        return charts.status_bars(charts.group_counts(pp), title=title, label_width=40)
    if key == "co-quan":
        return charts.status_bars(charts.agency_counts(pp), title=title, axis_title="Số chỉ tiêu chủ trì")
    if key == "bao-cao":
        return charts.report_states(b.reports, title=title)
    return charts.target_positions(group_rows(b, key), title=title)


def chart(b: Briefing, key: str = OVERVIEW_CHART) -> Chart:
    for c in chart_list(b):
        if c.key == key:
            return c
    raise UsageError(f"Không có biểu đồ \"{key}\".", "Các biểu đồ: " + ", ".join(c.key for c in chart_list(b)) + ".")


def chart_image(b: Briefing, key: str = OVERVIEW_CHART, fmt_: str = "png", *, c: Chart | None = None) -> bytes:
    """One chart as PNG (1600 px wide), SVG or PDF, with the caption and, for demo data, the
    watermark. Raises images.NoBrowser without Chromium."""
    c = c or chart(b, key)
    fig = charts.briefing(c.figure, caption=b.caption(), demo=b.demo)
    data = images.render(fig, fmt_, width=round(charts.EXPORT_PX / charts.EXPORT_SCALE), scale=charts.EXPORT_SCALE)
    if fmt_ == "png":
        data = png_with_text(data, {"Title": c.title, "Description": b.caption(),
                                    "Software": "Theo dõi chỉ tiêu bảo vệ, chăm sóc trẻ em",
                                    **({"Comment": DEMO_NOTE} if b.demo else {})})
    return data


def png_with_text(data: bytes, text: dict[str, str]) -> bytes:
    """Add UTF-8 text chunks (iTXt) after a PNG's header: title, caption and the demo note travel
    with the image (Pillow: Image.open(...).text). No re-encoding."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return data
    ihdr_end = 8 + 12 + struct.unpack(">I", data[8:12])[0]
    chunks = b""
    for key, value in text.items():
        body = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    return data[:ihdr_end] + chunks + data[ihdr_end:]


def try_png(b: Briefing, c: Chart) -> tuple[bytes | None, str | None]:
    """(PNG, None), or (None, the Vietnamese note that takes the image's place)."""
    if not c.plotted:
        return None, f"(Biểu đồ \"{c.title}\": không có chỉ tiêu nào có số để vẽ trong kỳ này.)"
    try:
        return chart_image(b, c.key, "png", c=c), None
    except images.NoBrowser:
        return None, (f"(Chưa có hình biểu đồ \"{c.title}\": máy chủ không có trình duyệt Chromium để vẽ hình. "
                      "Cài gói chromium của hệ điều hành rồi xuất lại tệp này.)")
    except AppError as exc:
        return None, f"(Chưa có hình biểu đồ \"{c.title}\": {exc.message})"


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])

