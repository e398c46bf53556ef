"""Free-text questions: the Q&A answer, with buttons to the articles it points to."""

from __future__ import annotations

from bot.answer import answer_text, related_refs
from bot.engine import Context, Messages, Outgoing, Router
from bot.handlers.article import article_buttons
from bot.knowledge import default
from bot.qa import default_index

router = Router("ask")


@router.text
def ask(ctx: Context, text: str) -> Messages:
    """Answer a question from the knowledge base, or say honestly that it is not covered."""
    result = default_index().ask(text, ctx.lang)
    ctx.log("question:in" if result.in_scope else "question:out")
    body = answer_text(result, ctx.lang, "html")
    if not result.in_scope:
        return [Outgoing(body, ctx.main_menu())]
    refs = related_refs(result, default())
    quoted = result.quote_ref or ""
    if "." in quoted:  # an item was quoted: offer the whole article first
        refs.insert(0, quoted.split(".", 1)[0])
    return [Outgoing(body, article_buttons(refs[:6], ctx.lang))]
