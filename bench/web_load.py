"""Web chat figures over HTTP on 127.0.0.1 (``greenbot serve``'s application in a process of its
own, the client in this one).

Run: ``python bench/web_load.py [--sessions 200] [--seconds 5]``. Prints:

1. answered Q&A turns per second with 200 sessions each sending its next question as soon as the
   last is answered, as a ratio to a bare aiohttp handler (same process setup, same client code,
   headers and reply parsing, same run, measured in alternating rounds) returning a reply of the
   same size (target >= 0.5);
2. the p99 of a Q&A turn at a steady 100 turns/s across the sessions (target <= 50 ms);
3. the same while other sessions run the quick score to its chart over and over (charts are
   drawn in a worker process): the p99 of the plain Q&A turns (target <= 50 ms), and how many
   charts were drawn meanwhile.

Rate limits are off in the measured server (they would refuse a load from one address, as they
should). Nothing leaves the machine. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

QUESTIONS = [
    "申报绿色工厂需要什么条件",
    "第十一条",
    "单位名称变了要多久内报市经信局",
    "被撤销后多久能重新申报",
    "绿色工业园区的工业增加值占比要求",
    "分级评价未达到三级怎么办",
    "绿色供应链管理企业的培育对象是什么",
    "Who can apply for a green factory?",
    "What happens after a failed review?",
    "市级绿色制造名单多久复核一次",
]
PACED_RATE = 100.0
ROUNDS = 5  # of the throughput of each, taken in turns
WARM_SECONDS = 4.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve_greenbot(port: int, db: str, ready: Any) -> None:
    """``greenbot serve`` as the command runs it, rate limits off, no access log lines."""
    import logging

    from bot.app import build_engine
    from bot.bootstrap import warm_up
    from bot.engine import Engine
    from bot.transports.web.app import WebConfig
    from bot.transports.web.server import serve

    logging.getLogger("aiohttp.access").disabled = True

    def warmed(engine: Engine) -> None:
        warm_up(engine)
        ready.set()

    config = WebConfig(session_rate=0, address_rate=0)
    asyncio.run(serve(build_engine(db), db, "127.0.0.1", port, config, warmed))


def _serve_bare(port: int, size: int, ready: Any) -> None:
    from aiohttp import web

    body = json.dumps({"messages": [{"nodes": ["x" * max(0, size - 40)]}]}).encode()

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/api/turn", handler)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=lambda *_: ready.set())


def _start(target: Any, *args: Any) -> tuple[BaseProcess, int]:
    port = _free_port()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=target, args=(port, *args, ready))  # it has children
    process.start()
    if not ready.wait(120):
        raise SystemExit("the server did not start")
    return process, port


class Session:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.cookie, self.csrf = "", ""
        self.last: dict[str, Any] = {}

    async def open(self) -> None:
        async with self.http.get(f"{self.base}/api/session") as response:
            self.cookie = response.cookies["greenbot_session"].value
            self.csrf = (await response.json())["csrf"]

    async def turn(self, **payload: str) -> tuple[float, int]:
        """Seconds the turn took, and the size of the reply."""
        headers = {"Cookie": f"greenbot_session={self.cookie}", "X-CSRF-Token": self.csrf}
        started = time.perf_counter()
        async with self.http.post(
            f"{self.base}/api/turn", json=payload, headers=headers
        ) as response:
            raw = await response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status}: {raw[:200]!r}")
        took = time.perf_counter() - started
        if raw[:1] == b"{" and b'"messages"' in raw:
            self.last = json.loads(raw)
        return took, len(raw)

    def button(self, part: str) -> str | None:
        for message in self.last.get("messages", []):
            for row in message.get("buttons", []):
                for button in row:
                    if part in button["label"]:
                        return str(button["data"])
        return None


async def _sessions(http: aiohttp.ClientSession, base: str, count: int) -> list[Session]:
    sessions = [Session(http, base) for _ in range(count)]
    await asyncio.gather(*(s.open() for s in sessions))
    return sessions


async def throughput(sessions: list[Session], seconds: float) -> tuple[float, int]:
    """Turns answered per second with every session busy; the mean reply size."""
    done = 0
    sizes: list[int] = []
    stop = time.perf_counter() + seconds

    async def loop(index: int, session: Session) -> None:
        nonlocal done
        turn = index
        while time.perf_counter() < stop:
            _, size = await session.turn(text=QUESTIONS[turn % len(QUESTIONS)])
            sizes.append(size)
            done += 1
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(i, s) for i, s in enumerate(sessions)))
    return done / (time.perf_counter() - started), int(statistics.mean(sizes))


async def bare_throughput(sessions: list[Session], base: str, seconds: float) -> float:
    """Requests a second to the bare handler at ``base``, made by the same client code as
    greenbot's turns (the same headers, the reply read and parsed alike)."""
    done = 0
    stop = time.perf_counter() + seconds
    bare = []
    for session in sessions:
        twin = Session(session.http, base)
        twin.cookie, twin.csrf = session.cookie, session.csrf
        bare.append(twin)

    async def loop(index: int, session: Session) -> None:
        nonlocal done
        turn = index
        while time.perf_counter() < stop:
            await session.turn(text=QUESTIONS[turn % len(QUESTIONS)])
            done += 1
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(i, s) for i, s in enumerate(bare)))
    return done / (time.perf_counter() - started)


async def paced(sessions: list[Session], seconds: float) -> list[float]:
    """Latencies of Q&A turns sent at PACED_RATE a second, round the sessions."""
    latencies: list[float] = []
    tasks = []
    start = time.perf_counter()
    total = int(seconds * PACED_RATE)

    async def one(session: Session, question: str) -> None:
        took, _ = await session.turn(text=question)
        latencies.append(took)

    for n in range(total):
        delay = start + n / PACED_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        session = sessions[n % len(sessions)]
        tasks.append(asyncio.ensure_future(one(session, QUESTIONS[n % len(QUESTIONS)])))
    await asyncio.gather(*tasks)
    return latencies


async def chart_loop(session: Session, stop: asyncio.Event, charts: list[float]) -> None:
    """The quick score, every indicator skipped, to its chart; again and again."""
    while not stop.is_set():
        await session.turn(text="/score")
        for _ in range(40):
            skip = session.button("跳过")
            if skip is None:
                break
            took, _ = await session.turn(button=skip)
        if any("file" in m for m in session.last.get("messages", [])):
            charts.append(took)


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] * 1000


async def main(count: int, seconds: float, chart_sessions: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "web.sqlite3")
        server, port = _start(_serve_greenbot, db)
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar()
        ) as http:
            sessions = await _sessions(http, base, count + chart_sessions)
            plain, charting = sessions[:count], sessions[count:]
            # warm: answers cached as real users' questions are, and the chart worker processes
            # done with their own warm-up (a chart each, seconds of CPU); the size of a reply
            _, size = await throughput(plain, WARM_SECONDS)
            bare, bare_port = _start(_serve_bare, size)
            bare_base = f"http://127.0.0.1:{bare_port}"
            await bare_throughput(plain, bare_base, 0.5)
            # Both measured in turns, round after round: a load the machine's other users put
            # on it now and then weighs on both alike.
            rates, bare_rates, sizes = [], [], []
            for _ in range(ROUNDS):
                rate, size = await throughput(plain, seconds / ROUNDS)
                rates.append(rate)
                sizes.append(size)
                bare_rates.append(await bare_throughput(plain, bare_base, seconds / ROUNDS))
            bare.terminate()
            bare.join(10)
            rate, bare_rate = statistics.mean(rates), statistics.mean(bare_rates)
            ratios = [g / b for g, b in zip(rates, bare_rates, strict=True)]
            print(f"sessions: {count}, reply {int(statistics.mean(sizes))} bytes on average")
            print(
                f"1. throughput: greenbot {rate:.0f} turns/s, bare aiohttp {bare_rate:.0f} req/s, "
                f"ratio {rate / bare_rate:.2f} (target >= 0.5; rounds "
                f"{', '.join(f'{r:.2f}' for r in ratios)})"
            )
            latencies = await paced(plain, seconds)
            print(
                f"2. Q&A at {PACED_RATE:.0f} turns/s: "
                f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
                f"p99 {p99(latencies):.1f} ms (target <= 50 ms)"
            )
            stop, charts = asyncio.Event(), list[float]()
            drawing = [asyncio.ensure_future(chart_loop(s, stop, charts)) for s in charting]
            await asyncio.sleep(1.0)  # the chart sessions under way
            latencies = await paced(plain, seconds)
            stop.set()
            await asyncio.gather(*drawing)
            chart_p50 = statistics.median(charts) * 1000 if charts else float("nan")
            print(
                f"3. Q&A at {PACED_RATE:.0f} turns/s while {chart_sessions} sessions draw charts: "
                f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99(latencies):.1f} ms "
                f"(target <= 50 ms); {len(charts)} charts drawn, chart turn p50 {chart_p50:.0f} ms"
            )
        server.terminate()
        server.join(20)
        if server.is_alive():
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--chart-sessions", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.seconds, args.chart_sessions))
