"""Inputs and readers shared by the report tests."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from bot.prescreen import EXCLUSIONS, Profile
from scoring.data import default_table
from scoring.inputs import ScoreInput, parse_input

DAY = date(2026, 11, 24)
CLEAR = {name: False for name in EXCLUSIONS}
FACTORY: dict[str, Any] = {
    "unit_type": "factory",
    "target": "municipal",
    "legal_person": True,
    "actual_production": True,
    "entity": "manufacturer",
    "location": "beijing",
    "district_list": True,
    "grade": 2,
    "national_list": False,
    "revocation": None,
    "exclusions": CLEAR,
}
PROFILES: dict[str, dict[str, Any]] = {
    "conditional": FACTORY,
    "eligible": {**FACTORY, "grade": 3},
    "not_eligible": {
        **FACTORY,
        "exclusions": {**CLEAR, "dishonest_debtor": True},
        "revocation": {"date": "2025-06-01", "reason": "failed_review"},
    },
    "incomplete": {"unit_type": "factory", "location": "beijing"},
    "auto_included": {**FACTORY, "national_list": True, "national_listed_before_measures": True},
}
ANSWERS: dict[str, Any] = {
    "ind-1": {"value": 1.6, "requirement": 1.0},
    "ind-2": {"value": 52, "requirement": 30},
    "ind-3": "leading",
    "ind-4": 85,
    "ind-9": 72,
    "ind-14": ["energy_center", "green_power", "metering"],
    "ind-18": ["ohs", "environment", "esg_report"],
    "ind-20": 3,
}


def profile(kind: str) -> Profile:
    return Profile.model_validate(PROFILES[kind])


def answers(data: dict[str, Any] | None = None) -> ScoreInput:
    return parse_input(ANSWERS if data is None else data, default_table().indicators)


def pdf_text(data: bytes) -> str:
    """The text of every page, as pypdf extracts it, with all white space removed (lines wrap
    anywhere in Chinese)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
