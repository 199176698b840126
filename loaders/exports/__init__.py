"""Briefing exports (issue 5): chart images (PNG, SVG, PDF), an Excel summary, a Word report and a
PowerPoint deck for one plan and reporting period, in Vietnamese.

Every figure, status and count comes from the status engine (indicators.progress); this package
only lays them out. Chart figures come from indicators.charts; images from loaders.images (kaleido
and the system Chromium). Without Chromium the Excel, Word and PowerPoint files are still made, with
a Vietnamese note where a chart would be. Demo data is marked DỮ LIỆU MINH HỌA (fmt.DEMO_MARK) in
every file that shows it. No streamlit here: the export page and `python -m indicators export` both
call this.

One module per part: briefing (what every file shows, formats, file names), chart_images, excel,
word, powerpoint. The names below are the package's public face (pages/export.py, the command line,
`bench` and the tests use them)."""
from __future__ import annotations

from indicators import charts  # noqa: F401  (exports.charts: the figures the images are made from)
from loaders.exports.briefing import (DEMO_NOTE, FORMAT_LABEL, FORMATS, IMAGE_FORMATS, MIME, OVERVIEW_CHART,
                                      REPORT_TITLE, WATERMARK, Briefing, actual_value, check_format, file_name,
                                      gather, issuer_lines, place_and_date, target_value)
from loaders.exports.chart_images import Chart, chart, chart_image, chart_list, png_size, png_with_text
from loaders.exports.excel import NUMBER_FORMAT, XLSX_HEADERS, excel
from loaders.exports.powerpoint import powerpoint
from loaders.exports.word import word

__all__ = ["DEMO_NOTE", "FORMAT_LABEL", "FORMATS", "IMAGE_FORMATS", "MIME", "NUMBER_FORMAT", "OVERVIEW_CHART",
           "REPORT_TITLE", "WATERMARK", "XLSX_HEADERS", "Briefing", "Chart", "actual_value", "chart", "chart_image",
           "chart_list", "charts", "check_format", "excel", "export", "file_name", "gather", "issuer_lines",
           "place_and_date", "png_size", "png_with_text", "powerpoint", "target_value", "word"]


# One entry point for the page and the command line


def export(b: Briefing, fmt_: str, chart_key: str = OVERVIEW_CHART) -> bytes:
    """The file of a format for a briefing: an image of one chart (png, svg, pdf), or the whole
    Excel, Word or PowerPoint file."""
    fmt_ = check_format(fmt_)
    if fmt_ in IMAGE_FORMATS:
        return chart_image(b, chart_key, fmt_)
    return {"xlsx": excel, "docx": word, "pptx": powerpoint}[fmt_](b)
