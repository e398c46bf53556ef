"""Thin adapters between the engine and the outside world: console, aiogram, python-telegram-bot.

Only this package may import a Telegram framework, and only when that engine is started.
"""
