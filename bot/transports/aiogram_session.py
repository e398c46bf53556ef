"""aiogram's HTTP session, speaking JSON to the Bot API.

aiogram's own session posts every call as a URL-encoded form whose fields are JSON strings; a
reply of a few hundred Chinese characters becomes several kilobytes of ``%E7%BB%BF...`` built
in pure Python, the largest single cost of answering under load. The Bot API accepts the same
parameters as one ``application/json`` body, which orjson writes in microseconds. Calls that
upload a file (``sendDocument``, ``sendPhoto``) still go as aiogram's multipart form.

Everything else is aiogram's: the method objects, defaults such as ``parse_mode``, the parsing
of the reply and the mapping of errors to ``TelegramRetryAfter``, ``TelegramForbiddenError``...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import orjson
from aiogram import methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiohttp import ClientError, ClientTimeout

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.types import InputFile

_JSON = {"Content-Type": "application/json"}

# The Bot API methods the engines call.
_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    methods.GetMe,
    methods.GetUpdates,
    methods.SetMyCommands,
    methods.SetWebhook,
    methods.DeleteWebhook,
    methods.SendMessage,
    methods.EditMessageText,
    methods.SendDocument,
    methods.SendPhoto,
    methods.AnswerCallbackQuery,
)


# aiogram parses every reply through ``Response[<result type>]``, a pydantic generic class that
# pydantic caches only weakly: the garbage collector drops it and the next reply rebuilds it,
# about 10 ms each time under load. Held here, each is built once, at import.
RESPONSE_TYPES: tuple[type, ...] = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in _METHODS
)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class JsonSession(AiohttpSession):
    """An :class:`AiohttpSession` that sends parameters as JSON and reads replies with orjson."""

    def __init__(self, api_base: str) -> None:
        super().__init__(
            api=TelegramAPIServer.from_base(api_base), json_loads=orjson.loads, json_dumps=_dumps
        )

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call's parameters as a JSON body, or None when it uploads a file."""
        files: dict[str, InputFile] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                params[key] = prepared
        return None if files else orjson.dumps(params)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        # The same failures, mapped the same way, as aiogram's own make_request.
        try:
            seconds = self.timeout if timeout is None else timeout
            async with session.post(
                url, data=body, headers=_JSON, timeout=ClientTimeout(total=seconds)
            ) as resp:
                raw = await resp.read()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(
                method=method, message=f"{type(error).__name__}: {error}"
            ) from error
        # orjson reads bytes as they came: no decoding to str first.
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=cast(str, raw)
        )
        return cast(TelegramType, response.result)
