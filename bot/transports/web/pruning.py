"""Web sessions idle longer than the cookie lives are pruned: at start, then every few hours.

A session whose cookie has expired can never be presented again, so its row goes. Its chat's
data goes too (as /forget would take it), unless the user can still reach some of it without
the page: a live calendar subscription (polled by a calendar app with its own secret link) or
a confirmed e-mail address (whose reminders keep coming). Those chats keep everything their
subscriptions and reminders are made of.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.engine import Engine
from bot.identity import ChatId
from bot.reminders.feeds import CalendarFeeds
from bot.reminders.mail import EmailTargets
from bot.transports.turns import TurnRunner, never_draws
from bot.transports.web.sessions import SessionStore

log = logging.getLogger(__name__)


def still_reached(engine: Engine, chat_id: ChatId) -> bool:
    """Whether the chat has a live calendar subscription or a confirmed e-mail address."""
    store = engine.services.reminders
    if EmailTargets(store).confirmed_address(chat_id) is not None:
        return True
    feeds = CalendarFeeds(store)
    return any(feeds.token(chat_id, unit.id) for unit in store.list_units(chat_id))


async def prune_sessions(
    engine: Engine,
    runner: TurnRunner,
    sessions: SessionStore,
    lifetime: float,
    *,
    now: Callable[[], float] = time.time,
    forgotten: set[ChatId] | None = None,
) -> tuple[int, int]:
    """Delete the sessions idle longer than ``lifetime`` seconds, and the data of their chats
    that nothing reaches any more; ``(sessions pruned, chats forgotten)``. ``forgotten``: the
    set the /forget hook of the application fills, emptied here of the chats forgotten."""
    pruned = sessions.prune(now() - lifetime)
    gone = 0
    for chat_id in pruned:

        def forget_if_unreached(chat_id: ChatId = chat_id) -> bool:
            if still_reached(engine, chat_id):
                return False
            engine.forget(chat_id)
            return True

        if await runner.run(chat_id, forget_if_unreached, light=never_draws):
            gone += 1
            if forgotten is not None:
                forgotten.discard(chat_id)
    if pruned:
        log.info("web sessions: %d idle ones pruned, %d chats forgotten", len(pruned), gone)
    return len(pruned), gone


async def keep_pruning(
    engine: Engine,
    runner: TurnRunner,
    sessions: SessionStore,
    lifetime: float,
    every: float,
    forgotten: set[ChatId] | None = None,
) -> None:
    """:func:`prune_sessions` now and every ``every`` seconds, until cancelled; a failure
    (the database locked by another process for long) is one warning, and the next round
    tries again."""
    while True:
        try:
            await prune_sessions(engine, runner, sessions, lifetime, forgotten=forgotten)
        except Exception as error:  # never the end of serving: pruning is housekeeping
            log.warning("web sessions: pruning failed: %s; trying again later", error)
        await asyncio.sleep(every)
