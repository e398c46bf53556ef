"""The pre-screen in chat: ``/prescreen`` and the 申报预审 main-menu button.

The flow is declared in :meth:`PrescreenDialog.__init__`: one step per question of
:mod:`bot.prescreen` (``QUESTIONS``), then the result; its state diagram, generated from the
declaration, is ``prescreen.md`` beside this module. Which question comes next is not
declared but computed from the rules (:meth:`PrescreenDialog.following`): the first question
``evaluate(...).pending`` still lists that was not asked yet; a hard failure leaves nothing to
ask, so the screen ends early with its reason.

* A question's buttons are its choices and 不确定 (an unknown answer, never asked again);
  a tap is echoed in place of the question. Typed answers are read too: 是 否 不确定, a
  choice's words, a date, a share in %. An unreadable, impossible or future date, a share
  outside 0-100 or a word not understood asks the same question again, with the reason.
* ⬅ 上一步 drops the last answer and asks it again; 🔄 重新开始 drops every answer (a grade
  handed over by the quick score is kept). A damaged state starts again the same way.
* The result: verdict, reasons with quotes, what is missing and how to find it, next steps;
  the articles quoted (``a:art-N``), 快速评分 when the grade is unknown (hands over to the
  score), the report buttons. Text typed at the result goes to the Q&A (in the engine).

The state (:class:`PrescreenState`), kept as JSON in SQLite by the engine, so a restarted bot
carries on::

    {"v": 1, "step": "location",          # the question on screen, "result" at the result
     "q": "location",                    # the same, null at the result
     "prefill": {"grade": 3},            # handed over by /prescreen grade=3 (an estimate)
     "answers": {"unit_type": "factory", "revocation.date": "2025-06-01", ...},
     "history": ["unit_type", "target", ...]}   # every field asked, in order;
                                          # a field in history but not in answers is unknown
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup
from pydantic import ConfigDict, Field, ValidationError, computed_field, model_validator

from bot import dates
from bot.dialogs.flow import (
    Ask,
    Choice,
    FlowState,
    Moved,
    Outcome,
    Reask,
    ResumableFlow,
    Switch,
    Typed,
    back_choice,
    restart_choice,
)
from bot.engine import Button, Context, ForgedButton, Keyboard, Outgoing, Step, keyboard
from bot.handlers import report as report_buttons
from bot.handlers.article import article_buttons
from bot.knowledge import default as knowledge
from bot.prescreen import (
    QUESTIONS,
    Profile,
    Question,
    Result,
    evaluate,
    with_answer,
)
from bot.prescreen_text import next_steps, report_context
from bot.render import Lang, label, render
from bot.textnorm import fold

log = logging.getLogger(__name__)

UNKNOWN = object()  # the answer "不确定"
_NOT_UNDERSTOOD = object()
SCORE_DIALOG = "score"
RESULT = "result"

_YES = {"是", "是的", "对", "有", "yes", "y", "true"}
_NO = {"否", "不是", "不", "没有", "无", "no", "n", "false"}
_NOT_SURE = {
    "不确定",
    "不清楚",
    "不知道",
    "不详",
    "unknown",
    "not sure",
    "unsure",
    "don't know",
    "dont know",
    "?",
}
_TRAILING = "。.!！~～ "
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)%?$")


# -- reading answers --------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Full-width to half-width, lower case, no surrounding spaces or final punctuation."""
    return fold(text).strip(_TRAILING)


def choice_label(question: Question, value: Any, lang: Lang) -> str:
    """The button label of one answer to ``question``."""
    if question.kind == "bool":
        return label("prescreen.choice.yes" if value else "prescreen.choice.no", lang)
    if question.kind == "grade":
        return label(f"prescreen.choice.grade.{'none' if value is None else value}", lang)
    return label(f"prescreen.choice.{question.field}.{value}", lang)


def _read_choice(question: Question, text: str) -> Any:
    """A typed answer to a question with buttons: its value, UNKNOWN or _NOT_UNDERSTOOD."""
    said = _clean(text)
    if said in _NOT_SURE or said in {
        _clean(label("prescreen.choice.unknown", lang)) for lang in ("zh", "en")
    }:
        return UNKNOWN
    for value in question.choices:
        names = {_clean(choice_label(question, value, lang)) for lang in ("zh", "en")}
        if question.kind == "bool":
            names |= _YES if value else _NO
        elif question.kind == "grade":
            names |= {"none", "无", "没有"} if value is None else {str(value)}
        else:
            names.add(str(value))
        if said in names:
            return value
    return _NOT_UNDERSTOOD


def _refused(lang: Lang, code: str, **values: Any) -> Reask:
    """Why an answer was not taken, in ``lang``: the reason shown above the question again."""
    return Reask(Markup(render("prescreen_problem.html.j2", lang, code=code, **values)))


def _read_share(text: str, lang: Lang) -> Any:
    """The park's industrial share, typed as 62, 62%, 62.5 or ６２％."""
    if _clean(text) in _NOT_SURE:
        return UNKNOWN
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    match = _NUMBER.match(cleaned)
    if not match:
        return _refused(lang, "not_a_number", given=text.strip()[:40])
    value = float(match.group(1))
    if not 0 <= value <= 100:
        return _refused(lang, "share_range", given=text.strip()[:40])
    return value


def _read_date(text: str, today: date, lang: Lang) -> Any:
    """A revocation date in any common form; never after today."""
    if _clean(text) in _NOT_SURE:
        return UNKNOWN
    given = text.strip()[:40]
    try:
        day = dates.parse_date(text, today)  # 11月10日: the most recent such day
    except dates.DateInputError as error:
        return _refused(lang, f"date_{error.reason}", given=given, **error.values)
    if day > today:
        return _refused(lang, "date_future", given=day.isoformat(), today=today.isoformat())
    return day.isoformat()


def read_answer(question: Question, text: str, today: date, lang: Lang = "zh") -> Any:
    """A typed answer: its value (JSON-ready), UNKNOWN, or a :class:`Reask` with the reason."""
    if question.kind == "number":
        return _read_share(text, lang)
    if question.kind == "date":
        return _read_date(text, today, lang)
    value = _read_choice(question, text)
    if value is _NOT_UNDERSTOOD:
        code = "yes_no" if question.kind == "bool" else "use_buttons"
        return _refused(lang, code, given=text.strip()[:40])
    return value


def parse_args(args: str, today: date) -> dict[str, Any]:
    """``grade=3`` (and any other ``field=value`` of the questions) to prefilled answers."""
    prefill: dict[str, Any] = {}
    for token in re.split(r"[\s,;，；]+", args.strip()):
        name, sep, raw = token.partition("=")
        question = QUESTIONS.get(name)
        if not sep or question is None:
            continue
        value = read_answer(question, raw, today)
        if value is UNKNOWN or isinstance(value, Reask):
            log.info("ignored a prefilled answer %r", token[:40])
            continue
        prefill[name] = value
    return prefill


# -- state ------------------------------------------------------------------------------------


def profile_of(state: PrescreenState) -> Profile:
    """The profile the answers so far describe (prefilled ones first)."""
    profile = Profile()
    for name, value in state.prefill.items():
        profile = with_answer(profile, name, value)
    for name in state.history:
        if name in state.answers:
            profile = with_answer(profile, name, state.answers[name])
    return profile


def next_field(profile: Profile, asked: Sequence[str], today: date) -> tuple[str | None, Result]:
    """The first question still worth asking that was not asked yet, and the result so far."""
    result = evaluate(profile, today)
    for name in result.pending:
        if name not in asked:
            return name, result
    return None, result


class PrescreenState(FlowState):
    """The answers so far: prefilled ones, then those asked, in the order asked."""

    model_config = ConfigDict(extra="ignore")  # "q" is worked out from the step

    prefill: dict[str, Any] = Field(default_factory=dict)
    answers: dict[str, Any] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def q(self) -> str | None:
        """The question on screen; None at the result."""
        return None if self.step == RESULT else self.step

    @model_validator(mode="after")
    def _describes_a_profile(self) -> PrescreenState:
        """Answers the rules cannot take (a damaged state) are refused: it starts again."""
        try:
            profile_of(self)
        except (ValidationError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(str(error)) from None
        return self


def _choice_caption(question: Question, value: Any) -> Callable[[Lang], str]:
    return lambda lang: choice_label(question, value, lang)


def _question_keyboard(ctx: Context, state: PrescreenState, rows: list[list[Button]]) -> Keyboard:
    """The answers laid out by the width of their labels, then 上一步 / 重新开始."""
    answers, nav = rows
    return keyboard(*_rows(answers), nav)


def _has_history(state: PrescreenState) -> bool:
    return bool(state.history)


BACK = back_choice("prescreen.nav.back", when=_has_history)
RESTART = restart_choice("prescreen.nav.restart")
BACK_RESTART = [BACK, restart_choice("prescreen.nav.restart", when=_has_history)]


# -- the dialog -------------------------------------------------------------------------------


class PrescreenDialog(ResumableFlow[PrescreenState]):
    """One question at a time, driven by the rules module; the verdict at the end."""

    name = "prescreen"
    command = "prescreen"
    menu_key = "ps"
    state_type = PrescreenState

    def __init__(self, today: Callable[[], date] = dates.today) -> None:
        self.today = today  # today in Asia/Shanghai; tests pass a fixed day
        questions = [self._ask(question) for question in QUESTIONS.values()]
        result = Ask(
            RESULT,
            self._result,
            buttons=[
                [Choice("score", "menu.sc", end=self._to_score, when=self._grade_missing)],
                [BACK, RESTART],
            ],
            result=True,
            arrange=self._result_keyboard,
        )
        self.steps = (*questions, result)

    # -- the declaration ----------------------------------------------------------------------

    def _ask(self, question: Question) -> Ask[PrescreenState]:
        answers = [
            Choice(f"v:{index}", _choice_caption(question, value), then=self._tapped(value))
            for index, value in enumerate(question.choices)
        ]
        answers.append(Choice("u", "prescreen.choice.unknown", then=self._tapped(UNKNOWN)))
        return Ask(
            question.field,
            "prescreen_question.html.j2",
            values=lambda ctx, state: {
                "number": len(state.history) + 1,
                "question": label(f"prescreen.q.{question.field}", ctx.lang),
                "kind": question.kind,
            },
            buttons=[answers, BACK_RESTART],
            typed=Typed(self._read(question), then=self._answer),
            number_expected=question.kind == "number",
            arrange=_question_keyboard,
        )

    def _read(self, question: Question) -> Callable[[Context, PrescreenState, str], Any]:
        return lambda ctx, state, text: read_answer(question, text, self.today(), ctx.lang)

    def _tapped(self, value: Any) -> Callable[[Context, PrescreenState], Outcome[PrescreenState]]:
        """A tapped answer: echoed in place of the question, then the next one."""

        def tapped(ctx: Context, state: PrescreenState) -> Outcome[PrescreenState]:
            question = QUESTIONS[state.step]
            shown = (
                label("prescreen.choice.unknown", ctx.lang)
                if value is UNKNOWN
                else choice_label(question, value, ctx.lang)
            )
            echo = Outgoing(
                ctx.render(
                    "prescreen_answered.html.j2",
                    number=len(state.history) + 1,
                    question=label(f"prescreen.q.{question.field}", ctx.lang),
                    answer=shown,
                ),
                edit=True,
            )
            outcome = self._answer(ctx, state, value)
            if isinstance(outcome, Moved):
                return Moved(outcome.state, [echo, *outcome.before])
            return outcome

        return tapped

    def _answer(self, ctx: Context, state: PrescreenState, value: Any) -> Outcome[PrescreenState]:
        name = state.step
        answers = dict(state.answers)
        if value is not UNKNOWN:
            answers[name] = value
        new = state.model_copy(update={"answers": answers, "history": [*state.history, name]})
        try:
            profile_of(new)
        except ValidationError:
            return _refused(ctx.lang, "invalid", given=str(value))
        return Moved(self._onward(new))

    # -- where the flow goes: computed from the rules -----------------------------------------

    def following(self, state: PrescreenState) -> str:
        name, _ = next_field(profile_of(state), state.history, self.today())
        return RESULT if name is None else name

    def _onward(self, state: PrescreenState) -> PrescreenState:
        return state.model_copy(update={"step": self.following(state)})

    def start(self, ctx: Context, args: str) -> Step:
        fresh = self._fresh(ctx, parse_args(args, self.today()), intro=True)
        return self.ask(ctx, fresh.state, before=fresh.before)

    def _fresh(
        self, ctx: Context, prefill: dict[str, Any], *, intro: bool
    ) -> Moved[PrescreenState]:
        """No answers but ``prefill``: the first question, after the introduction on its own
        (so it stays when the question is answered), or after "the answers are cleared"."""
        try:
            fresh = PrescreenState(v=self.version, step=RESULT, prefill=prefill)
        except ValidationError:  # a damaged prefill
            fresh = PrescreenState(v=self.version, step=RESULT)
        opening = ctx.message(
            "prescreen_intro.html.j2", intro=intro, estimate=self._estimate(ctx, fresh)
        )
        state = self._onward(fresh)
        return Moved(state, [] if state.step == RESULT else [opening])

    def back(self, ctx: Context, state: PrescreenState) -> Outcome[PrescreenState]:
        """The last answer dropped: its question again."""
        history = state.history[:-1]
        answers = {k: v for k, v in state.answers.items() if k in history}
        return Moved(
            self._onward(state.model_copy(update={"history": history, "answers": answers}))
        )

    def restart(self, ctx: Context, state: PrescreenState) -> Outcome[PrescreenState]:
        """Every answer dropped; a grade handed over by the quick score is kept."""
        return self._fresh(ctx, state.prefill, intro=False)

    def damaged(self, ctx: Context, stored: dict[str, Any]) -> Step:
        """Started again as by 重新开始, keeping the prefilled answers if they can be kept."""
        prefill = stored.get("prefill")
        fresh = self._fresh(ctx, prefill if isinstance(prefill, dict) else {}, intro=False)
        return self.ask(ctx, fresh.state, before=fresh.before)

    def migrate(self, stored: dict[str, Any]) -> dict[str, Any] | None:
        # Before versions: the same fields, with "q" (null at the result) for the step.
        if "v" in stored or not isinstance(stored.get("history"), list):
            return None
        q = stored.get("q")
        return {**stored, "step": q if isinstance(q, str) else RESULT}

    # -- the result ---------------------------------------------------------------------------

    def _grade_missing(self, state: PrescreenState) -> bool:
        return "grade" in evaluate(profile_of(state), self.today()).missing

    def _to_score(self, ctx: Context, state: PrescreenState) -> Switch:
        if SCORE_DIALOG not in ctx.engine.dialogs:
            raise ForgedButton("score")
        return Switch(SCORE_DIALOG)

    def _result_keyboard(
        self, ctx: Context, state: PrescreenState, rows: list[list[Button]]
    ) -> Keyboard:
        score, nav = rows
        if SCORE_DIALOG not in ctx.engine.dialogs:
            score = []
        result = evaluate(profile_of(state), self.today())
        refs = sorted(
            (ref for ref in {r.ref for r in result.reasons} if knowledge().get(ref) is not None),
            key=lambda ref: int(ref.removeprefix("art-")),
        )
        return (
            *article_buttons(refs, ctx.lang),
            *keyboard(score, nav),
            *report_buttons.prescreen_buttons(ctx),
        )

    def _result(self, ctx: Context, state: PrescreenState, error: str | None) -> str:
        lang = ctx.lang
        profile = profile_of(state)
        result = evaluate(profile, self.today())
        context = report_context(result, lang)
        howtos = {}
        for item in context["missing"]:
            item["howto"] = _howto(item["field"], lang)
            howtos[item["field"]] = _label_or_none(f"prescreen.howto.{item['field']}", lang)
        # In chat the quick score is a command of its own, when there is one.
        chat_score = "/score" if SCORE_DIALOG in ctx.engine.dialogs else "greenbot score"
        advice = next_steps(result, lang, score=chat_score)
        steps = [step for step in advice if step not in howtos.values()]
        # The advice on the verdict as a whole first: it speaks of the points that follow.
        overall = _label_or_none(f"prescreen.advice.verdict.{result.verdict}", lang)
        if overall in steps:
            steps.remove(overall)
            steps.insert(0, overall)
        context["steps"] = steps
        report_buttons.remember_prescreen(ctx, profile)
        estimate = (
            self._estimate(ctx, state)
            if profile.unit_type == "factory" and result.verdict != "not_eligible"
            else None
        )
        text = ctx.render("prescreen_result.html.j2", estimate=estimate, **context)
        ctx.log(f"prescreen:{result.verdict}")
        return text

    @staticmethod
    def _estimate(ctx: Context, state: PrescreenState) -> str | None:
        """The prefilled grade, as a label, when the quick score handed one over."""
        if "grade" not in state.prefill:
            return None
        return choice_label(QUESTIONS["grade"], state.prefill["grade"], ctx.lang)


# -- layout helpers ---------------------------------------------------------------------------


def _width(text: str) -> int:
    """Display width: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rows(buttons: list[Button]) -> list[list[Button]]:
    """Short labels side by side (up to four a row), long ones one a row."""
    widest = max(_width(b.label) for b in buttons)
    per_row = 4 if widest <= 8 else 2 if widest <= 16 else 1
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _label_or_none(key: str, lang: Lang) -> str | None:
    try:
        return label(key, lang)
    except KeyError:
        return None


def _howto(name: str, lang: Lang) -> str | None:
    """How to find out a missing field, without its leading topic ("失信被执行人：…")."""
    text = _label_or_none(f"prescreen.howto.{name}", lang)
    if text is None:
        return None
    for colon in ("：", ": "):
        head, sep, tail = text.partition(colon)
        if sep and len(head) <= 40:
            return tail.strip()
    return text
