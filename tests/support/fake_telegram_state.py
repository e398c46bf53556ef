"""Bot API semantics of the fake Telegram server: state, method handlers, validation.

Everything here is synchronous and lock-free; :class:`tests.support.fake_telegram.FakeTelegram`
owns the HTTP server, the lock and the waiting logic and calls into :class:`BotApiState`.
Handlers take the decoded parameters and uploaded files and either return the ``result``
value or raise :class:`ApiError` carrying Telegram's status code and description.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .tg_html import EntityParseError, ParsedText, parse_html, utf16_len

Params = dict[str, Any]
Files = dict[str, "Upload"]
Handler = Callable[[Params, Files], Any]

# Fields that clients JSON-encode into a string when they send form bodies.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
    }
)
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
# Telegram only delivers these update types when they are asked for explicitly.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_FIXED_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)

CHAT_NOT_FOUND = "Bad Request: chat not found"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"


@dataclass(frozen=True)
class SentRecord:
    """Something the bot did to a chat: send, edit or delete.

    ``text`` is the text exactly as the bot sent it (HTML tags included) for messages and
    the caption for documents/photos, so one field answers "what did the bot say".
    ``reply_markup`` is the parsed markup as sent (any keyboard type).
    """

    method: str
    chat_id: int
    message_id: int | None
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    document: bytes | None = None
    photo: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    caption: str | None = None
    params: Params = field(default_factory=dict)
    at: float = 0.0


@dataclass(frozen=True)
class AnsweredCallback:
    callback_query_id: str
    chat_id: int
    message_id: int
    data: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


class ApiError(Exception):
    """A Bot API error response: HTTP status = error_code, plus optional retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


async def read_params(request: web.Request) -> tuple[Params, Files]:
    """Merge query string and body (JSON, urlencoded or multipart) like the Bot API does.

    greenbot's aiogram session sends a JSON body, or multipart when it uploads a file; bare
    aiogram (aiohttp ``FormData``) and PTB (httpx ``data=``/``files=``) send forms: urlencoded
    without files, multipart with them, every non-string value JSON-encoded.
    """
    params: Params = dict(request.query)
    files: Files = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: request body must be a JSON object")
            params.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    params[key] = value
    for key, value in list(params.items()):
        if not isinstance(value, str):
            continue
        if key in _JSON_FIELDS:
            try:
                params[key] = json.loads(value)
            except ValueError:
                what = "reply keyboard markup" if key == "reply_markup" else key
                raise ApiError(400, f"Bad Request: can't parse {what} JSON object") from None
        elif key in _INT_FIELDS and re.fullmatch(r"\s*-?\d+\s*", value):
            params[key] = int(value)
        elif key in _BOOL_FIELDS:
            params[key] = value.strip().lower() in ("true", "1")
    return params, files


class BotApiState:
    """Chats, messages, updates and what the bot did; one instance per fake server."""

    def __init__(self, bot_user: dict[str, Any], *, strict_html: bool = True) -> None:
        self.bot_user = bot_user
        self.strict_html = strict_html
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, Upload] = {}
        self.callbacks: dict[str, tuple[int, int, str]] = {}
        self.sent: list[SentRecord] = []
        self.answered: list[AnsweredCallback] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._next_update_id = 10_000
        self._last_message_id: dict[int, int] = {}
        handlers: dict[str, Handler] = {
            "getMe": lambda p, f: dict(
                bot_user,
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
            ),
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "sendDocument": lambda p, f: self.send_media(p, f, "document"),
            "sendPhoto": lambda p, f: self.send_media(p, f, "photo"),
            "sendChatAction": lambda p, f: bool(self.chat(p)),
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": lambda p, f: list(self.commands.get(self.commands_key(p), [])),
            "deleteMyCommands": self.delete_my_commands,
            "setWebhook": self.set_webhook,
            "deleteWebhook": lambda p, f: self.set_webhook(
                {"drop_pending_updates": p.get("drop_pending_updates")}, f
            ),
            "getWebhookInfo": lambda p, f: {
                "url": self.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            },
            "close": lambda p, f: True,
            "logOut": lambda p, f: True,
            "getUpdates": lambda p, f: None,  # long polling lives in FakeTelegram (async)
        }
        # Telegram matches method names case-insensitively.
        self.methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, fn) for name, fn in handlers.items()
        }

    # ------------------------------------------------------------------ injection
    def register_chat(self, chat_id: int, first_name: str = "Test") -> dict[str, Any]:
        if chat_id not in self.chats:
            self.chats[chat_id] = (
                {"id": chat_id, "type": "private", "first_name": first_name}
                if chat_id > 0
                else {"id": chat_id, "type": "group", "title": f"Group {-chat_id}"}
            )
        return self.chats[chat_id]

    def add_update(self, payload: dict[str, Any]) -> int:
        self._next_update_id += 1
        self.updates.append({"update_id": self._next_update_id, **copy.deepcopy(payload)})
        return self._next_update_id

    def user_message(
        self, chat_id: int, user_id: int, text: str, lang: str, first_name: str
    ) -> dict[str, Any]:
        chat = self.register_chat(chat_id, first_name)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": _user(user_id, first_name, lang),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            "text": text,
        }
        if match := _COMMAND_RE.match(text):
            # Real Telegram marks a leading /command with a bot_command entity.
            length = utf16_len(match.group(0))
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def callback_query(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        lang: str,
        first_name: str,
        strict: bool,
    ) -> dict[str, Any]:
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        datas = [b.get("callback_data") for row in rows for b in row]
        if strict and data not in datas:
            raise ValueError(f"message {message_id} has no button {data!r}; it has {datas}")
        query_id = str(secrets.randbits(60))
        self.callbacks[query_id] = (chat_id, message_id, data)
        return {
            "id": query_id,
            "from": _user(user_id, first_name, lang),
            "chat_instance": f"ci{chat_id}",
            "message": copy.deepcopy(message),
            "data": data,
        }

    # ------------------------------------------------------------------ getUpdates
    def begin_poll(self, params: Params) -> None:
        """Synchronous part of getUpdates: webhook conflict, allowed_updates, offset."""
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            self.updates = self.updates[offset:]
        elif isinstance(offset, int):
            # offset confirms (forgets) every update with a smaller id.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.allowed_updates
        kept = []
        for update in self.updates:
            kind = next(k for k in update if k != "update_id")
            # Telegram never creates updates of types the bot did not ask for.
            if (kind in allowed) if allowed else (kind not in _OPT_IN_UPDATES):
                kept.append(update)
        self.updates = kept
        return copy.deepcopy(kept[:limit])

    # ------------------------------------------------------------------ validation
    def chat(self, params: Params) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        return chat

    def parse_text(self, text: Any, parse_mode: Any, entities: Any, *, caption: bool) -> ParsedText:
        """Apply parse_mode and the length rules (UTF-16 units, after entity parsing)."""
        text = "" if text is None else str(text)
        if isinstance(parse_mode, str) and parse_mode.lower() == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html)
            except EntityParseError as err:
                raise ApiError(400, f"Bad Request: can't parse entities: {err}") from None
        else:
            parsed = ParsedText(text, list(entities) if isinstance(entities, list) else [])
        if not caption and not parsed.text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(parsed.text.strip()) > (1024 if caption else 4096):
            what = "message caption is too long" if caption else "message is too long"
            raise ApiError(400, f"Bad Request: {what}")
        return parsed

    @staticmethod
    def check_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
        """Validate reply_markup; return it if it is an inline keyboard, else None.

        Message.reply_markup only ever holds inline keyboards, so only those are echoed.
        """
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if inline_only:
                raise ApiError(400, "Bad Request: inline keyboard expected")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                "must be an Array of Arrays",
            )
        bad_button = "Bad Request: can't parse inline keyboard button: "
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, bad_button + "Text must be a String")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif not _INLINE_ACTIONS.intersection(button):
                raise ApiError(
                    400, bad_button + "Text buttons are unallowed in the inline keyboard"
                )
        return markup

    def _check_reply_target(self, chat_id: int, params: Params) -> None:
        reply = params.get("reply_parameters")
        target = params.get("reply_to_message_id") or (
            reply.get("message_id") if isinstance(reply, dict) else None
        )
        allow = params.get("allow_sending_without_reply") or (
            isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        )
        if target and (chat_id, target) not in self.messages and not allow:
            raise ApiError(400, "Bad Request: message to be replied not found")

    # ------------------------------------------------------------------ messages
    def _new_message_id(self, chat_id: int) -> int:
        # Per-chat counter shared by user and bot messages, as in private chats.
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _store_bot_message(
        self, chat: dict[str, Any], content: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        message = {
            "message_id": self._new_message_id(chat["id"]),
            "from": dict(self.bot_user),
            "chat": copy.deepcopy(chat),
            "date": int(time.time()),
            **content,
        }
        if markup is not None:
            message["reply_markup"] = copy.deepcopy(markup)
        self.messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _record(self, method: str, params: Params, message_id: int | None, **extra: Any) -> None:
        self.sent.append(
            SentRecord(
                method=method,
                chat_id=params["chat_id"],
                message_id=message_id,
                text=extra.pop("text", params.get("text")),
                parse_mode=params.get("parse_mode"),
                reply_markup=copy.deepcopy(params.get("reply_markup")),
                params=params,
                at=time.time(),
                **extra,
            )
        )

    def send_message(self, params: Params, files: Files) -> dict[str, Any]:
        chat = self.chat(params)
        self._check_reply_target(chat["id"], params)
        parsed = self.parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self.check_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            content["entities"] = parsed.entities
        message = self._store_bot_message(chat, content, markup)
        self._record("sendMessage", params, message["message_id"])
        return message

    def _editable(self, params: Params) -> dict[str, Any]:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat = self.chat(params)
        stored = self.messages.get((chat["id"], _message_id(params)))
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if stored["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return stored

    def _apply_edit(
        self, stored: dict[str, Any], content: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        if ({k: stored.get(k) for k in content}, stored.get("reply_markup")) == (content, markup):
            raise ApiError(400, NOT_MODIFIED)
        stored.update({k: v for k, v in content.items() if v is not None})
        for key in [k for k, v in content.items() if v is None]:
            stored.pop(key, None)
        # An edit without reply_markup removes the keyboard, as on real Telegram.
        stored.pop("reply_markup", None)
        if markup is not None:
            stored["reply_markup"] = copy.deepcopy(markup)
        stored["edit_date"] = int(time.time())
        return copy.deepcopy(stored)

    def edit_message_text(self, params: Params, files: Files) -> dict[str, Any]:
        stored = self._editable(params)
        if "text" not in stored:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parsed = self.parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self.check_markup(params.get("reply_markup"), inline_only=True)
        content = {"text": parsed.text, "entities": parsed.entities or None}
        message = self._apply_edit(stored, content, markup)
        self._record("editMessageText", params, message["message_id"])
        return message

    def edit_message_reply_markup(self, params: Params, files: Files) -> dict[str, Any]:
        stored = self._editable(params)
        markup = self.check_markup(params.get("reply_markup"), inline_only=True)
        message = self._apply_edit(stored, {}, markup)
        self._record("editMessageReplyMarkup", params, message["message_id"], text=None)
        return message

    def delete_message(self, params: Params, files: Files) -> bool:
        chat = self.chat(params)
        if self.messages.pop((chat["id"], _message_id(params)), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self._record("deleteMessage", params, params.get("message_id"), text=None)
        return True

    def _resolve_upload(self, params: Params, files: Files, kind: str) -> Upload:
        value = params.get(kind)
        if kind in files:  # PTB uploads the file directly under the parameter name
            return files[kind]
        if isinstance(value, str) and value.startswith("attach://"):  # aiogram's style
            name = value.removeprefix("attach://")
            if name not in files:
                raise ApiError(400, WRONG_FILE)
            return files[name]
        if isinstance(value, str) and value in self.files:  # resend by file_id
            return self.files[value]
        if value in (None, ""):
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        # Any other string would be a URL or foreign file_id; this server never goes online.
        raise ApiError(400, WRONG_FILE)

    def send_media(self, params: Params, files: Files, kind: str) -> dict[str, Any]:
        chat = self.chat(params)
        self._check_reply_target(chat["id"], params)
        upload = self._resolve_upload(params, files, kind)
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        caption = params.get("caption")
        parsed = self.parse_text(
            caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
        )
        markup = self.check_markup(params.get("reply_markup"))
        unique = secrets.token_hex(6)
        file_id = ("BQACAgIAAxkD" if kind == "document" else "AgACAgIAAxkD") + unique
        filename = upload.filename or kind
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            # aiogram labels every upload octet-stream; Telegram derives it from the name.
            mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        upload = Upload(filename, mime, upload.data)
        self.files[file_id] = upload
        size = len(upload.data)
        content: dict[str, Any] = {}
        if kind == "document":
            content["document"] = {
                "file_id": file_id,
                "file_unique_id": "AgAD" + unique,
                "file_name": filename,
                "mime_type": mime,
                "file_size": size,
            }
        else:
            width, height = _image_size(upload.data)
            scale = max(width, height) / 90 or 1
            thumb = {
                "file_id": file_id + "s",
                "file_unique_id": "AQAD" + unique + "s",
                "width": max(int(width / scale), 1),
                "height": max(int(height / scale), 1),
                "file_size": min(size, 2048),
            }
            full = {
                "file_id": file_id,
                "file_unique_id": "AQAD" + unique,
                "width": width,
                "height": height,
                "file_size": size,
            }
            content["photo"] = [thumb, full]
        if caption:
            content["caption"] = parsed.text
            if parsed.entities:
                content["caption_entities"] = parsed.entities
        message = self._store_bot_message(chat, content, markup)
        method = "sendDocument" if kind == "document" else "sendPhoto"
        logged = dict(params, **{kind: f"<{size} bytes: {filename}>"})
        self._record(
            method,
            logged,
            message["message_id"],
            text=caption,
            caption=caption,
            filename=filename,
            mime_type=mime,
            **{kind: upload.data},
        )
        return message

    # ------------------------------------------------------------------ callbacks, commands
    def answer_callback_query(self, params: Params, files: Files) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        target = self.callbacks.pop(query_id, None)
        if target is None:
            raise ApiError(400, QUERY_TOO_OLD)
        self.answered.append(
            AnsweredCallback(
                callback_query_id=query_id,
                chat_id=target[0],
                message_id=target[1],
                data=target[2],
                text=params.get("text"),
                url=params.get("url"),
                show_alert=bool(params.get("show_alert")),
                cache_time=params.get("cache_time"),
            )
        )
        return True

    def commands_key(self, params: Params) -> tuple[str, str]:
        """``(scope_key, language_code)``: scope_key is e.g. ``default`` or ``chat:<id>``."""
        scope = params.get("scope") or {"type": "default"}
        kind = scope.get("type") if isinstance(scope, dict) else None
        lang = params.get("language_code") or ""
        if not re.fullmatch(r"([a-z]{2})?", lang):
            raise ApiError(400, "Bad Request: invalid language code specified")
        if kind in _FIXED_SCOPES:
            return kind, lang
        if isinstance(scope, dict) and kind in ("chat", "chat_administrators", "chat_member"):
            self.chat(scope)
            suffix = f":{scope.get('user_id')}" if kind == "chat_member" else ""
            return f"{kind}:{scope['chat_id']}{suffix}", lang
        raise ApiError(400, "Bad Request: wrong bot command scope type specified")

    def set_my_commands(self, params: Params, files: Files) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for item in commands:
            item = item if isinstance(item, dict) else {}
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND_NAME_RE.fullmatch(command):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self.commands_key(params)
        if cleaned:
            self.commands[key] = cleaned
        else:  # an empty list deletes the commands for that scope/language
            self.commands.pop(key, None)
        return True

    def delete_my_commands(self, params: Params, files: Files) -> bool:
        self.commands.pop(self.commands_key(params), None)
        return True

    def set_webhook(self, params: Params, files: Files) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook_url = url
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True


def _message_id(params: Params) -> int:
    message_id = params.get("message_id")
    if not isinstance(message_id, int):
        raise ApiError(400, "Bad Request: message identifier is not specified")
    return message_id


def _user(user_id: int, first_name: str, lang: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": lang}


def _image_size(data: bytes) -> tuple[int, int]:
    """Width/height from a PNG or JPEG header; 512x512 when unknown (size is cosmetic)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):  # start-of-frame: height then width
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 512, 512
