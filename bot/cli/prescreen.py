"""``greenbot prescreen PROFILE [--json] [--lang zh|en]``: can this unit apply?

PROFILE is a YAML or JSON file (``-`` for stdin) with the fields of :class:`bot.prescreen.Profile`.
``--json`` prints ``{"verdict", "reasons": [{"ref", "code", "text"}], "missing",
"earliest_reapply"}`` on one line; without it the same result is printed for a person.
Bad input (unknown field, wrong type, grade outside 1-4, share outside 0-100, a date that cannot
exist) is one line on stderr naming the field, exit code 2.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError

# The profile format (bot.prescreen.Profile); tests hold it to the model, field by field.
EPILOG = """\
PROFILE: every field optional; a field left out is unknown (the verdict may then be
"incomplete", naming it in "missing"). Yes/no fields take true | false (null: unknown).
  unit_type: factory          # factory | supply_chain | park
  target: municipal           # municipal | national (left out: judged as municipal)
  today: 2026-11-24           # the day of the check (default: today in Beijing)
  legal_person: true          # independent legal person or accounting unit (Art. 7)
  actual_production: true     # factory: actually producing (Art. 7)
  entity: manufacturer        # factory: manufacturer | research | other (Art. 7)
  location: beijing           # factory site: beijing | tianjin | hebei | other (Art. 9)
  hq_in_beijing: true         # Tianjin/Hebei factory: headquarters in Beijing (Art. 9)
  provincial_green_factory: false   # Tianjin/Hebei: provincial recognition (Art. 9)
  district_list: true         # on the district cultivation list (Art. 8)
  grade: 3                    # green grade 1-4; null: not graded (Art. 8, 9)
  national_list: false        # already on a national list (Art. 10)
  national_listed_before_measures: true   # listed before the measures were published
  municipal_list: false       # already on the municipal list (Art. 9)
  park: {legal_boundary: true, unified_management: true, industrial_share: 62,
         production_energy_main: true, cultivation_plan: true}          # parks (Art. 7)
  supply_chain: {chain_leader: true, creating_green_factory: true,
                 supplier_plan: true}                                 # supply chain (Art. 7)
  exclusions:                 # Art. 11, last three years; true = it happened
    abnormal_operation: false
    accident_or_violation: false
    removed_from_list: false
    serious_inspection_problem: false
    energy_rectification_pending: false
    dishonest_debtor: false
    other_disqualification: false
  revocation: {date: 2025-06-01, reason: failed_review}
                              # reason: failed_review | major_change | other;
                              # null: never revoked (Art. 11(3), 15)
Dates: 2025-06-01, 2025/6/1, 2025年6月1日 or 20250601.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "prescreen",
        help="pre-screen a unit: eligible, conditional, not eligible, incomplete, auto-included",
        description="Check a unit profile against Articles 7-11 and 15 of the measures.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("profile", metavar="PROFILE", help="YAML or JSON profile file, - for stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of texts")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot import dates, prescreen
    from bot.cli.common import describe_validation_error, load_mapping, print_json

    data = load_mapping(args.profile)
    try:
        profile = prescreen.Profile.model_validate(data)
    except ValidationError as error:
        raise CliError(describe_validation_error(error)) from error
    today = profile.today or dates.today()
    problem = prescreen.date_problem(profile, today)
    if problem:
        raise CliError(problem)
    result = prescreen.evaluate(profile, today)
    if args.json:
        from bot.prescreen_text import result_json

        print_json(result_json(result, args.lang))
    else:
        from bot.prescreen_text import report_context
        from bot.render import render

        context = report_context(result, args.lang)
        print(render("prescreen_result.txt.j2", args.lang, **context))
    return 0
