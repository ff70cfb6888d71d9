from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix letters and digits: grid accounts are shared at gates and on phones."""

    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("密码必须同时包含字母和数字。"), code="password_no_mix")

    def get_help_text(self):
        return _("密码必须同时包含字母和数字。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with its message in Chinese: Django 5.2 changed the English message
    and its zh_Hans catalogue no longer matches it, so the stock message came out in English."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
