"""The deadlines the measures set, as pure functions of an event and the day it happened.

Periods are counted the way the law counts them (民法典 第二百零一条–第二百零三条, see
``bot/dates.py``): the event day is not counted, a period of N days ends N days later, a period in
years ends on the corresponding day (or the month's last day). For the two notice events the date
given *is* the due day: the authorities set review and report dates in their notices.

Every deadline carries the article it rests on (``art-N``) and that article's sentence, verbatim.
``holiday_adjusted`` is the first working day after a last day that falls on a statutory holiday or
a weekend that is not an adjusted working day (第二百零三条); reminders still aim at ``due``.
That extension gives a party the whole period *to act*; it never moves a first day on which one
*may* act (``sense == "from"``: re-application, eligibility again), which would only lengthen a
bar. For those ``holiday_adjusted`` stays ``None`` and ``closed`` says the authority is not open
that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.dates import DateInputError, add_days, add_years, day_after
from bot.reminders import holidays


class Event(StrEnum):
    """What happened to a unit (or what a notice asked of it)."""

    RENAME = "rename"
    MAJOR_CHANGE = "major_change"
    BELOW_GRADE_3 = "below_grade_3"
    REVOKED_FAILED_REVIEW = "revoked_failed_review"
    EXCLUSION_EVENT = "exclusion_event"
    REVIEW_NOTICE = "review_notice"
    REPORT_NOTICE = "report_notice"


class Kind(StrEnum):
    """One deadline (or first permitted day) that follows from an event."""

    APPLY_NAME_CHANGE = "apply_name_change"
    APPLY_REVIEW = "apply_review"
    GREEN_DIAGNOSIS = "green_diagnosis"
    RETROFIT = "retrofit"
    REGRADE = "regrade"
    REAPPLY_FROM = "reapply_from"
    ELIGIBLE_AGAIN_FROM = "eligible_again_from"
    REVIEW_DUE = "review_due"
    REPORT_DUE = "report_due"


# Events that have already happened when a unit reports them; the other two are due days.
PAST_EVENTS: frozenset[Event] = frozenset(
    {
        Event.RENAME,
        Event.MAJOR_CHANGE,
        Event.BELOW_GRADE_3,
        Event.REVOKED_FAILED_REVIEW,
        Event.EXCLUSION_EVENT,
    }
)
NOTICE_EVENTS: frozenset[Event] = frozenset(Event) - PAST_EVENTS

# The sentences of the measures each deadline rests on, verbatim from the published text.
ART_11 = "近三年有下列情况之一的单位,不得入围绿色制造名单:"
ART_12 = "各区、各绿色制造单位应积极参与并配合动态管理工作。"
ART_13 = "按照国家及本市相关要求开展绿色制造单位复核。"
ART_14_RENAME = (
    "绿色制造单位发生更名情况，应在办理相关手续后30日内通过相关区经济和信息化主管部门"
    "向市经济和信息化局申请名称变更。"
)
ART_14_MAJOR = (
    "若发生重组、主营业务变更、厂区迁址等重大调整的，应在办理相关手续后30日内通过相关区"
    "经济和信息化主管部门向市经济和信息化局申请复核。"
)
ART_15 = "因复核不通过被撤销绿色制造单位称号的，两年内不得重新申报绿色制造单位。"
ART_16_FIRST = (
    "已获得绿色工厂称号的单位，在动态管理及分级评价当年未达到三级的，单位应在一年内进行"
    "绿色诊断，两年内完成绿色化改造提升。"
)
ART_16_SECOND = "三年内复评仍达不到三级的，按照动态管理相关要求撤销相关称号。"


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What a deadline kind is: its article, its sentence, and whether it is a last day
    (``by``) or a first permitted day (``from``)."""

    ref: str
    text: str
    sense: Literal["by", "from"]


KINDS: dict[Kind, KindInfo] = {
    Kind.APPLY_NAME_CHANGE: KindInfo("art-14", ART_14_RENAME, "by"),
    Kind.APPLY_REVIEW: KindInfo("art-14", ART_14_MAJOR, "by"),
    Kind.GREEN_DIAGNOSIS: KindInfo("art-16", ART_16_FIRST, "by"),
    Kind.RETROFIT: KindInfo("art-16", ART_16_FIRST, "by"),
    Kind.REGRADE: KindInfo("art-16", ART_16_SECOND, "by"),
    Kind.REAPPLY_FROM: KindInfo("art-15", ART_15, "from"),
    Kind.ELIGIBLE_AGAIN_FROM: KindInfo("art-11", ART_11, "from"),
    Kind.REVIEW_DUE: KindInfo("art-13", ART_13, "by"),
    Kind.REPORT_DUE: KindInfo("art-12", ART_12, "by"),
}

# event -> [(kind, how the day follows from the event date)]
_RULES: dict[Event, tuple[tuple[Kind, Any], ...]] = {
    Event.RENAME: ((Kind.APPLY_NAME_CHANGE, lambda d: add_days(d, 30)),),
    Event.MAJOR_CHANGE: ((Kind.APPLY_REVIEW, lambda d: add_days(d, 30)),),
    Event.BELOW_GRADE_3: (
        (Kind.GREEN_DIAGNOSIS, lambda d: add_years(d, 1)),
        (Kind.RETROFIT, lambda d: add_years(d, 2)),
        (Kind.REGRADE, lambda d: add_years(d, 3)),
    ),
    Event.REVOKED_FAILED_REVIEW: ((Kind.REAPPLY_FROM, lambda d: day_after(add_years(d, 2))),),
    Event.EXCLUSION_EVENT: ((Kind.ELIGIBLE_AGAIN_FROM, lambda d: day_after(add_years(d, 3))),),
    Event.REVIEW_NOTICE: ((Kind.REVIEW_DUE, lambda d: d),),
    Event.REPORT_NOTICE: ((Kind.REPORT_DUE, lambda d: d),),
}


class UnknownEventError(ValueError):
    """An event name that is not one of :class:`Event`."""

    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(event.value for event in Event)
        super().__init__(f"unknown event {name[:40]!r}; use one of: {known}")


class EventDateError(DateInputError):
    """A date that cannot be the date of this event (e.g. a past event dated in the future)."""

    def __init__(self, event: Event, day: date, today: date) -> None:
        self.event = event
        self.day = day
        self.today = today
        super().__init__(
            f"{event.value} is an event that has already happened, so its date cannot be "
            f"after today ({day.isoformat()} is later than {today.isoformat()})"
        )


class Deadline(BaseModel):
    """One computed deadline. ``due`` is the last day as counted (or, for ``sense == "from"``,
    the first permitted day); ``holiday_adjusted`` the first working day after a last day that
    is not a working day, else ``None``; ``closed``: a first permitted day that is not a
    working day (it is not moved)."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    due: date
    holiday_adjusted: date | None
    ref: str
    text: str
    sense: Literal["by", "from"]
    official_calendar: bool = True
    uncovered_year: int | None = None
    closed: bool = False

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: exactly kind, due, holiday_adjusted, ref, text."""
        return {
            "kind": self.kind.value,
            "due": self.due.isoformat(),
            "holiday_adjusted": self.holiday_adjusted.isoformat()
            if self.holiday_adjusted
            else None,
            "ref": self.ref,
            "text": self.text,
        }


def to_event(value: Event | str) -> Event:
    """An :class:`Event` from its name; :class:`UnknownEventError` otherwise."""
    if isinstance(value, Event):
        return value
    try:
        return Event(str(value).strip().lower())
    except ValueError:
        raise UnknownEventError(str(value)) from None


def deadline(kind: Kind, due: date) -> Deadline:
    """A :class:`Deadline` of ``kind`` on ``due``, holiday adjustment and sentence filled in."""
    info = KINDS[kind]
    adjustment = holidays.adjust(due)
    moved = adjustment.adjusted if info.sense == "by" else None  # 第二百零三条: last days only
    return Deadline(
        kind=kind,
        due=due,
        holiday_adjusted=moved,
        closed=info.sense == "from" and adjustment.adjusted is not None,
        ref=info.ref,
        text=info.text,
        sense=info.sense,
        official_calendar=adjustment.official_calendar,
        uncovered_year=adjustment.uncovered_year,
    )


def deadlines_for(event: Event | str, day: date) -> list[Deadline]:
    """Every deadline that follows from ``event`` on ``day``, in date order."""
    rules = _RULES[to_event(event)]
    computed = [deadline(kind, rule(day)) for kind, rule in rules]
    return sorted(computed, key=lambda item: item.due)  # stable: table order on equal days


def check_event_date(event: Event | str, day: date, today: date) -> None:
    """Refuse a date in the future for an event that has already happened.

    Notice events (``review_notice``, ``report_notice``) name due days and may lie ahead.
    Raises :class:`EventDateError` (a :class:`bot.dates.DateInputError`) with the reason.
    """
    kind = to_event(event)
    if kind in PAST_EVENTS and day > today:
        raise EventDateError(kind, day, today)


def parse_event_date(event: Event | str, text: str, today: date) -> date:
    """Read a typed date (any form :func:`bot.dates.parse_date` knows) and check it for ``event``.

    Raises :class:`bot.dates.DateInputError` for a date that cannot be read or cannot exist, and
    :class:`EventDateError` for a past event dated after ``today``.
    """
    from bot.dates import parse_date

    day = parse_date(text)
    check_event_date(event, day, today)
    return day
