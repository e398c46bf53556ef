"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

Eighteen characters from ``0-9 A-H J-N P-R T-U W-Y`` (no I, O, S, V, Z): registration authority,
organisation type, 6-digit administrative division code, 9-character organisation code, and a
check character. The check character is ``31 - (Σ value_i × weight_i mod 31)`` (31 → ``0``) over
the first 17 characters with weights 3^(i-1) mod 31: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13,
8, 24, 10, 30, 28.

Characters 9-17 are the organisation code of GB 11714-1997, which carries its own check digit
(the 9th of its characters): ``11 - (Σ value_i × weight_i mod 11)`` over its first eight with
weights 3, 7, 9, 10, 5, 8, 4, 2, digits counting as themselves and letters A-Z as 10-35
(10 → ``X``, 11 → ``0``). The 18th character is computed over that check digit too, so a code
can pass GB 32100 while its organisation code is broken: both are checked.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_SPAN = slice(8, 17)  # characters 9-17
# Letters the standard leaves out, and the character people most likely meant.
_LOOKALIKES = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}
_DROPPED = " \t\r\n-_\u3000"


class CreditCodeError(ValueError):
    """A code that is not a valid unified social credit code; ``reason`` says why.

    ``reason`` is ``"empty"``, ``"length"`` (``length`` set), ``"character"`` (``position``
    1-based, ``char``, maybe ``suggestion``), ``"check"`` (the 18th: ``char`` given,
    ``expected``) or ``"org_check"`` (the organisation code's check digit, character 17:
    ``char`` given, ``expected``).
    """

    def __init__(
        self,
        reason: str,
        *,
        code: str = "",
        length: int | None = None,
        position: int | None = None,
        char: str | None = None,
        expected: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.reason = reason
        self.code = code
        self.length = length
        self.position = position
        self.char = char
        self.expected = expected
        self.suggestion = suggestion
        super().__init__(f"not a unified social credit code: {self.what}")

    @property
    def what(self) -> str:
        """The reason in a few words, for logs and tracebacks (never shown to users: they are
        told by :func:`bot.reminders.messages.credit_code_problem`, in their language)."""
        return _WHAT[self.reason].format(**vars(self))


_WHAT = {
    "empty": "the code is empty",
    "length": "{length} characters, not 18",
    "character": "character {position} ({char!r}) is not used by the standard",
    "check": "the check character (the 18th) should be {expected}, not {char}",
    "org_check": "the organisation code's check digit (the 17th) should be {expected}, not {char}",
}


def normalize(text: str) -> str:
    """Full-width to half-width, upper case, spaces and hyphens dropped."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(char for char in folded if char not in _DROPPED)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    if len(first17) != LENGTH - 1:
        raise ValueError("need exactly 17 characters")
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    """The GB 11714 check digit for the first eight characters of an organisation code."""
    if len(first8) != 8:
        raise ValueError("need exactly 8 characters")
    total = sum(_org_value(char) * weight for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def validate(text: str) -> str:
    """The normalised code, or :class:`CreditCodeError` saying what is wrong."""
    code = normalize(text)
    if not code:
        raise CreditCodeError("empty")
    if len(code) != LENGTH:
        raise CreditCodeError("length", code=code, length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            raise CreditCodeError(
                "character",
                code=code,
                position=position,
                char=char,
                suggestion=_LOOKALIKES.get(char),
            )
    organisation = code[ORG_SPAN]
    expected = org_check_character(organisation[:8])
    if organisation[8] != expected:
        raise CreditCodeError("org_check", code=code, char=organisation[8], expected=expected)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", code=code, char=code[17], expected=expected)
    return code


def is_valid(text: str) -> bool:
    """Whether ``text`` (after normalising) is a valid code."""
    try:
        validate(text)
    except CreditCodeError:
        return False
    return True
