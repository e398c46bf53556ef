"""The engine's Telegram HTML as safe element trees for the page."""

from __future__ import annotations

from bot.transports.web.markup import plain, to_nodes


def test_the_telegram_tags_are_kept_under_their_canonical_names() -> None:
    nodes = to_nodes("<b>粗</b><strong>s</strong><i>i</i><em>e</em><u>u</u><s>x</s><code>c</code>")
    assert [n["t"] for n in nodes if isinstance(n, dict)] == [
        "b", "b", "i", "i", "u", "s", "code",
    ]  # fmt: skip


def test_escaped_text_is_decoded_once_and_stays_text() -> None:
    nodes = to_nodes("问 &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;")
    assert nodes == ["问 <script>alert(1)</script> &lt;"]


def test_other_tags_are_dropped_and_their_text_kept() -> None:
    nodes = to_nodes(
        '<img src=x onerror="alert(1)"><div onclick="x()">文</div><script>y()</script>'
    )
    assert nodes == ["文y()"]  # as text, never an element


def test_only_web_links_are_links() -> None:
    link, bad, data = (
        to_nodes('<a href="https://jxj.beijing.gov.cn/">官网</a>')[0],
        to_nodes('<a href="javascript:alert(1)">x</a>')[0],
        to_nodes('<a href="data:text/html,hi">d</a>')[0],
    )
    assert link == {"t": "a", "c": ["官网"], "href": "https://jxj.beijing.gov.cn/"}
    assert bad == {"t": "span", "c": ["x"]} and data == {"t": "span", "c": ["d"]}
    # a calendar subscription opens in the calendar app
    feed = "webcal://bot.example.cn/cal/abc.ics"
    assert to_nodes(f'<a href="{feed}">订阅</a>')[0] == {"t": "a", "c": ["订阅"], "href": feed}


def test_quotes_nest_and_unbalanced_tags_close() -> None:
    nodes = to_nodes("<blockquote>第七条 <i>原文</blockquote>后")
    assert nodes == [{"t": "blockquote", "c": ["第七条 ", {"t": "i", "c": ["原文"]}]}, "后"]
    assert plain(nodes) == "第七条 原文后"
