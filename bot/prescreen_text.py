"""A pre-screen in words: the rules of :mod:`bot.prescreen` give a verdict, codes and values;
this module turns them into sentences (``strings/prescreen.yaml``), the ``--json`` payload and
what the ``prescreen_result.*.j2`` templates show."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.prescreen import Reason, Result
from bot.refs import ref_label
from bot.render import Lang, label


def reason_text(reason: Reason, lang: Lang = "zh") -> str:
    """The point in plain words, then a brief verbatim quote of the article."""
    values = {key: _show(value, lang) for key, value in reason.values.items()}
    point = label(f"prescreen.reason.{reason.code}", lang, **values)
    article = ref_label(reason.ref, lang, short=True)
    quote = label(f"prescreen.quote.{reason.quote_key}")
    return label("prescreen.cite", lang, point=point, article=article, quote=quote)


def _show(value: Any, lang: Lang) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith("@"):  # a label reference
        return label(value[1:], lang)
    return value


def reason_json(reason: Reason, lang: Lang = "zh") -> dict[str, str]:
    return {"ref": reason.ref, "code": reason.code, "text": reason_text(reason, lang)}


def result_json(result: Result, lang: Lang = "zh") -> dict[str, Any]:
    """The CLI contract: verdict, reasons (ref, code, text), missing, earliest_reapply."""
    return {
        "verdict": result.verdict,
        "reasons": [reason_json(reason, lang) for reason in result.reasons],
        "missing": list(result.missing),
        "earliest_reapply": (
            result.earliest_reapply.isoformat() if result.earliest_reapply else None
        ),
    }


def next_steps(result: Result, lang: Lang = "zh", score: str = "greenbot score") -> list[str]:
    """Advice: what to do about each finding, and how to find out each unknown; ``score``
    is how the quick score is reached where the advice is read (``/score`` in chat)."""
    keys = [
        # one piece of advice covers all seven Art. 11 exclusions
        "prescreen.advice.art11"
        if reason.kind == "fail" and reason.ref == "art-11"
        else f"prescreen.advice.{reason.code}"
        for reason in result.reasons
    ]
    keys.append(f"prescreen.advice.verdict.{_verdict_key(result)}")
    keys += [f"prescreen.howto.{name}" for name in result.missing]
    day = result.earliest_reapply.isoformat() if result.earliest_reapply else ""
    texts: list[str] = []
    for key in keys:
        try:
            text = label(key, lang, date=day, score=score)
        except KeyError:  # no advice for this finding
            continue
        if text not in texts:
            texts.append(text)
    return texts


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
        "reasons": [reason_json(reason, lang) for reason in result.reasons],
        "missing": [
            {"field": name, "question": label(f"prescreen.q.{name}", lang)}
            for name in result.missing
        ],
        "earliest_reapply": (
            result.earliest_reapply.isoformat() if result.earliest_reapply else None
        ),
        "steps": next_steps(result, lang),
        # the Art. 15 date is not the whole answer while Art. 11(3) is open
        "open_question": result.open_question,
    }
