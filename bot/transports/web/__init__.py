"""The web chat: an aiohttp application over the same engine as Telegram."""
