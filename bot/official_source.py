"""The measures' official source (``knowledge/source.yaml``): issuing body, publication date,
document number, official page. Unconfirmed facts are ``None`` and never shown.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, HttpUrl, ValidationError

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError
from bot.render import Lang

SOURCE_FILE = KNOWLEDGE_DIR / "source.yaml"


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str
    en: str


class OfficialSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: _Text
    issuer: _Text
    issuer_basis: list[str]
    issuer_site: HttpUrl | None = None
    published: date | None = None
    document_number: str | None = None
    url: HttpUrl | None = None

    def context(self, lang: Lang) -> dict[str, Any]:
        """What ``source_line.*.j2`` shows: only the facts that are known."""
        return {
            "title": getattr(self.title, lang),
            "title_zh": self.title.zh,
            "issuer": getattr(self.issuer, lang),
            "published": self.published.isoformat() if self.published else None,
            "document_number": self.document_number,
            "url": str(self.url) if self.url else None,
            "site": str(self.issuer_site) if self.issuer_site else None,
        }


def load_source(path: Path = SOURCE_FILE) -> OfficialSource:
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return OfficialSource.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise KnowledgeError(f"{path.name}: {first}") from None


@cache
def official_source() -> OfficialSource:
    """The shipped source file, read once."""
    return load_source()


def source_context(lang: Lang) -> dict[str, Any]:
    return official_source().context(lang)
