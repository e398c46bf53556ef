"""``greenbot serve``: the web chat on one address until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from bot.engine import Engine
from bot.transports.turns import shutdown_processes, warm_processes
from bot.transports.web.app import RUNNER, AccessLogger, WebConfig, make_app

log = logging.getLogger(__name__)


async def serve(
    engine: Engine,
    db_path: str,
    host: str,
    port: int,
    config: WebConfig | None = None,
    warm_up: Callable[[Engine], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; replies in flight are finished first. ``warm_up`` runs
    once the address is ours (a port in use is said at once, not after the warm-up)."""
    from bot.reminders.routing import deliver_reminders, own_store

    reminder_store = own_store(engine.services)  # before any turn runs
    app = make_app(engine, db_path, config)
    runner = web.AppRunner(app, access_log_class=AccessLogger, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    warm_processes()  # the first chart should not wait for the worker process to start
    if warm_up is not None:  # as a turn: requests may already be arriving
        await app[RUNNER].run("warm-up", lambda: warm_up(engine))
    shown = f"[{host}]" if ":" in host else host
    log.info("greenbot web chat on http://%s:%d/", shown, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # Web chats' reminders go out by e-mail from here (GREENBOT_SMTP_URL); Telegram's are left
    # to the bot's process.
    reminders = asyncio.create_task(deliver_reminders(engine.services, stop, store=reminder_store))
    try:
        await stop.wait()
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(reminders, 10)
        await runner.cleanup()
        shutdown_processes()
