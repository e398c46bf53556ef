"""Pre-screen: can this unit apply for a Beijing (or national) green manufacturing list?

A pure module: a :class:`Profile` of what is known goes in, a :class:`Result` comes out, every
finding tied to an article (``art-N``). No transport, no I/O beyond the message strings.

How the measures are read here (the points they leave open are decided and written down):

* **Hard conditions** make a unit ``not_eligible``: Art. 7 (what a cultivation target is), the
  seven Art. 11 exclusions within the last three years, the Art. 15 two-year ban after a title
  was revoked for a failed review, and the geography of Art. 4/9: the measures cover factories in
  Beijing and, through Art. 9, factories in Tianjin or Hebei of companies headquartered in
  Beijing that hold the local provincial green-factory recognition and seek the national title.
* **"In principle" (原则上) conditions** make the outcome ``conditional``: Art. 8 (on the district
  cultivation list; a factory at grade 3 or above for the municipal list), Art. 9 (chosen from the
  municipal list; grade 4 for the national green-factory title). A Tianjin/Hebei factory aiming
  at the municipal list is conditional too: the measures give it no path to that list.
* **Art. 10**: a unit already on a national list *before the measures were published* is
  automatically on the corresponding municipal list (a factory only when its site is in
  Beijing). "本办法发布前" is read as governing the whole first sentence, so the question is asked
  of every unit type: ``national_listed_before_measures`` true → ``auto_included``; false → the
  normal path (Art. 8/9) as for any unit; unknown → a required field (``incomplete`` unless a
  hard failure decides), and the normal path's questions are asked too, since it may apply.
  Auto-inclusion is about the *municipal* list: with the national target the unit already holds
  the national title, so nothing is left to apply for and the verdict is still ``auto_included``.
  Art. 11 says units with an exclusion 不得入围 any list, and Art. 15 bars a unit stripped of a
  title after a failed review: any *known* hard failure therefore overrides Art. 10. Unknown
  exclusions do not hold up auto-inclusion (nothing has to be applied for; Art. 7 is not asked
  again either), but a dialog still asks the Art. 11/15 questions, and the result reminds the
  unit of Art. 11.
* **Unknowns**: absent means unknown. For yes/no fields ``null`` is unknown too. Two fields give
  ``null`` a meaning: ``grade: null`` is "not graded" (an ungraded factory has not shown grade 3
  or 4: conditional, with the grading advice), and ``revocation: null`` is "never revoked".
  An unknown grade is not a failure: it is missing, and the quick grade estimate is offered.
* **Precedence**: any hard failure → ``not_eligible`` (unknowns no longer matter and nothing is
  missing); else Art. 10 → ``auto_included``; else anything required unknown → ``incomplete``;
  else any in-principle condition failed → ``conditional``; else ``eligible``.
* **Art. 11(3) and Art. 15 together**: a revocation is a removal from a list (被动态调整出名单,
  Art. 11(3), three years), while Art. 15 sets two years after a failed review and none after a
  major change. The measures do not say how the two combine. A revocation on record within the
  last three years therefore never yields "no Art. 11 exclusion": once no Art. 15 ban applies any
  more (or none ever did) the verdict is ``conditional``, citing both articles, saying the text
  leaves it open and advising to ask the district bureau. It also holds up Art. 10. For this the
  revocation date is needed whatever the reason.
* **Art. 15 period**: counted as the law counts periods (民法典 第二百零一条–第二百零三条): the
  revocation day is not counted, two years end on the corresponding day (28 February when the
  revocation fell on 29 February), and a new application is allowed from the next day. The
  holiday extension of 第二百零三条 is *not* applied: it gives a party the full time to act and
  would only lengthen a ban. ``earliest_reapply`` is reported whenever the title was revoked for
  a failed review on a known date, also once the ban is over (then it is a past date).
* **Location** describes the factory site; it is not asked for supply-chain units or parks.
* **Targets for supply-chain units and parks**: Art. 8's district list and Art. 9's municipal list
  apply to every unit type; the grade conditions concern green factories only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from bot import dates
from bot.render import Lang, label

UnitType = Literal["factory", "supply_chain", "park"]
Target = Literal["municipal", "national"]
Entity = Literal["manufacturer", "research", "other"]
Location = Literal["beijing", "tianjin", "hebei", "other"]
RevocationReason = Literal["failed_review", "major_change", "other"]
Verdict = Literal["eligible", "conditional", "not_eligible", "incomplete", "auto_included"]
VERDICTS: tuple[Verdict, ...] = (
    "eligible",
    "conditional",
    "not_eligible",
    "incomplete",
    "auto_included",
)


def _as_date(value: Any) -> Any:
    """YAML dates and date strings (2025-06-01, 2025年6月1日 …); impossible dates name why."""
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", "expected a date without a time of day")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return dates.parse_date(value)
        except dates.DateInputError as error:
            raise PydanticCustomError("date_parsing", str(error)) from error
    raise PydanticCustomError("date_type", "expected a date like 2025-06-01")


Day = Annotated[date, BeforeValidator(_as_date)]
Grade = Annotated[int, Field(ge=1, le=4)]
Share = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class _Strict(BaseModel):
    # strict: booleans are true/false (not "yes"), numbers are numbers (not "62").
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Park(_Strict):
    legal_boundary: bool | None = None
    unified_management: bool | None = None
    industrial_share: Share | None = None  # industrial value added, % of the park's total
    production_energy_main: bool | None = None
    cultivation_plan: bool | None = None


class SupplyChain(_Strict):
    chain_leader: bool | None = None
    creating_green_factory: bool | None = None
    supplier_plan: bool | None = None


class Exclusions(_Strict):
    """Art. 11 items 1-7 within the last three years; true = it happened."""

    abnormal_operation: bool | None = None
    accident_or_violation: bool | None = None
    removed_from_list: bool | None = None
    serious_inspection_problem: bool | None = None
    energy_rectification_pending: bool | None = None
    dishonest_debtor: bool | None = None
    other_disqualification: bool | None = None


class Revocation(_Strict):
    date: Day | None = None
    reason: RevocationReason | None = None


class Profile(_Strict):
    """What is known about the unit; every field optional, absent = unknown."""

    unit_type: UnitType | None = None
    target: Target | None = None  # None: municipal
    today: Day | None = None
    legal_person: bool | None = None
    actual_production: bool | None = None
    entity: Entity | None = None
    location: Location | None = None
    hq_in_beijing: bool | None = None
    provincial_green_factory: bool | None = None
    district_list: bool | None = None
    grade: Grade | None = None  # absent: unknown; null: not graded
    national_list: bool | None = None
    national_listed_before_measures: bool | None = None  # Art. 10: listed before publication
    municipal_list: bool | None = None
    park: Park | None = None
    supply_chain: SupplyChain | None = None
    exclusions: Exclusions | None = None
    revocation: Revocation | None = None  # absent: unknown; null: never revoked


EXCLUSIONS: tuple[str, ...] = tuple(Exclusions.model_fields)  # in the order of Art. 11 items
ART7_FIELDS: dict[str, tuple[str, ...]] = {
    "factory": ("legal_person", "actual_production", "entity"),
    "supply_chain": (
        "legal_person",
        "supply_chain.chain_leader",
        "supply_chain.creating_green_factory",
        "supply_chain.supplier_plan",
    ),
    "park": (
        "park.legal_boundary",
        "park.unified_management",
        "park.production_energy_main",
        "park.industrial_share",
        "park.cultivation_plan",
    ),
}
ART7_FAILURES: dict[str, str] = {
    "legal_person": "art7_not_legal_person",
    "actual_production": "art7_no_actual_production",
    "entity": "art7_not_manufacturer_or_research",
    "supply_chain.chain_leader": "art7_not_chain_leader",
    "supply_chain.creating_green_factory": "art7_not_creating_green_factory",
    "supply_chain.supplier_plan": "art7_no_supplier_plan",
    "park.legal_boundary": "art7_park_no_legal_boundary",
    "park.unified_management": "art7_park_no_unified_management",
    "park.production_energy_main": "art7_park_not_production_energy",
    "park.industrial_share": "art7_park_share_not_over_50",
    "park.cultivation_plan": "art7_park_no_cultivation_plan",
}
PARK_SHARE_MINIMUM = 50  # Art. 7: 超过50% — strictly more; 50 itself fails
BAN_YEARS = 2  # Art. 15
LOOK_BACK_YEARS = 3  # Art. 11: 近三年
TJ_HB = ("tianjin", "hebei")


# -- what a dialog needs: the questions and their answers ----------------------------------------


@dataclass(frozen=True)
class Question:
    """One field a dialog can ask; ``kind`` says how it is answered."""

    field: str
    kind: Literal["choice", "bool", "number", "date", "grade"]
    choices: tuple[Any, ...] = ()


def _bool(name: str) -> Question:
    return Question(name, "bool", (True, False))


QUESTIONS: dict[str, Question] = {
    q.field: q
    for q in (
        Question("unit_type", "choice", ("factory", "supply_chain", "park")),
        Question("target", "choice", ("municipal", "national")),
        Question("location", "choice", ("beijing", "tianjin", "hebei", "other")),
        _bool("hq_in_beijing"),
        _bool("provincial_green_factory"),
        _bool("national_list"),
        _bool("national_listed_before_measures"),
        _bool("legal_person"),
        _bool("actual_production"),
        Question("entity", "choice", ("manufacturer", "research", "other")),
        *(_bool(f"supply_chain.{name}") for name in SupplyChain.model_fields),
        *(_bool(f"park.{name}") for name in Park.model_fields if name != "industrial_share"),
        Question("park.industrial_share", "number"),
        *(_bool(f"exclusions.{name}") for name in EXCLUSIONS),
        _bool("revocation"),  # true: a title was revoked; false: never (revocation: null)
        Question("revocation.reason", "choice", ("failed_review", "major_change", "other")),
        Question("revocation.date", "date"),
        _bool("district_list"),
        _bool("municipal_list"),
        Question("grade", "grade", (1, 2, 3, 4, None)),  # None: not graded
    )
}


def is_known(profile: Profile, name: str) -> bool:
    """Whether a dotted field is known (``grade`` and ``revocation`` may be known as null)."""
    if name in ("grade", "revocation"):
        return name in profile.model_fields_set
    return value_of(profile, name) is not None


def value_of(profile: Profile, name: str) -> Any:
    """The value of a dotted field, None when unknown."""
    value: Any = profile
    for part in name.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def with_answer(profile: Profile, name: str, value: Any) -> Profile:
    """A new profile with the dotted field set; raises pydantic's ValidationError when invalid.

    ``revocation`` takes a yes/no answer: True (revoked; reason and date asked next) or False.
    """
    if name not in QUESTIONS and name != "today":
        raise KeyError(name)
    data = profile.model_dump(exclude_unset=True)
    if name == "revocation" and isinstance(value, bool):
        value = {} if value else None
    head, _, tail = name.partition(".")
    if tail:
        data[head] = {**(data.get(head) or {}), tail: value}
    else:
        data[head] = value
    return Profile.model_validate(data)


# -- findings ------------------------------------------------------------------------------------

Kind = Literal["fail", "condition", "unknown", "note", "met"]
ARTICLE_NUMERALS = {2: "二", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 15: "十五"}


@dataclass(frozen=True)
class Reason:
    """One finding: the article it rests on, a stable code, and the values its text uses."""

    ref: str
    code: str
    kind: Kind
    values: dict[str, Any] = field(default_factory=dict)
    quote: str | None = None  # the quote key when it depends on more than the code

    def text(self, lang: Lang = "zh") -> str:
        """The point in plain words, then a brief verbatim quote of the article."""
        values = {key: _show(value, lang) for key, value in self.values.items()}
        point = label(f"prescreen.reason.{self.code}", lang, **values)
        number = _article(self.ref)
        numeral = ARTICLE_NUMERALS.get(number, str(number)) if lang == "zh" else str(number)
        article = label("prescreen.article", lang, num=numeral)
        quote = label(f"prescreen.quote.{self.quote_key}")
        return label("prescreen.cite", lang, point=point, article=article, quote=quote)

    @property
    def quote_key(self) -> str:
        return self.quote or QUOTE_OF.get(self.code, self.code)

    def as_dict(self, lang: Lang = "zh") -> dict[str, str]:
        return {"ref": self.ref, "code": self.code, "text": self.text(lang)}


def _show(value: Any, lang: Lang) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith("@"):  # a label reference
        return label(value[1:], lang)
    return value


# Several codes quote the same words of an article.
QUOTE_OF: dict[str, str] = {
    **{f"art11_{name}": f"art11_{index}" for index, name in enumerate(EXCLUSIONS, start=1)},
    "art7_no_actual_production": "art7_factory",
    "art7_not_manufacturer_or_research": "art7_factory",
    "art11_unknown": "art11",
    "art11_clear": "art11",
    "art11_check_still": "art11",
    "art15_ban_over": "art15_reapply_ban",
    "art15_unknown": "art15_reapply_ban",
    "art15_clear": "art15_reapply_ban",
    "art15_major_change_no_ban": "art15_major_change",
    "art15_other_no_ban": "art15_reapply_ban",
    "art8_district_list_unknown": "art8_not_in_district_list",
    "art8_met": "art8_not_in_district_list",
    "already_on_municipal_list": "art8_not_in_district_list",
    "art8_not_graded": "art8_grade_below_3",
    "art9_not_graded": "art9_grade_below_4",
    "art9_municipal_list_unknown": "art9_not_on_municipal_list",
    "art9_met": "art9_not_on_municipal_list",
    "art9_provincial_recognition_unknown": "art9_tianjin_hebei",
    "art9_no_provincial_recognition": "art9_tianjin_hebei",
    "art9_tianjin_hebei_path_met": "art9_tianjin_hebei",
    "tianjin_hebei_no_hq": "art9_tianjin_hebei",
    "tianjin_hebei_hq_unknown": "art9_tianjin_hebei",
    "tianjin_hebei_no_municipal_path": "art9_tianjin_hebei",
    "location_outside_jjj": "art9_tianjin_hebei",
    "location_unknown": "art9_tianjin_hebei",
    "art10_already_national": "art10_factory",
    "art10_listed_after_measures": "art10_factory",
    "art10_listing_date_unknown": "art10_factory",
    "art11_art15_overlap": "art11_3",
    "unit_type_unknown": "art2",
}

# Missing fields → the reason that explains them (one reason per code, fields counted).
_UNKNOWN_REASON: dict[str, tuple[str, str]] = {
    "unit_type": ("unit_type_unknown", "art-2"),
    "location": ("location_unknown", "art-9"),
    "hq_in_beijing": ("tianjin_hebei_hq_unknown", "art-9"),
    "provincial_green_factory": ("art9_provincial_recognition_unknown", "art-9"),
    "national_listed_before_measures": ("art10_listing_date_unknown", "art-10"),
    "district_list": ("art8_district_list_unknown", "art-8"),
    "municipal_list": ("art9_municipal_list_unknown", "art-9"),
}


def _unknown_reason(name: str, target: Target) -> tuple[str, str]:
    if name in _UNKNOWN_REASON:
        return _UNKNOWN_REASON[name]
    if name == "grade":
        return ("grade_unknown", "art-9" if target == "national" else "art-8")
    if name.startswith("exclusions."):
        return ("art11_unknown", "art-11")
    if name.startswith("revocation"):
        return ("art15_unknown", "art-15")
    return ("art7_unknown", "art-7")


@dataclass
class _Walk:
    """The decision tree walked once: findings plus the questions still worth asking."""

    fails: list[Reason] = field(default_factory=list)
    conditions: list[Reason] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)
    mets: list[Reason] = field(default_factory=list)
    asks: list[tuple[str, bool]] = field(default_factory=list)  # (field, required)
    auto: bool = False
    open_question: bool = False  # a revocation within three years: Art. 11(3) vs Art. 15
    earliest_reapply: date | None = None

    def ask(self, name: str, required: bool = True) -> None:
        self.asks.append((name, required))


def _walk(p: Profile, today: date) -> _Walk:
    w = _Walk()
    unit = p.unit_type
    target: Target = p.target or "municipal"
    if unit is None:
        w.ask("unit_type")
    if p.target is None:
        w.ask("target", required=False)  # the default (municipal) stands unless asked

    # Where the factory is (Art. 4, 9): Beijing, or Tianjin/Hebei through a Beijing HQ.
    location = p.location if unit == "factory" else None
    tj_hb = location in TJ_HB
    if unit == "factory":
        if location is None:
            w.ask("location")
        elif location == "other":
            w.fails.append(Reason("art-9", "location_outside_jjj", "fail"))
        elif tj_hb:
            where = {"place": f"@prescreen.choice.location.{location}"}
            if p.hq_in_beijing is None:
                w.ask("hq_in_beijing")
            elif not p.hq_in_beijing:
                w.fails.append(Reason("art-9", "tianjin_hebei_no_hq", "fail", where))
            if target == "national":
                if p.provincial_green_factory is None:
                    w.ask("provincial_green_factory")
                elif not p.provincial_green_factory:
                    w.fails.append(Reason("art-9", "art9_no_provincial_recognition", "fail", where))
                else:
                    w.mets.append(Reason("art-9", "art9_tianjin_hebei_path_met", "met", where))
            else:
                w.conditions.append(
                    Reason("art-9", "tianjin_hebei_no_municipal_path", "condition", where)
                )

    # Art. 10: already on a national list → automatically on the municipal list.
    auto_possible = unit in ("supply_chain", "park") or location == "beijing"
    if auto_possible and p.national_list is None:
        w.ask("national_list", required=False)
    listed_nationally = auto_possible and p.national_list is True
    before = p.national_listed_before_measures
    if listed_nationally and before is None:
        w.ask("national_listed_before_measures")
    elif listed_nationally and before is False:
        w.notes.append(Reason("art-10", "art10_listed_after_measures", "note"))
    w.auto = listed_nationally and before is True
    required = not w.auto

    # Art. 7: what a cultivation target is (not asked once Art. 10 applies).
    fields7 = ART7_FIELDS.get(unit or "", ())
    for name in fields7:
        value = value_of(p, name)
        if value is None:
            if required:
                w.ask(name)
        elif _fails_art7(name, value):
            values = {"share": value} if name == "park.industrial_share" else {}
            w.fails.append(Reason("art-7", ART7_FAILURES[name], "fail", values))
    if fields7 and all(value_of(p, name) is not None for name in fields7):
        values = {"unit": f"@prescreen.unit.{unit}"}
        w.mets.append(Reason("art-7", "art7_met", "met", values, quote=f"art7_{unit}"))

    # Art. 11: the seven exclusions, each asked on its own.
    unknown = 0
    for number, name in enumerate(EXCLUSIONS, start=1):
        value = value_of(p, f"exclusions.{name}")
        if value is None:
            unknown += 1
            w.ask(f"exclusions.{name}", required)
        elif value and not (name == "removed_from_list" and _revocation_explains(p, today)):
            w.fails.append(Reason("art-11", f"art11_{name}", "fail", {"item": number}))
    _revocation(w, p, today, required)
    if unknown == 0 and not w.open_question:
        # never "no Art. 11 exclusion" while a revocation within three years is on record
        w.mets.append(Reason("art-11", "art11_clear", "met"))
    elif unknown and w.auto:
        w.notes.append(Reason("art-11", "art11_check_still", "note", {"n": unknown}))

    if w.auto:
        values = {"list": f"@prescreen.list.{unit}"}
        quote = "art10_factory" if unit == "factory" else "art10_other"
        w.notes.insert(0, Reason("art-10", "art10_auto_included", "note", values, quote))
        if target == "national":
            w.notes.append(Reason("art-10", "art10_already_national", "note", {}, quote))
    elif listed_nationally and target == "national":
        w.notes.append(Reason("art-10", "art10_already_national", "note"))
    if not w.auto and unit is not None:
        _lists_and_grade(w, p, unit, target, tj_hb)
    return w


def _fails_art7(name: str, value: Any) -> bool:
    if name == "entity":
        return value == "other"
    if name == "park.industrial_share":
        return value <= PARK_SHARE_MINIMUM
    return value is False


def _revocation_explains(p: Profile, today: date) -> bool:
    """Whether a removal from a list answered under Art. 11(3) is the revocation on record (one
    within the look-back): then Art. 15 and the open question below decide, as they would had
    the unit only told of the revocation, and the answer does not depend on the question."""
    revoked = p.revocation if is_known(p, "revocation") else None
    if revoked is None or revoked.date is None:
        return False
    return today <= dates.add_years(revoked.date, LOOK_BACK_YEARS)


def _revocation(w: _Walk, p: Profile, today: date, required: bool) -> None:
    """Art. 15: revoked after a failed review → two years without a new application; and any
    revocation within three years meets Art. 11(3), which the measures leave open (see above)."""
    if not is_known(p, "revocation"):
        w.ask("revocation", required)
        return
    revoked = p.revocation
    if revoked is None:
        w.mets.append(Reason("art-15", "art15_clear", "met"))
        return
    end = dates.add_years(revoked.date, BAN_YEARS) if revoked.date else None
    reason = revoked.reason
    if reason is None and revoked.date is not None and end is not None and today > end:
        # Two years have passed whatever the reason: only Art. 11(3) can still matter.
        values = {"revoked": revoked.date, "end": end, "date": dates.day_after(end)}
        w.notes.append(Reason("art-15", "art15_ban_over", "note", values))
        _overlap(w, revoked.date, today, "unknown")
        return
    if reason is None:
        w.ask("revocation.reason", required)
    elif reason == "major_change":
        w.notes.append(Reason("art-15", "art15_major_change_no_ban", "note"))
    elif reason == "other":
        w.notes.append(Reason("art-15", "art15_other_no_ban", "note"))
    if revoked.date is None:
        w.ask("revocation.date", required)
        return
    assert end is not None
    if reason == "failed_review":
        w.earliest_reapply = dates.day_after(end)
        values = {"revoked": revoked.date, "end": end, "date": w.earliest_reapply}
        if today <= end:
            w.fails.append(Reason("art-15", "art15_reapply_ban", "fail", values))
            return
        w.notes.append(Reason("art-15", "art15_ban_over", "note", values))
    if reason is not None:
        _overlap(w, revoked.date, today, reason)


def _overlap(w: _Walk, revoked: date, today: date, reason: RevocationReason | str) -> None:
    """A revocation within the Art. 11 look-back: conditional, the text leaves it open."""
    until = dates.add_years(revoked, LOOK_BACK_YEARS)
    if today > until:
        return
    w.open_question = True
    values = {
        "revoked": revoked,
        "until": until,
        "why": f"@prescreen.overlap.why.{reason}",
        "art15": f"@prescreen.overlap.art15.{reason}",
    }
    w.conditions.append(Reason("art-11", "art11_art15_overlap", "condition", values))


def _lists_and_grade(w: _Walk, p: Profile, unit: str, target: Target, tj_hb: bool) -> None:
    """Art. 8 (municipal) and Art. 9 (national): the in-principle conditions."""
    factory = unit == "factory"
    if target == "municipal":
        if tj_hb:
            return  # no municipal path at all (already a condition); nothing more to ask
        if p.district_list is None:
            w.ask("district_list")
        elif not p.district_list:
            w.conditions.append(Reason("art-8", "art8_not_in_district_list", "condition"))
        if p.municipal_list:
            w.notes.append(Reason("art-8", "already_on_municipal_list", "note"))
        grade_needed, prefix, ref = 3, "art8", "art-8"
    else:
        if not tj_hb:  # Tianjin/Hebei factories take the Art. 9 HQ path instead
            if p.municipal_list is None:
                w.ask("municipal_list")
            elif not p.municipal_list:
                w.conditions.append(Reason("art-9", "art9_not_on_municipal_list", "condition"))
        grade_needed, prefix, ref = 4, "art9", "art-9"
    if factory:
        if not is_known(p, "grade"):
            w.ask("grade")
        elif p.grade is None:
            w.conditions.append(Reason(ref, f"{prefix}_not_graded", "condition"))
        elif p.grade < grade_needed:
            code = f"{prefix}_grade_below_{grade_needed}"
            w.conditions.append(Reason(ref, code, "condition", {"grade": p.grade}))
    list_ok = p.district_list if target == "municipal" else (tj_hb or p.municipal_list)
    grade_ok = not factory or (p.grade is not None and p.grade >= grade_needed)
    if list_ok and grade_ok:
        w.mets.append(Reason(ref, f"{prefix}_met", "met", {"unit": f"@prescreen.unit.{unit}"}))


# -- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    earliest_reapply: date | None
    today: date
    target: Target
    pending: tuple[str, ...] = ()  # questions still worth asking, required or not
    open_question: bool = False  # Art. 11(3) vs Art. 15: the measures leave it open
    target_given: bool = True  # False: no target chosen (or 不确定); judged as municipal

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        """The CLI contract: verdict, reasons (ref, code, text), missing, earliest_reapply."""
        return {
            "verdict": self.verdict,
            "reasons": [reason.as_dict(lang) for reason in self.reasons],
            "missing": list(self.missing),
            "earliest_reapply": (
                self.earliest_reapply.isoformat() if self.earliest_reapply else None
            ),
        }

    def next_steps(self, lang: Lang = "zh", score: str = "greenbot score") -> list[str]:
        """Advice: what to do about each finding, and how to find out each unknown; ``score``
        is how the quick score is reached where the advice is read (``/score`` in chat)."""
        keys = [
            # one piece of advice covers all seven Art. 11 exclusions
            "prescreen.advice.art11"
            if reason.kind == "fail" and reason.ref == "art-11"
            else f"prescreen.advice.{reason.code}"
            for reason in self.reasons
        ]
        keys.append(f"prescreen.advice.verdict.{_verdict_key(self)}")
        keys += [f"prescreen.howto.{name}" for name in self.missing]
        day = self.earliest_reapply.isoformat() if self.earliest_reapply else ""
        texts: list[str] = []
        for key in keys:
            try:
                text = label(key, lang, date=day, score=score)
            except KeyError:  # no advice for this finding
                continue
            if text not in texts:
                texts.append(text)
        return texts


def evaluate(profile: Profile, today: date | None = None) -> Result:
    """The pre-screen verdict for ``profile`` on ``today`` (else profile.today, else today)."""
    day = today or profile.today or dates.today()
    target: Target = profile.target or "municipal"
    w = _walk(profile, day)
    pending = tuple(name for name, _ in w.asks)
    missing = tuple(name for name, required in w.asks if required)
    if w.fails:
        verdict: Verdict = "not_eligible"
        reasons = w.fails
        missing = pending = ()
    elif w.auto and not w.open_question:
        verdict, reasons, missing = "auto_included", w.notes, ()
    elif w.auto:
        # Art. 11 bars any list, automatic inclusion too: the open question decides
        verdict, reasons, missing = "conditional", [*w.conditions, *w.notes], ()
    elif missing:
        verdict = "incomplete"
        unknowns: dict[str, Reason] = {}
        for name in missing:
            code, ref = _unknown_reason(name, target)
            count = unknowns[code].values["n"] + 1 if code in unknowns else 1
            quote = {
                "art7_unknown": f"art7_{profile.unit_type}",
                "grade_unknown": "art9_grade_below_4" if ref == "art-9" else "art8_grade_below_3",
            }.get(code)
            unknowns[code] = Reason(ref, code, "unknown", {"n": count}, quote)
        reasons = [*w.conditions, *unknowns.values(), *w.notes]
    elif w.conditions:
        verdict, reasons = "conditional", [*w.conditions, *w.notes]
    else:
        verdict = "eligible"
        reasons = sorted([*w.mets, *w.notes], key=lambda reason: _article(reason.ref))
    return Result(
        verdict=verdict,
        reasons=tuple(reasons),
        missing=missing,
        earliest_reapply=w.earliest_reapply,
        today=day,
        target=target,
        pending=pending,
        open_question=w.open_question,
        target_given=profile.target is not None,
    )


def _article(ref: str) -> int:
    return int(ref.removeprefix("art-"))


def date_problem(profile: Profile, today: date) -> str | None:
    """A revocation after the day of the check is a typo, not a ban: say so, naming the field."""
    revoked = profile.revocation.date if profile.revocation else None
    if revoked is not None and revoked > today:
        return f"revocation.date: {revoked.isoformat()} is after the check date {today.isoformat()}"
    return None


def _verdict_key(result: Result) -> str:
    """``conditional`` reads "an in-principle requirement is not met"; when the only condition
    is the open Art. 11(3)/Art. 15 question, it says that instead."""
    conditions = [r.code for r in result.reasons if r.kind == "condition"]
    if result.verdict == "conditional" and conditions == ["art11_art15_overlap"]:
        return "conditional_open"
    return result.verdict


def report_context(result: Result, lang: Lang = "zh") -> dict[str, Any]:
    """What ``prescreen_result.*.j2`` needs to show a result to a person."""
    return {
        "verdict": result.verdict,
        "verdict_label": label(f"prescreen.verdict.{_verdict_key(result)}", lang),
        # an unchosen target is judged as municipal, and the report says so
        "target_label": label(
            f"prescreen.target.{result.target}"
            if result.target_given
            else f"prescreen.target.{result.target}_assumed",
            lang,
        ),
        "today": result.today.isoformat(),
        "reasons": [reason.as_dict(lang) for reason in result.reasons],
        "missing": [
            {"field": name, "question": label(f"prescreen.q.{name}", lang)}
            for name in result.missing
        ],
        "earliest_reapply": (
            result.earliest_reapply.isoformat() if result.earliest_reapply else None
        ),
        "steps": result.next_steps(lang),
        # the Art. 15 date is not the whole answer while Art. 11(3) is open
        "open_question": result.open_question,
    }


def missing_fields(profile: Profile, today: date | None = None) -> list[str]:
    """The fields still needed for a verdict, in the order a dialog asks them."""
    return list(evaluate(profile, today).missing)


def pending_questions(profile: Profile, today: date | None = None) -> list[str]:
    """Every question still worth asking, in order: the required ones plus optional shortcuts
    (``target``, ``national_list``) and, once Art. 10 applies, the Art. 11/15 checks."""
    return list(evaluate(profile, today).pending)


def next_question(profile: Profile, today: date | None = None) -> str | None:
    """The next field a dialog should ask about, or None when nothing more matters."""
    pending = pending_questions(profile, today)
    return pending[0] if pending else None
