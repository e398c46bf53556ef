"""The report as a one-page A4 PDF (fpdf2), in the font shipped in ``scoring/fonts``.

fpdf2 embeds the subset of the font's glyphs the page uses, with a ToUnicode map, so the text
can be searched and copied. Everything written comes from :class:`ReportContent`; the unit name
was already made printable there. A long report flows onto a second page rather than shrinking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scoring.font import FONT_PATH

if TYPE_CHECKING:
    from fpdf import FPDF

    from bot.report.content import ReportContent

FONT = "greenbot-cjk"
GREEN = (46, 125, 50)
GREY = (100, 100, 100)
BLACK = (20, 20, 20)
VERDICT_COLOURS = {
    "eligible": GREEN,
    "auto_included": GREEN,
    "conditional": (180, 110, 0),
    "incomplete": (180, 110, 0),
    "not_eligible": (190, 30, 30),
}
CHART_WIDTH = 80.0  # mm
MARGIN = 12.0  # mm


class _Page:
    """A cursor over an fpdf2 document with the few text styles the report uses."""

    def __init__(self, content: ReportContent, scale: float = 1.0) -> None:
        from fpdf import FPDF
        from fpdf.enums import WrapMode

        self.content = content
        self.scale = scale
        self.pdf: FPDF = FPDF(orientation="P", unit="mm", format="A4")
        self.wrap = WrapMode.CHAR if content.lang == "zh" else WrapMode.WORD
        pdf = self.pdf
        pdf.set_margins(MARGIN, MARGIN - 2, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN - 2)
        pdf.add_font(FONT, "", str(FONT_PATH))
        pdf.set_font(FONT, size=9)
        pdf.set_title(content.text("report.title"))
        pdf.set_creator("greenbot")
        pdf.set_lang("zh-CN" if content.lang == "zh" else "en")
        pdf.add_page()

    def text(
        self,
        text: str,
        size: float = 8.0,
        colour: tuple[int, int, int] = BLACK,
        indent: float = 0.0,
        width: float | None = None,
        after: float = 0.0,
    ) -> None:
        from fpdf.enums import XPos, YPos

        pdf = self.pdf
        size *= self.scale
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*colour)
        left = pdf.get_x() if width is not None else pdf.l_margin
        pdf.set_x(left + indent)
        pdf.multi_cell(
            w=(width if width is not None else pdf.epw) - indent,
            h=size * 0.46,
            text=text,
            align="L",
            wrapmode=self.wrap,
            new_x=XPos.LEFT if width is not None else XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if width is not None:
            pdf.set_x(left)
        if after:
            pdf.ln(after * self.scale)

    def heading(self, key: str) -> None:
        self.pdf.ln(1.5 * self.scale)
        self.text(self.content.text(key), size=10.5, colour=GREEN, after=0.8)

    def bullets(self, lines: list[str], numbered: bool = False, size: float = 7.6) -> None:
        for index, line in enumerate(lines, start=1):
            mark = f"{index}. " if numbered else "• "
            self.text(mark + line, size=size, indent=2.0, after=0.4)

    def rule(self) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*GREEN)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)


def _header(page: _Page) -> None:
    content = page.content
    page.text(content.text("report.title"), size=14.5, colour=GREEN, after=1.2)
    unit = content.unit or content.text("report.unit_none")
    line = (
        f"{content.text('report.unit')}：{unit}"
        if content.lang == "zh"
        else (f"{content.text('report.unit')}: {unit}")
    )
    page.text(line, size=10)
    if content.unit_replaced:
        page.text(content.text("report.unit_replaced"), size=7, colour=GREY)
    sep = "：" if content.lang == "zh" else ": "
    page.text(f"{content.text('report.date')}{sep}{content.day.isoformat()}", size=8.5, after=1)
    page.rule()


def _prescreen(page: _Page) -> None:
    content = page.content
    page.heading("report.section.prescreen")
    part = content.prescreen
    if part is None:
        page.text(content.text("report.prescreen_none"), size=8, colour=GREY)
        return
    verdict = part.result.verdict
    page.text(
        content.text("report.verdict", verdict=part.verdict),
        size=11,
        colour=VERDICT_COLOURS.get(verdict, BLACK),
    )
    today = part.result.today.isoformat()
    page.text(content.text("report.target", target=part.target, today=today), size=7.5, colour=GREY)
    page.text(content.text("report.reasons"), size=8.2, after=0.4)
    page.bullets(part.reasons)
    if part.missing:  # one paragraph: the questions are short and can be many (up to 20)
        sep = "；" if content.lang == "zh" else "; "
        head = content.text("report.missing", n=len(part.missing))
        page.text(head + sep.join(q.rstrip("？?") for q in part.missing), size=7.6)


def _score(page: _Page, chart_png: bytes | None) -> None:
    import io

    content = page.content
    page.heading("report.section.score")
    part = content.score
    if part is None:
        page.text(content.text("report.score_none"), size=8, colour=GREY)
        return
    ctx = part.context
    pdf = page.pdf
    top = pdf.get_y()
    chart_width = CHART_WIDTH * page.scale
    column = pdf.epw - (chart_width + 3 if chart_png else 0)
    pdf.set_x(pdf.l_margin)
    page.text(
        content.text(
            "report.total",
            total=ctx["total"],
            max=ctx["max_total"],
            base=ctx["base"],
            max_base=ctx["max_base"],
            bonus=ctx["bonus"],
            max_bonus=ctx["max_bonus"],
        ),
        size=9,
        width=column,
        after=0.6,
    )
    page.text(content.text("report.grade", grade=ctx["grade_name"]), size=10.5, width=column)
    cutoffs = ctx["cutoffs"]
    page.text(
        content.text("report.cutoffs", c2=cutoffs["2"], c3=cutoffs["3"], c4=cutoffs["4"]),
        size=7.4,
        colour=GREY,
        width=column,
    )
    page.text(ctx["caveat"], size=7.4, colour=GREY, width=column)
    if ctx["unanswered"]:
        page.text(
            content.text("report.unanswered", n=len(ctx["unanswered"])), size=7.4, width=column
        )
    text_bottom = pdf.get_y()
    chart_bottom = top
    if chart_png:
        left = pdf.w - pdf.r_margin - chart_width
        image = pdf.image(io.BytesIO(chart_png), x=left, y=top, w=chart_width)
        chart_bottom = top + float(image.rendered_height)
    pdf.set_y(max(text_bottom, chart_bottom) + 1.5)
    _table(page, part.context)


def _table(page: _Page, ctx: dict[str, Any]) -> None:
    from fpdf.fonts import FontFace

    content = page.content
    pdf = page.pdf
    pdf.set_font(FONT, size=6.8 * page.scale)
    pdf.set_text_color(*BLACK)
    pdf.set_draw_color(200, 210, 200)
    pdf.set_line_width(0.15)
    headings = FontFace(emphasis="", fill_color=(226, 238, 226))
    with pdf.table(
        col_widths=(8, 56, 13, pdf.epw - 77),
        headings_style=headings,
        line_height=2.8 * page.scale,
        text_align=("CENTER", "LEFT", "CENTER", "LEFT"),
        wrapmode=page.wrap,
        padding=(0.3, 1.0),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        head = table.row()
        for key in ("number", "indicator", "points", "note"):
            head.cell(content.text(f"report.col.{key}"))
        for group in ctx["groups"]:
            for item in group["rows"]:
                row = table.row()
                row.cell(str(item["number"]))
                row.cell(item["title"])
                row.cell(f"{item['points']} / {item['max']}")
                row.cell(item["note"])


def _closing(page: _Page) -> None:
    content = page.content
    if content.steps:
        page.heading("report.section.steps")
        page.bullets(content.steps, numbered=True)
    page.heading("report.section.deadlines")
    page.bullets(content.deadlines)
    page.pdf.ln(1.5)
    page.rule()
    page.text(content.source, size=6.8, colour=GREY, after=0.5)
    page.text(content.text("report.disclaimer"), size=6.8, colour=GREY)


SMALLEST = 0.82  # the type shrinks at most to this share to keep the report on one page


def _draw(content: ReportContent, chart_png: bytes | None, scale: float) -> FPDF:
    page = _Page(content, scale)
    _header(page)
    _prescreen(page)
    _score(page, chart_png)
    _closing(page)
    return page.pdf


def _height_used(pdf: FPDF) -> float:
    usable = pdf.h - pdf.t_margin - pdf.b_margin
    return (pdf.page_no() - 1) * usable + pdf.get_y() - pdf.t_margin


def render_pdf(content: ReportContent, chart_png: bytes | None = None) -> bytes:
    """The report as PDF bytes; ``chart_png`` goes beside the score totals.

    When it runs over one page, it is drawn again with type shrunk in proportion (text that
    wraps shrinks about with the square of the scale, headings and rows linearly), once more a
    little smaller if needed, never below :data:`SMALLEST`. What does not fit even then (a
    pre-screen with many open questions) takes two pages in the full size."""
    first = pdf = _draw(content, chart_png, 1.0)
    scale = 1.0
    for _ in range(2):
        if pdf.page_no() == 1 or scale <= SMALLEST:
            break
        usable = pdf.h - pdf.t_margin - pdf.b_margin
        scale = max(SMALLEST, scale * (usable / _height_used(pdf)) ** 0.75 * 0.97)
        pdf = _draw(content, chart_png, scale)
    if pdf.page_no() > 1:  # too long for one page anyway: two pages in the full size
        pdf = first
    return bytes(pdf.output())


def make_pdf(content: ReportContent) -> bytes:
    """The report with its chart (drawn from the score, when there is one)."""
    chart = None
    if content.score is not None:
        from scoring.chart import render_png

        chart = render_png(content.score.report, content.lang, dpi=220, width=6.4)
    return render_pdf(content, chart)
