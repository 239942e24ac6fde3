"""The workflow steps on an inspection (arrival to closing), its measures and its handover items:
one row each, read by one view (xuncha/actions.py: Step)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns import services as cs
from findings import services as fs
from findings.forms import DateOnlyForm, ReasonForm
from findings.steps import INSPECTION, PROBLEM, hub
from xuncha.actions import Record, Step

from . import services as s
from .forms import (
    AnnouncementForm,
    EvaluationForm,
    FeedbackForm,
    HandoverCloseForm,
    HandoverForm,
    MeasureForm,
    ReportForm,
    RuleForm,
    SupervisionForm,
    VerifyForm,
)
from .selectors import handover_items_visible_to, measures_visible_to

MEASURE_RELATED = ("problem__inspection__organization", "problem__inspection__round", "responsible_unit")

MEASURE = Record(
    "measure",
    lambda user, pk: get_object_or_404(measures_visible_to(user).select_related(*MEASURE_RELATED), pk=pk),
    lambda measure: reverse("rectification:measure_detail", args=[measure.pk]),
)
HANDOVER = Record(
    "item",
    lambda user, pk: get_object_or_404(
        handover_items_visible_to(user).select_related("inspection__organization"), pk=pk
    ),
    lambda item: reverse("rectification:handover_list"),
)
# One row per step: name, route, record, title, check, call, success message, form; then what
# differs from the defaults. Kept as a table (fmt: off) so that every step reads in a few lines.
# fmt: off
STEPS = [
    # The inspection, from arrival to closing
    Step("inspection_enter", "inspections/<int:pk>/enter/", INSPECTION, _("进驻"),
         cs.inspection_enter_check, cs.inspection_enter, _("已登记进驻。"), DateOnlyForm),
    Step("inspection_leave", "inspections/<int:pk>/leave/", INSPECTION, _("撤离"),
         cs.inspection_leave_check, cs.inspection_leave, _("已登记撤离。"), DateOnlyForm),
    Step("inspection_announcement", "inspections/<int:pk>/announcement/", INSPECTION, _("公告联系方式"),
         cs.inspection_announcement_check, cs.inspection_announcement_update, _("公告联系方式已保存。"),
         AnnouncementForm,
         initial=lambda i: {"public_phone": i.public_phone, "public_mailbox": i.public_mailbox, "version": i.version}),
    Step("inspection_feed_back", "inspections/<int:pk>/feed-back/", INSPECTION, _("反馈"),
         fs.inspection_feed_back_check, fs.inspection_feed_back, _("已反馈，被巡察单位进入整改。"), FeedbackForm,
         back=lambda inspection: hub(inspection, "problems")),
    Step("inspection_close", "inspections/<int:pk>/close/", INSPECTION, _("整改结束"),
         s.inspection_close_check, s.inspection_close, _("本次巡察整改已结束。")),
    Step("inspection_withdraw", "inspections/<int:pk>/withdraw/", INSPECTION, _("撤销巡察"),
         cs.inspection_withdraw_check, cs.inspection_withdraw, _("巡察已撤销。"), ReasonForm),
    # Records of the rectification phase
    Step("handover_create", "inspections/<int:pk>/handover/new/", INSPECTION, _("转交办事项"),
         s.handover_item_create_check, s.handover_item_create, _("事项已转交。"), HandoverForm,
         back=lambda inspection: hub(inspection, "handover")),
    Step("supervision_create", "inspections/<int:pk>/supervision/new/", INSPECTION, _("督查督办"),
         s.supervision_record_check, s.supervision_record, _("督办已登记。"), SupervisionForm,
         back=lambda inspection: hub(inspection, "supervision")),
    Step("evaluation_create", "inspections/<int:pk>/evaluation/new/", INSPECTION, _("整改评估"),
         s.evaluation_record_check, s.evaluation_record, _("评估已登记。"), EvaluationForm,
         back=lambda inspection: hub(inspection, "evaluation")),
    Step("rule_create", "inspections/<int:pk>/rules/new/", INSPECTION, _("登记建立健全的制度"),
         s.rule_record_check, s.rule_record, _("制度已登记。"), RuleForm,
         back=lambda inspection: hub(inspection, "evaluation"), form_kwargs=lambda i: {"inspection": i}),
    Step("handover_close", "handover/<int:pk>/close/", HANDOVER, _("办结转交办事项"),
         s.handover_item_close_check, s.handover_item_close, _("事项已办结。"), HandoverCloseForm,
         subject=lambda item: f"{item.inspection.organization.name} · {item.title} · {item.department}"),
    # Measures
    Step("measure_add", "problems/<int:pk>/measures/new/", PROBLEM, _("添加整改措施"),
         s.measure_add_check, s.measure_add, _("整改措施已添加。"), MeasureForm,
         initial=lambda problem: {"responsible_unit": problem.inspection.organization}),
    Step("measure_report", "measures/<int:pk>/report/", MEASURE, _("报告整改进展"),
         s.measure_report_check, s.measure_report, _("进展已报告，等待巡察办验收。"), ReportForm,
         initial=lambda m: {"progress": m.progress, "version": m.version}),
    Step("measure_verify", "measures/<int:pk>/verify/", MEASURE, _("验收整改措施"),
         s.measure_verify_check, s.measure_verify, _("验收结论已登记。"), VerifyForm,
         initial=lambda m: {"version": m.version}),
    Step("measure_withdraw", "measures/<int:pk>/withdraw/", MEASURE, _("撤销整改措施"),
         s.measure_withdraw_check, s.measure_withdraw, _("整改措施已撤销。"), ReasonForm),
]
# fmt: on
