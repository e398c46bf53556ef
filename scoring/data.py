"""The grading table as shipped: ``knowledge/indicators.yaml``, loaded once per process.

Only the indicators file is read (not the articles), so scoring keeps working, and starts
quickly, whatever state the rest of the knowledge base is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.knowledge_files import KNOWLEDGE_DIR
from scoring.indicators import GradeCutoffs, Indicator, load_indicators


@dataclass(frozen=True)
class Table:
    """The 21 indicators in table order and the (unofficial) grade cut-offs."""

    indicators: tuple[Indicator, ...]
    grading: GradeCutoffs

    def get(self, ref: str) -> Indicator | None:
        return next((ind for ind in self.indicators if ind.id == ref), None)

    @property
    def max_total(self) -> float:
        return sum(ind.max_points for ind in self.indicators)


def load_table(path: Path) -> Table:
    """Load and validate an indicators file (raises ``bot.knowledge_files.KnowledgeError``)."""
    indicators, grading = load_indicators(path)
    return Table(tuple(sorted(indicators, key=lambda ind: ind.number)), grading)


@cache
def default_table() -> Table:
    """The shipped table."""
    return load_table(KNOWLEDGE_DIR / "indicators.yaml")
