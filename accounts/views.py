"""The user's own account pages: login sessions and password change; and the lockout page."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PasswordChangeBootstrapForm
from .models import UserSession


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE), for /login/ and /admin/login/."""
    seconds = selectors.lockout_seconds_left(request, credentials)
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": math.ceil(seconds / 60), "failure_limit": settings.LOGIN_FAILURE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@login_required
def sessions(request):
    rows = selectors.sessions_of(request.user)
    current = request.session.session_key
    for row in rows:
        row.is_current = row.session_key == current
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": rows,
            "others": sum(not row.is_current for row in rows),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
        },
    )


@login_required
@require_POST
def session_end(request, pk: int):
    try:
        row = selectors.session_of(request.user, pk)
    except UserSession.DoesNotExist:
        raise Http404 from None
    try:
        services.session_end(user=request.user, session=row, current_key=request.session.session_key)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("已结束该会话，使用它的浏览器须重新登录。"))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_end_others(request):
    count = services.sessions_end_others(user=request.user, current_key=request.session.session_key)
    messages.success(request, _("已结束其他 %(count)d 个会话。") % {"count": count})
    return redirect("accounts:sessions")


class PasswordChange(PasswordChangeView):
    """Django's password change (old password, new one twice, the validators), except that
    after it this session stays signed in and every other session of the user is ended."""

    form_class = PasswordChangeBootstrapForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:sessions")

    def form_valid(self, form):
        services.password_change(request=self.request, form=form)
        messages.success(self.request, _("密码已修改，其他浏览器中的登录已全部退出。"))
        return HttpResponseRedirect(self.get_success_url())
