"""/score and the 快速评分 menu button: the grade estimate, one indicator at a time.

The flow is declared in :func:`steps`: one step per indicator of the grading table
(``scoring.data.default_table()``), in table order (so grouped by domain), then the result; its
state diagram, generated from the declaration, is ``score.md`` beside this module. Each rule
kind decides how its indicator is asked:

* ``position`` (行业领先 … 落后) and ``level`` (maturity 0-5): one button per choice
  (a level may also be typed);
* ``checklist``: one toggle button per item, marked ✅ by editing the message, then 完成;
* ``percent``: a typed number (``85``, ``85%``, ``８５``, ``85.5``), 0-100;
* ``ratio``: the factory's value and the industry's requirement, typed together
  (``1.6 1.0``, ``1.6/1.0``) or one after the other (``value`` holds the first meanwhile).

Every question has 📖 原文 (the indicator's criterion in place of the question, then the same
question again), 跳过/不知道 and, after the first, ⬅ 上一题 (the answer given is shown, kept
until changed or skipped). An answer is confirmed in place of the question (points and note),
then the next question follows. At the result, 用估算等级做申报预审 hands over to the
pre-screen with ``grade=N``; without a pre-screen dialog the flow ends at the result, with the
main menu.

Button payloads: ``a:<value>`` a tier or level, ``t:<item>`` toggle, ``done``, ``skip``,
``back``, ``src`` (原文), ``ps`` (to the pre-screen); anything else is forged.

The state (:class:`ScoreState`) is kept as JSON in SQLite by the engine, so a restarted bot
carries on::

    {"v": 2, "step": "ind-7", "at": 6, "answers": {"ind-4": 85, ...},  # ScoreInput.to_mapping()
     "ticked": ["metering"],                       # checklist in progress (else null)
     "value": 1.6, "grade": null}                  # ratio value awaiting its requirement
    {"v": 2, "step": "result", "grade": 3, "answers": {...}, ...}       # at the result
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict, Field, computed_field, model_validator

from bot.dialogs.flow import (
    Ask,
    Choice,
    Done,
    FlowState,
    Moved,
    Outcome,
    Reask,
    ResumableFlow,
    Switch,
    Typed,
    back_choice,
)
from bot.engine import Attachment, Button, Context, ForgedButton, Keyboard, Outgoing, keyboard
from bot.handlers import report as report_buttons
from bot.knowledge import Indicator
from bot.render import Lang, label
from bot.textnorm import fold
from scoring.data import default_table
from scoring.inputs import InputError, ScoreInput, parse_answer
from scoring.present import choices, fmt, note, report_context
from scoring.report import Report, score, score_item
from scoring.rules import (
    Answer,
    ChecklistRule,
    LevelRule,
    PercentRule,
    RatioRule,
)

RESULT = "result"
PRESCREEN = "prescreen"
RESULT_GAINS = 3
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)%?$")
_SEPARATORS = re.compile(r"[\s/,;、:]+")
_SKIP_WORDS = frozenset({"跳过", "不知道", "不清楚", "skip", "don't know", "dont know", "?"})
_GIVEN_MAX = 20  # characters of a bad answer quoted back


def indicators() -> tuple[Indicator, ...]:
    return default_table().indicators


def _number(token: str) -> float | None:
    """``85``, ``85%``, ``85.5``, ``-3`` → a finite float; anything else → None."""
    token = token.replace(" ", "")
    if not _NUMBER.match(token):
        return None
    value = float(token.rstrip("%"))
    return value if math.isfinite(value) else None


def _given(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _GIVEN_MAX else text[:_GIVEN_MAX] + "…"


def _input(stored: object) -> ScoreInput:
    """The stored answers; one that no longer parses (a changed table) is dropped."""
    answers = ScoreInput()
    if not isinstance(stored, dict):
        return answers
    for indicator in indicators():
        raw = stored.get(indicator.id)
        if raw is None:
            continue
        try:
            answers = answers.with_answer(indicator, parse_answer(indicator, raw))
        except InputError:
            continue
    return answers


def _indicator(step: str) -> Indicator | None:
    return next((indicator for indicator in indicators() if indicator.id == step), None)


class ScoreState(FlowState):
    """The answers so far, a checklist in progress, a ratio's value awaiting its requirement,
    and at the result the estimated grade (handed to the pre-screen)."""

    model_config = ConfigDict(extra="ignore")  # "at" is worked out from the step

    answers: dict[str, Any] = Field(default_factory=dict)
    ticked: list[str] | None = None
    value: float | None = None
    grade: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def at(self) -> int:
        """The position of the question on screen (0-based; the number of them at the result)."""
        ids = [indicator.id for indicator in indicators()]
        return ids.index(self.step) if self.step in ids else len(ids)

    @model_validator(mode="after")
    def _usable(self) -> ScoreState:
        """A stored state made safe to use: known answers only, a checklist's known items, a
        ratio's pending value only at a ratio and only when it can be one."""
        self.answers = _input(self.answers).to_mapping()
        indicator = _indicator(self.step)
        rule = indicator.rule if indicator is not None else None
        if self.ticked is not None:
            chosen = set(self.ticked)
            known = [item.id for item in rule.items] if isinstance(rule, ChecklistRule) else None
            self.ticked = None if known is None else [item for item in known if item in chosen]
        if self.value is not None and (
            not isinstance(rule, RatioRule) or not math.isfinite(self.value) or self.value < 0
        ):
            self.value = None
        return self


# -- answering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    """A ratio's value typed alone: its requirement comes next."""

    value: float


_SKIPPED = object()  # 跳过 typed


def _parse(indicator: Indicator, raw: object) -> Answer:
    try:
        return parse_answer(indicator, raw)
    except InputError as error:  # a button value the table does not know
        raise ForgedButton(str(error)) from None


def _percent(ctx: Context, folded: str) -> float | Reask:
    value = _number(folded)
    if value is None:
        return Reask(ctx.label("score.error.number", given=_given(folded)))
    if not 0 <= value <= 100:
        return Reask(ctx.label("score.error.percent_range", given=fmt(value)))
    return value


def _level(ctx: Context, rule: LevelRule, folded: str) -> int | Reask:
    value = _number(folded.removesuffix("级").removeprefix("level").strip())
    if value is None or "%" in folded or not value.is_integer() or not 0 <= value <= rule.top_level:
        return Reask(ctx.label("score.error.level", top=rule.top_level))
    return int(value)


def _ratio(
    ctx: Context, state: ScoreState, indicator: Indicator, rule: RatioRule, folded: str
) -> Answer | _Pending | Reask:
    tokens = [token for token in _SEPARATORS.split(folded) if token]
    numbers = [_number(token) for token in tokens]
    example = "52 30" if rule.percent else "1.6 1.0"
    pending = state.value
    if not 1 <= len(tokens) <= 2:
        return Reask(ctx.label("score.error.ratio_format", example=example))
    for token, number in zip(tokens, numbers, strict=True):
        if number is None:  # say what is expected here: both values, or the requirement
            if pending is None:
                problem = ctx.label(
                    "score.error.ratio_number", given=_given(token), example=example
                )
            else:
                sample = "30" if rule.percent else "1.0"
                problem = ctx.label(
                    "score.error.requirement_number", given=_given(token), example=sample
                )
            return Reask(problem)
    values = [n for n in numbers if n is not None]
    if len(values) == 1 and pending is None:
        refused = _check_value(ctx, rule, values[0], requirement=False)
        return refused if refused is not None else _Pending(values[0])
    if len(values) == 2 or pending is None:  # both at once
        value, requirement = values
    else:  # the requirement after the value
        value, requirement = pending, values[0]
    refused = _check_value(ctx, rule, value, requirement=False) or _check_value(
        ctx, rule, requirement, requirement=True
    )
    if refused is not None:
        return refused
    return _parse(indicator, {"value": value, "requirement": requirement})


def _check_value(ctx: Context, rule: RatioRule, number: float, requirement: bool) -> Reask | None:
    """Why ``number`` cannot be a ratio's value (or requirement), or None."""
    if requirement and number <= 0:
        return Reask(ctx.label("score.error.requirement", given=fmt(number)))
    if number < 0:
        return Reask(ctx.label("score.error.negative", given=fmt(number)))
    if rule.percent and number > 100:
        return Reask(ctx.label("score.error.percent_range", given=fmt(number)))
    return None


def _typed(indicator: Indicator) -> Typed[ScoreState]:
    """What a typed answer to ``indicator`` may be: a skip word, else by its rule's kind."""
    rule = indicator.rule

    def parse(ctx: Context, state: ScoreState, text: str) -> Any:
        folded = fold(text)
        if folded in _SKIP_WORDS:
            return _SKIPPED
        if isinstance(rule, PercentRule):
            return _percent(ctx, folded)
        if isinstance(rule, RatioRule):
            return _ratio(ctx, state, indicator, rule, folded)
        if isinstance(rule, LevelRule):
            return _level(ctx, rule, folded)
        return Reask(ctx.label("score.error.buttons"))

    def then(ctx: Context, state: ScoreState, value: Any) -> Outcome[ScoreState]:
        if isinstance(value, _Pending):
            return Moved(state.model_copy(update={"value": value.value}))
        return _answered(ctx, state, indicator, None if value is _SKIPPED else value, edit=False)

    return Typed(parse, then=then)


def _answered(
    ctx: Context, state: ScoreState, indicator: Indicator, answer: Answer | None, *, edit: bool
) -> Outcome[ScoreState]:
    """Record an answer (None: skipped), confirm it, and go on to the next question."""
    answers = _input(state.answers).with_answer(indicator, answer)
    confirmation = Outgoing(_recorded(ctx, indicator, answer), edit=edit)
    table = indicators()
    following = table[state.at + 1].id if state.at + 1 < len(table) else RESULT
    moved = state.model_copy(
        update={"step": following, "answers": answers.to_mapping(), "ticked": None, "value": None}
    )
    if following != RESULT:
        return Moved(moved, [confirmation])
    return _result(ctx, moved, answers, confirmation)


def _recorded(ctx: Context, indicator: Indicator, answer: Answer | None) -> str:
    item = score_item(indicator, answer)
    return ctx.render(
        "score_recorded.html.j2",
        skipped=answer is None,
        number=indicator.number,
        title=indicator.title(ctx.lang),
        points=fmt(item.points),
        max_points=fmt(item.max),
        note=note(item, ctx.lang),
    )


def _ticked(state: ScoreState, indicator: Indicator) -> list[str]:
    """The checklist in progress, else the answer given before (coming back to it)."""
    if state.ticked is not None:
        return list(state.ticked)
    answer = _input(state.answers).get(indicator.id)
    return list(answer) if isinstance(answer, tuple) else []


# -- what each question shows and takes -------------------------------------------------------


def _values(indicator: Indicator) -> Callable[[Context, ScoreState], dict[str, Any]]:
    def values(ctx: Context, state: ScoreState) -> dict[str, Any]:
        rule = indicator.rule
        current = _input(state.answers).get(indicator.id)
        shown: dict[str, Any] = {
            "position": state.at + 1,
            "total": len(indicators()),
            "domain": indicator.domain_en if ctx.lang == "en" else indicator.domain,
            "number": indicator.number,
            "title": indicator.title(ctx.lang),
            "max_points": fmt(indicator.max_points),
            "kind": rule.kind,
            "current": note(score_item(indicator, current), ctx.lang)
            if current is not None
            else "",
        }
        if isinstance(rule, PercentRule):
            shown.update(threshold=fmt(rule.threshold), inclusive=rule.inclusive)
        elif isinstance(rule, RatioRule):
            pending = state.value
            shown.update(
                pending=fmt(pending) if pending is not None else None,
                unit="%" if rule.percent else "",
                mode=rule.mode,
                full_at=fmt(rule.full_at),
                example="52 30" if rule.percent else "1.6 1.0",
                example_requirement="30" if rule.percent else "1.0",
            )
            if pending is not None:
                shown["current"] = ""
        elif isinstance(rule, ChecklistRule):
            ticked = _ticked(state, indicator)
            shown["items"] = [
                {"label": item.label(ctx.lang), "points": fmt(item.points), "on": item.id in ticked}
                for item in rule.items
            ]
            total = sum(item.points for item in rule.items)
            shown["cap"] = fmt(rule.cap) if rule.cap is not None and rule.cap < total else ""
        elif isinstance(rule, LevelRule):
            shown.update(min_level=rule.min_level, top_level=rule.top_level)
        return shown

    return values


def _caption(indicator: Indicator, value: str, key: str | None = None) -> Callable[[Lang], str]:
    """A choice's caption in a language (inside the label ``key``, for a checklist item)."""

    def caption(lang: Lang) -> str:
        text = dict(choices(indicator, lang))[value]
        return label(key, lang, item=text) if key else text

    return caption


def _pick(indicator: Indicator, value: str) -> Callable[[Context, ScoreState], Outcome[ScoreState]]:
    return lambda ctx, state: _answered(ctx, state, indicator, _parse(indicator, value), edit=True)


def _toggle(
    indicator: Indicator, item: str
) -> Callable[[Context, ScoreState], Outcome[ScoreState]]:
    rule = indicator.rule
    assert isinstance(rule, ChecklistRule)

    def toggle(ctx: Context, state: ScoreState) -> Outcome[ScoreState]:
        chosen = set(_ticked(state, indicator)) ^ {item}
        ticked = [i.id for i in rule.items if i.id in chosen]
        return Moved(state.model_copy(update={"ticked": ticked}), edit=True)

    return toggle


def _is_ticked(indicator: Indicator, item: str, on: bool) -> Callable[[ScoreState], bool]:
    return lambda state: (item in _ticked(state, indicator)) is on


def _source(indicator: Indicator) -> Callable[[Context, ScoreState], Outcome[ScoreState]]:
    """The verbatim criterion in place of the question, then the same question again."""

    def source(ctx: Context, state: ScoreState) -> Outcome[ScoreState]:
        from bot.answer import article_text

        criterion = Outgoing(article_text(indicator.id, ctx.lang, "html"), edit=True)
        return Moved(state, [criterion])

    return source


def _skip(indicator: Indicator) -> Callable[[Context, ScoreState], Outcome[ScoreState]]:
    return lambda ctx, state: _answered(ctx, state, indicator, None, edit=True)


def _done(indicator: Indicator) -> Callable[[Context, ScoreState], Outcome[ScoreState]]:
    return lambda ctx, state: _answered(
        ctx, state, indicator, _parse(indicator, _ticked(state, indicator)), edit=True
    )


def _ratio_pending(state: ScoreState) -> bool:
    return state.value is not None


def _question(indicator: Indicator, following: str, first: bool) -> Ask[ScoreState]:
    rule = indicator.rule
    rows: list[list[Choice[ScoreState]]] = []
    options = [value for value, _ in choices(indicator, "zh")]
    if isinstance(rule, ChecklistRule):
        for value in options:
            rows.append(
                [
                    Choice(
                        f"t:{value}",
                        _caption(indicator, value, f"score.check.{state}"),
                        then=_toggle(indicator, value),
                        goto=indicator.id,
                        when=_is_ticked(indicator, value, state == "on"),
                    )
                    for state in ("on", "off")
                ]
            )
        rows.append([Choice("done", "score.btn.done", then=_done(indicator))])
    elif options:  # tiers, levels: two to a row
        picks = [
            Choice(f"a:{value}", _caption(indicator, value), then=_pick(indicator, value))
            for value in options
        ]
        rows += [picks[i : i + 2] for i in range(0, len(picks), 2)]
    rows.append(
        [
            Choice("src", "score.btn.source", then=_source(indicator), goto=indicator.id),
            Choice("skip", "score.btn.skip", then=_skip(indicator), word="skip"),
        ]
    )
    # ⬅ 上一题: to the question before, or from a ratio's requirement back to the whole question
    rows.append(
        [
            back_choice("score.btn.back", when=_ratio_pending)
            if first
            else back_choice("score.btn.back")
        ]
    )
    return Ask(
        indicator.id,
        "score_question.html.j2",
        values=_values(indicator),
        buttons=rows,
        typed=_typed(indicator),
        next=following,
        number_expected=isinstance(rule, PercentRule | RatioRule | LevelRule),
    )


# -- the result -------------------------------------------------------------------------------


def _result(
    ctx: Context, state: ScoreState, answers: ScoreInput, confirmation: Outgoing
) -> Outcome[ScoreState]:
    from bot.offload import heavy
    from scoring.chart import render_png

    report = score(answers)
    # With nothing answered, grade 1 says nothing about the factory: no grade to hand over.
    answered = len(report.unanswered) < len(report.items)
    offer = PRESCREEN in ctx.engine.dialogs and answered
    chart = Outgoing(
        attachment=Attachment(
            kind="photo",
            filename="score.png",
            data=heavy(render_png, report, ctx.lang),
            caption=ctx.label("score.chart.caption"),
        )
    )
    report_buttons.remember_score(ctx, answers)
    if not offer:
        menu = (*report_buttons.score_buttons(ctx), *ctx.main_menu())
        return Done([confirmation, chart, Outgoing(_summary(ctx, report, offer), menu)])
    return Moved(state.model_copy(update={"grade": report.grade}), [confirmation, chart])


def _summary(ctx: Context, report: Report, offer: bool) -> str:
    values = report_context(report, ctx.lang)
    values["gains"] = values["gains"][:RESULT_GAINS]
    return ctx.render(
        "score_result.html.j2", unanswered_count=len(report.unanswered), offer=offer, **values
    )


def _result_text(ctx: Context, state: ScoreState, error: str | None) -> str:
    return _summary(ctx, score(_input(state.answers)), True)


def _result_keyboard(ctx: Context, state: ScoreState, rows: list[list[Button]]) -> Keyboard:
    return (*report_buttons.score_buttons(ctx), *keyboard(*rows, *ctx.main_menu()))


def _to_prescreen(ctx: Context, state: ScoreState) -> Switch:
    if PRESCREEN not in ctx.engine.dialogs or state.grade not in (1, 2, 3, 4):
        raise ForgedButton("ps")
    return Switch(PRESCREEN, f"grade={state.grade}")


def steps() -> tuple[Ask[ScoreState], ...]:
    """One question per indicator, in table order, then the result."""
    table = indicators()
    ids = [indicator.id for indicator in table] + [RESULT]
    questions = [
        _question(indicator, ids[at + 1], first=at == 0) for at, indicator in enumerate(table)
    ]
    result = Ask(
        RESULT,
        _result_text,
        buttons=[[Choice("ps", "score.btn.prescreen", end=_to_prescreen)]],
        result=True,
        arrange=_result_keyboard,
    )
    return (*questions, result)


class ScoreDialog(ResumableFlow[ScoreState]):
    """The quick score; see the module docstring and :func:`steps`."""

    name = "score"
    command = "score"
    menu_key = "sc"
    version = 2
    state_type = ScoreState

    def __init__(self) -> None:
        self.steps = steps()

    def back(self, ctx: Context, state: ScoreState) -> Outcome[ScoreState]:
        if state.value is not None:  # from the requirement to the whole ratio question
            return Moved(state.model_copy(update={"value": None}), edit=True)
        if state.at == 0:
            raise ForgedButton("back")
        earlier = indicators()[state.at - 1].id
        return Moved(state.model_copy(update={"step": earlier, "ticked": None}), edit=True)

    def migrate(self, stored: dict[str, Any]) -> dict[str, Any] | None:
        # Version 1 kept the position ("at") and, at the result, "result": true.
        if stored.get("v") != 1:
            return None
        if stored.get("result"):
            return {**stored, "step": RESULT}
        at = stored.get("at")
        table = indicators()
        if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at < len(table):
            at = 0
        return {**stored, "step": table[at].id}
