"""The conversation engine: one event in, the messages to send out. No Telegram in here.

Every transport (console, aiogram, python-telegram-bot) turns what it receives into an
:class:`Incoming`, calls :meth:`Engine.handle`, and sends the :class:`Reply` it gets back.

Routing, in order:

* a tapped button: ``d:<nonce>:<payload>`` belongs to the guided flow in progress and is
  honoured only while ``nonce`` is that of the flow's current step (anything older is "this
  menu has expired"); other buttons are ``<prefix>:<payload>`` actions of a router
  (``m:ps`` main menu, ``a:art-11`` show an article); anything else is forged;
* a command (``/start``, ``/article 11`` …) goes to the router that declared it;
* other text goes to the flow in progress, or else is a question for the Q&A. Inside a flow,
  a text that is clearly a question about the measures is answered by the Q&A
  (``flow_question`` decides and answers in one go) and the pending question asked again,
  rather than taken as the step's answer; text after a flow's result (a flow no longer
  waiting for an answer) ends the flow and goes to the Q&A.

Written once here for every flow: the forgery check (a tapped ``d:`` payload must be one the
flow's current step offered: the engine keeps the payloads of the buttons it sent, beside the
flow's own state), the expiry of older buttons, the question typed inside a flow and the
hand-off to the Q&A after a result.

Starting a flow while another waits for an answer puts the waiting one aside (one at a time,
``ChatState.paused``) and offers a button back to it (``m:resume``).

Conversation state lives in SQLite (:mod:`bot.storage`), so a restarted bot carries on where
each user was.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeGuard, runtime_checkable

from bot import identity
from bot.identity import ChatId, as_chat_id
from bot.reminders.clock import to_datetime
from bot.render import LANGS, Lang, label, normalize_lang, render
from bot.storage import ChatState, ChatStore

if TYPE_CHECKING:
    import asyncio
    from datetime import datetime

    import sqlite_utils

    from bot.knowledge import KnowledgeBase
    from bot.qa import QAIndex
    from bot.reminders.clock import Clock
    from bot.reminders.store import ReminderStore
    from bot.report.store import ReportInputStore

log = logging.getLogger(__name__)

CALLBACK_DATA_MAX = 64  # bytes, Telegram's limit
MAX_TEXT_IN = 4096  # Telegram never delivers more; the console is held to the same


# -- what goes in and out ----------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One event from a user: a message or a tapped button."""

    chat_id: ChatId  # channel-aware (bot.identity); an int is taken as a Telegram chat
    user_id: int
    text: str | None = None
    button: str | None = None  # callback data
    lang_code: str | None = None  # Telegram's language_code of the user
    message_id: int | None = None  # the message whose button was tapped

    def __post_init__(self) -> None:
        object.__setattr__(self, "chat_id", as_chat_id(self.chat_id))


@dataclass(frozen=True)
class Button:
    label: str
    data: str
    # A destructive button (restart, skip, cancel, delete): where buttons are typed rather than
    # tapped (the console) it takes this word, never a number.
    word: str | None = None

    def __post_init__(self) -> None:
        if len(self.data.encode()) > CALLBACK_DATA_MAX:
            raise ValueError(f"callback data over {CALLBACK_DATA_MAX} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Attachment:
    kind: Literal["document", "photo"]
    filename: str
    data: bytes
    caption: str = ""  # HTML


@dataclass(frozen=True)
class Outgoing:
    """A message to send (HTML), or with ``edit`` the new text of the tapped message."""

    text: str = ""
    buttons: Keyboard = ()
    edit: bool = False
    attachment: Attachment | None = None
    # The step asks for a number (a share, a percentage, a level, ratio values): where buttons
    # are typed as numbers (the console), a bare number is then the answer, not a tap.
    number_expected: bool = False


@dataclass
class Reply:
    messages: list[Outgoing] = field(default_factory=list)
    notice: str | None = None  # shown by answerCallbackQuery (forged or expired buttons)


class ForgedButton(Exception):
    """Raised by an action or dialog for button data it did not create (or no longer can)."""


def keyboard(*rows: Sequence[Button]) -> Keyboard:
    return tuple(tuple(row) for row in rows if row)


# -- the context handlers get ------------------------------------------------------------------


@dataclass
class Context:
    """What a handler or dialog may use: who is asking, in which language, and the services."""

    engine: Engine
    chat: ChatState
    user_id: int
    lang: Lang
    is_admin: bool
    next_nonce: str
    forgotten: bool = False  # set by /forget: nothing about this chat may be written again

    @property
    def chat_id(self) -> ChatId:
        return self.chat.chat_id

    @property
    def services(self) -> Services:
        return self.engine.services

    def render(self, name: str, **values: Any) -> str:
        # the channel, so that a message can say what a web page or the console cannot do
        values.setdefault("channel", identity.channel_of(self.chat_id))
        return render(name, self.lang, **values)

    def label(self, key: str, **values: Any) -> str:
        return label(key, self.lang, **values)

    def button(
        self, key_or_text: str, payload: str, *, text: bool = False, word: str | None = None
    ) -> Button:
        """A button of the current flow step: valid only until the flow moves on. ``word``
        (``restart``, ``skip``, ``cancel``, ``delete``) marks it destructive."""
        caption = key_or_text if text else self.label(key_or_text)
        return Button(caption, f"d:{self.next_nonce}:{payload}", self.word(word) if word else None)

    def word(self, name: str) -> str:
        """The word that taps a destructive button where buttons are typed (``word.<name>``)."""
        return self.label(f"word.{name}")

    def message(self, name: str, buttons: Keyboard = (), **values: Any) -> Outgoing:
        return Outgoing(self.render(name, **values), buttons)

    def main_menu(self) -> Keyboard:
        return self.engine.main_menu(self)

    def log(self, kind: str) -> None:
        if not self.forgotten:
            self.engine.chats.log(self.chat_id, kind)


# -- features: routers and dialogs --------------------------------------------------------------

Messages = list[Outgoing]
CommandHandler = Callable[[Context, str], Messages]
ActionHandler = Callable[[Context, str], Messages]
TextHandler = Callable[[Context, str], Messages]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    admin: bool = False
    description_key: str | None = None  # label key: listed in /help and setMyCommands


class Router:
    """One feature's commands and button actions, declared with decorators (as aiogram does)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, ActionHandler] = {}
        self.text_handler: TextHandler | None = None
        self.forget_hooks: list[Callable[[Services, ChatId], None]] = []

    def command(
        self, *names: str, admin: bool = False, describe: str | None = None
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(handler: CommandHandler) -> CommandHandler:
            for position, name in enumerate(names):
                self.commands[name] = Command(
                    name, handler, admin, describe if position == 0 else None
                )
            return handler

        return register

    def action(self, prefix: str) -> Callable[[ActionHandler], ActionHandler]:
        if prefix == "d":
            raise ValueError("the 'd' prefix belongs to guided flows")

        def register(handler: ActionHandler) -> ActionHandler:
            self.actions[prefix] = handler
            return handler

        return register

    def text(self, handler: TextHandler) -> TextHandler:
        self.text_handler = handler
        return handler

    def on_forget(
        self, hook: Callable[[Services, ChatId], None]
    ) -> Callable[[Services, ChatId], None]:
        self.forget_hooks.append(hook)
        return hook


@dataclass
class Step:
    """What a dialog step returns: messages, and the new state (None: the flow is over)."""

    messages: Messages
    state: dict[str, Any] | None
    cancelled: bool = False  # the user left the flow (its own Cancel button): logged as such


class Dialog(Protocol):
    """A guided flow (pre-screen, quick score, reminders, confirmations)."""

    # Read-only, so that a class attribute (``command = "score"``) satisfies them.
    @property
    def name(self) -> str: ...  # stored in the chat's state

    @property
    def command(self) -> str | None: ...  # /prescreen …

    @property
    def menu_key(self) -> str | None: ...  # main-menu button (m:<menu_key>), label "menu.<key>"

    def start(self, ctx: Context, args: str) -> Step: ...

    def on_text(self, ctx: Context, state: dict[str, Any], text: str) -> Step: ...

    def on_button(self, ctx: Context, state: dict[str, Any], payload: str) -> Step: ...


@runtime_checkable
class Resumable(Dialog, Protocol):
    """A flow that can ask its pending question again: after a question typed in the middle
    of it has been answered, or when the user comes back to it after putting it aside."""

    def waiting(self, state: dict[str, Any]) -> bool:
        """Whether ``state`` waits for an answer (not at a result, which ends on any text)."""
        ...

    def repeat(self, ctx: Context, state: dict[str, Any]) -> Step:
        """The pending question again, with fresh buttons (the old ones expire)."""
        ...


def _resumable(dialog: Dialog | None, state: dict[str, Any]) -> TypeGuard[Resumable]:
    return isinstance(dialog, Resumable) and dialog.waiting(state)


def _at_result(dialog: Dialog, state: dict[str, Any]) -> bool:
    """A resumable flow showing its result: any text now is a question for the Q&A."""
    return isinstance(dialog, Resumable) and not dialog.waiting(state)


# A question typed inside a flow: the Q&A's reply when it is one about the measures, else None.
FlowQuestion = Callable[[Context, str], Messages | None]

# The payloads of the flow buttons last sent, kept beside the flow's own state (the forgery
# check); never handed to the flow.
OFFER_KEY = "~offer"


def flow_state(chat: ChatState) -> dict[str, Any]:
    """The flow's own state, without what the engine keeps beside it."""
    return {key: value for key, value in chat.state.items() if key != OFFER_KEY}


def _offered(messages: Messages, nonce: str) -> list[str]:
    """The payloads of the flow buttons in ``messages`` that carry ``nonce``."""
    prefix = f"d:{nonce}:"
    return [
        button.data.removeprefix(prefix)
        for message in messages
        for row in message.buttons
        for button in row
        if button.data.startswith(prefix)
    ]


@dataclass
class Services:
    """Shared services handlers reach through ``ctx.services``; built by
    :func:`bot.bootstrap.build_services` (tests swap the clock, the console turns delivery off).
    """

    db: sqlite_utils.Database
    chats: ChatStore
    reminders: ReminderStore  # units, deadlines, reminders: the same database
    reports: ReportInputStore  # each chat's latest answers, for the report buttons
    knowledge: KnowledgeBase
    qa: QAIndex
    clock: Clock  # "now" for the flows and the delivery loop
    # Set after an enrolment plans a reminder for "now", so the delivery loop sends it at once.
    reminders_wake: asyncio.Event
    admins: frozenset[int] = frozenset()
    # False where nothing is sent from (the offline console): reminders are only stored, and
    # the flows say so rather than promise a message.
    delivers_reminders: bool = True
    # Where the web page is reached (calendar feed links) and the mail server for e-mail
    # reminders; None: GREENBOT_PUBLIC_URL / GREENBOT_SMTP_URL, else no links / no mail.
    public_url: str | None = None
    smtp_url: str | None = None

    def now(self) -> datetime:
        """The current moment in Asia/Shanghai, from :attr:`clock`."""
        return to_datetime(self.clock.now())


# -- the engine ---------------------------------------------------------------------------------


class Engine:
    """Routes events to features and keeps each chat's state in SQLite."""

    def __init__(
        self,
        services: Services,
        routers: Iterable[Router],
        dialogs: Iterable[Dialog] = (),
        flow_question: FlowQuestion | None = None,
    ) -> None:
        self.services = services
        # A text typed inside a flow that is a question for the Q&A: its answer, else None.
        self.flow_question = flow_question
        self.chats = services.chats
        self.routers = list(routers)
        self.dialogs: dict[str, Dialog] = {}
        self.commands: dict[str, Command] = {}
        self.actions: dict[str, ActionHandler] = {}
        self.text_handler: TextHandler | None = None
        for router in self.routers:
            for name, command in router.commands.items():
                self._unique(name, self.commands, "command")
                self.commands[name] = command
            for prefix, action in router.actions.items():
                self._unique(prefix, self.actions, "action")
                self.actions[prefix] = action
            if router.text_handler is not None:
                self.text_handler = router.text_handler
        for dialog in dialogs:
            self.add_dialog(dialog)

    @staticmethod
    def _unique(key: str, registry: dict[str, Any], what: str) -> None:
        if key in registry:
            raise ValueError(f"{what} {key!r} registered twice")

    def add_dialog(self, dialog: Dialog) -> None:
        self._unique(dialog.name, self.dialogs, "dialog")
        self.dialogs[dialog.name] = dialog
        if dialog.command:
            self._unique(dialog.command, self.commands, "command")
            self.commands[dialog.command] = Command(
                dialog.command,
                self._dialog_starter(dialog),
                False,
                f"command.{dialog.command}",
            )

    def _dialog_starter(self, dialog: Dialog) -> CommandHandler:
        def start(ctx: Context, args: str) -> Messages:
            return self.start_dialog(ctx, dialog.name, args)

        return start

    # public API

    def handle(self, incoming: Incoming) -> Reply:
        """Answer one event; never raises (a failure becomes a polite apology)."""
        try:
            return self._handle(incoming)
        except Exception:
            log.exception("failed to handle an event of chat %s", incoming.chat_id)
            lang = normalize_lang(incoming.lang_code)
            return Reply([Outgoing(render("error.html.j2", lang))], notice=None)

    def forget(self, chat_id: ChatId | int) -> None:
        """Delete everything stored about a chat."""
        chat_id = as_chat_id(chat_id)
        for router in self.routers:
            for hook in router.forget_hooks:
                hook(self.services, chat_id)
        self.chats.forget(chat_id)

    def leave_flow(self, ctx: Context) -> str | None:
        """End the flow in progress (if any), and any put aside, and return the name of the
        one in progress, else of the one put aside."""
        left = ctx.chat.flow or (ctx.chat.paused or {}).get("flow")
        if ctx.chat.flow:
            ctx.log(f"flow:{ctx.chat.flow}:cancel")
        self._drop_paused(ctx)
        ctx.chat.flow, ctx.chat.state, ctx.chat.nonce = None, {}, None
        self.save(ctx)
        return left

    def save(self, ctx: Context) -> None:
        if not ctx.forgotten:
            self.chats.save(ctx.chat)

    def start_dialog(self, ctx: Context, name: str, args: str = "") -> Messages:
        """Start ``name``; a flow in progress that waits for an answer is put aside."""
        dialog = self.dialogs[name]
        notice = self._pause_current(ctx, name)
        ctx.chat.flow, ctx.chat.state = name, {}
        ctx.log(f"flow:{name}:start")
        return notice + self._apply(ctx, dialog.start(ctx, args))

    def _pause_current(self, ctx: Context, starting: str) -> Messages:
        """Before ``starting`` begins: keep the flow in progress aside and say so in one line,
        with a button back to it. A flow at its result, or restarted, is simply left."""
        current = ctx.chat.flow
        if not current:
            return []
        if current == starting or not _resumable(self.dialogs.get(current), flow_state(ctx.chat)):
            ctx.log(f"flow:{current}:cancel")  # left unfinished for another one
            return []
        self._drop_paused(ctx)  # one flow aside at a time: the older one is given up
        ctx.chat.paused = {"flow": current, "state": flow_state(ctx.chat)}
        ctx.log(f"flow:{current}:pause")
        return [self._resume_offer(ctx, "flow_paused.html.j2")]

    def _resume_offer(self, ctx: Context, template: str) -> Outgoing:
        paused = (ctx.chat.paused or {}).get("flow", "")
        flow = ctx.label(f"flow.name.{paused}")
        # A word too: in the console the flow now on screen may be asking for a number.
        button = Button(
            ctx.label("flow.resume", flow=flow),
            "m:resume",
            ctx.label("flow.resume_word", flow=flow),
        )
        return Outgoing(ctx.render(template, flow=flow), keyboard([button]))

    def _drop_paused(self, ctx: Context) -> None:
        if ctx.chat.paused:
            ctx.log(f"flow:{ctx.chat.paused.get('flow')}:cancel")
        ctx.chat.paused = None

    def _resume(self, ctx: Context) -> Reply:
        """Back to the flow put aside: its pending question again (the current flow, if it
        waits for an answer, goes aside in its place)."""
        paused = ctx.chat.paused or {}
        name, state = paused.get("flow"), paused.get("state")
        dialog = self.dialogs.get(name or "")
        if dialog is None or not isinstance(state, dict) or not _resumable(dialog, state):
            ctx.chat.paused = None
            self.save(ctx)
            return self._expired(ctx)
        ctx.chat.paused = None
        notice = self._pause_current(ctx, name or "")
        state = {key: value for key, value in state.items() if key != OFFER_KEY}
        ctx.chat.flow, ctx.chat.state = name, state
        ctx.log(f"flow:{name}:resume")
        step = dialog.repeat(ctx, state)
        return Reply(notice + self._apply(ctx, step))

    def _aside(self, ctx: Context, dialog: Dialog, text: str) -> Messages | None:
        """A question about the measures typed inside a flow: the Q&A's answer, then the
        pending question again. None when ``text`` is for the flow itself."""
        state = flow_state(ctx.chat)
        if self.flow_question is None or not _resumable(dialog, state):
            return None
        answer = self.flow_question(ctx, text)
        if answer is None:
            return None
        return answer + self._apply(ctx, dialog.repeat(ctx, state))

    def _after_result(self, ctx: Context, text: str) -> Messages:
        """Text after a flow's result is a question for the Q&A: the flow ends."""
        if self.text_handler is None:
            messages = [Outgoing(ctx.render("unknown_command.html.j2"), ctx.main_menu())]
        else:
            messages = self.text_handler(ctx, text)
        return self._apply(ctx, Step(messages, None))

    def switch_dialog(self, ctx: Context, name: str, args: str = "") -> Step:
        """From inside a dialog step: end this flow and start ``name`` (the quick score
        hands over to the pre-screen with the estimated grade as ``args``)."""
        if ctx.chat.flow:
            ctx.log(f"flow:{ctx.chat.flow}:end")
        ctx.chat.flow, ctx.chat.state = name, {}
        ctx.log(f"flow:{name}:start")
        return self.dialogs[name].start(ctx, args)

    def menu_entries(self) -> list[tuple[str, str]]:
        """(menu key, label key) of the main menu, Q&A first then the flows as registered."""
        entries = [("qa", "menu.qa")]
        entries += [(d.menu_key, f"menu.{d.menu_key}") for d in self.dialogs.values() if d.menu_key]
        return entries

    def main_menu(self, ctx: Context) -> Keyboard:
        buttons = [Button(ctx.label(key), f"m:{menu}") for menu, key in self.menu_entries()]
        return keyboard(*(buttons[i : i + 2] for i in range(0, len(buttons), 2)))

    def public_commands(self) -> list[Command]:
        """Commands listed in /help and setMyCommands (administrators' ones left out)."""
        return [c for c in self.commands.values() if c.description_key and not c.admin]

    # routing

    def _handle(self, incoming: Incoming) -> Reply:
        chat = self.chats.load(incoming.chat_id)
        lang: Lang = chat.lang if chat.lang in LANGS else normalize_lang(incoming.lang_code)
        ctx = Context(
            self,
            chat,
            incoming.user_id,
            lang,
            incoming.user_id in self.services.admins,
            secrets.token_hex(3),
        )
        if incoming.button is not None:
            return self._on_button(ctx, incoming.button)
        text = (incoming.text or "").strip()
        if text.startswith("/") and len(text) > 1:
            return Reply(self._on_command(ctx, text))
        if ctx.chat.flow in self.dialogs and text:
            dialog = self.dialogs[ctx.chat.flow]
            text = text[:MAX_TEXT_IN]
            state = flow_state(ctx.chat)
            if _at_result(dialog, state):
                return Reply(self._after_result(ctx, text))
            aside = self._aside(ctx, dialog, text)
            if aside is not None:
                return Reply(aside)
            return Reply(self._apply(ctx, dialog.on_text(ctx, state, text)))
        if self.text_handler is None:
            return Reply([Outgoing(ctx.render("unknown_command.html.j2"), ctx.main_menu())])
        return Reply(self.text_handler(ctx, incoming.text or ""))

    def _on_command(self, ctx: Context, text: str) -> Messages:
        head, _, args = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        command = self.commands.get(name)
        if command is None or (command.admin and not ctx.is_admin):
            # Administrators' commands stay invisible: the same reply as for a typo.
            return [Outgoing(ctx.render("unknown_command.html.j2", command=name[:32]))]
        ctx.log(f"command:{name}")
        return command.handler(ctx, args.strip())

    def _on_button(self, ctx: Context, data: str) -> Reply:
        prefix, sep, payload = data.partition(":")
        if not sep or len(data.encode()) > CALLBACK_DATA_MAX:
            return self._forged(ctx)
        try:
            if prefix == "d":
                nonce, sep, step_payload = payload.partition(":")
                dialog = self.dialogs.get(ctx.chat.flow or "")
                if not sep or not nonce:
                    return self._forged(ctx)
                if dialog is None or nonce != ctx.chat.nonce:
                    return self._expired(ctx)
                offer = ctx.chat.state.get(OFFER_KEY)
                # (a state saved before the engine kept offers: the flow itself checks)
                if isinstance(offer, list) and step_payload not in offer:
                    return self._forged(ctx)
                step = dialog.on_button(ctx, flow_state(ctx.chat), step_payload)
                return Reply(self._apply(ctx, step))
            if prefix == "m" and payload == "resume":
                return self._resume(ctx)
            if prefix == "m":
                return Reply(self._on_menu(ctx, payload))
            action = self.actions.get(prefix)
            if action is None:
                return self._forged(ctx)
            return Reply(action(ctx, payload))
        except ForgedButton:
            return self._forged(ctx)

    def _on_menu(self, ctx: Context, key: str) -> Messages:
        if key == "qa":
            return [ctx.message("qa_prompt.html.j2")]
        for dialog in self.dialogs.values():
            if dialog.menu_key == key:
                return self.start_dialog(ctx, dialog.name)
        raise ForgedButton(key)

    def _apply(self, ctx: Context, step: Step) -> Messages:
        if step.state is None:
            if ctx.chat.flow:
                ctx.log(f"flow:{ctx.chat.flow}:{'cancel' if step.cancelled else 'end'}")
            ctx.chat.flow, ctx.chat.state, ctx.chat.nonce = None, {}, None
            if ctx.chat.paused and not ctx.forgotten:  # this one is over: offer the one aside
                self.save(ctx)
                return [*step.messages, self._resume_offer(ctx, "flow_waiting.html.j2")]
        else:
            offer = _offered(step.messages, ctx.next_nonce)
            ctx.chat.state, ctx.chat.nonce = {**step.state, OFFER_KEY: offer}, ctx.next_nonce
        self.save(ctx)
        return step.messages

    def _expired(self, ctx: Context) -> Reply:
        text = ctx.render("expired.html.j2")
        return Reply([Outgoing(text, ctx.main_menu())], notice=ctx.label("notice.expired"))

    def _forged(self, ctx: Context) -> Reply:
        text = ctx.render("forged.html.j2")
        return Reply([Outgoing(text, ctx.main_menu())], notice=ctx.label("notice.forged"))
