"""/article N and the "show article" buttons (``a:<ref>``)."""

from __future__ import annotations

from bot.answer import article_text
from bot.engine import Button, Context, ForgedButton, Messages, Outgoing, Router, keyboard
from bot.official_source import source_context
from bot.refs import parse_ref, ref_label

router = Router("article")


def article_buttons(refs: list[str], lang: str) -> tuple[tuple[Button, ...], ...]:
    """One button per reference, three to a row."""
    buttons = [Button(ref_label(ref, lang), f"a:{ref}") for ref in refs]
    return keyboard(*(buttons[i : i + 3] for i in range(0, len(buttons), 3)))


def show(ctx: Context, ref: str) -> Messages:
    """The full text of ``ref`` with buttons to the articles it refers to."""
    kb = ctx.services.knowledge
    entry = kb.get(ref)
    related = list(getattr(entry, "refs", []))
    if "." in ref:
        related.insert(0, ref.split(".", 1)[0])
    source = ctx.render("source_line.html.j2", **source_context(ctx.lang))
    text = f"{article_text(ref, ctx.lang, 'html', kb)}\n\n{source}"
    return [Outgoing(text, article_buttons(related, ctx.lang))]


@router.command("article", describe="command.article")
def article(ctx: Context, args: str) -> Messages:
    """Show an article (``/article 11``), an item (``11.6``) or an indicator (``ind-14``)."""
    if not args:
        kb = ctx.services.knowledge
        chapters: dict[str, list[tuple[str, str]]] = {}
        for art in kb.articles.values():
            key = f"{art.chapter.heading} {art.chapter.title}"
            chapters.setdefault(key, []).append((ref_label(art.id, ctx.lang), art.title(ctx.lang)))
        buttons = [Button(str(n), f"a:art-{n}") for n in range(1, 22)]
        rows = keyboard(*(buttons[i : i + 7] for i in range(0, len(buttons), 7)))
        return [Outgoing(ctx.render("article_index.html.j2", chapters=chapters), rows)]
    ref = parse_ref(args)
    if ref is None or ctx.services.knowledge.get(ref) is None:
        return [Outgoing(ctx.render("article_unknown.html.j2", given=args[:40]))]
    ctx.log("article")
    return show(ctx, ref)


@router.action("a")
def show_button(ctx: Context, payload: str) -> Messages:
    """A tapped article button; the reference is checked, never trusted."""
    if ctx.services.knowledge.get(payload) is None:
        raise ForgedButton(payload)
    return show(ctx, payload)
