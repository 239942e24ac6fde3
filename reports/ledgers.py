"""The standard ledgers (台账) and the lists sent to a unit (清单), each one declarative column
definition used by the download button, the background job and `manage.py export_ledger`.

A ledger starts from the same scoping function and FilterSet as its list page, so an export
holds exactly what the page shows. Petitions and clues are confidential: their ledgers are
for office staff and leaders, never for a unit. One rule for leaders (docs/decisions.md,
"Leaders and confidential records"): a leader reads every petition and clue in their
jurisdiction, as a page, a list file or a ledger alike, and every such read is logged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts.models import Role
from findings.filters import ClueFilter, PetitionFilter, ProblemFilter
from findings.models import ProblemStatus
from findings.selectors import clues_visible_to, petitions_visible_to, problems_visible_to
from rectification.filters import HandoverFilter, MeasureFilter, SupervisionFilter
from rectification.selectors import (
    handover_items_visible_to,
    measures_visible_to,
    supervision_actions_visible_to,
)
from xuncha.choices import choice_label
from xuncha.xlsx import XColumn as C

OFFICE_SIDE = (Role.OFFICE_ADMIN, Role.LEADER)
# Who takes a confidential ledger: whoever reads the confidential pages across a jurisdiction.
CONFIDENTIAL_READERS = OFFICE_SIDE


def label(field_name: str) -> Callable:
    return choice_label(field_name)


INSPECTION_MODE = choice_label("mode")
INSPECTION = [
    C("被巡察党组织", lambda o: o.inspection.organization.name, 22),
    C("轮次", lambda o: o.inspection.round.name, 10),
    C("巡察组", lambda o: o.inspection.team.name, 12),
    C("巡察方式", lambda o: INSPECTION_MODE(o.inspection), 10),
]
PROBLEM_INSPECTION = [
    C("被巡察党组织", lambda m: m.problem.inspection.organization.name, 22),
    C("轮次", lambda m: m.problem.inspection.round.name, 10),
]


@dataclass(frozen=True)
class Ledger:
    key: str
    title: str
    selector: Callable[..., QuerySet]
    columns: list[C]
    related: tuple[str, ...]
    filterset_class: type | None = None
    roles: tuple[str, ...] = OFFICE_SIDE
    order_by: tuple[str, ...] = ("pk",)
    per_inspection: bool = False  # a 清单 for one inspection, sent to the unit
    extra_filter: dict = field(default_factory=dict)

    def queryset(self, user, params=None, request=None, inspection=None) -> QuerySet:
        qs = self.selector(user).live().filter(**self.extra_filter).select_related(*self.related)
        if inspection is not None:
            qs = qs.filter(**{self.inspection_path: inspection})
        if self.filterset_class is not None and params:
            qs = self.filterset_class(params, queryset=qs, request=request).qs
        return qs.order_by(*self.order_by)

    @property
    def inspection_path(self) -> str:
        return "problem__inspection" if self.related and self.related[0].startswith("problem__") else "inspection"


MEASURE_RELATED = (
    "problem__inspection__organization",
    "problem__inspection__round",
    "problem__category",
    "responsible_unit",
)
INSPECTION_RELATED = ("inspection__organization", "inspection__round", "inspection__team")
FED_BACK = {"status__in": [ProblemStatus.FED_BACK, ProblemStatus.RECTIFIED, ProblemStatus.ONGOING]}

LEDGERS: dict[str, Ledger] = {
    ledger.key: ledger
    for ledger in [
        Ledger(
            "problems",
            "问题台账",
            problems_visible_to,
            [
                *INSPECTION,
                C("编号", lambda p: p.number, 6, "number"),
                C("问题概述", lambda p: p.title, 30),
                C("具体表现", lambda p: p.description, 45),
                C("三大问题", lambda p: p.category.top.name, 14),
                C("问题类别", lambda p: p.category.name, 24),
                C("发现方式", label("method"), 10),
                C("状态", label("status"), 12),
                C("反馈日期", lambda p: p.fed_back_on, 12, "date"),
                C("整改完成日期", lambda p: p.rectified_on, 12, "date"),
            ],
            (*INSPECTION_RELATED, "category__parent"),
            ProblemFilter,
            order_by=("inspection__round__start_date", "inspection_id", "number"),
        ),
        Ledger(
            "rectification",
            "整改台账",
            measures_visible_to,
            [
                *PROBLEM_INSPECTION,
                C("问题编号", lambda m: m.problem.number, 8, "number"),
                C("问题概述", lambda m: m.problem.title, 28),
                C("整改措施", lambda m: m.content, 40),
                C("责任单位", lambda m: m.responsible_unit.name, 18),
                C("责任人", lambda m: m.responsible_person, 10),
                C("完成时限", lambda m: m.deadline, 12, "date"),
                C("状态", label("status"), 10),
                C("整改进展", lambda m: m.progress, 36),
                C("验收时间", lambda m: m.verified_at, 16, "date"),
            ],
            MEASURE_RELATED,
            MeasureFilter,
            order_by=("problem__inspection_id", "problem__number", "number"),
        ),
        Ledger(
            "clues",
            "线索台账",
            clues_visible_to,
            [
                *INSPECTION,
                C("编号", lambda c: c.number, 6, "number"),
                C("反映对象", lambda c: c.subject_name, 12),
                C("职务", lambda c: c.subject_position, 20),
                C("主要问题", lambda c: c.summary, 40),
                C("移交去向", label("destination"), 10),
                C("移交日期", lambda c: c.transferred_on, 12, "date"),
                C("状态", label("status"), 10),
                C("处置方式", label("disposition"), 12),
                C("办结日期", lambda c: c.disposed_on, 12, "date"),
                C("办理结果", lambda c: c.disposition_note, 30),
            ],
            INSPECTION_RELATED,
            ClueFilter,
            roles=(*CONFIDENTIAL_READERS, Role.DISCIPLINE_LIAISON, Role.ORGDEPT_LIAISON),
            order_by=("destination", "inspection_id", "number"),
        ),
        Ledger(
            "handover",
            "转交办事项台账",
            handover_items_visible_to,
            [
                *INSPECTION,
                C("编号", lambda h: h.number, 6, "number"),
                C("事项", lambda h: h.title, 30),
                C("具体内容", lambda h: h.content, 36),
                C("承办部门", lambda h: h.department, 16),
                C("转交日期", lambda h: h.handed_over_on, 12, "date"),
                C("办理时限", lambda h: h.deadline, 12, "date"),
                C("状态", label("status"), 10),
                C("办结日期", lambda h: h.closed_on, 12, "date"),
                C("办理结果", lambda h: h.result, 30),
            ],
            INSPECTION_RELATED,
            HandoverFilter,
            order_by=("inspection_id", "number"),
        ),
        Ledger(
            "supervision",
            "督办台账",
            supervision_actions_visible_to,
            [
                *INSPECTION,
                C("督办方式", label("kind"), 12),
                C("日期", lambda a: a.acted_on, 12, "date"),
                C("对象", lambda a: a.target_person, 12),
                C("内容", lambda a: a.content, 44),
                C("经办人", lambda a: str(a.acted_by), 10),
            ],
            (*INSPECTION_RELATED, "acted_by"),
            SupervisionFilter,
            order_by=("acted_on", "pk"),
        ),
        Ledger(
            "petitions",
            "信访台账",
            petitions_visible_to,
            [
                *INSPECTION,
                C("编号", lambda p: p.number, 6, "number"),
                C("来源渠道", label("channel"), 8),
                C("受理日期", lambda p: p.received_on, 12, "date"),
                C("信访人", lambda p: "匿名" if p.is_anonymous else p.petitioner, 10),
                C("反映对象/事项", lambda p: p.subject, 24),
                C("主要内容", lambda p: p.content, 44),
                C("办理方式", label("handling"), 12),
            ],
            INSPECTION_RELATED,
            PetitionFilter,
            roles=CONFIDENTIAL_READERS,
            order_by=("inspection_id", "number"),
        ),
        # The three lists sent to the inspected unit: no petitions, no clues.
        Ledger(
            "problem_list",
            "问题清单",
            problems_visible_to,
            [
                C("问题概述", lambda p: p.title, 32),
                C("具体表现", lambda p: p.description, 60),
                C("问题类别", lambda p: p.category.name, 24),
            ],
            (*INSPECTION_RELATED, "category__parent"),
            roles=(Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR, Role.UNIT_LIAISON),
            order_by=("number",),
            per_inspection=True,
            extra_filter=FED_BACK,
        ),
        Ledger(
            "task_list",
            "任务清单",
            measures_visible_to,
            [
                C("问题概述", lambda m: m.problem.title, 30),
                C("整改措施", lambda m: m.content, 50),
                C("完成时限", lambda m: m.deadline, 12, "date"),
                C("状态", label("status"), 10),
            ],
            MEASURE_RELATED,
            roles=(Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR, Role.UNIT_LIAISON),
            order_by=("problem__number", "number"),
            per_inspection=True,
        ),
        Ledger(
            "responsibility_list",
            "责任清单",
            measures_visible_to,
            [
                C("问题概述", lambda m: m.problem.title, 28),
                C("整改措施", lambda m: m.content, 40),
                C("责任单位", lambda m: m.responsible_unit.name, 20),
                C("责任人", lambda m: m.responsible_person, 12),
                C("完成时限", lambda m: m.deadline, 12, "date"),
            ],
            MEASURE_RELATED,
            roles=(Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR, Role.UNIT_LIAISON),
            order_by=("responsible_unit__name", "problem__number", "number"),
            per_inspection=True,
        ),
    ]
}
