"""What a report says: the pre-screen verdict with its reasons, the score per indicator, the
grade estimate, the next steps, the deadlines that apply and the measures' source.

Pure: answers in, a :class:`ReportContent` out; every phrase comes from ``bot/templates``.
Either part may be missing (a chat that only ran one of the two flows); not both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.official_source import source_context
from bot.render import Lang, label, render
from scoring.font import printable

if TYPE_CHECKING:
    from bot.prescreen import Profile, Result
    from scoring.inputs import ScoreInput
    from scoring.report import Report

UNIT_MAX = 60  # characters of a unit name (the longest registered names are about 40)
GAINS = 5
GRADE_FOR_LIST = 3  # Art. 8, 16: the grade a municipal green factory needs


@dataclass(frozen=True)
class Prescreen:
    result: Result
    verdict: str
    target: str
    reasons: list[str]
    missing: list[str]
    refs: list[str]  # the articles the reasons cite, in order


@dataclass(frozen=True)
class Score:
    report: Report
    context: dict[str, Any]  # scoring.present.report_context


@dataclass(frozen=True)
class ReportContent:
    lang: Lang
    day: date
    unit: str  # as typed, made printable (□ for what the font lacks); "" when not given
    unit_replaced: bool
    prescreen: Prescreen | None
    score: Score | None
    steps: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    source: str = ""

    def text(self, key: str, **values: Any) -> str:
        return label(key, self.lang, **values)


def clean_unit(name: str | None) -> tuple[str, bool]:
    """A unit name as typed, on one line, at most :data:`UNIT_MAX` characters, printable."""
    flat = " ".join((name or "").split())[:UNIT_MAX]
    return printable(flat)


def _prescreen(profile: Profile, day: date, lang: Lang) -> Prescreen:
    from bot.prescreen import evaluate, report_context

    result = evaluate(profile, day)
    context = report_context(result, lang)
    refs: list[str] = []
    for reason in result.reasons:
        if reason.ref not in refs:
            refs.append(reason.ref)
    return Prescreen(
        result=result,
        verdict=context["verdict_label"],
        target=context["target_label"],
        reasons=[reason["text"] for reason in context["reasons"]],
        missing=[item["question"] for item in context["missing"]],
        refs=refs,
    )


def _score(answers: ScoreInput, lang: Lang) -> Score:
    from scoring.present import report_context
    from scoring.report import score

    report = score(answers)
    return Score(report, report_context(report, lang))


def _steps(
    prescreen: Prescreen | None, scored: Score | None, lang: Lang, in_chat: bool
) -> list[str]:
    # The advice names how to reach the quick score: a command in chat, the CLI elsewhere.
    score = "/score" if in_chat else "greenbot score"
    steps = list(prescreen.result.next_steps(lang, score=score)) if prescreen else []
    if scored is not None:
        steps += [
            label("report.gain", lang, step=gain["step"], number=gain["number"])
            for gain in scored.context["gains"][:GAINS]
        ]
    return steps


def _deadlines(prescreen: Prescreen | None, scored: Score | None, lang: Lang) -> list[str]:
    lines: list[str] = []
    result = prescreen.result if prescreen else None
    if result is not None and result.earliest_reapply is not None:
        day = result.earliest_reapply.isoformat()
        lines.append(label("report.deadline.reapply", lang, date=day))
    if result is None or result.verdict != "not_eligible":
        lines.append(label("report.deadline.art14", lang))
    if scored is not None and scored.report.grade < GRADE_FOR_LIST:
        lines.append(label("report.deadline.art16", lang))
    lines.append(label("report.deadline.notices", lang))
    return lines


def build(
    lang: Lang,
    day: date,
    *,
    profile: Profile | None = None,
    answers: ScoreInput | None = None,
    unit: str | None = None,
    in_chat: bool = False,
) -> ReportContent:
    """The report for what is known; raises ValueError when there is nothing to report."""
    if profile is None and answers is None:
        raise ValueError("nothing to report: give a pre-screen profile, score answers or both")
    name, replaced = clean_unit(unit)
    prescreen = _prescreen(profile, day, lang) if profile is not None else None
    scored = _score(answers, lang) if answers is not None else None
    return ReportContent(
        lang=lang,
        day=day,
        unit=name,
        unit_replaced=replaced,
        prescreen=prescreen,
        score=scored,
        steps=_steps(prescreen, scored, lang, in_chat),
        deadlines=_deadlines(prescreen, scored, lang),
        source=render("source_line.txt.j2", lang, **source_context(lang)),
    )
