"""The pre-screen in chat: ``/prescreen`` and the 申报预审 main-menu button.

The questions, their order and what is skipped all come from :mod:`bot.prescreen`
(``QUESTIONS``, ``evaluate(...).pending``): this dialog only asks the first pending question not
asked yet, records the answer, and shows the verdict once nothing is left to ask (a hard failure
leaves nothing to ask, so the screen ends early with its reason).

State diagram::

    /prescreen [grade=N] ──┐
    menu 申报预审 ─────────┴──> [question] <──────────────────────────────┐
                                 │  (a button: choice / 是 / 否 / 不确定,  │
                                 │   or typed: 是 否 不确定, a date, a %)  │
                                 ├─ answer ──────> next pending question ──┤
                                 ├─ 不确定 ──────> stays unknown, never    │
                                 │                 asked again ────────────┤
                                 ├─ unreadable / impossible / future date, │
                                 │  share outside 0-100 ─> why, same question
                                 ├─ ⬅ 上一步 ───> drop the last answer ─────┤
                                 ├─ 🔄 重新开始 ─> all answers dropped ─────┘
                                 └─ nothing left to ask (or a hard failure)
                                       │
                                       v
                                  [result]  verdict, reasons with quotes, missing, next steps
                                    ├─ a:art-N ──────> the article in full (still at [result])
                                    ├─ ⬅ 上一步 ─────> [question] (the last one again)
                                    ├─ 🔄 重新开始 ──> [question] (the first one)
                                    ├─ 快速评分 ─────> the score dialog (grade unknown only)
                                    └─ typed text ───> answered by the Q&A; the flow ends
    /cancel anywhere ─> the flow ends (handled by the engine)

State (JSON, stored in SQLite, so a restarted bot carries on)::

    {"prefill": {"grade": 3},            # handed over by /prescreen grade=3 (an estimate)
     "answers": {"unit_type": "factory", "revocation.date": "2025-06-01", ...},
     "history": ["unit_type", "target", "location", ...],   # every field asked, in order;
                                          # a field in history but not in answers is unknown
     "q": "location" | null,             # the question on screen; null: the result
     "offer": ["v:0", "v:1", "u", "back", "restart"]}       # the payloads of its buttons
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot import dates
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
    report_context,
    with_answer,
)
from bot.render import Lang, label
from bot.textnorm import fold

log = logging.getLogger(__name__)

UNKNOWN = object()  # the answer "不确定"
_NOT_UNDERSTOOD = object()
SCORE_DIALOG = "score"

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


class Problem(dict[str, Any]):
    """Why a typed answer was not taken: ``code`` plus the values its message shows."""


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


def _read_share(text: str) -> Any:
    """The park's industrial share, typed as 62, 62%, 62.5 or ６２％."""
    if _clean(text) in _NOT_SURE:
        return UNKNOWN
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    match = _NUMBER.match(cleaned)
    if not match:
        return Problem(code="not_a_number", given=text.strip()[:40])
    value = float(match.group(1))
    if not 0 <= value <= 100:
        return Problem(code="share_range", given=text.strip()[:40])
    return value


def _read_date(text: str, today: date) -> Any:
    """A revocation date in any common form; never after today."""
    if _clean(text) in _NOT_SURE:
        return UNKNOWN
    given = text.strip()[:40]
    try:
        day = dates.parse_date(text, today)  # 11月10日: the most recent such day
    except dates.DateInputError as error:
        return Problem(code=f"date_{error.reason}", given=given, **error.values)
    if day > today:
        return Problem(code="date_future", given=day.isoformat(), today=today.isoformat())
    return day.isoformat()


def read_answer(question: Question, text: str, today: date) -> Any:
    """A typed answer: its value (JSON-ready), UNKNOWN, or a :class:`Problem`."""
    if question.kind == "number":
        return _read_share(text)
    if question.kind == "date":
        return _read_date(text, today)
    value = _read_choice(question, text)
    if value is _NOT_UNDERSTOOD:
        code = "yes_no" if question.kind == "bool" else "use_buttons"
        return Problem(code=code, given=text.strip()[:40])
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
        if value is UNKNOWN or isinstance(value, Problem):
            log.info("ignored a prefilled answer %r", token[:40])
            continue
        prefill[name] = value
    return prefill


# -- state ------------------------------------------------------------------------------------


def profile_of(state: dict[str, Any]) -> Profile:
    """The profile the answers so far describe (prefilled ones first)."""
    profile = Profile()
    for name, value in state["prefill"].items():
        profile = with_answer(profile, name, value)
    for name in state["history"]:
        if name in state["answers"]:
            profile = with_answer(profile, name, state["answers"][name])
    return profile


def next_field(profile: Profile, asked: list[str], today: date) -> tuple[str | None, Result]:
    """The first question still worth asking that was not asked yet, and the result so far."""
    result = evaluate(profile, today)
    for name in result.pending:
        if name not in asked:
            return name, result
    return None, result


def _fresh(prefill: dict[str, Any]) -> dict[str, Any]:
    return {"prefill": prefill, "answers": {}, "history": [], "q": None, "offer": []}


def _valid(state: dict[str, Any]) -> bool:
    try:
        profile_of(state)
    except (KeyError, TypeError, AttributeError, ValidationError):
        return False
    return isinstance(state.get("history"), list) and isinstance(state.get("offer"), list)


# -- the dialog -------------------------------------------------------------------------------


class PrescreenDialog:
    """One question at a time, driven by the rules module; the verdict at the end."""

    name = "prescreen"
    command = "prescreen"
    menu_key = "ps"

    def __init__(self, today: Callable[[], date] = dates.today) -> None:
        self.today = today  # today in Asia/Shanghai; tests pass a fixed day

    # Dialog protocol

    def start(self, ctx: Context, args: str) -> Step:
        return self._next(ctx, _fresh(parse_args(args, self.today())), intro=True)

    def waiting(self, state: dict[str, Any]) -> bool:
        # A damaged state waits too: the next text or tap starts again from the first question.
        return not _valid(state) or state.get("q") is not None

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        if not _valid(state):
            return self._restart(ctx, state)
        return self._next(ctx, state)

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        if not _valid(state):
            return self._restart(ctx, state)
        question = QUESTIONS[state["q"]]
        value = read_answer(question, text, self.today())
        if isinstance(value, Problem):
            return self._next(ctx, state, problem=value)
        return self._answer(ctx, state, value)

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        if not _valid(state):
            return self._restart(ctx, state)
        if payload not in state["offer"]:
            raise ForgedButton(payload)
        if payload == "restart":
            return self._restart(ctx, state)
        if payload == "back":
            history = state["history"][:-1]
            answers = {k: v for k, v in state["answers"].items() if k in history}
            return self._next(ctx, {**state, "history": history, "answers": answers})
        if payload == "score":
            return ctx.engine.switch_dialog(ctx, SCORE_DIALOG)
        question = QUESTIONS[state["q"]]
        value = UNKNOWN if payload == "u" else question.choices[int(payload[2:])]
        shown = (
            label("prescreen.choice.unknown", ctx.lang)
            if value is UNKNOWN
            else choice_label(question, value, ctx.lang)
        )
        echo = Outgoing(
            ctx.render(
                "prescreen_answered.html.j2",
                number=len(state["history"]) + 1,
                question=label(f"prescreen.q.{question.field}", ctx.lang),
                answer=shown,
            ),
            edit=True,
        )
        step = self._answer(ctx, state, value)
        return Step([echo, *step.messages], step.state)

    # steps

    def _answer(self, ctx: Context, state: dict[str, Any], value: Any) -> Step:
        name = state["q"]
        answers = dict(state["answers"])
        if value is not UNKNOWN:
            answers[name] = value
        new = {**state, "answers": answers, "history": [*state["history"], name]}
        try:
            profile_of(new)
        except ValidationError:
            return self._next(ctx, state, problem=Problem(code="invalid", given=str(value)))
        return self._next(ctx, new)

    def _restart(self, ctx: Context, state: dict[str, Any]) -> Step:
        """All answers dropped (a prefilled grade is kept); also for a damaged state."""
        prefill = state.get("prefill")
        fresh = _fresh(prefill if isinstance(prefill, dict) else {})
        if not _valid(fresh):
            fresh = _fresh({})
        return self._next(ctx, fresh, restarted=True)

    def _next(
        self,
        ctx: Context,
        state: dict[str, Any],
        *,
        intro: bool = False,
        restarted: bool = False,
        problem: Problem | None = None,
    ) -> Step:
        """Ask the question now due (again, with ``problem``), or show the result."""
        today = self.today()
        profile = profile_of(state)
        name, result = next_field(profile, state["history"], today)
        if name is None:
            return self._result(ctx, state, profile, result)
        question = QUESTIONS[name]
        buttons, offer = self._question_buttons(ctx, question, bool(state["history"]))
        messages = []
        if intro or restarted:  # on its own, so it stays when the question is answered
            messages.append(
                ctx.message(
                    "prescreen_intro.html.j2", intro=intro, estimate=self._estimate(ctx, state)
                )
            )
        text = ctx.render(
            "prescreen_question.html.j2",
            problem=problem,
            number=len(state["history"]) + 1,
            question=label(f"prescreen.q.{name}", ctx.lang),
            kind=question.kind,
        )
        messages.append(Outgoing(text, buttons, number_expected=question.kind == "number"))
        return Step(messages, {**state, "q": name, "offer": offer})

    def _question_buttons(
        self, ctx: Context, question: Question, can_go_back: bool
    ) -> tuple[Keyboard, list[str]]:
        answers = [
            ctx.button(choice_label(question, value, ctx.lang), f"v:{index}", text=True)
            for index, value in enumerate(question.choices)
        ]
        answers.append(ctx.button("prescreen.choice.unknown", "u"))
        offer = [f"v:{index}" for index in range(len(question.choices))] + ["u"]
        nav: list[Button] = []
        if can_go_back:
            nav = [
                ctx.button("prescreen.nav.back", "back"),
                ctx.button("prescreen.nav.restart", "restart", word="restart"),
            ]
            offer += ["back", "restart"]
        return keyboard(*_rows(answers), nav), offer

    def _result(
        self, ctx: Context, state: dict[str, Any], profile: Profile, result: Result
    ) -> Step:
        lang = ctx.lang
        context = report_context(result, lang)
        howtos = {}
        for item in context["missing"]:
            item["howto"] = _howto(item["field"], lang)
            howtos[item["field"]] = _label_or_none(f"prescreen.howto.{item['field']}", lang)
        # In chat the quick score is a command of its own, when there is one.
        chat_score = "/score" if SCORE_DIALOG in ctx.engine.dialogs else "greenbot score"
        advice = result.next_steps(lang, score=chat_score)
        steps = [step for step in advice if step not in howtos.values()]
        # The advice on the verdict as a whole first: it speaks of the points that follow.
        overall = _label_or_none(f"prescreen.advice.verdict.{result.verdict}", lang)
        if overall in steps:
            steps.remove(overall)
            steps.insert(0, overall)
        score = "grade" in result.missing and SCORE_DIALOG in ctx.engine.dialogs
        context["steps"] = steps
        refs = sorted(
            (ref for ref in {r.ref for r in result.reasons} if knowledge().get(ref) is not None),
            key=lambda ref: int(ref.removeprefix("art-")),
        )
        offer = ["back", "restart"] if state["history"] else ["restart"]
        extra: list[Button] = []
        if score:
            extra.append(ctx.button("menu.sc", "score"))
            offer.append("score")
        nav = [ctx.button("prescreen.nav.back", "back")] if state["history"] else []
        nav.append(ctx.button("prescreen.nav.restart", "restart", word="restart"))
        buttons = (*article_buttons(refs, lang), *keyboard(extra, nav))
        buttons += report_buttons.prescreen_buttons(ctx)
        report_buttons.remember_prescreen(ctx, profile)
        estimate = (
            self._estimate(ctx, state)
            if profile.unit_type == "factory" and result.verdict != "not_eligible"
            else None
        )
        text = ctx.render("prescreen_result.html.j2", estimate=estimate, **context)
        ctx.log(f"prescreen:{result.verdict}")
        return Step([Outgoing(text, buttons)], {**state, "q": None, "offer": offer})

    @staticmethod
    def _estimate(ctx: Context, state: dict[str, Any]) -> str | None:
        """The prefilled grade, as a label, when the quick score handed one over."""
        if "grade" not in state["prefill"]:
            return None
        return choice_label(QUESTIONS["grade"], state["prefill"]["grade"], ctx.lang)


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
