"""Password rule beyond Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = ("upper", "lower", "digit", "symbol")


def character_classes(password: str) -> set[str]:
    """Which of the four classes a password uses: upper and lower case letters (of any
    alphabet with case), decimal digits, and symbols (anything neither letter nor digit, space
    included). A letter without case, such as a Chinese character, counts as none."""
    found = set()
    for char in password:
        if char.isupper():
            found.add("upper")
        elif char.islower():
            found.add("lower")
        elif char.isdecimal():
            found.add("digit")
        elif not char.isalnum():
            found.add("symbol")
    return found


class CharacterClassValidator:
    """At least `min_classes` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        if not 1 <= min_classes <= len(CLASSES):
            raise ValueError(f"min_classes must be between 1 and {len(CLASSES)}")
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少%(count)d类。") % {"count": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with an error message that is translated: Django 5.2's own is looked up
    under a msgid its Chinese catalogue lacks, so the Chinese page showed it in English."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要%(min_length)d个字符。") % {"min_length": self.min_length}
