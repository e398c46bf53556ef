"""Rate limits (token buckets per session and per address) and the files kept for download."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimit:
    """``rate`` requests a second on average, up to ``burst`` at once, per key; ``rate`` 0
    means no limit. Keys not seen for a while are dropped, so memory stays bounded."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _buckets: OrderedDict[Hashable, _Bucket] = field(default_factory=OrderedDict)

    def allow(self, key: Hashable) -> float:
        """0 when allowed (and counted), else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


@dataclass(frozen=True)
class StoredFile:
    owner: str  # the session key
    filename: str
    content_type: str
    data: bytes
    once: bool  # a document is handed over once; a chart stays while the page shows it
    expires: float


class FileShelf:
    """Attachments waiting to be fetched by the session they were made for, under random
    tokens; bounded in bytes (the oldest go first) and in time."""

    def __init__(self, max_bytes: int = 64 << 20, ttl: float = 3600.0) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._bytes = 0

    def put(self, owner: str, filename: str, content_type: str, data: bytes, once: bool) -> str:
        token = secrets.token_urlsafe(24)
        self._files[token] = StoredFile(
            owner, filename, content_type, data, once, time.monotonic() + self.ttl
        )
        self._bytes += len(data)
        while self._bytes > self.max_bytes and len(self._files) > 1:
            _, dropped = self._files.popitem(last=False)
            self._bytes -= len(dropped.data)
        return token

    def take(self, owner: str, token: str) -> StoredFile | None:
        """The file, if ``owner`` may have it now; a document is then gone."""
        stored = self._files.get(token)
        if stored is None or stored.owner != owner:
            return None
        if stored.expires < time.monotonic() or stored.once:
            del self._files[token]
            self._bytes -= len(stored.data)
            return stored if stored.expires >= time.monotonic() else None
        return stored

    def drop_owner(self, owner: str) -> None:
        for token in [t for t, f in self._files.items() if f.owner == owner]:
            self._bytes -= len(self._files.pop(token).data)
