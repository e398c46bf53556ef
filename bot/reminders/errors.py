"""What a :class:`bot.reminders.delivery.Sender` raises; transports map their errors to these.

* :class:`RetryAfter` — Telegram's 429 flood control; wait ``seconds`` and send again.
* :class:`ChatBlocked` — 403: the user blocked the bot (or the chat is gone); stop that chat.
* :class:`NoRoute` — the chat's channel cannot carry a message now (a web chat without a
  confirmed e-mail address): its reminders wait, inactive, until it gets a way.
* :class:`TransientError` — 5xx, timeouts, network trouble; retried with backoff, never dropped.
* :class:`MaybeDelivered` — a :class:`TransientError` whose request went out but got no answer in
  time: Telegram may have carried it out. Reminders retry it (at least once); a chat reply is not
  sent again, since the user would see it twice.
* :class:`PermanentError` — a request Telegram will never accept (a 400 that is not about the
  chat); the reminder is marked ``dead`` instead of being retried forever.

Anything else a sender raises is treated like :class:`TransientError`.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """Base of the errors a sender raises."""


class RetryAfter(DeliveryError):
    """429 Too Many Requests: wait ``seconds`` before the next send."""

    def __init__(self, seconds: float, message: str = "") -> None:
        self.seconds = max(0.0, float(seconds))
        super().__init__(message or f"flood control: retry after {self.seconds:g} s")


class ChatBlocked(DeliveryError):
    """403 Forbidden: the chat blocked the bot, or the bot can no longer write there."""


class NoRoute(ChatBlocked):
    """Nothing can reach the chat now; like a block, lifted when the chat gets a way."""


class TransientError(DeliveryError):
    """A failure that may go away: server errors, timeouts, lost connections."""


class MaybeDelivered(TransientError):
    """No answer in time to a request that was sent in full: it may have been carried out."""


class PermanentError(DeliveryError):
    """A request that will fail the same way every time it is sent."""
