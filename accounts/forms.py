from django.contrib.auth.forms import PasswordChangeForm

from xuncha.forms import BootstrapMixin


class PasswordChangeBootstrapForm(BootstrapMixin, PasswordChangeForm):
    """Django's password change form (old password, the new one twice, the validators)."""
