"""``greenbot serve``: the web chat on one address until interrupted."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.engine import Engine
from bot.transports.turns import warm_processes
from bot.transports.web.app import AccessLogger, WebConfig, make_app

log = logging.getLogger(__name__)


async def serve(
    engine: Engine, db_path: str, host: str, port: int, config: WebConfig | None = None
) -> None:
    """Serve until SIGINT or SIGTERM; replies in flight are finished first."""
    warm_processes()  # the first chart should not wait for the worker process to start
    app = make_app(engine, db_path, config)
    runner = web.AppRunner(app, access_log_class=AccessLogger, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    shown = f"[{host}]" if ":" in host else host
    log.info("greenbot web chat on http://%s:%d/", shown, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
