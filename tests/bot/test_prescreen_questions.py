"""What a dialog asks next: one question at a time, skipping what no longer matters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.prescreen import (
    EXCLUSIONS,
    QUESTIONS,
    VERDICTS,
    Profile,
    Revocation,
    evaluate,
    is_known,
    missing_fields,
    next_question,
    pending_questions,
    with_answer,
)
from bot.render import label

TODAY = date(2026, 11, 24)
EXCL = [f"exclusions.{name}" for name in EXCLUSIONS]
CLEAN = {name: False for name in EXCL}

BEIJING_FACTORY: dict[str, Any] = {
    "unit_type": "factory",
    "target": "municipal",
    "location": "beijing",
    "national_list": False,
    "legal_person": True,
    "actual_production": True,
    "entity": "manufacturer",
    **CLEAN,
    "revocation": False,
    "district_list": True,
    "grade": 3,
}
PARK: dict[str, Any] = {
    "unit_type": "park",
    "target": "municipal",
    "national_list": False,
    "park.legal_boundary": True,
    "park.unified_management": True,
    "park.production_energy_main": True,
    "park.industrial_share": 70,
    "park.cultivation_plan": True,
    **CLEAN,
    "revocation": False,
    "district_list": True,
}
SUPPLY_CHAIN: dict[str, Any] = {
    "unit_type": "supply_chain",
    "target": "national",
    "national_list": False,
    "legal_person": True,
    "supply_chain.chain_leader": True,
    "supply_chain.creating_green_factory": True,
    "supply_chain.supplier_plan": True,
    **CLEAN,
    "revocation": False,
    "municipal_list": True,
}

DIALOGS: list[tuple[str, dict[str, Any], list[str], str]] = [
    (
        "beijing factory",
        BEIJING_FACTORY,
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
            "district_list",
            "grade",
        ],
        "eligible",
    ),
    (
        "park: no production, location or grade questions",
        PARK,
        [
            "unit_type",
            "target",
            "national_list",
            "park.legal_boundary",
            "park.unified_management",
            "park.production_energy_main",
            "park.industrial_share",
            "park.cultivation_plan",
            *EXCL,
            "revocation",
            "district_list",
        ],
        "eligible",
    ),
    (
        "supply chain, national: municipal list instead of district list",
        SUPPLY_CHAIN,
        [
            "unit_type",
            "target",
            "national_list",
            "legal_person",
            "supply_chain.chain_leader",
            "supply_chain.creating_green_factory",
            "supply_chain.supplier_plan",
            *EXCL,
            "revocation",
            "municipal_list",
        ],
        "eligible",
    ),
    (
        "outside jjj ends at once",
        {**BEIJING_FACTORY, "location": "other"},
        ["unit_type", "target", "location"],
        "not_eligible",
    ),
    (
        "tianjin, national: hq and provincial, no national/municipal list",
        {
            **BEIJING_FACTORY,
            "target": "national",
            "location": "tianjin",
            "hq_in_beijing": True,
            "provincial_green_factory": True,
            "grade": 4,
        },
        [
            "unit_type",
            "target",
            "location",
            "hq_in_beijing",
            "provincial_green_factory",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
            "grade",
        ],
        "eligible",
    ),
    (
        "hebei without beijing hq ends early",
        {**BEIJING_FACTORY, "location": "hebei", "hq_in_beijing": False},
        ["unit_type", "target", "location", "hq_in_beijing"],
        "not_eligible",
    ),
    (
        "hebei, municipal: no path, no district list or grade",
        {**BEIJING_FACTORY, "location": "hebei", "hq_in_beijing": True},
        [
            "unit_type",
            "target",
            "location",
            "hq_in_beijing",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
        ],
        "conditional",
    ),
    (
        "national list: Art. 7 skipped, Art. 11/15 still checked",
        {**BEIJING_FACTORY, "national_list": True, "national_listed_before_measures": True},
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "national_listed_before_measures",
            *EXCL,
            "revocation",
        ],
        "auto_included",
    ),
    (
        "an exclusion ends the dialog",
        {**BEIJING_FACTORY, "exclusions.removed_from_list": True},
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "legal_person",
            "actual_production",
            "entity",
            "exclusions.abnormal_operation",
            "exclusions.accident_or_violation",
            "exclusions.removed_from_list",
        ],
        "not_eligible",
    ),
    (
        "revoked after failed review, still banned",
        {
            **BEIJING_FACTORY,
            "revocation": True,
            "revocation.reason": "failed_review",
            "revocation.date": "2025-06-01",
        },
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
            "revocation.reason",
            "revocation.date",
        ],
        "not_eligible",
    ),
    (
        "revoked after a major change: the date decides Art. 11(3)",
        {
            **BEIJING_FACTORY,
            "revocation": True,
            "revocation.reason": "major_change",
            "revocation.date": "2023-06-01",
        },
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
            "revocation.reason",
            "revocation.date",
            "district_list",
            "grade",
        ],
        "eligible",
    ),
    (
        "not graded",
        {**BEIJING_FACTORY, "grade": None},
        [
            "unit_type",
            "target",
            "location",
            "national_list",
            "legal_person",
            "actual_production",
            "entity",
            *EXCL,
            "revocation",
            "district_list",
            "grade",
        ],
        "conditional",
    ),
]


def run_dialog(answers: dict[str, Any]) -> tuple[list[str], Profile]:
    profile = Profile(today=TODAY)
    asked: list[str] = []
    while (question := next_question(profile)) is not None:
        assert question not in asked, f"{question} asked twice"
        asked.append(question)
        profile = with_answer(profile, question, answers[question])
    return asked, profile


@pytest.mark.parametrize(
    ("answers", "expected", "verdict"), [d[1:] for d in DIALOGS], ids=[d[0] for d in DIALOGS]
)
def test_dialog_asks_in_order_and_skips(
    answers: dict[str, Any], expected: list[str], verdict: str
) -> None:
    asked, profile = run_dialog(answers)
    assert asked == expected
    result = evaluate(profile)
    assert result.verdict == verdict
    assert result.missing == ()
    assert result.pending == ()


def test_first_questions() -> None:
    assert next_question(Profile()) == "unit_type"
    assert next_question(Profile(unit_type="factory")) == "target"
    assert next_question(Profile(unit_type="factory", target="municipal")) == "location"
    assert next_question(Profile(unit_type="park", target="municipal")) == "national_list"


def test_optional_questions_are_pending_but_not_missing() -> None:
    profile = Profile(unit_type="park")
    assert pending_questions(profile, TODAY)[:2] == ["target", "national_list"]
    missing = missing_fields(profile, TODAY)
    assert "target" not in missing
    assert "national_list" not in missing
    assert set(missing) <= set(pending_questions(profile, TODAY))


def test_hard_failure_stops_the_questions() -> None:
    profile = Profile(unit_type="factory", legal_person=False)
    assert next_question(profile) is None
    assert missing_fields(profile) == []


def test_with_answer_keeps_the_original() -> None:
    before = Profile(unit_type="park", park={"legal_boundary": True})
    after = with_answer(before, "park.industrial_share", 55.5)
    assert before.park is not None and before.park.industrial_share is None
    assert after.park is not None
    assert after.park.legal_boundary is True
    assert after.park.industrial_share == 55.5
    assert after.unit_type == "park"


def test_with_answer_null_grade_and_revocation_are_known() -> None:
    profile = with_answer(with_answer(Profile(), "grade", None), "revocation", False)
    assert is_known(profile, "grade") and profile.grade is None
    assert is_known(profile, "revocation") and profile.revocation is None
    revoked = with_answer(Profile(), "revocation", True)
    assert revoked.revocation == Revocation()
    assert missing_fields(revoked, TODAY)[-2:] == ["revocation.reason", "revocation.date"]


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("grade", 5, ValidationError),
        ("park.industrial_share", 100.5, ValidationError),
        ("legal_person", "yes", ValidationError),
        ("revocation.date", "2025-02-30", ValidationError),
        ("bogus", 1, KeyError),
    ],
)
def test_with_answer_rejects_bad_answers(name: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        with_answer(Profile(), name, value)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_question_has_text_and_choice_labels(name: str, lang: str) -> None:
    assert label(f"prescreen.q.{name}", lang)  # type: ignore[arg-type]
    question = QUESTIONS[name]
    for choice in question.choices:
        if question.kind == "bool":
            key = "prescreen.choice.yes" if choice else "prescreen.choice.no"
        elif question.kind == "grade":
            key = f"prescreen.choice.grade.{'none' if choice is None else choice}"
        else:
            key = f"prescreen.choice.{name}.{choice}"
        assert label(key, lang)  # type: ignore[arg-type]


# -- properties over arbitrary profiles ----------------------------------------------------------

MAYBE_BOOL = st.sampled_from([True, False, None])


def _section(names: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.fixed_dictionaries({}, optional={n: values for n in names}))


PROFILES = st.fixed_dictionaries(
    {"today": st.just(TODAY)},
    optional={
        "unit_type": st.sampled_from(["factory", "supply_chain", "park", None]),
        "target": st.sampled_from(["municipal", "national", None]),
        "legal_person": MAYBE_BOOL,
        "actual_production": MAYBE_BOOL,
        "entity": st.sampled_from(["manufacturer", "research", "other", None]),
        "location": st.sampled_from(["beijing", "tianjin", "hebei", "other", None]),
        "hq_in_beijing": MAYBE_BOOL,
        "provincial_green_factory": MAYBE_BOOL,
        "district_list": MAYBE_BOOL,
        "grade": st.sampled_from([1, 2, 3, 4, None]),
        "national_list": MAYBE_BOOL,
        "municipal_list": MAYBE_BOOL,
        "park": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "legal_boundary": MAYBE_BOOL,
                    "unified_management": MAYBE_BOOL,
                    "production_energy_main": MAYBE_BOOL,
                    "cultivation_plan": MAYBE_BOOL,
                    "industrial_share": st.sampled_from([0, 49.99, 50, 50.01, 62, 100, None]),
                },
            ),
        ),
        "supply_chain": _section(
            ["chain_leader", "creating_green_factory", "supplier_plan"], MAYBE_BOOL
        ),
        "exclusions": _section(list(EXCLUSIONS), MAYBE_BOOL),
        "revocation": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "date": st.sampled_from(
                        [date(2020, 1, 1), date(2025, 6, 1), date(2026, 11, 24)]
                    ),
                    "reason": st.sampled_from(["failed_review", "major_change", "other", None]),
                },
            ),
        ),
    },
)


def _answers(name: str) -> st.SearchStrategy[Any]:
    question = QUESTIONS[name]
    if question.kind == "number":
        return st.sampled_from([0, 50, 50.01, 100])
    if question.kind == "date":
        return st.sampled_from(["2020-01-01", "2025-06-01", "2026-11-24"])
    return st.sampled_from(question.choices)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(PROFILES, st.data())
def test_invariants(data: dict[str, Any], draw: st.DataObject) -> None:
    profile = Profile.model_validate(data)
    result = evaluate(profile)
    assert result.verdict in VERDICTS
    assert all(reason.ref.startswith("art-") for reason in result.reasons)
    assert (result.verdict == "not_eligible") == any(r.kind == "fail" for r in result.reasons)
    assert bool(result.missing) == (result.verdict == "incomplete")
    assert set(result.missing) <= set(result.pending)
    if result.verdict == "not_eligible":
        assert result.pending == ()
    for name in result.pending:
        assert name in QUESTIONS
        assert not is_known(profile, name)
    # Answering one question at a time always ends, each question asked once.
    asked: list[str] = []
    while (question := next_question(profile)) is not None:
        assert question not in asked
        asked.append(question)
        profile = with_answer(profile, question, draw.draw(_answers(question), label=question))
    assert evaluate(profile).verdict != "incomplete"
