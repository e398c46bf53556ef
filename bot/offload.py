"""Heavy work (drawing a chart, writing a PDF) that a transport may run in another process.

Engine turns are synchronous. Where many users share one process (Telegram, the web page) a
chart drawn in the turn would hold up everyone else's answers for 0.1–0.5 s; the transport then
installs a runner (:mod:`bot.transports.turns`) that draws it in a worker process while other
turns go on. Without one (the CLI, the console, tests of the engine) the work runs in place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Called with a picklable call of no arguments; returns what it returns.
Runner = Callable[[Callable[[], Any]], Any]
_runner: Runner | None = None


def heavy(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)``, through the installed runner if there is one. ``fn`` must be a
    module-level function and its arguments picklable."""
    call = functools.partial(fn, *args, **kwargs)
    runner = _runner
    result: T = call() if runner is None else runner(call)
    return result


def set_runner(runner: Runner | None) -> None:
    global _runner
    _runner = runner
