"""Each declared flow's committed diagram is the one its declaration draws today."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import dialogs
from bot.dialogs.diagram import document, mermaid
from bot.dialogs.flow import Flow

FLOWS = [dialog for dialog in dialogs() if isinstance(dialog, Flow)]
HERE = Path(__file__).resolve().parents[3] / "bot" / "dialogs"


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.name for flow in FLOWS])
def test_the_committed_diagram_matches_the_declaration(flow: Flow[Any]) -> None:
    path = HERE / f"{flow.name}.md"
    assert path.read_text(encoding="utf-8") == document(flow), (
        f"{path.name} is out of date: run tools/flow_diagrams.py"
    )


@pytest.mark.parametrize("flow", FLOWS, ids=[flow.name for flow in FLOWS])
def test_every_step_and_button_is_drawn(flow: Flow[Any]) -> None:
    drawn = mermaid(flow)
    for step in flow.steps:
        edges = [line for line in drawn.splitlines() if line.startswith(f"    {step.name} --> ")]
        buttons = sum(len(row) for row in step.buttons)
        assert len(edges) >= buttons + (step.typed is not None) >= 1


def test_the_forget_diagram() -> None:
    forget = next(flow for flow in FLOWS if flow.name == "forget")
    assert mermaid(forget).splitlines()[1:] == [
        "    [*] --> confirm",
        "    confirm --> [*] : 确认删除",
        "    confirm --> [*] : 取消",
    ]


def test_the_remind_diagram_draws_the_edit_menu() -> None:
    remind = next(flow for flow in FLOWS if flow.name == "remind")
    drawn = mermaid(remind)
    assert "    preview --> [*] : ✅ 确认登记" in drawn
    assert "    edit --> event : 事件" in drawn and "    edit --> preview : ↩️ 返回确认" in drawn
    assert "    date --> date : typed, refused (the reason)" in drawn
