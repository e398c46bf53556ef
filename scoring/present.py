"""Words for a score report: notes, next steps, labels, the plain-text report and the JSON
payload (:mod:`scoring.report` gives the points, never words).

Every phrase comes from ``bot/templates`` (``strings/score.yaml`` and ``score_report.txt.j2``);
this module only picks the right one and fills in the numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.render import Lang, label, render
from scoring.report import ItemScore, Report, plain_number, round_points
from scoring.rules import (
    TIERS,
    ChecklistRule,
    LevelRule,
    PercentRule,
    PositionRule,
    RatioAnswer,
    RatioRule,
)

if TYPE_CHECKING:
    from scoring.indicators import Indicator


def fmt(number: float) -> str:
    """2.0 → "2", 1.25 → "1.25", 0.5 → "0.5" (at most two decimals)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def tier_label(tier: str, lang: Lang = "zh") -> str:
    return label(f"score.tier.{tier}", lang)


def level_label(level: int, lang: Lang = "zh") -> str:
    return label(f"score.level.{level}", lang)


def grade_label(grade: int, lang: Lang = "zh") -> str:
    return label(f"score.grade.{grade}", lang)


def choices(indicator: Indicator, lang: Lang = "zh") -> list[tuple[str, str]]:
    """``(value, label)`` pairs a dialog can offer as buttons; [] for numeric answers.

    The value is what :func:`scoring.inputs.parse_answer` accepts (a checklist takes a list).
    """
    rule = indicator.rule
    if isinstance(rule, PositionRule):
        return [(tier, tier_label(tier, lang)) for tier in TIERS]
    if isinstance(rule, ChecklistRule):
        return [(item.id, item.label(lang)) for item in rule.items]
    if isinstance(rule, LevelRule):
        return [(str(level), level_label(level, lang)) for level in range(rule.top_level + 1)]
    return []


def _percent_target(value: float, over: bool, lang: Lang) -> str:
    return label("score.target.over" if over else "score.target.reach", lang, value=fmt(value))


def step_text(item: ItemScore, lang: Lang = "zh") -> str:
    """The next step with its gain, e.g. ``采购绿电、绿证超过100兆瓦时…：+2``."""
    step = item.step
    if step is None:
        return ""
    params: dict[str, Any] = dict(step.params)
    if "target" in params and isinstance(item.indicator.rule, PercentRule):
        params["target"] = _percent_target(params["target"], params.pop("over"), lang)
    elif "target" in params:
        params["target"], params["x"] = fmt(params["target"]), fmt(params["x"])
    if "tier" in params:
        params["tier"] = tier_label(params["tier"], lang)
    if "level" in params:
        params["level"] = level_label(params["level"], lang)
    action = step.text.text(lang).format(**params)
    return label("score.step", lang, step=action, gain=fmt(step.gain))


def _ratio_parts(rule: RatioRule, answer: RatioAnswer, lang: Lang) -> list[str]:
    unit = "%" if rule.percent else ""
    x = rule.progress(answer)
    if x < rule.floor - 1e-9:
        key, values = (
            "ratio_below",
            {"value": fmt(answer.value) + unit, "requirement": fmt(answer.requirement) + unit},
        )
    elif rule.mode == "multiple":
        key, values = (
            "ratio_multiple",
            {"value": fmt(answer.value), "requirement": fmt(answer.requirement), "x": fmt(x)},
        )
    else:
        key, values = (
            "ratio_margin",
            {"value": fmt(answer.value), "requirement": fmt(answer.requirement), "x": fmt(x)},
        )
    parts = [label(f"score.note.{key}", lang, **values)]
    if rule.points(answer) < rule.max_points:
        parts.append(label(f"score.note.ratio_full_{rule.mode}", lang, x=fmt(rule.full_at)))
    return parts


def _answer_parts(indicator: Indicator, answer: Any, lang: Lang) -> list[str]:
    rule = indicator.rule
    if isinstance(rule, RatioRule):
        return _ratio_parts(rule, answer, lang)
    if isinstance(rule, PositionRule):
        return [tier_label(answer, lang)]
    if isinstance(rule, PercentRule):
        parts = [f"{fmt(answer)}%"]
        if not rule.is_full(answer):
            target = _percent_target(rule.threshold, not rule.inclusive, lang)
            parts.append(label("score.note.percent_full", lang, target=target))
        return parts
    if isinstance(rule, ChecklistRule):
        if not answer:
            return [label("score.note.ticked_none", lang)]
        names = label("score.note.item_sep", lang).join(
            item.label(lang) for item in rule.items if item.id in answer
        )
        parts = [label("score.note.ticked", lang, items=names)]
        ticked = sum(item.points for item in rule.items if item.id in answer)
        if rule.cap is not None and ticked > rule.cap:
            parts.append(label("score.note.capped", lang, cap=fmt(rule.cap)))
        return parts
    if isinstance(rule, LevelRule):
        parts = [level_label(answer, lang)]
        if answer < rule.min_level:
            parts.append(label("score.note.level_min", lang, level=rule.min_level))
        return parts
    return []


def note(item: ItemScore, lang: Lang = "zh") -> str:
    """One line on how an indicator scored: the answer, the outcome, estimate or not."""
    if not item.answered:
        return label("score.note.unanswered", lang)
    parts = _answer_parts(item.indicator, item.answer, lang)
    if item.points >= item.max:
        parts.append(label("score.note.full", lang))
    elif item.points <= 0:
        parts.append(label("score.note.zero", lang))
    elif item.estimated:
        parts.append(label("score.note.estimate", lang))
    return label("score.note.sep", lang).join(parts)


def report_context(report: Report, lang: Lang = "zh") -> dict[str, Any]:
    """What ``score_report.*.j2`` templates get: numbers already formatted."""
    groups: list[dict[str, Any]] = []
    for item in report.items:
        ind = item.indicator
        domain = ind.domain_en if lang == "en" else ind.domain
        if not groups or groups[-1]["domain"] != domain:
            groups.append({"domain": domain, "rows": [], "points": 0.0, "max": 0.0})
        group = groups[-1]
        group["points"] += item.points
        group["max"] += item.max
        group["rows"].append(
            {
                "ref": item.ref,
                "number": ind.number,
                "title": ind.title(lang),
                "points": fmt(item.points),
                "max": fmt(item.max),
                "note": note(item, lang),
                "estimated": item.estimated,
            }
        )
    for group in groups:
        group["points"], group["max"] = fmt(group["points"]), fmt(group["max"])
    by_ref = {item.ref: item for item in report.items}
    grading = report.grading
    return {
        "total": fmt(report.total),
        "base": fmt(report.base),
        "bonus": fmt(report.bonus),
        "max_total": fmt(report.max_total),
        "max_base": fmt(report.max_base),
        "max_bonus": fmt(report.max_bonus),
        "grade": report.grade,
        "grade_name": grade_label(report.grade, lang),
        "cutoffs": {key: fmt(value) for key, value in report.cutoffs.items()},
        "cutoffs_official": grading.official,
        "caveat": grading.note_en if lang == "en" else grading.note_zh,
        "groups": groups,
        # how many were answered, and whether every indicator has full marks: the summary
        # must not call a report with nothing answered (or a gap left) "all full marks"
        "answered_count": len(report.items) - len(report.unanswered),
        "all_full": all(item.answered and item.points >= item.max for item in report.items),
        "unanswered": [
            {
                "ref": ref,
                "number": by_ref[ref].indicator.number,
                "title": by_ref[ref].indicator.title(lang),
            }
            for ref in report.unanswered
        ],
        "gains": [
            {
                "ref": item.ref,
                "number": item.indicator.number,
                "title": item.indicator.title(lang),
                "gain": fmt(item.step.gain if item.step else 0.0),
                "step": step_text(item, lang),
            }
            for item in report.top_gains
        ],
    }


def report_json(report: Report, lang: Lang = "zh") -> dict[str, Any]:
    """The ``greenbot score --json`` payload; notes and steps in ``lang``."""
    return {
        "total": report.total,
        "base": report.base,
        "bonus": report.bonus,
        "max": plain_number(report.max_total),
        "items": [
            {"ref": item.ref, "points": item.points, "max": item.max, "note": note(item, lang)}
            for item in report.items
        ],
        "unanswered": report.unanswered,
        "grade_estimate": report.grade,
        "grade_cutoffs": report.cutoffs,
        "cutoffs_official": report.grading.official,
        "top_gains": [
            {"ref": item.ref, "gain": round_points(item.step.gain), "step": step_text(item, lang)}
            for item in report.top_gains
            if item.step is not None
        ],
    }


def render_text(report: Report, lang: Lang = "zh") -> str:
    """The report as a person reads it (plain text)."""
    return render("score_report.txt.j2", lang, **report_context(report, lang))
