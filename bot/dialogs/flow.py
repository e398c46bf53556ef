"""A guided flow declared as data: its steps, in order, each with its question, the answers it
takes, when it is skipped and where it goes next. :class:`Flow` runs any such declaration as a
:class:`~bot.engine.Dialog`, so a flow is a list of :class:`Ask` and a typed state, not a state
machine written by hand.

* An :class:`Ask` step shows its question (a template, rendered with the step's ``values`` and
  ``error``: the reason the last answer was not taken), its buttons (:class:`Choice`), and may
  take a typed answer (:class:`Typed`: a parser that returns the value, or a :class:`Reask`
  with the reason to ask again).
* After an answer the flow goes to the step named by the answer (``goto``), else by the step
  (``next``), else to the first step in order whose ``skip`` condition does not hold: a step
  skips itself once answered, so an edited answer is asked again and nothing else.
* A button may end the flow with a :class:`Done` (its messages; ``cancelled`` for 取消), or
  hand over to another flow (:class:`Switch`).
* An answer may also say exactly what comes next (:class:`Moved`): the state with its step
  set, the messages shown before the question (the answer echoed, a criterion), and whether the
  question replaces the message its button was on.
* 上一步 and 重新开始 are written once here (:func:`back_choice`, :func:`restart_choice`):
  :meth:`Flow.back` goes to the step before, :meth:`Flow.restart` starts again; a flow with
  its own notion of "before" (the last question asked) overrides them.
* A ``result`` step shows the flow's outcome: the flow no longer waits for an answer there,
  so text typed after it goes to the Q&A (in the engine).
* The state is a pydantic model per flow (:class:`FlowState`: the schema version ``v`` and the
  step on screen, then the flow's answers), kept as JSON by the engine. A state saved by an older
  version is brought up to date by :meth:`Flow.migrate` when it can be; one that cannot (or a
  damaged one) starts the flow again with a polite line, never a traceback.

What every flow shares is in the engine, written once: the forgery check and expiry of buttons,
a question typed inside a flow, and the hand-off to the Q&A after a result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.engine import (
    Button,
    Context,
    ForgedButton,
    Keyboard,
    Messages,
    Outgoing,
    Step,
    keyboard,
)
from bot.render import Lang


class FlowState(BaseModel):
    """What every flow keeps: the version of its state and the step on screen."""

    # A field not declared (an answer of a step added since) is kept rather than refused.
    model_config = ConfigDict(extra="allow")

    v: int
    step: str


S = TypeVar("S", bound=FlowState)


@dataclass(frozen=True)
class Reask:
    """An answer not taken: the same question again, with this reason."""

    reason: str


@dataclass(frozen=True)
class Done:
    """The flow is over: these messages, nothing kept."""

    messages: Messages
    cancelled: bool = False  # the user left the flow (logged as such)


@dataclass(frozen=True)
class Moved(Generic[S]):
    """The flow goes to ``state`` (its step already set), after ``before``; with ``edit`` the
    question takes the place of the message whose button was tapped."""

    state: S
    before: Messages = field(default_factory=list)
    edit: bool = False


@dataclass(frozen=True)
class Switch:
    """This flow is over: the flow ``name`` starts, with ``args`` (a hand-over)."""

    name: str
    args: str = ""


Outcome: TypeAlias = S | Reask | Done | Moved[S] | Switch


def _no_values(ctx: Context, state: Any) -> dict[str, Any]:
    return {}


def _never(state: Any) -> bool:
    return False


def only_by_goto(state: Any) -> bool:
    """The ``skip`` of a step reached only by a button's ``goto`` (a menu of the flow)."""
    return True


def answered(name: str) -> Callable[[FlowState], bool]:
    """The ``skip`` of a step whose answer is the field ``name``: skipped once it has one."""

    def skip(state: FlowState) -> bool:
        return getattr(state, name, None) not in (None, "")

    skip.__qualname__ = f"answered({name!r})"
    return skip


@dataclass(frozen=True)
class Choice(Generic[S]):
    """A button of a step, shown while ``when`` holds. A tap ``sets`` these fields, or calls
    ``then`` (the new state, or a :class:`Reask`), then goes to ``goto`` (else the step's
    next); or it calls ``end``, which ends the flow with a :class:`Done`."""

    payload: str
    label: str | Callable[[Lang], str]  # a label key, or the caption in a language
    label_values: Callable[[S], dict[str, Any]] | None = None  # the values the label shows
    sets: Mapping[str, Any] = field(default_factory=dict)
    then: Callable[[Context, S], Outcome[S]] | None = None
    end: Callable[[Context, S], Done | Switch] | None = None
    goto: str | None = None  # (with a ``then`` returning :class:`Moved`: for the diagram)
    word: str | None = None  # destructive: the word that taps it where buttons are typed
    when: Callable[[S], bool] = lambda state: True
    back: bool = False  # 上一步: :meth:`Flow.back`
    restart: bool = False  # 重新开始: :meth:`Flow.restart`


@dataclass(frozen=True)
class Typed(Generic[S]):
    """A typed answer: ``parse`` returns the value, stored in the field ``into`` (with
    ``sets``), or a :class:`Reask`; ``then`` (optional) makes the new state of the value, or
    ``end`` ends the flow with it."""

    parse: Callable[[Context, S, str], Any]
    into: str | None = None
    sets: Mapping[str, Any] = field(default_factory=dict)
    then: Callable[[Context, S, Any], Outcome[S]] | None = None
    end: Callable[[Context, S, Any], Done] | None = None


@dataclass(frozen=True)
class Ask(Generic[S]):
    """One step: its question, the answers it takes, when it is skipped, where it leads."""

    name: str
    # A template (rendered with ``values`` and ``error``), or the text itself from a function.
    question: str | Callable[[Context, S, str | None], str]
    values: Callable[[Context, S], dict[str, Any]] = _no_values
    buttons: Sequence[Sequence[Choice[S]]] = ()  # rows
    typed: Typed[S] | None = None  # None: typed text shows the question again
    skip: Callable[[S], bool] = _never
    next: str | None = None  # None: the first step in order not skipped
    number_expected: bool = False
    result: bool = False  # the flow's outcome: not waiting for an answer any more
    # The whole keyboard made of the step's button rows (with buttons of other features).
    arrange: Callable[[Context, S, list[list[Button]]], Keyboard] | None = None


class Flow(Generic[S]):
    """Runs a declared flow as a :class:`~bot.engine.Dialog`. A confirmation is simply left
    when another flow starts; a :class:`ResumableFlow` is put aside and can be taken up again."""

    name: ClassVar[str]
    command: ClassVar[str | None] = None
    menu_key: ClassVar[str | None] = None
    version: ClassVar[int] = 1
    state_type: type[S]
    steps: tuple[Ask[S], ...]

    # -- what a flow may override -------------------------------------------------------------

    def begin(self, ctx: Context, args: str) -> S | Done:
        """The state a new run starts from (the first step), or a :class:`Done` at once."""
        return self.state_type(v=self.version, step=self.steps[0].name)

    def begin_with(self, args: str) -> str | None:
        """Text given with the command, taken as the first step's typed answer."""
        return None

    def migrate(self, stored: dict[str, Any]) -> dict[str, Any] | None:
        """A state saved by an older version, brought up to date; None: start again."""
        return None

    # -- the Dialog protocol ------------------------------------------------------------------

    def start(self, ctx: Context, args: str) -> Step:
        state = self.begin(ctx, args)
        if isinstance(state, Done):
            return Step(state.messages, None, cancelled=state.cancelled)
        text = self.begin_with(args)
        if text is not None:
            return self._take_text(ctx, state, text)
        return self._move(ctx, state, None, intro=True)

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self.damaged(ctx, state)
        return self._take_text(ctx, loaded, text)

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self.damaged(ctx, state)
        step = self.step(loaded.step)
        choice = next((c for c in self.choices(step, loaded) if c.payload == payload), None)
        if choice is None:
            raise ForgedButton(payload)
        outcome: Outcome[S]
        if choice.back:
            outcome = self.back(ctx, loaded)
        elif choice.restart:
            outcome = self.restart(ctx, loaded)
        elif choice.end is not None:
            outcome = choice.end(ctx, loaded)
        elif choice.then is not None:
            outcome = choice.then(ctx, loaded)
        else:
            outcome = loaded.model_copy(update=dict(choice.sets))
        return self._outcome(ctx, loaded, outcome, choice.goto or step.next)

    def back(self, ctx: Context, state: S) -> Outcome[S]:
        """上一步: the step before this one in order, its answer kept (shown again)."""
        names = [step.name for step in self.steps]
        at = names.index(state.step)
        if at == 0:
            raise ForgedButton("back")
        return Moved(state.model_copy(update={"step": names[at - 1]}), edit=True)

    def following(self, state: S) -> str:
        """The step after an answer that names none: the first in order not skipped (a flow
        whose order comes from rules of its own computes it here)."""
        return next(step.name for step in self.steps if not step.skip(state))

    def damaged(self, ctx: Context, stored: dict[str, Any]) -> Step:
        """A state this version cannot use: by default say so in one line, and start again."""
        return self._start_again(ctx)

    def restart(self, ctx: Context, state: S) -> Outcome[S]:
        """重新开始: every answer dropped, from the first step."""
        again = self.begin(ctx, "")
        return again if isinstance(again, Done) else Moved(again)

    # -- running the declaration --------------------------------------------------------------

    def step(self, name: str) -> Ask[S]:
        return next(step for step in self.steps if step.name == name)

    def load(self, stored: dict[str, Any]) -> S | None:
        """The stored state as this version's model, or None when it cannot be used."""
        if stored.get("v") != self.version:
            migrated = self.migrate(stored)
            if migrated is None:
                return None
            stored = {**migrated, "v": self.version}
        try:
            state = self.state_type.model_validate(stored)
        except ValidationError:
            return None
        if state.step not in {step.name for step in self.steps}:
            return None
        return state

    def choices(self, step: Ask[S], state: S) -> list[Choice[S]]:
        """The buttons ``step`` shows in ``state``."""
        return [choice for row in step.buttons for choice in row if choice.when(state)]

    def ask(
        self,
        ctx: Context,
        state: S,
        error: str | None = None,
        *,
        before: Sequence[Outgoing] = (),
        edit: bool = False,
        intro: bool = False,
    ) -> Step:
        """The question of ``state``'s step (again, with ``error``), after ``before``;
        ``intro`` on the flow's first question."""
        step = self.step(state.step)
        if isinstance(step.question, str):
            values = {"intro": intro, **step.values(ctx, state)}
            text = ctx.render(step.question, error=error, **values)
        else:
            text = step.question(ctx, state, error)
        rows = [
            [
                ctx.button(
                    _caption(ctx, choice, state), choice.payload, text=True, word=choice.word
                )
                for choice in row
                if choice.when(state)
            ]
            for row in step.buttons
        ]
        buttons = step.arrange(ctx, state, rows) if step.arrange else keyboard(*rows)
        message = Outgoing(text, buttons, edit=edit, number_expected=step.number_expected)
        return Step([*before, message], state.model_dump(mode="json"))

    def _take_text(self, ctx: Context, state: S, text: str) -> Step:
        step = self.step(state.step)
        typed = step.typed
        if typed is None:
            return self.ask(ctx, state)
        value = typed.parse(ctx, state, text)
        if isinstance(value, Reask):
            return self.ask(ctx, state, value.reason)
        outcome: Outcome[S]
        if typed.end is not None:
            outcome = typed.end(ctx, state, value)
        elif typed.then is not None:
            outcome = typed.then(ctx, state, value)
        else:
            changes = dict(typed.sets)
            if typed.into is not None:
                changes[typed.into] = value
            outcome = state.model_copy(update=changes)
        return self._outcome(ctx, state, outcome, step.next)

    def _outcome(self, ctx: Context, before: S, outcome: Outcome[S], goto: str | None) -> Step:
        if isinstance(outcome, Reask):
            return self.ask(ctx, before, outcome.reason)
        if isinstance(outcome, Done):
            return Step(outcome.messages, None, cancelled=outcome.cancelled)
        if isinstance(outcome, Switch):
            return ctx.engine.switch_dialog(ctx, outcome.name, outcome.args)
        if isinstance(outcome, Moved):
            return self.ask(ctx, outcome.state, before=outcome.before, edit=outcome.edit)
        return self._move(ctx, outcome, goto)

    def _move(self, ctx: Context, state: S, goto: str | None, intro: bool = False) -> Step:
        """To ``goto``, else to the first step in order not skipped."""
        if goto is None:
            goto = self.following(state)
        return self.ask(ctx, state.model_copy(update={"step": goto}), intro=intro)

    def _start_again(self, ctx: Context) -> Step:
        """A state this version cannot use: say so in one line, and start again."""
        again = self.start(ctx, "")
        notice = Outgoing(
            ctx.render("flow_restarted.html.j2", flow=ctx.label(f"flow.name.{self.name}"))
        )
        return Step([notice, *again.messages], again.state, again.cancelled)


def _caption(ctx: Context, choice: Choice[S], state: S) -> str:
    if not isinstance(choice.label, str):
        return choice.label(ctx.lang)
    values = choice.label_values(state) if choice.label_values is not None else {}
    return ctx.label(choice.label, **values)


class ResumableFlow(Flow[S]):
    """A flow put aside when another starts, and asked again when the user comes back (or
    after a question typed inside it has been answered): a :class:`~bot.engine.Resumable`."""

    def waiting(self, state: dict[str, Any]) -> bool:
        # A damaged state too: the next text or tap starts again politely.
        loaded = self.load(state)
        return loaded is None or not self.step(loaded.step).result

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self.damaged(ctx, state)
        return self.ask(ctx, loaded)


def cancel_choice(label: str, template: str = "cancelled.html.j2") -> Choice[Any]:
    """取消: the flow ends, nothing kept, the main menu shown."""

    def cancel(ctx: Context, state: Any) -> Done:
        name = ctx.chat.flow or ""
        return Done([Outgoing(ctx.render(template, left=name), ctx.main_menu())], cancelled=True)

    return Choice("cancel", label, end=cancel, word="cancel")


def back_choice(label: str, when: Callable[[Any], bool] = lambda state: True) -> Choice[Any]:
    """上一步: :meth:`Flow.back`."""
    return Choice("back", label, back=True, when=when)


def restart_choice(label: str, when: Callable[[Any], bool] = lambda state: True) -> Choice[Any]:
    """重新开始: :meth:`Flow.restart` (a destructive button: it drops every answer)."""
    return Choice("restart", label, restart=True, word="restart", when=when)
