"""Every login writes a UserSession row and every logout deletes it (accounts.services)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="accounts.session_record")
def record_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_record(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_forget")
def forget_session(sender, request, user, **kwargs):
    if request is not None:
        services.session_forget(request=request)
