"""The workflow steps on petitions, problems, notices and clues, and the records registered
inside an inspection: one row each, read by one view (xuncha/actions.py: Step)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.selectors import inspections_visible_to
from xuncha.actions import Record, Step

from . import services as s
from .forms import (
    ClueForm,
    DateOnlyForm,
    DisposeForm,
    EditProblemForm,
    NoticeCompleteForm,
    NoticeForm,
    PetitionForm,
    ProblemForm,
    ReasonForm,
    SanctionForm,
)
from .models import SanctionSource
from .selectors import clues_visible_to, notices_visible_to, petitions_visible_to, problems_visible_to

INSPECTION_RELATED = ("inspection__round", "inspection__team", "inspection__organization")


def hub(inspection, tab: str = "overview") -> str:
    """A tab of the inspection page."""
    return reverse("rectification:inspection_detail", args=[inspection.pk]) + f"?tab={tab}"


def problem_url(problem) -> str:
    return reverse("rectification:problem_detail", args=[problem.pk])


INSPECTION = Record(
    "inspection",
    lambda user, pk: get_object_or_404(
        inspections_visible_to(user).select_related("organization", "team", "round"), pk=pk
    ),
    hub,
)
PROBLEM = Record(
    "problem",
    lambda user, pk: get_object_or_404(problems_visible_to(user).select_related(*INSPECTION_RELATED), pk=pk),
    problem_url,
)
NOTICE = Record(
    "notice",
    lambda user, pk: get_object_or_404(notices_visible_to(user).select_related("problem__inspection"), pk=pk),
    lambda notice: problem_url(notice.problem),
)
CLUE = Record(
    "clue",
    lambda user, pk: get_object_or_404(clues_visible_to(user).select_related(*INSPECTION_RELATED), pk=pk),
    lambda clue: reverse("findings:clue_detail", args=[clue.pk]),
)
PETITION = Record(
    "petition",
    lambda user, pk: get_object_or_404(petitions_visible_to(user).select_related("inspection"), pk=pk),
    lambda petition: reverse("findings:petition_detail", args=[petition.pk]),
)

# One row per step: name, route, record, title, check, call, success message, form; then what
# differs from the defaults. Kept as a table (fmt: off) so that every step reads in a few lines.
# fmt: off
STEPS = [
    # Registered inside an inspection
    Step("problem_create", "inspections/<int:pk>/problems/new/", INSPECTION, _("新增问题底稿"),
         s.problem_draft_check, s.problem_draft, _("底稿已保存，请承办人签字。"), ProblemForm,
         back=lambda inspection: hub(inspection, "problems"), next=problem_url),
    Step("petition_create", "inspections/<int:pk>/petitions/new/", INSPECTION, _("登记信访件"),
         s.petition_register_check, s.petition_register, _("信访件已登记。"), PetitionForm,
         back=lambda inspection: hub(inspection, "petitions")),
    Step("clue_create", "inspections/<int:pk>/clues/new/", INSPECTION, _("登记问题线索"),
         s.clue_register_check, s.clue_register, _("线索已登记。"), ClueForm,
         back=lambda inspection: hub(inspection, "clues"), next=CLUE.url),
    # On a working paper (its three signatures: views.problem_sign)
    Step("problem_edit", "problems/<int:pk>/edit/", PROBLEM, _("修改底稿"),
         s.problem_update_check, s.problem_update, _("底稿已修改；已签字的须重新签字。"), EditProblemForm,
         initial=lambda p: {"title": p.title, "description": p.description, "category": p.category_id,
                            "method": p.method, "involved_organization": p.involved_organization,
                            "version": p.version}),
    Step("problem_return", "problems/<int:pk>/return/", PROBLEM, _("退回底稿"),
         s.problem_return_check, s.problem_return, _("底稿已退回承办人。"), ReasonForm),
    Step("problem_withdraw", "problems/<int:pk>/withdraw/", PROBLEM, _("撤销问题"),
         s.problem_withdraw_check, s.problem_withdraw, _("问题已撤销。"), ReasonForm),
    Step("notice_issue", "problems/<int:pk>/notice/", PROBLEM, _("下发立行立改通知书"),
         s.immediate_notice_issue_check, s.immediate_notice_issue, _("立行立改通知书已下发。"), NoticeForm),
    Step("notice_complete", "notices/<int:pk>/complete/", NOTICE, _("登记立行立改完成情况"),
         s.immediate_notice_complete_check, s.immediate_notice_complete, _("已登记完成情况。"),
         NoticeCompleteForm),
    # On a clue and a petition
    Step("clue_transfer", "clues/<int:pk>/transfer/", CLUE, _("移交问题线索"),
         s.clue_transfer_check, lambda on, **kw: s.clue_transfer(transferred_on=on, **kw), _("线索已移交。"),
         DateOnlyForm),
    Step("clue_dispose", "clues/<int:pk>/dispose/", CLUE, _("登记处置情况"),
         s.clue_dispose_check, s.clue_dispose, _("处置情况已登记。"), DisposeForm),
    Step("clue_sanction", "clues/<int:pk>/sanction/", CLUE, _("登记处理处分"),
         s.clue_sanction_check,
         lambda clue, **kw: s.sanction_record(inspection=clue.inspection, source=SanctionSource.CLUE, clue=clue, **kw),
         _("处理处分已登记。"), SanctionForm),
    Step("clue_withdraw", "clues/<int:pk>/withdraw/", CLUE, _("撤销问题线索"),
         s.clue_withdraw_check, s.clue_withdraw, _("线索已撤销。"), ReasonForm),
    Step("petition_withdraw", "petitions/<int:pk>/withdraw/", PETITION, _("撤销信访件"),
         s.petition_withdraw_check, s.petition_withdraw, _("信访件已撤销。"), ReasonForm),
]
# fmt: on
