"""The printable report of a unit's pre-screen and quick score.

- :mod:`bot.report.content` what the report says (pure; every phrase from ``bot/templates``).
- :mod:`bot.report.pdf`     the one-page A4 PDF (fpdf2, the font shipped in ``scoring/fonts``).
- :mod:`bot.report.store`   the latest pre-screen and quick-score answers of each chat.
"""
