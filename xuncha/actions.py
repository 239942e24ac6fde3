"""One way for every workflow button: check, ask for what the step needs, call the service.

A GET shows the step's small form (if it needs input); a POST calls the service. A refusal
comes back next to the field it concerns with everything typed still there (HTTP 400), or, for
a step with nothing to type, as a message on the page the user came from. The check is the
service's own precondition, so a step that is not allowed is refused before its form shows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path

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


# --- The table of workflow steps ----------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A kind of record that workflow steps act on: how a view finds one for the user (404
    outside their scope), the keyword the services take it by, and its page."""

    keyword: str
    find: Callable[[object, int], object]  # (user, pk) -> the record, or Http404
    url: Callable[[object], str]


@dataclass(frozen=True)
class Step:
    """One workflow step, one row of an app's table (`<app>/steps.py`): its address, its button's
    title, the service's check and call, and what the user sees after. The service is called as
    `call(user=…, <keyword>=record, **the form's data)`; a form's `version` field is passed as
    `expected_version` (the optimistic lock of every edit)."""

    name: str
    route: str
    record: Record
    title: str
    check: Callable[..., None]
    call: Callable[..., object]
    success: str
    form: type | None = None
    back: Callable[[object], str] | None = None  # default: the record's page
    initial: Callable[[object], dict] | None = None
    form_kwargs: Callable[[object], dict] | None = None
    next: Callable[[object], str] | None = None  # where to go after, from the call's result
    subject: Callable[[object], object] | None = None  # what the form page names (default: the record)

    def view(self, request, pk):
        record = self.record.find(request.user, pk)
        keyword = {"user": request.user, self.record.keyword: record}

        def call(**data):
            if "version" in data:
                data["expected_version"] = data.pop("version")
            return self.call(**keyword, **data)

        return action_view(
            request,
            title=self.title,
            subject=self.subject(record) if self.subject else record,
            check=lambda: self.check(**keyword),
            call=call,
            success=self.success,
            back_url=(self.back or self.record.url)(record),
            form_class=self.form,
            form_kwargs=self.form_kwargs(record) if self.form_kwargs else None,
            initial=self.initial(record) if self.initial else None,
            next_url=self.next,
        )


def step_paths(steps: list[Step]) -> list:
    """The URL patterns of a table of steps, each behind the login."""
    return [path(step.route, login_required(_bound(step)), name=step.name) for step in steps]


def _bound(step: Step):
    def view(request, pk):
        return step.view(request, pk)

    view.__name__ = view.__qualname__ = step.name
    return view
