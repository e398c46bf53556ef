"""Q&A quality on a question file: top-1, top-3, MRR, and how the bot answered.

Run: ``python bench/qa_eval.py [QUESTIONS.yaml ...] [--misses]`` (default:
knowledge/questions/qa_*.yaml). A question file is a YAML list of
``{q: str, expect: [refs], kind: str?, silent: bool?}``:

- ``expect: []`` means out of scope: right when the bot refuses and cites nothing (top-1,
  top-3); for the out-of-scope rate, also when it answers with the "text does not say" line.
- ``silent: true`` marks a question for a detail the measures do not give: right for the
  silent rate when the bot refuses or says what the text leaves open.
- ``kind`` (colloquial, english, noisy, …) groups the figures.

Besides the ranking figures: how many answers were low-confidence (candidates offered), and
how many in-scope questions were flatly refused. Prints figures; it is not a test.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.qa import default_index

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Tally:
    n: int = 0
    top1: int = 0
    top3: int = 0
    reciprocal: float = 0.0
    in_scope: int = 0
    in_top1: int = 0
    in_top3: int = 0
    refused: int = 0  # in-scope questions refused flatly
    low: int = 0  # answers that offered candidates
    oos: int = 0
    oos_ok: int = 0  # refused, or said what the text leaves open
    oos_refused: int = 0
    silent: int = 0
    silent_ok: int = 0
    kinds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)


def evaluate(questions: list[dict[str, Any]]) -> Tally:
    index = default_index()
    tally = Tally()
    for case in questions:
        result = index.ask(str(case["q"]))
        refs = [hit.ref for hit in result.hits]
        expect = case["expect"]
        says_silent = result.in_scope and bool(result.notes)
        tally.n += 1
        tally.low += result.confidence == "low"
        if not expect:
            ok = not result.in_scope and not refs
            tally.top1 += ok
            tally.top3 += ok
            tally.reciprocal += ok
            tally.oos += 1
            tally.oos_refused += ok
            tally.oos_ok += ok or says_silent
        else:
            rank = next((n for n, ref in enumerate(refs, 1) if ref in expect), None)
            ok = rank == 1
            tally.top1 += ok
            tally.top3 += rank is not None and rank <= 3
            tally.reciprocal += 1 / rank if rank else 0.0
            tally.in_scope += 1
            tally.in_top1 += ok
            tally.in_top3 += rank is not None and rank <= 3
            tally.refused += not result.in_scope
        if case.get("silent"):
            tally.silent += 1
            tally.silent_ok += (not result.in_scope) or says_silent
        kind = tally.kinds[str(case.get("kind", "-"))]
        kind[0] += ok
        kind[1] += 1
        if not ok:
            low = " (low)" if result.confidence == "low" else ""
            tally.misses.append(f"  miss: {case['q']!r} -> {refs[:3]}{low} (want {expect})")
    return tally


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def report(name: str, t: Tally) -> str:
    kinds = ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(t.kinds.items()))
    return (
        f"{name}: n={t.n} top1={_share(t.top1, t.n)} top3={_share(t.top3, t.n)} "
        f"MRR={t.reciprocal / t.n:.3f} | in-scope n={t.in_scope} "
        f"top1={_share(t.in_top1, t.in_scope)} top3={_share(t.in_top3, t.in_scope)} "
        f"flat_refusals={t.refused} low_confidence={t.low} | oos ok {t.oos_ok}/{t.oos} "
        f"(refused {t.oos_refused}) | silent ok {t.silent_ok}/{t.silent}\n"
        f"  per kind (top-1): {kinds}"
    )


def main(argv: list[str]) -> int:
    show = "--misses" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    paths = paths or sorted((ROOT / "knowledge" / "questions").glob("qa_*.yaml"))
    for path in paths:
        tally = evaluate(yaml.safe_load(path.read_text(encoding="utf-8")))
        print(report(path.name, tally))
        if show:
            print("\n".join(tally.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
