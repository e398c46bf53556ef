"""A horizontal bar chart of points against the maximum, one bar per domain (PNG bytes).

matplotlib is imported here only, lazily, with the Agg backend and no pyplot (no global state,
no display). Chinese labels need a CJK font; without one the chart falls back to English labels
rather than printing missing-glyph boxes and warnings.
"""

from __future__ import annotations

import io
import logging
import warnings
from functools import cache
from typing import TYPE_CHECKING

from bot.render import Lang, label

if TYPE_CHECKING:
    from scoring.report import Report

# Families that cover Chinese, most common first (Linux, macOS, Windows).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
)
POINTS_COLOUR = "#2e7d32"
MAX_COLOUR = "#dfe6df"


def _quiet_matplotlib() -> None:
    # First use may log "building the font cache"; missing glyphs log warnings: keep stderr clean.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


@cache
def cjk_font() -> str | None:
    """The first installed font family able to show Chinese, or None."""
    _quiet_matplotlib()
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _domains(report: Report, lang: Lang) -> list[tuple[str, float, float]]:
    rows: dict[str, list[float]] = {}
    for item in report.items:
        name = item.indicator.domain if lang == "zh" else item.indicator.domain_en
        row = rows.setdefault(name, [0.0, 0.0])
        row[0] += item.points
        row[1] += item.max
    return [(name, points, maximum) for name, (points, maximum) in rows.items()]


def render_png(report: Report, lang: Lang = "zh") -> bytes:
    """The chart as PNG bytes; Chinese labels only if ``lang`` is zh and a CJK font exists."""
    from scoring.present import fmt, grade_label

    font = cjk_font() if lang == "zh" else None
    lang = "zh" if font else "en"
    _quiet_matplotlib()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _domains(report, lang)
    names = [name for name, _, _ in rows]
    points = [value for _, value, _ in rows]
    maxima = [value for _, _, value in rows]
    positions = list(range(len(rows)))[::-1]  # first domain on top
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    title = label(
        "score.chart.title",
        lang,
        total=fmt(report.total),
        max=fmt(report.max_total),
        grade=grade_label(report.grade, lang),
    )
    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": family}):
        warnings.simplefilter("ignore")
        figure = Figure(figsize=(8, 0.42 * len(rows) + 1.6), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.barh(positions, maxima, color=MAX_COLOUR, label=label("score.chart.max", lang))
        axes.barh(positions, points, color=POINTS_COLOUR, label=label("score.chart.points", lang))
        for y, value, maximum in zip(positions, points, maxima, strict=True):
            axes.text(maximum + 0.3, y, f"{fmt(value)} / {fmt(maximum)}", va="center", fontsize=9)
        axes.set_yticks(positions, labels=names)
        axes.set_xlim(0, max(maxima) * 1.25)
        axes.set_xlabel(label("score.chart.points", lang))
        axes.set_title(title, fontsize=11)
        axes.legend(loc="lower right", fontsize=8, frameon=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
