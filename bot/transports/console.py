"""The offline console chat: the same engine as Telegram, in a terminal.

Run it with ``greenbot chat``. Buttons are shown as numbered choices: type the number to tap
one (type ``=5`` to send the text "5" instead); Ctrl-D or ``/quit`` ends the chat.
Files the bot would send (calendar files, charts) are written to the working folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.engine import Button, Engine, Incoming, Reply
from bot.render import label, render
from bot.telegram_text import html_to_text

CONSOLE_CHAT_ID = 1
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
        chat_id: int = CONSOLE_CHAT_ID,
    ) -> None:
        self.engine = engine
        self.out = out
        self.files_dir = files_dir
        self.lang_code = lang_code
        self.chat_id = chat_id
        self.choices: list[Button] = []
        self.last_message_id = 0

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
        for message in reply.messages:
            self.last_message_id += 1
            if message.text:
                self.out.write(html_to_text(message.text) + "\n")
            if message.attachment is not None:
                path = self.files_dir / message.attachment.filename
                path.write_bytes(message.attachment.data)
                caption = html_to_text(message.attachment.caption)
                self.out.write(f"[{caption or message.attachment.filename}: {path}]\n")
            if message.buttons:
                self.choices = [button for row in message.buttons for button in row]
                numbered = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(self.choices, 1))
                self.out.write(numbered + "\n")
            self.out.write("\n")
        self.out.flush()

    def feed(self, line: str) -> bool:
        """Handle one typed line; False when the user wants to leave."""
        text = line.rstrip("\r\n")
        if text.strip().lower() in ("/quit", "/exit"):
            return False
        stripped = text.strip()
        if stripped.isdigit() and self.choices and 1 <= int(stripped) <= len(self.choices):
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
    lang = "en" if lang_code and lang_code.startswith("en") else "zh"
    stdout.write(render("console_intro.txt.j2", lang) + "\n\n")
    chat.send(text="/start")
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
