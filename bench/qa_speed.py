"""Q&A speed: ``greenbot ask`` as a fresh process, and answering in process.

Run: ``python bench/qa_speed.py``. Targets: a fresh ``greenbot ask "第十一条" --json`` within
0.5 s wall; in process, p99 within 5 ms per question over the dev set after warm-up. Also
checks that the fresh process imported no Telegram framework. Prints figures; not a test.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "knowledge" / "questions" / "qa_dev.yaml"


def fresh_process(*arguments: str, runs: int = 7) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *arguments],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - start)
    return times


def frameworks_imported() -> str:
    code = (
        "import sys; from bot.cli import main; main(['ask', '第十一条', '--json']); "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'aiogram', 'telegram'})) or 'none', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stderr.strip()


def in_process(rounds: int = 20) -> list[float]:
    from bot.answer import answer_text
    from bot.qa import default_index

    questions = [str(case["q"]) for case in yaml.safe_load(DEV.read_text(encoding="utf-8"))]
    index = default_index()
    for question in questions:  # warm-up
        answer_text(index.ask(question), "zh")
    samples = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            answer_text(index.ask(question), "zh")
            samples.append(time.perf_counter() - start)
    return samples


def main() -> int:
    # The baseline, in the same run: a fresh interpreter that imports what any YAML-reading
    # command imports anyway. The ratio says what greenbot adds on a machine of any speed.
    bare = statistics.median(fresh_process("-c", "import yaml, json"))
    fresh = fresh_process("-m", "bot", "ask", "第十一条", "--json")
    print(
        f"fresh `greenbot ask 第十一条 --json`: median {statistics.median(fresh):.3f} s, "
        f"max {max(fresh):.3f} s (target <= 0.5 s); bare interpreter {bare:.3f} s, "
        f"ratio {statistics.median(fresh) / bare:.1f}"
    )
    print(f"Telegram frameworks imported by `greenbot ask`: {frameworks_imported()}")
    samples = sorted(in_process())
    p50 = samples[len(samples) // 2] * 1000
    p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    print(
        f"in process, question -> answer text, {len(samples)} answers: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (target p99 <= 5 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
