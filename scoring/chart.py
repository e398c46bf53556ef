"""A horizontal bar chart of points against the maximum, one bar per domain (PNG bytes).

matplotlib is imported here only, lazily, with the Agg backend and no pyplot (no global state,
no display). The labels use the font shipped in ``scoring/fonts/`` (registered with matplotlib
when the first chart is drawn), so Chinese shows on any machine, with or without CJK fonts.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import TYPE_CHECKING

from bot.render import Lang, label
from scoring.font import matplotlib_family

if TYPE_CHECKING:
    from scoring.report import Report

POINTS_COLOUR = "#2e7d32"
MAX_COLOUR = "#dfe6df"


def _quiet_matplotlib() -> None:
    # First use may log "building the font cache": keep stderr clean.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def _domains(report: Report, lang: Lang) -> list[tuple[str, float, float]]:
    rows: dict[str, list[float]] = {}
    for item in report.items:
        name = item.indicator.domain if lang == "zh" else item.indicator.domain_en
        row = rows.setdefault(name, [0.0, 0.0])
        row[0] += item.points
        row[1] += item.max
    return [(name, points, maximum) for name, (points, maximum) in rows.items()]


def chart_labels(report: Report, lang: Lang = "zh") -> list[str]:
    """Every text the chart shows (the font test checks each character is in the font)."""
    from scoring.present import fmt

    texts = [
        _title(report, lang),
        label("score.chart.max", lang),
        label("score.chart.points", lang),
    ]
    texts += [name for name, _, _ in _domains(report, lang)]
    texts += [f"{fmt(p)} / {fmt(m)}" for _, p, m in _domains(report, lang)]
    return texts


def _title(report: Report, lang: Lang) -> str:
    from scoring.present import fmt, grade_label

    return label(
        "score.chart.title",
        lang,
        total=fmt(report.total),
        max=fmt(report.max_total),
        grade=grade_label(report.grade, lang),
    )


def render_png(report: Report, lang: Lang = "zh", dpi: int = 100, width: float = 8.0) -> bytes:
    """The chart as PNG bytes, labels in ``lang``; ``width`` in inches (the PDF report draws it
    narrower, so its labels print larger)."""
    from scoring.present import fmt

    _quiet_matplotlib()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _domains(report, lang)
    names = [name for name, _, _ in rows]
    points = [value for _, value, _ in rows]
    maxima = [value for _, _, value in rows]
    positions = list(range(len(rows)))[::-1]  # first domain on top
    family = [matplotlib_family(), "DejaVu Sans"]
    title = _title(report, lang)
    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": family}):
        warnings.simplefilter("ignore")
        figure = Figure(figsize=(width, 0.42 * len(rows) + 1.6), dpi=dpi)
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
