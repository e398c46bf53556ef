"""Q&A quality on a question file: top-1, top-3 and MRR.

Run: ``python bench/qa_eval.py [QUESTIONS.yaml ...]`` (default: tests/bot/data/qa_*.yaml).
A question file is a YAML list of ``{q: str, expect: [refs]}``; ``expect: []`` means out of
scope, counted as correct when the bot refuses and cites nothing. Prints figures; it is not a
test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.qa import default_index

ROOT = Path(__file__).resolve().parent.parent


def evaluate(path: Path, show_misses: bool) -> tuple[int, float, float, float]:
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))
    index = default_index()
    top1 = top3 = 0
    reciprocal = 0.0
    for case in questions:
        result = index.ask(str(case["q"]))
        refs = [hit.ref for hit in result.hits]
        expect = case["expect"]
        if not expect:
            ok = not result.in_scope and not refs
            top1 += ok
            top3 += ok
            reciprocal += ok
        else:
            rank = next((n for n, ref in enumerate(refs, 1) if ref in expect), None)
            top1 += rank == 1
            top3 += rank is not None and rank <= 3
            reciprocal += 1 / rank if rank else 0.0
            ok = rank == 1
        if show_misses and not ok:
            print(f"  miss: {case['q']!r} -> {refs[:3]} (want {expect})")
    n = len(questions)
    return n, top1 / n, top3 / n, reciprocal / n


def main(argv: list[str]) -> int:
    show = "--misses" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    paths = paths or sorted((ROOT / "tests" / "bot" / "data").glob("qa_*.yaml"))
    print(f"{'file':<28} {'n':>5} {'top-1':>7} {'top-3':>7} {'MRR':>7}")
    for path in paths:
        n, top1, top3, mrr = evaluate(path, show)
        print(f"{path.name:<28} {n:>5} {top1:>7.1%} {top3:>7.1%} {mrr:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
