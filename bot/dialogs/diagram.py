"""A flow's state diagram (mermaid), drawn from its declaration: every step, every button and
where it leads, typed answers and their re-asks. ``tools/flow_diagrams.py`` writes it beside
the flow (``bot/dialogs/<flow>.md``); a test fails when the two no longer match."""

from __future__ import annotations

from typing import Any

from bot.dialogs.flow import Ask, Choice, Flow, only_by_goto
from bot.render import label

BEGIN = "```mermaid"
END = "```"


def _after(flow: Flow[Any], step: Ask[Any]) -> str:
    """Where an answer leads when nothing names it: the next step in order (at run time, the
    first one whose answer is still missing)."""
    if step.next is not None:
        return step.next
    names = [s.name for s in flow.steps if s.skip is not only_by_goto]
    later = names[names.index(step.name) + 1 :] if step.name in names else []
    return later[0] if later else step.name


def _caption(choice: Choice[Any]) -> str:
    caption = label(choice.label, "zh") if isinstance(choice.label, str) else choice.label("zh")
    if getattr(choice.when, "__name__", "<lambda>") != "<lambda>":
        caption += f" (if {choice.when.__name__.strip('_').replace('_', ' ')})"
    return caption.replace(":", "：").replace('"', "'")


def mermaid(flow: Flow[Any]) -> str:
    """The stateDiagram-v2 of ``flow``, one line per transition, in declaration order."""
    lines = ["stateDiagram-v2", f"    [*] --> {flow.steps[0].name}"]
    for step in flow.steps:
        if step.typed is not None:
            lines.append(f"    {step.name} --> {step.name} : typed, refused (the reason)")
            if step.typed.end is not None:
                lines.append(f"    {step.name} --> [*] : typed answer")
            elif _after(flow, step) != step.name:
                lines.append(f"    {step.name} --> {_after(flow, step)} : typed answer")
        for row in step.buttons:
            for choice in row:
                if choice.end is not None:
                    target = "[*]"
                elif choice.goto is not None:
                    target = choice.goto
                else:
                    target = _after(flow, step)
                lines.append(f"    {step.name} --> {target} : {_caption(choice)}")
    return "\n".join(lines) + "\n"


def document(flow: Flow[Any]) -> str:
    """The whole ``<flow>.md``: a title, how to read it, the diagram."""
    return (
        f"# The `{flow.name}` flow\n\n"
        "Generated from the declaration in "
        f"`bot/dialogs/{flow.name}.py` by `python tools/flow_diagrams.py`; do not edit by hand.\n"
        "After an answer the flow asks the first step still missing, in the order below;\n"
        "/cancel (and a flow started over this one) leaves it at any step.\n\n"
        f"{BEGIN}\n{mermaid(flow)}{END}\n"
    )
