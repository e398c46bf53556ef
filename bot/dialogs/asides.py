"""A question typed in the middle of a guided flow: is it one for the Q&A?

Steps that take free text (a unit's name, a date, a share) must not store a question as their
answer, and steps with buttons must not answer "not understood" to one. This is the one place
that decides: the text must read as a question *and* the Q&A must find it about the measures.
A company name ("北京绿色制造有限公司") has no question form; "改名要多久内报备？" has both.
"""

from __future__ import annotations

import re
import unicodedata

from bot.engine import Context, Messages
from bot.handlers.ask import ask_in_scope
from bot.qa import default_index

_QUESTION_FORM = re.compile(
    r"[?？]\s*$"
    r"|[吗嘛呢]\s*[。.!！]?\s*$"
    r"|什么|怎么|怎样|多久|多长|多少|几年|几天|哪些|哪个|哪里|如何|为什么|为何|是否"
    r"|能不能|可不可以|可否|要不要|需不需要|会不会|有没有"
    r"|^(?:what|how|when|where|which|who|why|can|could|do|does|is|are|should|may|must|will)\b",
    re.IGNORECASE,
)


def reads_as_question(text: str) -> bool:
    """Whether ``text`` has the form of a question (？/吗/呢, 什么/怎么/多久…, what/how/can…)."""
    return bool(_QUESTION_FORM.search(unicodedata.normalize("NFKC", text).strip()))


def measures_answer(ctx: Context, text: str) -> Messages | None:
    """The Q&A's reply to ``text``, typed inside a flow, when it is clearly a question about
    the measures; else None and ``text`` is the step's answer. The Q&A is asked once: the
    verdict and the answer come from the same look-up."""
    if not reads_as_question(text):
        return None
    return ask_in_scope(ctx, text)


def is_measures_question(text: str) -> bool:
    """``text``, typed inside a flow, is clearly a question about the measures: answer it
    rather than take it as the step's answer."""
    if not reads_as_question(text):
        return False
    # The Q&A's verdict decides, not a score threshold: its scores are not comparable across
    # questions. Any in-scope answer counts, a low-confidence one ("which of these did you
    # mean?") too: it is about the measures, and better than "not understood" at a step.
    return default_index().ask(text).in_scope
