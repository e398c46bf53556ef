"""Benchmark: a full score report with chart as a fresh process.

Runs ``greenbot score INPUT --json --chart out.png`` several times on a fully answered input
and prints the median wall-clock seconds (and the range). It prints figures; it is not a test.

    python bench/score_report.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_INPUT = {
    "ind-1": {"value": 1.6, "requirement": 1.0},
    "ind-2": {"value": 52, "requirement": 30},
    "ind-3": "leading", "ind-5": "advanced", "ind-6": "average", "ind-7": "leading",
    "ind-8": "advanced", "ind-10": "average", "ind-11": "advanced", "ind-12": "lagging",
    "ind-4": 85, "ind-9": 72, "ind-13": 12, "ind-15": 4.5, "ind-17": 40,
    "ind-14": ["energy_center", "green_power", "metering"],
    "ind-16": ["lighting", "design_star"],
    "ind-18": ["ohs", "environment", "esg_report"],
    "ind-19": ["carbon_footprint"],
    "ind-20": 3,
    "ind-21": ["water_leader", "pollution_ab"],
}  # fmt: skip


def command() -> list[str]:
    """The installed ``greenbot`` script beside this interpreter, else ``python -m bot``."""
    script = Path(sys.executable).with_name("greenbot")
    if script.is_file():
        return [str(script)]
    found = shutil.which("greenbot")
    return [found] if found else [sys.executable, "-m", "bot"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs (after one warm-up)")
    args = parser.parse_args()
    base = command()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "in.json").write_text(json.dumps(FULL_INPUT), encoding="utf-8")
        argv = [*base, "score", "in.json", "--json", "--chart", "out.png"]
        seconds: list[float] = []
        for run in range(args.runs + 1):  # the first run warms caches (bytecode, fonts)
            start = time.perf_counter()
            result = subprocess.run(argv, cwd=work, capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - start
            if result.returncode != 0:
                print(f"failed ({result.returncode}): {result.stderr.strip()}", file=sys.stderr)
                return 1
            if run:
                seconds.append(elapsed)
        total = json.loads(result.stdout)["total"]
        size = (work / "out.png").stat().st_size
    print(f"command: {' '.join(Path(base[0]).name if i == 0 else a for i, a in enumerate(argv))}")
    print(f"runs: {len(seconds)}  total: {total} / 110  chart: {size} bytes")
    print(
        f"median: {statistics.median(seconds):.3f} s  "
        f"min: {min(seconds):.3f} s  max: {max(seconds):.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
