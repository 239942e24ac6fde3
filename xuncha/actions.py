"""One way for every workflow button: check, ask for what the step needs, call the service.

A GET shows the step's small form (if it needs input); a POST calls the service. A refusal
comes back next to the field it concerns with everything typed still there (HTTP 400), or, for
a step with nothing to type, as a message on the page the user came from. The check is the
service's own precondition, so a step that is not allowed is refused before its form shows.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from .forms import apply_errors


def refusal_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or "您无权进行此操作。"
    return "；".join(exc.messages)


def action_view(
    request,
    *,
    title: str,
    check: Callable[[], None],
    call: Callable[..., object],
    success: str,
    back_url: str,
    form_class=None,
    form_kwargs: dict | None = None,
    initial: dict | None = None,
    subject=None,
    next_url: Callable[[object], str] | None = None,
):
    try:
        check()
    except ValidationError as exc:
        messages.error(request, refusal_text(exc))
        return redirect(back_url)
    form = None
    if form_class is not None:
        data = (request.POST, request.FILES) if request.method == "POST" else ()
        form = form_class(*data, initial=initial, **(form_kwargs or {}))
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            result = call(**(form.cleaned_data if form is not None else {}))
        except (ValidationError, PermissionDenied) as exc:
            if form is None:
                messages.error(request, refusal_text(exc))
                return redirect(back_url)
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(next_url(result) if next_url else back_url)
    if form is None:
        return redirect(back_url)
    return render(
        request,
        "action_form.html",
        {"form": form, "title": title, "subject": subject, "back_url": back_url},
        status=400 if form.is_bound else 200,
    )
