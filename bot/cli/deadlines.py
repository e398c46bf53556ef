"""``greenbot deadlines EVENT DATE [--json] [--ics FILE] [--lang zh|en]``.

Prints the deadlines that follow from an event (Art. 11–16), each with its article and the
sentence it rests on. ``--json`` prints exactly::

    {"event": str, "date": "YYYY-MM-DD",
     "deadlines": [{"kind": str, "due": "YYYY-MM-DD", "holiday_adjusted": "YYYY-MM-DD" | null,
                    "ref": "art-N", "text": str}, ...]}

with the deadlines in date order. When the official holiday schedule does not cover a year yet,
a note saying so goes to stderr (stdout stays the JSON above).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

EVENTS = (
    "rename",
    "major_change",
    "below_grade_3",
    "revoked_failed_review",
    "exclusion_event",
    "review_notice",
    "report_notice",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "deadlines",
        help="deadlines that follow from an event (Art. 11-16)",
        description="Compute the deadlines that follow from an event, counted as the law counts "
        "periods, with the article each rests on.",
    )
    parser.add_argument("event", metavar="EVENT", help="one of: " + ", ".join(EVENTS))
    parser.add_argument(
        "date",
        metavar="DATE",
        help="the event date (for review_notice/report_notice: the due day), e.g. 2026-03-01, "
        "2026/3/1, 2026年3月1日 or 20260301; without a year (3月1日) an event takes the most "
        "recent such day, a notice the next one, and the output says which",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--ics", metavar="FILE", help="also write the deadlines as an .ics file")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="output language")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli.common import CliError, print_json
    from bot.dates import DateInputError, Prefer, read_date
    from bot.reminders.messages import calendar_note
    from bot.reminders.rules import NOTICE_EVENTS, UnknownEventError, deadlines_for, to_event

    try:
        event = to_event(args.event)
    except UnknownEventError as error:
        raise CliError(str(error)) from None
    # 11月10日 (no year): the most recent such day for an event, the next one for a notice
    prefer: Prefer = "future" if event in NOTICE_EVENTS else "past"
    try:
        reading = read_date(args.date, prefer=prefer)
    except DateInputError as error:
        raise CliError(str(error)) from None
    day = reading.day
    deadlines = deadlines_for(event, day)

    if args.ics:
        from bot.reminders.ics import calendar_ics

        data = calendar_ics(deadlines, uid_seed=f"{event.value}-{day.isoformat()}", lang=args.lang)
        try:
            with open(args.ics, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise CliError(f"{args.ics}: cannot write ({error.strerror})") from None

    if args.json:
        print_json(
            {
                "event": event.value,
                "date": day.isoformat(),
                "deadlines": [item.to_json() for item in deadlines],
            }
        )
        notes = dict.fromkeys(
            note for item in deadlines if (note := calendar_note(item, args.lang))
        )
        if reading.year_assumed:
            from bot.reminders.messages import year_note

            notes = {year_note(event, day, args.lang): None, **notes}
        for note in notes:
            print(f"greenbot deadlines: note: {note}", file=sys.stderr)
    else:
        from bot.reminders.messages import render_deadlines_text

        text = render_deadlines_text(event, day, deadlines, args.lang, reading.year_assumed)
        sys.stdout.write(text + "\n")
    return 0
