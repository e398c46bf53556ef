"""Unified social credit codes (GB 32100-2015): check character and explanations."""

from __future__ import annotations

import random

import pytest

from bot import credit_code
from bot.credit_code import (
    ALPHABET,
    CreditCodeError,
    check_character,
    normalize,
    org_check_character,
    validate,
)
from bot.reminders.messages import credit_code_problem

VALID = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == credit_code.WEIGHTS
    assert len(ALPHABET) == 31 and not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes(code: str) -> None:
    assert validate(code) == code
    assert credit_code.is_valid(code)


def test_computed_codes_validate_and_a_changed_character_does_not() -> None:
    rng = random.Random(32100)
    for _ in range(200):
        first16 = "".join(rng.choice(ALPHABET) for _ in range(16))
        first17 = first16 + org_check_character(first16[8:])
        code = first17 + check_character(first17)
        assert validate(code) == code
        position = rng.randrange(17)
        other = rng.choice(ALPHABET.replace(code[position], ""))
        changed = code[:position] + other + code[position + 1 :]
        assert not credit_code.is_valid(changed)  # any single substitution is caught


def test_normalises_full_width_lower_case_and_spaces() -> None:
    assert normalize("９１３５ ０１００m０００１００y４３") == "91350100M000100Y43"
    assert validate(" 9135-0100-m000-100y-43 ") == "91350100M000100Y43"
    assert validate("91350100\u3000M000100Y43") == "91350100M000100Y43"


def test_wrong_length_is_explained() -> None:
    with pytest.raises(CreditCodeError) as caught:
        validate("91350100M000100Y4")
    assert (caught.value.reason, caught.value.length) == ("length", 17)
    assert "17" in credit_code_problem(caught.value, "zh") and "18" in credit_code_problem(
        caught.value, "en"
    )


def test_empty_is_explained() -> None:
    with pytest.raises(CreditCodeError) as caught:
        validate("   ")
    assert caught.value.reason == "empty"


def test_bad_character_position_and_suggestion() -> None:
    with pytest.raises(CreditCodeError) as caught:
        validate("91350100M0O0100Y43")
    error = caught.value
    assert (error.reason, error.position, error.char) == ("character", 11, "O")
    assert error.suggestion == "0"
    assert str(error) == "not a unified social credit code: " + error.what
    assert "Did you mean “0”" in credit_code_problem(error, "en")
    assert "第 11 位" in credit_code_problem(error, "zh") and "“0”" in credit_code_problem(
        error, "zh"
    )
    with pytest.raises(CreditCodeError) as caught:
        validate("91350100M000100Y4#")
    assert (caught.value.position, caught.value.suggestion) == (18, None)


def test_wrong_check_character_names_the_right_one() -> None:
    with pytest.raises(CreditCodeError) as caught:
        validate("91350100M000100Y44")
    error = caught.value
    assert (error.reason, error.char, error.expected) == ("check", "4", "3")
    assert "should be 3" in str(error)
    assert "“3”" in credit_code_problem(error, "zh") and "“3”" in credit_code_problem(error, "en")


def test_organisation_code_check_digit_is_checked_too() -> None:
    # The 18th character is right for these 17, but GB 11714 wants 5 as the 17th, not 2.
    code = "91110108MA01ABCD2H"
    assert check_character(code[:17]) == "H"
    with pytest.raises(CreditCodeError) as caught:
        validate(code)
    error = caught.value
    assert (error.reason, error.char, error.expected) == ("org_check", "2", "5")
    assert "GB 11714" in credit_code_problem(error, "en")
    assert "组织机构代码" in credit_code_problem(error, "zh") and "“5”" in credit_code_problem(
        error, "zh"
    )
    assert "organisation code" in credit_code_problem(error, "en")
    assert not credit_code.is_valid(code)
    fixed = code[:16] + "5"
    assert validate(fixed + check_character(fixed)) == fixed + check_character(fixed)


@pytest.mark.parametrize(
    ("body", "digit"),
    [("12345678", "8"), ("60003734", "1"), ("70846113", "6"), ("MA01ABCD", "5")],
)
def test_organisation_check_digit_known_values(body: str, digit: str) -> None:
    assert org_check_character(body) == digit


def test_organisation_check_digit_ten_is_x() -> None:
    bodies = ("".join(random.Random(n).choices("0123456789", k=8)) for n in range(500))
    assert any(org_check_character(body) == "X" for body in bodies)


def test_check_character_needs_17() -> None:
    with pytest.raises(ValueError):
        check_character("123")
