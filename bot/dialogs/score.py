"""/score and the 快速评分 menu button: the grade estimate, one indicator at a time.

The questions come from the grading table (``scoring.data.default_table()``), in table order,
so they are grouped by domain; each rule kind decides how its indicator is asked:

* ``position`` (行业领先 … 落后) and ``level`` (maturity 0-5): one button per choice
  (a level may also be typed);
* ``checklist``: one toggle button per item, marked ✅ by editing the message, then 完成;
* ``percent``: a typed number (``85``, ``85%``, ``８５``, ``85.5``), 0-100;
* ``ratio``: the factory's value and the industry's requirement, typed together
  (``1.6 1.0``, ``1.6/1.0``) or one after the other.

Every question has 📖 原文 (the indicator's criterion, then the same question again),
跳过/不知道 and, after the first, ⬅ 上一题. An answer is confirmed in place of the question
(points and note), then the next question follows.

State diagram::

    /score, m:sc ─> [question 1] ─answer/skip─> [question 2] ─> … ─> [question 21] ─> [result]
    [question i] ─⬅ 上一题─> [question i-1] (its answer shown, kept until changed or skipped)
    [question i] ─📖 原文─> the criterion in place of the question, then [question i] again
    [question i] ─checklist item─> [question i] (the message edited, ✅ toggled) ─完成─> next
    [question i] ─unusable text─> [question i] again with the reason
    [ratio i] ─one number─> [ratio i, requirement] ─number─> [question i+1]
                                     └─⬅ 上一题─> [ratio i]
    [result] ─用估算等级做申报预审─> the pre-screen dialog, args "grade=N"
    [result] ─other text─> the Q&A (the flow ends)
    (without a pre-screen dialog the flow ends at the result, with the main menu)

Button payloads: ``a:<value>`` a tier or level, ``t:<item>`` toggle, ``done``, ``skip``,
``back``, ``src`` (原文), ``ps`` (to the pre-screen); anything else is forged.

The state is plain JSON, kept in SQLite by the engine, so a restarted bot carries on::

    {"v": 1, "at": 6, "answers": {"ind-4": 85, ...},   # ScoreInput.to_mapping()
     "ticked": ["metering"],                           # checklist in progress (optional)
     "value": 1.6}                                     # ratio value awaiting its requirement
    {"v": 1, "result": true, "grade": 3, "answers": {...}}   # at the result
"""

from __future__ import annotations

import math
import re
from typing import Any

from bot.dialogs.flow import Reask
from bot.engine import Attachment, Button, Context, ForgedButton, Keyboard, Outgoing, Step, keyboard
from bot.handlers import report as report_buttons
from bot.knowledge import Indicator
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
    PositionRule,
    RatioRule,
)

STATE_VERSION = 1
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


class ScoreDialog:
    """The quick score; see the module docstring for the flow and the state."""

    name = "score"
    command = "score"
    menu_key = "sc"

    # -- the Dialog protocol ------------------------------------------------------------------

    def start(self, ctx: Context, args: str) -> Step:
        state = {"v": STATE_VERSION, "at": 0, "answers": {}}
        return Step([self._question(ctx, state, intro=True)], state)

    def waiting(self, state: dict[str, Any]) -> bool:
        return not state.get("result")

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        state = self._clean(state)
        return Step([self._question(ctx, state)], state)

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        state = self._clean(state)
        indicator = indicators()[state["at"]]
        folded = fold(text)
        if folded in _SKIP_WORDS:
            return self._answered(ctx, state, None, edit=False)
        taken: float | Reask | Step
        if isinstance(indicator.rule, PercentRule):
            taken = self._percent(ctx, folded)
        elif isinstance(indicator.rule, RatioRule):
            taken = self._ratio(ctx, state, indicator.rule, folded)
        elif isinstance(indicator.rule, LevelRule):
            taken = self._level(ctx, indicator.rule, folded)
        else:
            taken = Reask(ctx.label("score.error.buttons"))
        if isinstance(taken, Reask):
            return Step([self._question(ctx, state, error=taken.reason)], state)
        if isinstance(taken, Step):
            return taken
        return self._answered(ctx, state, taken, edit=False)

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        if state.get("result"):
            return self._on_result_button(ctx, state, payload)
        state = self._clean(state)
        at = state["at"]
        indicator = indicators()[at]
        action, _, value = payload.partition(":")
        if payload == "skip":
            return self._answered(ctx, state, None, edit=True)
        if payload == "src":
            return self._source(ctx, state, indicator)
        if payload == "back":
            if at == 0 and "value" not in state:
                raise ForgedButton(payload)
            if "value" in state:  # back from the requirement to the whole ratio question
                fresh = {k: v for k, v in state.items() if k != "value"}
            else:
                fresh = {"v": STATE_VERSION, "at": at - 1, "answers": state["answers"]}
            return Step([self._question(ctx, fresh, edit=True)], fresh)
        rule = indicator.rule
        if action == "a" and isinstance(rule, PositionRule | LevelRule):
            if value not in {choice for choice, _ in choices(indicator, ctx.lang)}:
                raise ForgedButton(payload)
            return self._answered(ctx, state, self._parse(indicator, value), edit=True)
        if isinstance(rule, ChecklistRule):
            ticked = self._ticked(state, indicator)
            if action == "t" and rule.item(value) is not None:
                chosen = set(ticked) ^ {value}
                toggled = {**state, "ticked": [i.id for i in rule.items if i.id in chosen]}
                return Step([self._question(ctx, toggled, edit=True)], toggled)
            if payload == "done":
                return self._answered(ctx, state, self._parse(indicator, ticked), edit=True)
        raise ForgedButton(payload)

    # -- answering ----------------------------------------------------------------------------

    def _parse(self, indicator: Indicator, raw: object) -> Answer:
        try:
            return parse_answer(indicator, raw)
        except InputError as error:  # a button value the table does not know
            raise ForgedButton(str(error)) from None

    def _percent(self, ctx: Context, folded: str) -> float | Reask:
        value = _number(folded)
        if value is None:
            return Reask(ctx.label("score.error.number", given=_given(folded)))
        if not 0 <= value <= 100:
            return Reask(ctx.label("score.error.percent_range", given=fmt(value)))
        return value

    def _level(self, ctx: Context, rule: LevelRule, folded: str) -> int | Reask:
        value = _number(folded.removesuffix("级").removeprefix("level").strip())
        if (
            value is None
            or "%" in folded
            or not value.is_integer()
            or not 0 <= value <= rule.top_level
        ):
            return Reask(ctx.label("score.error.level", top=rule.top_level))
        return int(value)

    def _ratio(
        self, ctx: Context, state: dict[str, Any], rule: RatioRule, folded: str
    ) -> Step | Reask:
        tokens = [token for token in _SEPARATORS.split(folded) if token]
        numbers = [_number(token) for token in tokens]
        example = "52 30" if rule.percent else "1.6 1.0"
        pending: float | None = state.get("value")  # a float: _clean saw to it
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
            refused = self._check_value(ctx, rule, values[0], requirement=False)
            if refused is not None:
                return refused
            waiting = {**state, "value": values[0]}
            return Step([self._question(ctx, waiting)], waiting)
        if len(values) == 2 or pending is None:  # both at once
            value, requirement = values
        else:  # the requirement after the value
            value, requirement = pending, values[0]
        refused = self._check_value(ctx, rule, value, requirement=False) or self._check_value(
            ctx, rule, requirement, requirement=True
        )
        if refused is not None:
            return refused
        indicator = indicators()[state["at"]]
        answer = self._parse(indicator, {"value": value, "requirement": requirement})
        return self._answered(ctx, state, answer, edit=False)

    def _check_value(
        self, ctx: Context, rule: RatioRule, number: float, requirement: bool
    ) -> Reask | None:
        """Why ``number`` cannot be a ratio's value (or requirement), or None."""
        if requirement and number <= 0:
            return Reask(ctx.label("score.error.requirement", given=fmt(number)))
        if number < 0:
            return Reask(ctx.label("score.error.negative", given=fmt(number)))
        if rule.percent and number > 100:
            return Reask(ctx.label("score.error.percent_range", given=fmt(number)))
        return None

    def _answered(
        self, ctx: Context, state: dict[str, Any], answer: Answer | None, *, edit: bool
    ) -> Step:
        """Record an answer (None: skipped), confirm it, and ask the next question."""
        table = indicators()
        indicator = table[state["at"]]
        answers = self._answers(state).with_answer(indicator, answer)
        confirmation = Outgoing(self._recorded(ctx, indicator, answer), edit=edit)
        following = {"v": STATE_VERSION, "at": state["at"] + 1, "answers": answers.to_mapping()}
        if following["at"] < len(table):
            return Step([confirmation, self._question(ctx, following)], following)
        return self._result(ctx, answers, confirmation)

    def _recorded(self, ctx: Context, indicator: Indicator, answer: Answer | None) -> str:
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

    # -- showing a question -------------------------------------------------------------------

    def _question(
        self,
        ctx: Context,
        state: dict[str, Any],
        *,
        intro: bool = False,
        error: str = "",
        edit: bool = False,
    ) -> Outgoing:
        table = indicators()
        at = state["at"]
        indicator = table[at]
        rule = indicator.rule
        answers = self._answers(state)
        current = answers.get(indicator.id)
        values: dict[str, Any] = {
            "intro": intro,
            "error": error,
            "position": at + 1,
            "total": len(table),
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
            values.update(threshold=fmt(rule.threshold), inclusive=rule.inclusive)
        elif isinstance(rule, RatioRule):
            pending = state.get("value")
            values.update(
                pending=fmt(pending) if pending is not None else None,
                unit="%" if rule.percent else "",
                mode=rule.mode,
                full_at=fmt(rule.full_at),
                example="52 30" if rule.percent else "1.6 1.0",
                example_requirement="30" if rule.percent else "1.0",
            )
            if pending is not None:
                values["current"] = ""
        elif isinstance(rule, ChecklistRule):
            ticked = self._ticked(state, indicator)
            values["items"] = [
                {"label": item.label(ctx.lang), "points": fmt(item.points), "on": item.id in ticked}
                for item in rule.items
            ]
            total = sum(item.points for item in rule.items)
            values["cap"] = fmt(rule.cap) if rule.cap is not None and rule.cap < total else ""
        elif isinstance(rule, LevelRule):
            values.update(min_level=rule.min_level, top_level=rule.top_level)
        text = ctx.render("score_question.html.j2", **values)
        return Outgoing(
            text,
            self._buttons(ctx, state, indicator),
            edit=edit,
            number_expected=isinstance(rule, PercentRule | RatioRule | LevelRule),
        )

    def _buttons(self, ctx: Context, state: dict[str, Any], indicator: Indicator) -> Keyboard:
        rule = indicator.rule
        rows: list[list[Button]] = []
        options = choices(indicator, ctx.lang)
        if isinstance(rule, ChecklistRule):
            ticked = self._ticked(state, indicator)
            for value, caption in options:
                key = "score.check.on" if value in ticked else "score.check.off"
                rows.append([ctx.button(ctx.label(key, item=caption), f"t:{value}", text=True)])
            rows.append([ctx.button("score.btn.done", "done")])
        elif options:  # tiers, levels: two to a row
            buttons = [ctx.button(caption, f"a:{value}", text=True) for value, caption in options]
            rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append(
            [
                ctx.button("score.btn.source", "src"),
                ctx.button("score.btn.skip", "skip", word="skip"),
            ]
        )
        if state["at"] > 0 or "value" in state:
            rows.append([ctx.button("score.btn.back", "back")])
        return keyboard(*rows)

    def _source(self, ctx: Context, state: dict[str, Any], indicator: Indicator) -> Step:
        """The verbatim criterion in place of the question, then the same question again."""
        from bot.answer import article_text

        criterion = Outgoing(article_text(indicator.id, ctx.lang, "html"), edit=True)
        return Step([criterion, self._question(ctx, state)], state)

    # -- the result ---------------------------------------------------------------------------

    def _result(self, ctx: Context, answers: ScoreInput, confirmation: Outgoing) -> Step:
        from bot.offload import heavy
        from scoring.chart import render_png

        report = score(answers)
        # With nothing answered, grade 1 says nothing about the factory: no grade to hand over.
        answered = len(report.unanswered) < len(report.items)
        offer = PRESCREEN in ctx.engine.dialogs and answered
        summary = self._summary(ctx, report, offer)
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
            return Step([confirmation, chart, Outgoing(summary, menu)], None)
        buttons = keyboard([ctx.button("score.btn.prescreen", "ps")], *ctx.main_menu())
        buttons = (*report_buttons.score_buttons(ctx), *buttons)
        state = {
            "v": STATE_VERSION,
            "result": True,
            "grade": report.grade,
            "answers": answers.to_mapping(),
        }
        return Step([confirmation, chart, Outgoing(summary, buttons)], state)

    def _summary(self, ctx: Context, report: Report, offer: bool) -> str:
        values = report_context(report, ctx.lang)
        values["gains"] = values["gains"][:RESULT_GAINS]
        return ctx.render(
            "score_result.html.j2", unanswered_count=len(report.unanswered), offer=offer, **values
        )

    def _on_result_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        grade = state.get("grade")
        if payload != "ps" or PRESCREEN not in ctx.engine.dialogs or grade not in (1, 2, 3, 4):
            raise ForgedButton(payload)
        return ctx.engine.switch_dialog(ctx, PRESCREEN, f"grade={grade}")

    # -- state --------------------------------------------------------------------------------

    def _clean(self, state: dict[str, Any]) -> dict[str, Any]:
        """The stored state made safe to use: a position in range, known answers only."""
        table = indicators()
        at = state.get("at")
        if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at < len(table):
            at = 0
        clean: dict[str, Any] = {
            "v": STATE_VERSION,
            "at": at,
            "answers": self._answers(state).to_mapping(),
        }
        rule = table[at].rule
        value = state.get("value")
        if (
            isinstance(rule, RatioRule)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            clean["value"] = value
        ticked = state.get("ticked")
        if isinstance(rule, ChecklistRule) and isinstance(ticked, list):
            known = [item.id for item in rule.items]
            clean["ticked"] = [item for item in known if item in ticked]
        return clean

    def _answers(self, state: dict[str, Any]) -> ScoreInput:
        """The stored answers; one that no longer parses (a changed table) is dropped."""
        stored = state.get("answers")
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

    def _ticked(self, state: dict[str, Any], indicator: Indicator) -> list[str]:
        """The checklist in progress, else the answer given before (coming back to it)."""
        if "ticked" in state:
            return list(state["ticked"])
        answer = self._answers(state).get(indicator.id)
        return list(answer) if isinstance(answer, tuple) else []
