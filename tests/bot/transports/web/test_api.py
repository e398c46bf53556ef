"""The web chat's JSON API under aiohttp's test client: sessions, CSRF, limits, escaping."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.transports.web.app import COOKIE, CSRF_HEADER, ENGINE, SESSIONS, WebConfig
from tests.bot.transports.web.conftest import WebUser, tags_of, text_of

Users = Callable[..., Awaitable[WebUser]]
INJECTION = '<script>alert(1)</script><img src=x onerror="alert(2)"><b>粗</b>&amp;'


async def test_a_new_visitor_gets_an_httponly_lax_cookie_and_a_csrf_token(users: Users) -> None:
    user = await users()
    response = await user.get("/api/session")
    data = await response.json()
    assert data["fresh"] is False and data["csrf"] == user.csrf and data["lang"] == "zh"
    first = await (await users(start=False)).get("/api/session")
    cookie = first.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert len(cookie.value) >= 43  # 256 random bits


async def test_the_cookie_is_secure_behind_an_https_proxy(tmp_path: Any) -> None:
    from bot.app import build_engine
    from bot.transports.web.app import make_app

    db = str(tmp_path / "p.sqlite3")
    app = make_app(build_engine(db), db, WebConfig(behind_proxy=True))
    async with TestServer(app) as server:
        user, other = WebUser(server), WebUser(server)
        response = await user.get("/api/session", headers={"X-Forwarded-Proto": "https"})
        assert response.cookies[COOKIE]["secure"]
        plain = await other.get("/api/session")
        assert not plain.cookies[COOKIE]["secure"]
        await user.http.close()
        await other.http.close()


async def test_a_session_id_the_server_did_not_issue_is_never_taken_up(users: Users) -> None:
    user = await users()
    planted = "A" * 43
    user.plant(planted)
    response = await user.get("/api/session")
    data = await response.json()
    assert data["fresh"] is True
    assert response.cookies[COOKIE].value != planted
    # and a turn under the planted id alone is refused
    user.plant(planted)
    refused = await user.post({"text": "/help"})
    assert refused.status == 403 and (await refused.json())["error"] == "session"


async def test_html_typed_in_a_question_comes_back_as_text(users: Users) -> None:
    user = await users()
    reply = await user.say(f"绿色工厂 {INJECTION}")
    nodes = [n for m in reply["messages"] for n in m["nodes"]]
    assert "script" not in tags_of(nodes) and "img" not in tags_of(nodes)
    raw = await (await user.post({"text": INJECTION})).text()
    assert "<script" not in raw.replace("\\u003c", "<").lower() or "<script>alert(1)" in raw
    assert all(
        t in {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "span"} for t in tags_of(nodes)
    )


async def test_html_typed_as_a_unit_name_comes_back_as_text(users: Users) -> None:
    user = await users()
    await user.say("/remind")
    reply = await user.say(INJECTION)
    shown = user.text()
    nodes = [n for m in reply["messages"] for n in m["nodes"]]
    assert "<script>alert(1)</script>" in shown  # the name, as typed, as text
    assert "script" not in tags_of(nodes) and "img" not in tags_of(nodes)


async def test_a_missing_or_forged_csrf_token_is_refused_with_a_clear_message(
    users: Users,
) -> None:
    user = await users()
    for token in ("", "forged-token", user.csrf[:-1] + "x"):
        response = await user.post({"text": "/help"}, **{CSRF_HEADER: token})
        assert response.status == 403
        body = await response.json()
        assert body["error"] == "csrf" and "安全校验" in body["message"]
    other = await users()
    stolen = await other.post({"text": "/help"}, **{CSRF_HEADER: user.csrf})
    assert stolen.status == 403  # one session's token is no good for another
    cross = await user.post({"text": "/help"}, Origin="http://evil.example")
    assert cross.status == 403
    assert (await user.say("/help"))["messages"]


async def test_an_oversized_body_gets_413_and_a_message(users: Users) -> None:
    user = await users()
    response = await user.post({"text": "长" * 20_000})
    assert response.status == 413
    assert "太长" in (await response.json())["message"]
    response = await user.post({"text": "x" * 5000})  # small body, over the text limit
    assert response.status == 413


async def test_malformed_requests_get_400(users: Users) -> None:
    user = await users()
    for payload in ([1], {"text": 5}, {}, {"text": "a", "button": "b"}):
        response = await user.post(payload)
        assert response.status == 400, payload
    raw = await user.http.post(
        user.url("/api/turn"), data=b"{not json", headers={CSRF_HEADER: user.csrf}
    )
    assert raw.status == 400


async def test_security_headers_on_every_response(users: Users) -> None:
    user = await users()
    for path in ("/", "/static/app.js", "/api/session", "/nowhere"):
        response = await user.get(path)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


async def test_the_page_has_no_inline_script_or_style_and_no_outside_request(
    users: Users,
) -> None:
    user = await users()
    page = await (await user.get("/")).text()
    assert '<script src="/static/app.js" defer></script>' in page
    assert page.count("<script") == 1 and "style=" not in page and "<style" not in page
    assert (
        "http://" not in page
        and "https://" not in page
        and "//" not in page.replace("<!doctype", "").split("<body")[0].replace("/static/", "")
    )
    assert "<noscript>" in page and 'lang="zh-CN"' in page
    english = await (await user.get("/?lang=zh")).text()
    assert "绿色制造咨询助手" in english


async def test_buttons_expired_and_forged_get_the_engines_notice(users: Users) -> None:
    user = await users()
    await user.say("/prescreen")
    old = user.buttons()[0]["data"]
    await user.say("/prescreen")  # a new step: the old buttons expire
    expired = await user.turn(button=old)
    assert expired["notice"] == "这个菜单已过期"
    forged = await user.turn(button="zz:<b>")
    assert forged["notice"] == "无法识别这个按钮"


async def test_article_buttons_and_the_article_command(users: Users) -> None:
    user = await users()
    await user.say("企业申请绿色工厂需要满足什么条件？")
    assert "第七条" in user.text()
    article = next(b for b in user.buttons() if "第" in b["label"])
    await user.turn(button=article["data"])
    assert "第" in user.text()
    await user.say("/article 11")
    assert "第十一条" in user.text()


async def test_the_chart_is_an_image_only_its_session_can_fetch(users: Users) -> None:
    user = await users()
    await user.say("/score")
    await user.skip_through()  # every indicator skipped, to the result
    files = [m["file"] for m in user.last["messages"] if "file" in m]
    assert files and files[0]["kind"] == "photo"
    url = files[0]["url"]
    stranger = await users()
    assert (await stranger.get(url)).status == 410
    image = await user.get(url)
    assert image.status == 200 and image.content_type == "image/png"
    assert (await image.read()).startswith(b"\x89PNG")
    assert (await user.get(url)).status == 200  # a chart stays while the page shows it


async def _enrol(user: WebUser, name: str = "北京甲厂") -> None:
    await user.say("/remind")
    await user.say(name)
    await user.tap("跳过")
    await user.tap("更名")
    await user.say("2026-03-01")
    await user.tap("✅")
    assert "已登记" in user.text()


async def test_forget_deletes_the_chat_and_the_session_and_clears_the_cookie(
    users: Users,
) -> None:
    user = await users()
    await _enrol(user)
    app = user.server.app
    old_cookie = user.cookie()
    session = app[SESSIONS].get(old_cookie)
    assert session is not None
    engine = app[ENGINE]
    assert engine.services.reminders.list_units(session.chat_id)
    await user.say("/forget")
    response = await user.post(
        {"button": next(b["data"] for b in user.buttons() if "确认删除" in b["label"])}
    )
    assert response.status == 200
    reply = await response.json()
    assert reply["forgotten"] is True and "已删除" in text_of(reply["messages"][0]["nodes"])
    cleared = response.cookies[COOKIE]
    assert cleared.value == "" and cleared["max-age"] == "0"
    assert app[SESSIONS].get(old_cookie) is None
    assert not engine.services.reminders.list_units(session.chat_id)
    row = engine.services.db.execute(
        "select count(*) from chats where chat_id = ?", [session.chat_id]
    ).fetchone()
    assert row[0] == 0
    # the old id, replayed, is a stranger's: a new session, not the old chat
    user.plant(old_cookie or "")
    again = await (await user.get("/api/session")).json()
    assert again["fresh"] is True


async def test_a_calendar_file_is_handed_over_once_to_its_session(users: Users) -> None:
    user = await users()
    await _enrol(user)
    await user.tap("日历")
    [file] = [m["file"] for m in user.last["messages"] if "file" in m]
    assert file["kind"] == "document" and file["name"].endswith(".ics")
    stranger = await users()
    assert (await stranger.get(file["url"])).status == 410
    first = await user.get(file["url"])
    assert first.status == 200 and first.content_type == "text/calendar"
    assert "attachment" in first.headers["Content-Disposition"]
    assert (await first.read()).startswith(b"BEGIN:VCALENDAR")
    again = await user.get(file["url"])
    assert again.status == 410 and "已下载" in (await again.json())["message"]


async def test_no_session_id_or_file_token_in_the_logs(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.app import build_engine
    from bot.transports.web.app import AccessLogger, make_app

    db = str(tmp_path / "log.sqlite3")
    app = make_app(build_engine(db), db, WebConfig(session_rate=0, address_rate=0))
    caplog.set_level(logging.DEBUG)
    server = TestServer(app)
    await server.start_server(access_log_class=AccessLogger)
    user = WebUser(server)
    try:
        await user.start()
        await user.say("/score")
        await user.skip_through()
        [url] = [m["file"]["url"] for m in user.last["messages"] if "file" in m]
        await user.get(url)
        secrets = [user.cookie() or "?", user.csrf, url.rsplit("/", 1)[1]]
    finally:
        await user.http.close()
        await server.close()
    assert "POST /api/turn 200" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text


async def test_the_pdf_report_is_drawn_and_handed_over_once(users: Users) -> None:
    user = await users()
    await user.say("/score")
    await user.skip_through()
    await user.tap("PDF")
    await user.tap("不填单位名称")
    [file] = [m["file"] for m in user.last["messages"] if "file" in m]
    assert file["kind"] == "document" and file["name"].endswith(".pdf")
    pdf = await user.get(file["url"])
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert (await pdf.read()).startswith(b"%PDF")
    assert (await user.get(file["url"])).status == 410


async def test_calendar_subscriptions_are_served_by_the_same_application(users: Users) -> None:
    user = await users()
    response = await user.get("/cal/" + "x" * 32 + ".ics")
    assert response.status == 404  # an unknown token: the route is there, the feed is not


async def test_the_language_follows_the_lang_command_and_its_buttons(users: Users) -> None:
    user = await users()
    assert (await user.say("/lang en"))["lang"] == "en"
    assert (await user.say("Who can apply?"))["lang"] == "en"  # a question changes nothing
    await user.say("/lang")
    assert (await user.tap("中文"))["lang"] == "zh"
    assert (await (await user.get("/api/session")).json())["lang"] == "zh"


async def test_forget_leaves_nothing_of_the_chat_in_the_remembered_replies(
    users: Users,
) -> None:
    from bot.transports.web.markup import shared_nodes

    user = await users()
    await user.say("/remind")
    await user.say("北京甲厂")
    assert shared_nodes.cache_info().currsize > 0
    session = user.server.app[SESSIONS].get(user.cookie())
    assert session is not None
    user.server.app[ENGINE].forget(session.chat_id)
    assert shared_nodes.cache_info().currsize == 0


async def test_a_web_user_is_told_how_reminders_reach_a_web_page(users: Users) -> None:
    """Not the console's "sent through Telegram by greenbot run": a page cannot push."""
    user = await users()
    await user.say("/remind")
    assert "订阅" in user.text() and "Telegram" not in user.text()
    await _enrol(user)
    done = user.text()
    assert "日历" in done and "/email" in done
    assert "控制台" not in done and "Telegram" not in done


async def test_the_enrolment_reply_offers_the_subscription_it_mentions(users: Users) -> None:
    user = await users()
    await _enrol(user)
    # the calendar it speaks of: a subscription link, or why this server cannot give one
    assert "/cal/" in user.text() or "GREENBOT_PUBLIC_URL" in user.text()
