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
* A button may end the flow with a :class:`Done` (its messages; ``cancelled`` for 取消).
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
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.engine import Context, ForgedButton, Messages, Outgoing, Step, keyboard
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
    then: Callable[[Context, S], S | Reask] | None = None
    end: Callable[[Context, S], Done] | None = None
    goto: str | None = None
    word: str | None = None  # destructive: the word that taps it where buttons are typed
    when: Callable[[S], bool] = lambda state: True


@dataclass(frozen=True)
class Typed(Generic[S]):
    """A typed answer: ``parse`` returns the value, stored in the field ``into`` (with
    ``sets``), or a :class:`Reask`; ``then`` (optional) makes the new state of the value, or
    ``end`` ends the flow with it."""

    parse: Callable[[Context, S, str], Any]
    into: str | None = None
    sets: Mapping[str, Any] = field(default_factory=dict)
    then: Callable[[Context, S, Any], S | Reask] | None = None
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
        return self._move(ctx, state, None)

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self._start_again(ctx)
        return self._take_text(ctx, loaded, text)

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self._start_again(ctx)
        step = self.step(loaded.step)
        choice = next((c for c in self.choices(step, loaded) if c.payload == payload), None)
        if choice is None:
            raise ForgedButton(payload)
        outcome: S | Reask | Done
        if choice.end is not None:
            outcome = choice.end(ctx, loaded)
        elif choice.then is not None:
            outcome = choice.then(ctx, loaded)
        else:
            outcome = loaded.model_copy(update=dict(choice.sets))
        return self._outcome(ctx, loaded, outcome, choice.goto or step.next)

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

    def ask(self, ctx: Context, state: S, error: str | None = None) -> Step:
        """The question of ``state``'s step (again, with ``error``)."""
        step = self.step(state.step)
        if isinstance(step.question, str):
            text = ctx.render(step.question, error=error, **step.values(ctx, state))
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
        message = Outgoing(text, keyboard(*rows), number_expected=step.number_expected)
        return Step([message], state.model_dump(mode="json"))

    def _take_text(self, ctx: Context, state: S, text: str) -> Step:
        step = self.step(state.step)
        typed = step.typed
        if typed is None:
            return self.ask(ctx, state)
        value = typed.parse(ctx, state, text)
        if isinstance(value, Reask):
            return self.ask(ctx, state, value.reason)
        outcome: S | Reask | Done
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

    def _outcome(
        self, ctx: Context, before: S, outcome: S | Reask | Done, goto: str | None
    ) -> Step:
        if isinstance(outcome, Reask):
            return self.ask(ctx, before, outcome.reason)
        if isinstance(outcome, Done):
            return Step(outcome.messages, None, cancelled=outcome.cancelled)
        return self._move(ctx, outcome, goto)

    def _move(self, ctx: Context, state: S, goto: str | None) -> Step:
        """To ``goto``, else to the first step in order not skipped."""
        if goto is None:
            goto = next(step.name for step in self.steps if not step.skip(state))
        return self.ask(ctx, state.model_copy(update={"step": goto}))

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
        return True  # a damaged state too: the next text or tap starts again politely

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        loaded = self.load(state)
        if loaded is None:
            return self._start_again(ctx)
        return self.ask(ctx, loaded)


def cancel_choice(label: str, template: str = "cancelled.html.j2") -> Choice[Any]:
    """取消: the flow ends, nothing kept, the main menu shown."""

    def cancel(ctx: Context, state: Any) -> Done:
        name = ctx.chat.flow or ""
        return Done([Outgoing(ctx.render(template, left=name), ctx.main_menu())], cancelled=True)

    return Choice("cancel", label, end=cancel, word="cancel")
