"""The PDF report: it opens, its text holds the verdict, the total and every cited article,
Chinese is embedded and extractable, and page 1 renders (pdftoppm) to a non-blank image."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.render import Lang, label
from bot.report.content import build
from bot.report.pdf import make_pdf
from scoring.font import PLACEHOLDER
from scoring.present import fmt
from tests.bot.report.helpers import DAY, PROFILES, answers, pdf_text, profile, squeeze

# The articles the pre-screen cites, as its reasons name them.
ARTICLES_ZH = {2: "二", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 15: "十五"}


def _article(ref: str, lang: Lang) -> str:
    number = int(ref.removeprefix("art-"))
    return f"第{ARTICLES_ZH[number]}条" if lang == "zh" else f"Art. {number}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", sorted(PROFILES))
def test_the_text_holds_verdict_total_and_every_cited_article(kind: str, lang: Lang) -> None:
    content = build(lang, DAY, profile=profile(kind), answers=answers(), unit="北京示范工厂")
    assert content.prescreen is not None and content.score is not None
    assert content.prescreen.result.verdict == kind
    text = pdf_text(make_pdf(content))
    assert squeeze(label(f"prescreen.verdict.{kind}", lang)) in text
    report = content.score.report
    assert f"{fmt(report.total)}/{fmt(report.max_total)}" in text
    assert squeeze(label(f"score.grade.{report.grade}", lang)) in text
    assert content.prescreen.refs  # every verdict cites at least one article
    for ref in content.prescreen.refs:
        assert squeeze(_article(ref, lang)) in text, ref
    for reason in content.prescreen.reasons:
        assert squeeze(reason) in text
    assert "北京示范工厂" in text
    # The source line and that the authorities' text prevails.
    assert squeeze(label("report.disclaimer", lang)) in text
    assert ("以主管部门发布的正式文本为准" if lang == "zh" else "authoritiesprevails") in text


def test_the_chinese_font_is_embedded_as_a_subset() -> None:
    from pypdf import PdfReader

    data = make_pdf(build("zh", DAY, profile=profile("eligible"), answers=answers()))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            embedded.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    assert embedded and all(has_file for _, has_file in embedded)
    assert all("+GreenbotCJK" in name for name, _ in embedded)  # a subset (ABCDEF+ prefix)
    assert len(data) < 400_000


def test_the_unit_name_prints_as_typed_and_unknown_characters_show_as_placeholders() -> None:
    typed = "<b>北京</b>&鿏\U00020000科技😀有限公司\x07"
    content = build("zh", DAY, answers=answers(), unit=typed)
    assert content.unit_replaced
    text = pdf_text(make_pdf(content))
    assert f"<b>北京</b>&{PLACEHOLDER * 2}科技{PLACEHOLDER}有限公司" in text
    assert squeeze(label("report.unit_replaced", "zh")) in text


def test_either_part_may_be_left_out_but_not_both() -> None:
    only_score = pdf_text(make_pdf(build("zh", DAY, answers=answers())))
    assert squeeze(label("report.prescreen_none", "zh")) in only_score
    only_prescreen = pdf_text(make_pdf(build("en", DAY, profile=profile("conditional"))))
    assert squeeze(label("report.score_none", "en")) in only_prescreen
    with pytest.raises(ValueError, match="nothing to report"):
        build("zh", DAY)


def test_a_long_unit_name_is_cut_and_a_long_report_still_renders() -> None:
    content = build("zh", DAY, profile=profile("incomplete"), answers=answers({}), unit="厂" * 500)
    assert content.unit == "厂" * 60
    assert pdf_text(make_pdf(content)).startswith(squeeze(label("report.title", "zh")))


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm missing: apt-get install poppler-utils")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_one_renders_to_an_image(tmp_path: Path, lang: Lang) -> None:
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf(build(lang, DAY, profile=profile("conditional"), answers=answers())))
    assert PDFTOPPM is not None
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
        dark = sum(grey.histogram()[:128])
        assert dark > 0.01 * width * height  # text and the chart's bars, not a blank page


def test_in_chat_the_advice_names_the_chat_command() -> None:
    asks_for_grade = profile("incomplete")
    cli = build("zh", DAY, profile=asks_for_grade)
    chat = build("zh", DAY, profile=asks_for_grade, in_chat=True)
    assert any("greenbot score" in step for step in cli.steps)
    assert not any("greenbot score" in step for step in chat.steps)
    assert any("/score" in step for step in chat.steps)
