"""Deadline reminders: rules (Art. 11-16), schedule, SQLite store, delivery loop, .ics files.

Nothing here imports a Telegram library; import the submodules you need (``rules`` is light,
``store`` and ``delivery`` pull in sqlite-utils).
"""
