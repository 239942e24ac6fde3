"""Review notes on working papers (审核意见): the steps on a note, the list per reviewer and
the list and counts per team."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Role
from campaigns.selectors import teams_visible_to
from xuncha.actions import action_view
from xuncha.listing import Column, ListPage, display

from . import review_notes as rn
from .filters import ReviewNoteFilter
from .forms import ReviewAnswerForm, ReviewClearForm, ReviewNoteForm
from .review_selectors import note_counts, notes_by_author, notes_of_team, notes_to_answer, review_notes_visible_to
from .selectors import problems_visible_to
from .steps import INSPECTION_RELATED

TEAM_SIDE = (Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR)


def _paper_url(problem_id: int) -> str:
    return reverse("rectification:problem_detail", args=[problem_id]) + "#review-notes"


def _note(request, pk):
    notes = review_notes_visible_to(request.user).select_related("problem__inspection", "author")
    return get_object_or_404(notes, pk=pk)


@login_required
def review_note_add(request, pk):
    problem = get_object_or_404(problems_visible_to(request.user).select_related(*INSPECTION_RELATED), pk=pk)
    return action_view(
        request,
        title=_("提出审核意见"),
        subject=problem,
        check=lambda: rn.review_note_add_check(user=request.user, problem=problem),
        call=lambda text, version: rn.review_note_add(
            user=request.user, problem=problem, text=text, expected_version=version
        ),
        success=_("审核意见已提出，待承办人答复。"),
        back_url=_paper_url(problem.pk),
        form_class=ReviewNoteForm,
        initial={"version": problem.version},
    )


@login_required
def review_note_answer(request, pk):
    note = _note(request, pk)
    return action_view(
        request,
        title=_("答复审核意见"),
        subject=note.text,
        check=lambda: rn.review_note_answer_check(user=request.user, note=note),
        call=lambda answer, version: rn.review_note_answer(
            user=request.user, note=note, answer=answer, expected_version=version
        ),
        success=_("已答复，待提出人清除。"),
        back_url=_paper_url(note.problem_id),
        form_class=ReviewAnswerForm,
        initial={"version": note.version},
    )


@login_required
def review_note_clear(request, pk):
    note = _note(request, pk)
    return action_view(
        request,
        title=_("清除审核意见"),
        subject=note.text,
        check=lambda: rn.review_note_clear_check(user=request.user, note=note),
        call=lambda version: rn.review_note_clear(user=request.user, note=note, expected_version=version),
        success=_("审核意见已清除。"),
        back_url=_paper_url(note.problem_id),
        form_class=ReviewClearForm,
        initial={"version": note.version},
    )


# --- Lists --------------------------------------------------------------------------------


def _edited_badge(note) -> str:
    if not note.edited_after_review:
        return ""
    return format_html('<span class="badge text-bg-warning">{}</span>', gettext("修改于审核后"))


class ReviewNoteList(ListPage):
    """Notes with the paper they are on; the paper's link leads to the panel on its page."""

    filterset_class = ReviewNoteFilter
    roles = TEAM_SIDE
    default_sort = "-created_at"
    columns = [
        Column(_("问题"), lambda n: str(n.problem), href=lambda n: _paper_url(n.problem_id)),
        Column(_("被巡察党组织"), "problem.inspection.organization.name"),
        Column(_("承办人"), "problem.drafted_by"),
        Column(_("提出人"), "author"),
        Column(_("审核意见"), lambda n: n.text[:60]),
        Column(_("状态"), display("status"), sort="status"),
        Column(_("提出时间"), lambda n: n.created_at.strftime("%Y-%m-%d %H:%M"), sort="created_at"),
        Column(_("修改于审核后"), _edited_badge),
    ]

    def extra_context(self) -> dict:
        counts = note_counts(self.get_queryset())
        note = gettext("待答复 %(open)s 条 · 待清除 %(answered)s 条 · 已清除 %(cleared)s 条") % counts
        return {"note": note, "counts": counts}


class MyReviewNoteList(ReviewNoteList):
    title = _("我提出的审核意见")
    selector = notes_by_author


class ToAnswerReviewNoteList(ReviewNoteList):
    title = _("待我答复的审核意见")
    selector = notes_to_answer


class TeamReviewNoteList(ReviewNoteList):
    def get_queryset(self):
        self.team = get_object_or_404(teams_visible_to(self.request.user), pk=self.kwargs["pk"])
        self.title = gettext("%(team)s的审核意见") % {"team": self.team}
        return notes_of_team(self.request.user, self.team)


@require_GET
@login_required
def team_review_summary(request, pk):
    """The panel on the team's page (loaded by htmx): the counts and the notes still unresolved."""
    team = get_object_or_404(teams_visible_to(request.user), pk=pk)
    notes = notes_of_team(request.user, team)
    return render(
        request,
        "findings/_team_review_summary.html",
        {
            "team": team,
            "counts": note_counts(notes),
            "unresolved": notes.filter(status__in=rn.UNRESOLVED).order_by("-created_at")[:10],
        },
    )
