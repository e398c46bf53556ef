"""Write each declared flow's state diagram beside it: ``bot/dialogs/<flow>.md``.

Run after changing a flow's steps: ``.venv/bin/python tools/flow_diagrams.py``."""

from __future__ import annotations

from pathlib import Path

from bot.app import dialogs
from bot.dialogs.diagram import document
from bot.dialogs.flow import Flow

HERE = Path(__file__).resolve().parent.parent / "bot" / "dialogs"


def main() -> None:
    for dialog in dialogs():
        if isinstance(dialog, Flow):
            path = HERE / f"{dialog.name}.md"
            path.write_text(document(dialog), encoding="utf-8")
            print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
