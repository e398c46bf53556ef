"""The pre-screen rules, table-driven: every article path and every boundary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from pydantic import ValidationError

from bot.dates import TZ
from bot.prescreen import EXCLUSIONS, Profile, evaluate
from bot.prescreen_text import reason_text, report_context, result_json

TODAY = date(2026, 11, 24)
NO_EXCLUSIONS = {name: False for name in EXCLUSIONS}
ALL_EXCLUSIONS = [f"exclusions.{name}" for name in EXCLUSIONS]

FACTORY: dict[str, Any] = {
    "unit_type": "factory",
    "target": "municipal",
    "today": TODAY,
    "legal_person": True,
    "actual_production": True,
    "entity": "manufacturer",
    "location": "beijing",
    "district_list": True,
    "grade": 3,
    "national_list": False,
    "exclusions": NO_EXCLUSIONS,
    "revocation": None,
}
PARK: dict[str, Any] = {
    "unit_type": "park",
    "today": TODAY,
    "district_list": True,
    "national_list": False,
    "park": {
        "legal_boundary": True,
        "unified_management": True,
        "industrial_share": 62,
        "production_energy_main": True,
        "cultivation_plan": True,
    },
    "exclusions": NO_EXCLUSIONS,
    "revocation": None,
}
SUPPLY_CHAIN: dict[str, Any] = {
    "unit_type": "supply_chain",
    "today": TODAY,
    "legal_person": True,
    "district_list": True,
    "supply_chain": {"chain_leader": True, "creating_green_factory": True, "supplier_plan": True},
    "exclusions": NO_EXCLUSIONS,
    "revocation": None,
}
BASES = {"factory": FACTORY, "park": PARK, "supply_chain": SUPPLY_CHAIN}
DROP = object()


def make(base: str, **changes: Any) -> Profile:
    """A profile from a base; keys use ``__`` for dots (park__industrial_share); DROP removes."""
    data = {
        key: dict(value) if isinstance(value, dict) else value for key, value in BASES[base].items()
    }
    for key, value in changes.items():
        head, _, tail = key.partition("__")
        if tail:
            section = dict(data.get(head) or {})
            if value is DROP:
                section.pop(tail, None)
            else:
                section[tail] = value
            data[head] = section
        elif value is DROP:
            data.pop(head, None)
        else:
            data[head] = value
    return Profile.model_validate(data)


# (id, base, changes, verdict, codes that must appear, missing)
CASES: list[tuple[str, str, dict[str, Any], str, list[str], list[str]]] = [
    # -- green factory, municipal list (Art. 7, 8) ------------------------------------------------
    (
        "factory eligible",
        "factory",
        {},
        "eligible",
        ["art7_met", "art11_clear", "art15_clear", "art8_met"],
        [],
    ),
    ("research unit", "factory", {"entity": "research"}, "eligible", ["art7_met"], []),
    ("grade 4 municipal", "factory", {"grade": 4}, "eligible", ["art8_met"], []),
    (
        "not legal person",
        "factory",
        {"legal_person": False},
        "not_eligible",
        ["art7_not_legal_person"],
        [],
    ),
    (
        "not producing",
        "factory",
        {"actual_production": False},
        "not_eligible",
        ["art7_no_actual_production"],
        [],
    ),
    (
        "other entity",
        "factory",
        {"entity": "other"},
        "not_eligible",
        ["art7_not_manufacturer_or_research"],
        [],
    ),
    (
        "not in district list",
        "factory",
        {"district_list": False},
        "conditional",
        ["art8_not_in_district_list"],
        [],
    ),
    ("grade 2", "factory", {"grade": 2}, "conditional", ["art8_grade_below_3"], []),
    ("grade 1", "factory", {"grade": 1}, "conditional", ["art8_grade_below_3"], []),
    ("not graded", "factory", {"grade": None}, "conditional", ["art8_not_graded"], []),
    ("grade unknown", "factory", {"grade": DROP}, "incomplete", ["grade_unknown"], ["grade"]),
    (
        "district unknown",
        "factory",
        {"district_list": DROP},
        "incomplete",
        ["art8_district_list_unknown"],
        ["district_list"],
    ),
    (
        "two conditions",
        "factory",
        {"district_list": False, "grade": 2},
        "conditional",
        ["art8_not_in_district_list", "art8_grade_below_3"],
        [],
    ),
    (
        "condition and unknown",
        "factory",
        {"district_list": False, "grade": DROP},
        "incomplete",
        ["art8_not_in_district_list", "grade_unknown"],
        ["grade"],
    ),
    (
        "hard beats condition",
        "factory",
        {"district_list": False, "legal_person": False},
        "not_eligible",
        ["art7_not_legal_person"],
        [],
    ),
    (
        "hard beats unknown",
        "factory",
        {"grade": DROP, "exclusions": {}, "entity": "other"},
        "not_eligible",
        ["art7_not_manufacturer_or_research"],
        [],
    ),
    ("national_list unknown is no gap", "factory", {"national_list": DROP}, "eligible", [], []),
    ("target defaults to municipal", "factory", {"target": DROP}, "eligible", ["art8_met"], []),
    (
        "already municipal",
        "factory",
        {"municipal_list": True},
        "eligible",
        ["already_on_municipal_list"],
        [],
    ),
    # -- location (Art. 4, 9) ---------------------------------------------------------------------
    ("outside jjj", "factory", {"location": "other"}, "not_eligible", ["location_outside_jjj"], []),
    (
        "location unknown",
        "factory",
        {"location": DROP},
        "incomplete",
        ["location_unknown"],
        ["location"],
    ),
    (
        "tianjin no hq",
        "factory",
        {"location": "tianjin", "hq_in_beijing": False},
        "not_eligible",
        ["tianjin_hebei_no_hq"],
        [],
    ),
    (
        "hebei no hq national",
        "factory",
        {
            "location": "hebei",
            "hq_in_beijing": False,
            "target": "national",
            "provincial_green_factory": True,
            "grade": 4,
        },
        "not_eligible",
        ["tianjin_hebei_no_hq"],
        [],
    ),
    (
        "tianjin hq municipal: no path",
        "factory",
        {"location": "tianjin", "hq_in_beijing": True},
        "conditional",
        ["tianjin_hebei_no_municipal_path"],
        [],
    ),
    (
        "tianjin hq unknown",
        "factory",
        {"location": "tianjin"},
        "incomplete",
        ["tianjin_hebei_hq_unknown", "tianjin_hebei_no_municipal_path"],
        ["hq_in_beijing"],
    ),
    (
        "hebei national no provincial",
        "factory",
        {
            "location": "hebei",
            "hq_in_beijing": True,
            "target": "national",
            "provincial_green_factory": False,
            "grade": 4,
        },
        "not_eligible",
        ["art9_no_provincial_recognition"],
        [],
    ),
    (
        "hebei national provincial grade 4",
        "factory",
        {
            "location": "hebei",
            "hq_in_beijing": True,
            "target": "national",
            "provincial_green_factory": True,
            "grade": 4,
        },
        "eligible",
        ["art9_tianjin_hebei_path_met", "art9_met"],
        [],
    ),
    (
        "tianjin national grade 3",
        "factory",
        {
            "location": "tianjin",
            "hq_in_beijing": True,
            "target": "national",
            "provincial_green_factory": True,
            "grade": 3,
        },
        "conditional",
        ["art9_grade_below_4"],
        [],
    ),
    (
        "tianjin national provincial unknown",
        "factory",
        {"location": "tianjin", "hq_in_beijing": True, "target": "national", "grade": 4},
        "incomplete",
        ["art9_provincial_recognition_unknown"],
        ["provincial_green_factory"],
    ),
    (
        "tianjin national not on municipal list is fine",
        "factory",
        {
            "location": "tianjin",
            "hq_in_beijing": True,
            "target": "national",
            "provincial_green_factory": True,
            "grade": 4,
            "municipal_list": False,
        },
        "eligible",
        ["art9_met"],
        [],
    ),
    # -- national title (Art. 9) ------------------------------------------------------------------
    (
        "national eligible",
        "factory",
        {"target": "national", "municipal_list": True, "grade": 4},
        "eligible",
        ["art9_met"],
        [],
    ),
    (
        "national not on municipal list",
        "factory",
        {"target": "national", "municipal_list": False, "grade": 4},
        "conditional",
        ["art9_not_on_municipal_list"],
        [],
    ),
    (
        "national grade 3",
        "factory",
        {"target": "national", "municipal_list": True, "grade": 3},
        "conditional",
        ["art9_grade_below_4"],
        [],
    ),
    (
        "national not graded",
        "factory",
        {"target": "national", "municipal_list": True, "grade": None},
        "conditional",
        ["art9_not_graded"],
        [],
    ),
    (
        "national grade unknown",
        "factory",
        {"target": "national", "municipal_list": True, "grade": DROP},
        "incomplete",
        ["grade_unknown"],
        ["grade"],
    ),
    (
        "national municipal_list unknown",
        "factory",
        {"target": "national", "grade": 4, "district_list": DROP},
        "incomplete",
        ["art9_municipal_list_unknown"],
        ["municipal_list"],
    ),
    # -- Art. 10 auto-inclusion -------------------------------------------------------------------
    (
        "beijing factory on national list",
        "factory",
        {"national_list": True, "national_listed_before_measures": True},
        "auto_included",
        ["art10_auto_included"],
        [],
    ),
    (
        "auto needs nothing else",
        "factory",
        {
            "national_list": True,
            "national_listed_before_measures": True,
            "legal_person": DROP,
            "grade": DROP,
            "district_list": DROP,
            "exclusions": DROP,
            "revocation": DROP,
        },
        "auto_included",
        ["art10_auto_included", "art11_check_still"],
        [],
    ),
    (
        "auto with national target",
        "factory",
        {"national_list": True, "national_listed_before_measures": True, "target": "national"},
        "auto_included",
        ["art10_auto_included", "art10_already_national"],
        [],
    ),
    (
        "auto blocked by art 11",
        "factory",
        {
            "national_list": True,
            "national_listed_before_measures": True,
            "exclusions__dishonest_debtor": True,
        },
        "not_eligible",
        ["art11_dishonest_debtor"],
        [],
    ),
    (
        "auto blocked by art 15",
        "factory",
        {
            "national_list": True,
            "national_listed_before_measures": True,
            "revocation": {"date": date(2025, 6, 1), "reason": "failed_review"},
        },
        "not_eligible",
        ["art15_reapply_ban"],
        [],
    ),
    (
        "auto blocked by known art 7 failure",
        "factory",
        {"national_list": True, "national_listed_before_measures": True, "legal_person": False},
        "not_eligible",
        ["art7_not_legal_person"],
        [],
    ),
    (
        "national list, listed after the measures",
        "factory",
        {"national_list": True, "national_listed_before_measures": False},
        "eligible",
        ["art10_listed_after_measures", "art8_met"],
        [],
    ),
    (
        "national list, listing date unknown",
        "factory",
        {"national_list": True},
        "incomplete",
        ["art10_listing_date_unknown"],
        ["national_listed_before_measures"],
    ),
    (
        "tianjin factory on national list is not auto",
        "factory",
        {"national_list": True, "location": "tianjin", "hq_in_beijing": True},
        "conditional",
        ["tianjin_hebei_no_municipal_path"],
        [],
    ),
    (
        "park on national list",
        "park",
        {"national_list": True, "national_listed_before_measures": True, "park": DROP},
        "auto_included",
        ["art10_auto_included"],
        [],
    ),
    (
        "supply chain on national list",
        "supply_chain",
        {"national_list": True, "national_listed_before_measures": True},
        "auto_included",
        ["art10_auto_included"],
        [],
    ),
    # -- green industrial park (Art. 7) -----------------------------------------------------------
    ("park eligible", "park", {}, "eligible", ["art7_met", "art8_met"], []),
    (
        "park share 50 fails",
        "park",
        {"park__industrial_share": 50},
        "not_eligible",
        ["art7_park_share_not_over_50"],
        [],
    ),
    (
        "park share 50.0 fails",
        "park",
        {"park__industrial_share": 50.0},
        "not_eligible",
        ["art7_park_share_not_over_50"],
        [],
    ),
    ("park share 50.01 passes", "park", {"park__industrial_share": 50.01}, "eligible", [], []),
    (
        "park share 0 fails",
        "park",
        {"park__industrial_share": 0},
        "not_eligible",
        ["art7_park_share_not_over_50"],
        [],
    ),
    ("park share 100 passes", "park", {"park__industrial_share": 100}, "eligible", [], []),
    (
        "park no boundary",
        "park",
        {"park__legal_boundary": False},
        "not_eligible",
        ["art7_park_no_legal_boundary"],
        [],
    ),
    (
        "park no management",
        "park",
        {"park__unified_management": False},
        "not_eligible",
        ["art7_park_no_unified_management"],
        [],
    ),
    (
        "park not production/energy",
        "park",
        {"park__production_energy_main": False},
        "not_eligible",
        ["art7_park_not_production_energy"],
        [],
    ),
    (
        "park no plan",
        "park",
        {"park__cultivation_plan": False},
        "not_eligible",
        ["art7_park_no_cultivation_plan"],
        [],
    ),
    (
        "park share unknown",
        "park",
        {"park__industrial_share": DROP},
        "incomplete",
        ["art7_unknown"],
        ["park.industrial_share"],
    ),
    (
        "park section absent",
        "park",
        {"park": DROP},
        "incomplete",
        ["art7_unknown"],
        [
            "park.legal_boundary",
            "park.unified_management",
            "park.production_energy_main",
            "park.industrial_share",
            "park.cultivation_plan",
        ],
    ),
    (
        "park needs no grade or location",
        "park",
        {"grade": DROP, "location": "other"},
        "eligible",
        [],
        [],
    ),
    (
        "park not in district list",
        "park",
        {"district_list": False},
        "conditional",
        ["art8_not_in_district_list"],
        [],
    ),
    (
        "park national",
        "park",
        {"target": "national", "municipal_list": True},
        "eligible",
        ["art9_met"],
        [],
    ),
    (
        "park national not on municipal list",
        "park",
        {"target": "national", "municipal_list": False},
        "conditional",
        ["art9_not_on_municipal_list"],
        [],
    ),
    # -- green supply-chain management enterprise (Art. 7) ----------------------------------------
    ("supply chain eligible", "supply_chain", {}, "eligible", ["art7_met"], []),
    (
        "supply chain not legal person",
        "supply_chain",
        {"legal_person": False},
        "not_eligible",
        ["art7_not_legal_person"],
        [],
    ),
    (
        "not chain leader",
        "supply_chain",
        {"supply_chain__chain_leader": False},
        "not_eligible",
        ["art7_not_chain_leader"],
        [],
    ),
    (
        "not creating green factory",
        "supply_chain",
        {"supply_chain__creating_green_factory": False},
        "not_eligible",
        ["art7_not_creating_green_factory"],
        [],
    ),
    (
        "no supplier plan",
        "supply_chain",
        {"supply_chain__supplier_plan": False},
        "not_eligible",
        ["art7_no_supplier_plan"],
        [],
    ),
    (
        "supply chain plan unknown",
        "supply_chain",
        {"supply_chain__supplier_plan": DROP},
        "incomplete",
        ["art7_unknown"],
        ["supply_chain.supplier_plan"],
    ),
    (
        "supply chain national",
        "supply_chain",
        {"target": "national", "municipal_list": False},
        "conditional",
        ["art9_not_on_municipal_list"],
        [],
    ),
    # -- Art. 15 revocation -----------------------------------------------------------------------
    (
        "revoked for major change",
        "factory",
        {"revocation": {"date": date(2026, 10, 1), "reason": "major_change"}},
        "conditional",
        ["art11_art15_overlap", "art15_major_change_no_ban"],
        [],
    ),
    (
        "revoked for major change over three years ago",
        "factory",
        {"revocation": {"date": date(2023, 11, 23), "reason": "major_change"}},
        "eligible",
        ["art15_major_change_no_ban", "art11_clear"],
        [],
    ),
    (
        "revoked for other reason",
        "factory",
        {"revocation": {"date": date(2026, 10, 1), "reason": "other"}},
        "conditional",
        ["art11_art15_overlap", "art15_other_no_ban"],
        [],
    ),
    (
        "revoked for other reason, date unknown",
        "factory",
        {"revocation": {"reason": "other"}},
        "incomplete",
        ["art15_unknown"],
        ["revocation.date"],
    ),
    (
        "revocation unknown",
        "factory",
        {"revocation": DROP},
        "incomplete",
        ["art15_unknown"],
        ["revocation"],
    ),
    (
        "revoked, nothing more known",
        "factory",
        {"revocation": {}},
        "incomplete",
        ["art15_unknown"],
        ["revocation.reason", "revocation.date"],
    ),
    (
        "revoked for failed review, date unknown",
        "factory",
        {"revocation": {"reason": "failed_review"}},
        "incomplete",
        ["art15_unknown"],
        ["revocation.date"],
    ),
    (
        "recent revocation, reason unknown",
        "factory",
        {"revocation": {"date": date(2026, 1, 1)}},
        "incomplete",
        ["art15_unknown"],
        ["revocation.reason"],
    ),
    (
        "revocation 2-3 years ago, reason unknown: Art. 11(3) still open",
        "factory",
        {"revocation": {"date": date(2024, 6, 1)}},
        "conditional",
        ["art15_ban_over", "art11_art15_overlap"],
        [],
    ),
    (
        "old revocation, reason no longer matters",
        "factory",
        {"revocation": {"date": date(2020, 1, 1)}},
        "eligible",
        ["art15_ban_over"],
        [],
    ),
    # -- unknowns ---------------------------------------------------------------------------------
    (
        "exclusions absent",
        "factory",
        {"exclusions": DROP},
        "incomplete",
        ["art11_unknown"],
        ALL_EXCLUSIONS,
    ),
]


@pytest.mark.parametrize(
    ("base", "changes", "verdict", "codes", "missing"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rules(
    base: str, changes: dict[str, Any], verdict: str, codes: list[str], missing: list[str]
) -> None:
    result = evaluate(make(base, **changes))
    assert result.verdict == verdict, result.codes
    for code in codes:
        assert code in result.codes
    assert list(result.missing) == missing
    if verdict == "not_eligible":
        assert all(reason.kind == "fail" for reason in result.reasons)


@pytest.mark.parametrize(("number", "name"), list(enumerate(EXCLUSIONS, start=1)))
@pytest.mark.parametrize("base", sorted(BASES))
def test_each_art11_exclusion_is_a_hard_failure(base: str, number: int, name: str) -> None:
    result = evaluate(make(base, **{f"exclusions__{name}": True}))
    assert result.verdict == "not_eligible"
    assert result.codes == [f"art11_{name}"]
    assert result.reasons[0].ref == "art-11"
    assert result.reasons[0].values == {"item": number}


@pytest.mark.parametrize("name", EXCLUSIONS)
def test_each_unknown_exclusion_is_missing(name: str) -> None:
    result = evaluate(make("factory", **{f"exclusions__{name}": DROP}))
    assert result.verdict == "incomplete"
    assert result.missing == (f"exclusions.{name}",)


def test_all_hard_failures_are_reported_together() -> None:
    result = evaluate(
        make(
            "factory",
            legal_person=False,
            exclusions__dishonest_debtor=True,
            exclusions__abnormal_operation=True,
            revocation={"date": date(2026, 1, 1), "reason": "failed_review"},
        )
    )
    assert result.codes == [
        "art7_not_legal_person",
        "art11_abnormal_operation",
        "art11_dishonest_debtor",
        "art15_reapply_ban",
    ]
    assert result.missing == ()
    assert result.earliest_reapply == date(2028, 1, 2)


# -- the Art. 15 ban: revocation day not counted, two years end on the corresponding day ---------

BAN_CASES = [
    # (revoked, today, verdict, earliest)
    (date(2025, 6, 1), date(2025, 6, 1), "not_eligible", date(2027, 6, 2)),
    (date(2025, 6, 1), date(2026, 11, 24), "not_eligible", date(2027, 6, 2)),
    (date(2025, 6, 1), date(2027, 5, 31), "not_eligible", date(2027, 6, 2)),
    (date(2025, 6, 1), date(2027, 6, 1), "not_eligible", date(2027, 6, 2)),  # last day of ban
    (date(2025, 6, 1), date(2027, 6, 2), "conditional", date(2027, 6, 2)),  # Art. 15 over
    (date(2025, 6, 1), date(2028, 6, 1), "conditional", date(2027, 6, 2)),  # 3rd year: Art. 11
    (date(2025, 6, 1), date(2028, 6, 2), "eligible", date(2027, 6, 2)),  # both over
    (date(2025, 6, 1), date(2030, 1, 1), "eligible", date(2027, 6, 2)),
    (date(2024, 2, 29), date(2026, 2, 28), "not_eligible", date(2026, 3, 1)),  # no 29 Feb
    (date(2024, 2, 29), date(2026, 3, 1), "conditional", date(2026, 3, 1)),
    (date(2024, 2, 29), date(2027, 2, 28), "conditional", date(2026, 3, 1)),
    (date(2024, 2, 29), date(2027, 3, 1), "eligible", date(2026, 3, 1)),
    (date(2025, 12, 31), date(2027, 12, 31), "not_eligible", date(2028, 1, 1)),
    (date(2025, 12, 31), date(2028, 1, 1), "conditional", date(2028, 1, 1)),
    (date(2026, 2, 28), date(2028, 2, 28), "not_eligible", date(2028, 2, 29)),  # leap year
    (date(2026, 2, 28), date(2028, 2, 29), "conditional", date(2028, 2, 29)),
]


@pytest.mark.parametrize(("revoked", "today", "verdict", "earliest"), BAN_CASES)
def test_art15_ban_boundaries(revoked: date, today: date, verdict: str, earliest: date) -> None:
    profile = make("factory", today=today, revocation={"date": revoked, "reason": "failed_review"})
    result = evaluate(profile)
    assert result.verdict == verdict
    assert result.earliest_reapply == earliest
    code = "art15_reapply_ban" if verdict == "not_eligible" else "art15_ban_over"
    assert code in result.codes
    assert result_json(result)["earliest_reapply"] == earliest.isoformat()


@pytest.mark.parametrize("reason", ["major_change", "other"])
def test_no_reapply_date_without_a_failed_review(reason: str) -> None:
    result = evaluate(make("factory", revocation={"date": date(2026, 11, 1), "reason": reason}))
    assert result.earliest_reapply is None
    assert result_json(result)["earliest_reapply"] is None


def test_ban_is_reported_even_when_other_fields_are_unknown() -> None:
    profile = Profile(today=TODAY, revocation={"date": date(2025, 6, 1), "reason": "failed_review"})
    result = evaluate(profile)
    assert result.verdict == "not_eligible"
    assert result_json(result)["earliest_reapply"] == "2027-06-02"


# -- the date of the check -----------------------------------------------------------------------


def test_today_argument_overrides_the_profile() -> None:
    profile = make("factory", revocation={"date": date(2025, 6, 1), "reason": "failed_review"})
    assert evaluate(profile, date(2027, 6, 1)).verdict == "not_eligible"
    assert evaluate(profile, date(2027, 6, 2)).verdict == "conditional"
    assert evaluate(profile, date(2028, 6, 2)).verdict == "eligible"


def test_default_today_is_shanghai_time() -> None:
    profile = make(
        "factory", today=DROP, revocation={"date": date(2025, 6, 1), "reason": "failed_review"}
    )
    # 2027-06-01 17:30 UTC is already 2027-06-02 in Beijing: the ban is over there.
    with time_machine.travel(datetime(2027, 6, 2, 1, 30, tzinfo=TZ), tick=False):
        result = evaluate(profile)
    assert result.today == date(2027, 6, 2)
    assert result.verdict == "conditional"  # Art. 15 over, Art. 11(3) open
    assert "art15_ban_over" in result.codes


# -- the profile model ---------------------------------------------------------------------------


def test_empty_profile_is_incomplete() -> None:
    result = evaluate(Profile(), TODAY)
    assert result.verdict == "incomplete"
    assert list(result.missing) == ["unit_type", *ALL_EXCLUSIONS, "revocation"]
    assert result.codes == ["unit_type_unknown", "art11_unknown", "art15_unknown"]
    assert result.target == "municipal"


def test_grade_null_differs_from_absent() -> None:
    assert "grade" in Profile.model_validate({"grade": None}).model_fields_set
    assert evaluate(make("factory", grade=None)).verdict == "conditional"
    assert evaluate(make("factory", grade=DROP)).verdict == "incomplete"


def test_revocation_null_means_never_revoked() -> None:
    assert "art15_clear" in evaluate(make("factory", revocation=None)).codes
    assert evaluate(make("factory", revocation=DROP)).missing == ("revocation",)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"bogus": 1}, "bogus"),
        ({"park": {"bogus": 1}}, "park.bogus"),
        ({"grade": 5}, "grade"),
        ({"grade": 0}, "grade"),
        ({"grade": "3"}, "grade"),
        ({"grade": 3.0}, "grade"),
        ({"grade": True}, "grade"),
        ({"legal_person": "yes"}, "legal_person"),
        ({"legal_person": 1}, "legal_person"),
        ({"park": {"industrial_share": 101}}, "park.industrial_share"),
        ({"park": {"industrial_share": -0.5}}, "park.industrial_share"),
        ({"park": {"industrial_share": "62"}}, "park.industrial_share"),
        ({"park": {"industrial_share": float("nan")}}, "park.industrial_share"),
        ({"unit_type": "workshop"}, "unit_type"),
        ({"target": "district"}, "target"),
        ({"location": "shanghai"}, "location"),
        ({"revocation": {"date": "2025-02-30"}}, "revocation.date"),
        ({"revocation": {"date": "yesterday"}}, "revocation.date"),
        ({"revocation": {"date": datetime(2025, 6, 1, 8, 0)}}, "revocation.date"),
        ({"revocation": {"reason": "bad_luck"}}, "revocation.reason"),
        ({"revocation": "2025-06-01"}, "revocation"),
        ({"today": "2026-13-01"}, "today"),
        ({"exclusions": {"dishonest_debtor": "no"}}, "exclusions.dishonest_debtor"),
    ],
)
def test_bad_profiles_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Profile.model_validate(data)
    first = caught.value.errors()[0]
    assert ".".join(str(part) for part in first["loc"]) == field


@pytest.mark.parametrize("text", ["2025-06-01", "2025/6/1", "2025年6月1日", "20250601"])
def test_dates_as_people_type_them(text: str) -> None:
    profile = Profile.model_validate({"revocation": {"date": text}})
    assert profile.revocation is not None
    assert profile.revocation.date == date(2025, 6, 1)


def test_shares_may_be_integers_or_decimals() -> None:
    assert Profile.model_validate({"park": {"industrial_share": 62}}).park.industrial_share == 62
    assert (
        Profile.model_validate({"park": {"industrial_share": 50.01}}).park.industrial_share == 50.01
    )


# -- Art. 11(3) and Art. 15 together: the measures leave it open ----------------------------------


@pytest.mark.parametrize("reason", ["failed_review", "other", "major_change"])
def test_revocation_within_three_years_is_an_open_question(reason: str) -> None:
    # The case of the issue: revoked 2024-06-01, screened 2026-11-24 (Art. 15's two years over).
    result = evaluate(make("factory", revocation={"date": date(2024, 6, 1), "reason": reason}))
    assert result.verdict == "conditional"
    assert "art11_art15_overlap" in result.codes and "art11_clear" not in result.codes
    refs = {r.ref for r in result.reasons}
    assert {"art-11", "art-15"} <= refs  # both articles cited
    for lang in ("zh", "en"):
        texts = " ".join(reason_text(r, lang) for r in result.reasons)  # type: ignore[arg-type]
        context = report_context(result, lang)  # type: ignore[arg-type]
        steps = " ".join(context["steps"])
        if lang == "zh":
            assert "第十一条第（三）项" in texts and "第十五条" in texts
            assert "没有说明" in texts and "2027-06-01" in texts
            assert "近三年没有第十一条的任何一种排除情形" not in texts
            assert "区经济和信息化主管部门确认" in steps
            assert "办法对此没有明确规定" in context["verdict_label"]
            assert "原则上" not in context["verdict_label"] + steps
        else:
            assert "Art. 11(3)" in texts and "Art. 15" in texts and "leaves this open" in texts
            assert "None of the Art. 11 exclusions" not in texts
            assert "district bureau" in steps


@pytest.mark.parametrize("reason", ["failed_review", "other", "major_change"])
def test_a_removal_answered_under_art11_is_the_same_open_question(reason: str) -> None:
    # "Removed from a list in the last three years: yes" and the revocation on record are one
    # event: the verdict must not depend on which of the two questions the unit answered.
    revoked = {"date": date(2024, 6, 1), "reason": reason}
    result = evaluate(make("factory", revocation=revoked, exclusions__removed_from_list=True))
    assert result.verdict == "conditional"
    assert "art11_art15_overlap" in result.codes
    assert "art11_removed_from_list" not in result.codes


def test_a_removal_the_revocation_does_not_explain_still_bars() -> None:
    # Never revoked, or revoked more than three years ago: the removal is another event.
    for revocation in (None, {"date": date(2023, 1, 5), "reason": "other"}):
        result = evaluate(
            make("factory", revocation=revocation, exclusions__removed_from_list=True)
        )
        assert result.verdict == "not_eligible"
        assert "art11_removed_from_list" in result.codes


def test_a_removal_within_the_art15_ban_is_not_eligible() -> None:
    revoked = {"date": date(2025, 6, 1), "reason": "failed_review"}
    result = evaluate(make("factory", revocation=revoked, exclusions__removed_from_list=True))
    assert result.verdict == "not_eligible"
    assert "art15_reapply_ban" in result.codes


def test_the_open_question_stays_with_in_principle_conditions() -> None:
    result = evaluate(
        make(
            "factory", district_list=False, revocation={"date": date(2024, 6, 1), "reason": "other"}
        )
    )
    assert result.verdict == "conditional"
    assert {"art8_not_in_district_list", "art11_art15_overlap"} <= set(result.codes)
    assert report_context(result)["verdict_label"] == "有条件（“原则上”要求未满足）"


def test_the_open_question_holds_up_automatic_inclusion() -> None:
    result = evaluate(
        make(
            "factory",
            national_list=True,
            national_listed_before_measures=True,
            revocation={"date": date(2024, 6, 1), "reason": "other"},
        )
    )
    assert result.verdict == "conditional"
    assert {"art11_art15_overlap", "art10_auto_included"} <= set(result.codes)


# -- Art. 10: listed nationally before the measures were published? -------------------------------


@pytest.mark.parametrize("base", ["factory", "park", "supply_chain"])
def test_art10_needs_the_listing_before_the_measures(base: str) -> None:
    on_list = {"national_list": True}
    before = evaluate(make(base, **on_list, national_listed_before_measures=True))
    assert before.verdict == "auto_included" and "art10_auto_included" in before.codes
    after = evaluate(make(base, **on_list, national_listed_before_measures=False))
    assert after.verdict == "eligible" and "art10_auto_included" not in after.codes
    assert "art10_listed_after_measures" in after.codes and "art8_met" in after.codes
    unknown = evaluate(make(base, **on_list))
    assert unknown.verdict == "incomplete"
    assert unknown.missing == ("national_listed_before_measures",)
    assert "art10_listing_date_unknown" in unknown.codes


def test_art10_listed_after_takes_the_normal_path_with_its_conditions() -> None:
    result = evaluate(
        make("factory", national_list=True, national_listed_before_measures=False, grade=2)
    )
    assert result.verdict == "conditional" and "art8_grade_below_3" in result.codes


def test_art10_listing_date_unknown_yields_to_a_hard_failure() -> None:
    result = evaluate(make("factory", national_list=True, exclusions__dishonest_debtor=True))
    assert result.verdict == "not_eligible" and result.missing == ()


def test_art10_listing_date_unknown_asks_the_normal_path_too() -> None:
    result = evaluate(make("factory", national_list=True, district_list=DROP))
    assert result.missing == ("national_listed_before_measures", "district_list")
    assert result.pending.index("national_listed_before_measures") < result.pending.index(
        "district_list"
    )


def test_listing_date_is_not_asked_off_a_national_list() -> None:
    for value in (False, None):
        result = evaluate(make("factory", national_list=value))
        assert "national_listed_before_measures" not in result.pending
