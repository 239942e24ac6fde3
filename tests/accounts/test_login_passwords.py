"""Strong passwords: Django's validators (at least 10 characters, not common, not all digits,
not like the user's name) and at least three of upper case, lower case, digits and symbols."""

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import CharacterClassValidator, MinimumLengthValidator, character_classes
from tests.world import PASSWORD, make_user

pytestmark = pytest.mark.django_db

RULE = "密码须包含大写字母、小写字母、数字、符号四类中的至少3类。"


def test_the_existing_validators_are_kept():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "CharacterClassValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 10}
    assert issubclass(MinimumLengthValidator, password_validation.MinimumLengthValidator)


def test_too_short_is_said_in_chinese():
    with pytest.raises(ValidationError) as refused:
        validate_password("Ab1!-Ab1!")
    assert refused.value.messages == ["密码太短，至少需要10个字符。"]


@pytest.mark.parametrize("password", [settings.DEMO_PASSWORD, "Xuncha@2026demo", PASSWORD])
def test_the_demo_and_test_passwords_pass_every_validator(password):
    validate_password(password, make_user("zhangsan"))


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefghij", {"lower"}),
        ("abcdefgh12", {"lower", "digit"}),
        ("ABCDEFGH12", {"upper", "digit"}),
        ("abcd efgh!", {"lower", "symbol"}),
        ("巡察工作巡察工作ab1", {"lower", "digit"}),  # a Chinese character is no class
        ("Abcdefgh12", {"upper", "lower", "digit"}),
        ("abcdefgh1!", {"lower", "digit", "symbol"}),
        ("ÄÖÜäöü-123", {"upper", "lower", "digit", "symbol"}),
    ],
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize("password", ["abcdefgh12", "ABCDEFGH12", "abcd efgh!", "巡察工作巡察工作ab1", "XUNCHA-GOOD"])
def test_two_classes_are_refused_with_a_chinese_message(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert RULE in refused.value.messages
    assert "password_too_simple" in [e.code for e in refused.value.error_list]


@pytest.mark.parametrize("password", ["Abcdefgh12", "abcdefgh1!", "XUNCHA-GOOD-2026", "巡察-Work-2026"])
def test_three_classes_pass(password):
    validate_password(password)


def test_the_rule_is_in_the_help_text():
    assert RULE in password_validators_help_texts()


def test_min_classes_is_checked():
    with pytest.raises(ValueError):
        CharacterClassValidator(min_classes=5)
