"""The offline console chat: the same engine as Telegram, in a terminal.

Run it with ``greenbot chat``. Buttons are shown as numbered choices: type the number to tap
one (type ``=5`` to send the text "5" instead). The last message's buttons (the question being
asked) are numbered from 1; those of earlier messages of the same reply (an answer given in the
middle of a flow, a note about a flow put aside) on from there. Two exceptions, so that a typed
number never throws answers away:

* where the step asks for a number (a share, a percentage, a level, ratio values), a bare
  number is the answer, not a tap;
* destructive buttons (restart, skip, cancel, delete) have no number: they show their word in
  brackets, ``[跳过]``, and typing the word taps them. So does the button back to a flow put
  aside (``[回到申报预审]``), which the flow now on screen may leave no number for; it stays
  usable while other steps come and go, as its Telegram button does.

The console has no delivery: the engine is told so (``services.extras["delivers_reminders"]``)
and reminders are only stored. Ctrl-D or ``/quit`` ends the chat. Files the bot would send
(calendar files, charts) are written to the working folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot import identity
from bot.engine import Button, Engine, Incoming, Reply
from bot.identity import ChatId
from bot.render import label, normalize_lang, render
from bot.telegram_text import html_to_text
from bot.textnorm import fold

CONSOLE_CHAT_ID = identity.make(identity.CONSOLE, 1)
CONSOLE_USER_ID = 1


class ConsoleChat:
    """One console conversation; reads lines, prints replies."""

    def __init__(
        self,
        engine: Engine,
        out: TextIO,
        *,
        files_dir: Path = Path("."),
        lang_code: str | None = None,
        chat_id: ChatId = CONSOLE_CHAT_ID,
    ) -> None:
        self.engine = engine
        self.out = out
        self.files_dir = files_dir
        self.lang_code = lang_code
        self.chat_id = chat_id
        self.choices: list[Button] = []  # the numbered buttons on screen
        self.words: dict[str, Button] = {}  # the destructive ones, by their word
        self.number_expected = False
        self.at_welcome = False  # nothing happened since the greeting's /start
        self.last_message_id = 0
        # Nothing is delivered from here: the flows say so rather than promise a message.
        engine.services.extras["delivers_reminders"] = False

    def send(self, text: str | None = None, button: str | None = None) -> None:
        incoming = Incoming(
            self.chat_id,
            CONSOLE_USER_ID,
            text=text,
            button=button,
            lang_code=self.lang_code,
            message_id=self.last_message_id,
        )
        self.show(self.engine.handle(incoming))

    def show(self, reply: Reply) -> None:
        if reply.notice:
            self.out.write(f"({reply.notice})\n")
        if any(message.text for message in reply.messages):
            self.number_expected = any(message.number_expected for message in reply.messages)
        keyboards = [[b for row in message.buttons for b in row] for message in reply.messages]
        numbers = self._number(keyboards)
        for index, message in enumerate(reply.messages):
            self.last_message_id += 1
            if message.text:
                self.out.write(html_to_text(message.text) + "\n")
            if message.attachment is not None:
                path = self.files_dir / message.attachment.filename
                path.write_bytes(message.attachment.data)
                caption = html_to_text(message.attachment.caption)
                self.out.write(f"[{caption or message.attachment.filename}: {path}]\n")
            if keyboards[index]:
                shown = [
                    _shown(button, numbers.get((index, position)))
                    for position, button in enumerate(keyboards[index])
                ]
                self.out.write("  ".join(shown) + "\n")
            self.out.write("\n")
        self.out.flush()

    def _number(self, keyboards: list[list[Button]]) -> dict[tuple[int, int], int]:
        """Number the buttons of one reply: the last keyboard (the question being asked, after
        an answer or a notice) from 1, as always, then the earlier ones on from there."""
        shown = [index for index, buttons in enumerate(keyboards) if buttons]
        if not shown:
            return {}
        # Flow buttons expire with their step; others (back to a flow put aside) stay usable.
        self.choices = []
        self.words = {word: b for word, b in self.words.items() if not b.data.startswith("d:")}
        numbers: dict[tuple[int, int], int] = {}
        for index in [shown[-1], *shown[:-1]]:
            for position, button in enumerate(keyboards[index]):
                if button.word:
                    self.words[fold(button.word)] = button
                else:
                    self.choices.append(button)
                    numbers[(index, position)] = len(self.choices)
        return numbers

    def show_menu_again(self) -> None:
        """``/start`` right after the greeting: the menu again, not the whole welcome."""
        lang = normalize_lang(self.lang_code)
        self.out.write(label("console.menu_again", lang) + "\n")
        numbered = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(self.choices, 1))
        self.out.write(numbered + "\n\n")
        self.out.flush()

    def feed(self, line: str) -> bool:
        """Handle one typed line; False when the user wants to leave."""
        text = line.rstrip("\r\n")
        if text.strip().lower() in ("/quit", "/exit"):
            return False
        stripped = text.strip()
        at_welcome, self.at_welcome = self.at_welcome, False
        if at_welcome and stripped.lower() == "/start":
            self.at_welcome = True
            self.show_menu_again()
        elif fold(stripped) in self.words:
            self.send(button=self.words[fold(stripped)].data)
        elif (
            stripped.isdigit()
            and not self.number_expected
            and 1 <= int(stripped) <= len(self.choices)
        ):
            self.send(button=self.choices[int(stripped) - 1].data)
        elif stripped.startswith("=") and stripped[1:].strip():
            self.send(text=stripped[1:].strip())
        else:
            self.send(text=text)
        return True


def run(
    engine: Engine,
    stdin: TextIO,
    stdout: TextIO,
    *,
    interactive: bool,
    lang_code: str | None = None,
    files_dir: Path = Path("."),
) -> int:
    """Greet, then read lines until end of input or /quit."""
    chat = ConsoleChat(engine, stdout, files_dir=files_dir, lang_code=lang_code)
    lang = normalize_lang(lang_code)
    stdout.write(render("console_intro.txt.j2", lang) + "\n\n")
    chat.send(text="/start")
    chat.at_welcome = True
    while True:
        if interactive:
            stdout.write(label("console.prompt", lang))
            stdout.flush()
        line = stdin.readline()
        if not line:
            if interactive:
                stdout.write("\n")
            return 0
        if not chat.feed(line):
            return 0


def _shown(button: Button, number: int | None) -> str:
    """``[2] 绿色工厂``; a destructive button by its word: ``[跳过] 跳过/不知道``."""
    if number is not None:
        return f"[{number}] {button.label}"
    rest = button.label.lstrip("🔄🗑⏭✖️↩ ")
    return f"[{button.word}]" if rest.lower() == button.word else f"[{button.word}] {rest}"
