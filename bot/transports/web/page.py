"""The page's HTML: a small shell in the visitor's language; the chat itself is built by
``static/app.js``. Its words are labels (``templates/strings/web.yaml``); those the script needs
in both languages ride along as a data attribute (no inline script: the CSP forbids it)."""

from __future__ import annotations

import json
from functools import cache
from html import escape

from bot.render import LANGS, Lang, label

# Labels the script uses (switching language in place, its own notes).
SCRIPT_KEYS = (
    "web.title",
    "web.heading",
    "web.subtitle",
    "web.switch",
    "web.switch_label",
    "web.log_label",
    "web.input_label",
    "web.placeholder",
    "web.send",
    "web.you",
    "web.bot",
    "web.busy",
    "web.download",
    "web.offline",
    "web.footer",
)


@cache
def render_page(lang: Lang) -> str:
    def t(key: str) -> str:
        return escape(label(key, lang))

    strings = {code: {key[4:]: label(key, code) for key in SCRIPT_KEYS} for code in LANGS}
    data = escape(json.dumps(strings, ensure_ascii=False, separators=(",", ":")))
    other = "en" if lang == "zh" else "zh"
    html_lang = "zh-CN" if lang == "zh" else "en"
    return f"""<!doctype html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{t("web.title")}</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body data-lang="{lang}" data-strings="{data}">
<header class="top">
<div class="titles"><h1 id="heading">{t("web.heading")}</h1>
<p id="subtitle">{t("web.subtitle")}</p></div>
<button id="lang-switch" type="button" lang="{other}" data-to="{other}"
 aria-label="{t("web.switch_label")}">{t("web.switch")}</button>
</header>
<noscript><p class="noscript">{t("web.noscript")}</p></noscript>
<main id="chat">
<ol id="log" role="log" aria-live="polite" aria-relevant="additions"
 aria-label="{t("web.log_label")}"></ol>
<p id="status" class="status" role="status" aria-live="polite"></p>
</main>
<form id="composer" class="composer" autocomplete="off">
<label for="input" class="visually-hidden" id="input-label">{t("web.input_label")}</label>
<textarea id="input" name="text" rows="1" maxlength="4096" enterkeyhint="send"
 placeholder="{t("web.placeholder")}"></textarea>
<button id="send" type="submit">{t("web.send")}</button>
</form>
<footer id="footer">{t("web.footer")}</footer>
</body>
</html>
"""
