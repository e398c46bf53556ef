"""The report buttons: 📄 PDF 报告 (after the pre-screen and the quick score) and 📊 逐项明细
(after the quick score). Button data: ``rp:pdf``, ``rp:tbl``; anything else is forged.

The dialogs hand over their answers at their result step (:func:`remember_prescreen`,
:func:`remember_score`); they are kept per chat (:mod:`bot.report.store`), so the buttons work
after the flow has ended, and /forget deletes them.

rp:pdf starts the PDF's one-question flow (:mod:`bot.dialogs.report`, which asks the unit name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.engine import (
    Button,
    Context,
    ForgedButton,
    Keyboard,
    Messages,
    Outgoing,
    Router,
    Services,
    keyboard,
)
from bot.identity import ChatId
from bot.report.store import ReportInputStore, SavedInputs

if TYPE_CHECKING:
    from bot.prescreen import Profile
    from scoring.inputs import ScoreInput

router = Router("report")
PREFIX = "rp"
DIALOG = "report"
STORE_KEY = "report_inputs"
MESSAGE_BUDGET = 3800  # characters of one breakdown message, well under Telegram's 4096


def store_of(services: Services) -> ReportInputStore:
    """The chat answers store of this engine's database (its table created on first use)."""
    store = services.extras.get(STORE_KEY)
    if store is None:
        store = services.extras[STORE_KEY] = ReportInputStore(services.db)
    assert isinstance(store, ReportInputStore)
    return store


# -- what the dialogs call at their result step --------------------------------------------------


def remember_prescreen(ctx: Context, profile: Profile) -> None:
    if not ctx.forgotten:
        data = profile.model_dump(mode="json", exclude_unset=True, exclude={"today"})
        store_of(ctx.services).save_prescreen(ctx.chat_id, data)


def remember_score(ctx: Context, answers: ScoreInput) -> None:
    if not ctx.forgotten:
        store_of(ctx.services).save_score(ctx.chat_id, answers.to_mapping())


def prescreen_buttons(ctx: Context) -> Keyboard:
    return keyboard([Button(ctx.label("report.btn.pdf"), f"{PREFIX}:pdf")])


def score_buttons(ctx: Context) -> Keyboard:
    return keyboard(
        [
            Button(ctx.label("report.btn.pdf"), f"{PREFIX}:pdf"),
            Button(ctx.label("report.btn.table"), f"{PREFIX}:tbl"),
        ]
    )


# -- reading back what was saved ----------------------------------------------------------------


def _profile(saved: SavedInputs) -> Profile | None:
    from pydantic import ValidationError

    from bot.prescreen import Profile

    if saved.prescreen is None:
        return None
    try:
        return Profile.model_validate(saved.prescreen)
    except ValidationError:  # saved by an older version with other fields
        return None


def _answers(saved: SavedInputs) -> ScoreInput | None:
    from scoring.data import default_table
    from scoring.inputs import InputError, parse_input

    if saved.score is None:
        return None
    try:
        return parse_input(saved.score, default_table().indicators)
    except InputError:
        return None


# -- the buttons ----------------------------------------------------------------------------------


@router.action(PREFIX)
def on_button(ctx: Context, payload: str) -> Messages:
    if payload == "pdf":
        return ctx.engine.start_dialog(ctx, DIALOG)
    if payload == "tbl":
        return breakdown(ctx)
    raise ForgedButton(payload)


def breakdown(ctx: Context) -> Messages:
    """Every indicator's points, by domain; split between domains if one message is too long."""
    from scoring.present import report_context
    from scoring.report import score

    answers = _answers(store_of(ctx.services).load(ctx.chat_id))
    if answers is None:
        return [Outgoing(ctx.label("report.no_score"), ctx.main_menu())]
    ctx.log("report:breakdown")
    values = report_context(score(answers), ctx.lang)
    groups: list[dict[str, Any]] = values.pop("groups")
    parts: list[list[dict[str, Any]]] = [[]]
    for group in groups:
        trial = [*parts[-1], group]
        text = ctx.render("report_breakdown.html.j2", groups=trial, first=True, last=True, **values)
        if parts[-1] and len(text) > MESSAGE_BUDGET:
            parts.append([group])
        else:
            parts[-1] = trial
    messages = [
        Outgoing(
            ctx.render(
                "report_breakdown.html.j2",
                groups=part,
                first=index == 0,
                last=index == len(parts) - 1,
                **values,
            )
        )
        for index, part in enumerate(parts)
    ]
    last = messages[-1]
    messages[-1] = Outgoing(last.text, keyboard([Button(ctx.label("report.btn.pdf"), "rp:pdf")]))
    return messages


@router.on_forget
def forget(services: Services, chat_id: ChatId) -> None:
    """/forget: the saved answers and unit name go."""
    store_of(services).forget(chat_id)
