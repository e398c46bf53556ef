"""Free-text questions: the Q&A answer, with buttons to the articles it points to."""

from __future__ import annotations

from functools import lru_cache

from bot.answer import answer_text, candidate_refs, related_refs
from bot.engine import Context, Keyboard, Messages, Outgoing, Router
from bot.handlers.article import article_buttons
from bot.knowledge import default
from bot.qa import MAX_QUESTION_CHARS, default_index
from bot.render import Lang

router = Router("ask")

# Answers depend only on the question and the language (the knowledge base is fixed for the
# life of the process), and people ask the same questions over and over: keep the latest few
# thousand ready. Each entry is a few kilobytes.
ANSWER_CACHE_SIZE = 4096


@lru_cache(maxsize=ANSWER_CACHE_SIZE)
def _answer(text: str, lang: Lang) -> tuple[bool, str, Keyboard | None]:
    """(in scope, HTML body, article buttons or None for the main menu)."""
    result = default_index().ask(text, lang)
    body = answer_text(result, lang, "html")
    if not result.in_scope:
        return False, body, None
    if result.confidence == "low":  # "did you mean …": one tap shows a candidate in full
        return True, body, article_buttons(candidate_refs(result), lang)
    refs = related_refs(result, default())
    quoted = result.quote_ref or ""
    if "." in quoted:  # an item was quoted: offer the whole article first
        refs.insert(0, quoted.split(".", 1)[0])
    # No article to point to: the main menu, rather than an answer with nothing to tap.
    return True, body, article_buttons(refs[:6], lang) or None


@router.text
def ask(ctx: Context, text: str) -> Messages:
    """Answer a question from the knowledge base, or say honestly that it is not covered."""
    return _reply(ctx, text, in_scope_only=False) or []


def ask_in_scope(ctx: Context, text: str) -> Messages | None:
    """The answer when ``text`` is about the measures, else None (nothing logged): the
    question is put to the Q&A once, whether or not it is answered."""
    return _reply(ctx, text, in_scope_only=True)


def _reply(ctx: Context, text: str, *, in_scope_only: bool) -> Messages | None:
    # Over-long text is refused anyway; keeping it out of the cache bounds its memory.
    compute = _answer if len(text) <= MAX_QUESTION_CHARS else _answer.__wrapped__
    in_scope, body, buttons = compute(text, ctx.lang)
    if in_scope_only and not in_scope:
        return None
    ctx.log("question:in" if in_scope else "question:out")
    return [Outgoing(body, buttons if buttons is not None else ctx.main_menu())]
