"""The PDF report's one question: which unit name to print (reached by the 📄 PDF 报告 button,
``rp:pdf``, of :mod:`bot.handlers.report`), then the document.

The flow is declared in :data:`STEPS`; its state diagram, generated from the declaration, is
``report.md`` beside this module. With nothing saved yet (no pre-screen or quick score in this
chat) it ends at once with "run /prescreen or /score first".
"""

from __future__ import annotations

from typing import Any

from bot import dates
from bot.dialogs.flow import Ask, Choice, Done, Flow, FlowState, Reask, Typed
from bot.engine import Attachment, Context, Outgoing
from bot.handlers.report import DIALOG, _answers, _profile, store_of
from bot.report.content import UNIT_MAX
from bot.report.store import SavedInputs

LAST_SHOWN = 20  # characters of the last name on its button


class ReportState(FlowState):
    """The unit name printed last time in this chat, offered again."""

    last: str | None = None


def _name(ctx: Context, state: ReportState, text: str) -> str | Reask:
    name = " ".join(text.split())
    if not name:
        return Reask(ctx.label("report.name_empty"))
    if len(name) > UNIT_MAX:
        return Reask(ctx.label("report.name_too_long", max=UNIT_MAX, n=len(name)))
    return name


def _typed_name(ctx: Context, state: ReportState, name: str) -> Done:
    if not ctx.forgotten:
        store_of(ctx.services).save_unit(ctx.chat_id, name)
    return _send(ctx, name)


def _values(ctx: Context, state: ReportState) -> dict[str, Any]:
    saved = store_of(ctx.services).load(ctx.chat_id)
    return {
        "max": UNIT_MAX,
        "prescreen": _profile(saved) is not None,
        "score": _answers(saved) is not None,
    }


def _shown(state: ReportState) -> dict[str, Any]:
    last = state.last or ""
    return {"name": last if len(last) <= LAST_SHOWN else last[:LAST_SHOWN] + "…"}


STEPS: tuple[Ask[ReportState], ...] = (
    Ask(
        "name",
        "report_ask_name.html.j2",
        values=_values,
        buttons=[
            [
                Choice(
                    "last",
                    "report.btn.last_name",
                    label_values=_shown,
                    end=lambda ctx, state: _send(ctx, state.last),
                    when=lambda state: bool(state.last),
                )
            ],
            [Choice("skip", "report.btn.skip_name", end=lambda ctx, state: _send(ctx, None))],
        ],
        typed=Typed(_name, end=_typed_name),
    ),
)


class ReportDialog(Flow[ReportState]):
    """Ask which unit name to print, then send the PDF."""

    name = DIALOG
    state_type = ReportState
    steps = STEPS

    def begin(self, ctx: Context, args: str) -> ReportState | Done:
        saved = store_of(ctx.services).load(ctx.chat_id)
        if _profile(saved) is None and _answers(saved) is None:
            return Done([Outgoing(ctx.label("report.nothing"), ctx.main_menu())])
        return ReportState(v=self.version, step="name", last=saved.unit)

    # A state saved before versions ({"asked": true}) is not migrated: starting again reads the
    # last name printed, which that state did not keep.


def _send(ctx: Context, unit: str | None) -> Done:
    from bot.offload import heavy
    from bot.report.content import build
    from bot.report.pdf import make_pdf

    saved: SavedInputs = store_of(ctx.services).load(ctx.chat_id)
    day = dates.today()
    content = build(
        ctx.lang,
        day,
        profile=_profile(saved),
        answers=_answers(saved),
        unit=unit,
        in_chat=True,
    )
    document = Attachment(
        kind="document",
        filename=f"greenbot-report-{day.isoformat()}.pdf",
        data=heavy(make_pdf, content),
        caption=ctx.label("report.caption"),
    )
    ctx.log("report:pdf")
    return Done(
        [Outgoing(attachment=document), Outgoing(ctx.label("report.sent"), ctx.main_menu())]
    )
