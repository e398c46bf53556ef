"""greenbot: an assistant for 《北京市绿色制造单位培育管理暂行办法》.

The core (knowledge, qa, engine, handlers, dialogs, reminders, scoring) never imports a
Telegram framework; only :mod:`bot.transports` does, and only when an engine is started.
"""

__version__ = "0.1.0"
