"""The office-wide audit trail: every change of every record (django-simple-history) the
reader may see, newest first, filterable by user, model and date.

Each history table is scoped by its model's own `*_visible_to` (a sub-query on the record's
id), so the audit page shows exactly the records the office could open; the tables are then
combined with UNION ALL and one page is read. Default window: the last 30 days.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Model, QuerySet, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.jurisdiction import path_q, subtree_paths
from accounts.models import Role, RoleAssignment, User
from campaigns import selectors as cs
from campaigns.models import ConflictDeclaration, Inspection, Organization, Person, Round, Team, TeamMember, Term
from findings import selectors as fs
from findings.models import Clue, CommonProblem, ImmediateNotice, Petition, Problem, Sanction
from rectification import selectors as rs
from rectification.models import Evaluation, Evidence, HandoverItem, Measure, RuleEstablished, SupervisionAction

DEFAULT_DAYS = 30


def role_assignments_visible_to(user: User) -> QuerySet[RoleAssignment]:
    """Grants on organizations in the office's subtree (who was given which rights)."""
    return RoleAssignment.objects.filter(path_q("organization__path", subtree_paths(user, Role.OFFICE_ADMIN)))


@dataclass(frozen=True)
class Audited:
    key: str
    model: type[Model]
    visible_to: object
    url_name: str | None = None  # the record's page, where its own history is shown


AUDITED = [
    Audited("organization", Organization, cs.organizations_visible_to),
    Audited("term", Term, cs.terms_visible_to),
    Audited("round", Round, cs.rounds_visible_to),
    Audited("team", Team, cs.teams_visible_to, "campaigns:team_detail"),
    Audited("teammember", TeamMember, cs.team_members_visible_to),
    Audited("person", Person, cs.persons_visible_to),
    Audited("conflict", ConflictDeclaration, cs.conflicts_visible_to),
    Audited("inspection", Inspection, cs.inspections_visible_to, "rectification:inspection_detail"),
    Audited("petition", Petition, fs.petitions_visible_to, "findings:petition_detail"),
    Audited("problem", Problem, fs.problems_visible_to, "rectification:problem_detail"),
    Audited("notice", ImmediateNotice, fs.notices_visible_to),
    Audited("clue", Clue, fs.clues_visible_to, "findings:clue_detail"),
    Audited("sanction", Sanction, fs.sanctions_visible_to),
    Audited("common", CommonProblem, fs.common_problems_visible_to, "findings:common_detail"),
    Audited("measure", Measure, rs.measures_visible_to, "rectification:measure_detail"),
    Audited("evidence", Evidence, rs.evidence_visible_to),
    Audited("handover", HandoverItem, rs.handover_items_visible_to),
    Audited("rule", RuleEstablished, rs.rules_visible_to),
    Audited("supervision", SupervisionAction, rs.supervision_actions_visible_to),
    Audited("evaluation", Evaluation, rs.evaluations_visible_to),
    Audited("roleassignment", RoleAssignment, role_assignments_visible_to),
]
BY_KEY = {a.key: a for a in AUDITED}
FIELDS = ("history_id", "history_date", "history_type", "history_user_id", "history_change_reason", "id")


@dataclass(frozen=True)
class AuditQuery:
    model: str = ""  # a key of BY_KEY, or "" for every model
    username: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def _window(query: AuditQuery) -> tuple[datetime.datetime, datetime.datetime | None]:
    tz = timezone.get_current_timezone()
    since = query.since or (timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS))
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=tz)
    end = None
    if query.until is not None:
        end = datetime.datetime.combine(query.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def history_visible_to(user: User, query: AuditQuery) -> QuerySet:
    """Rows (dicts of FIELDS + `model`) of the history the office may audit, newest first.
    Nobody but office staff audits: others get no rows."""
    if not subtree_paths(user, Role.OFFICE_ADMIN):
        return Petition.history.none().values(*FIELDS)
    start, end = _window(query)
    audited = [BY_KEY[query.model]] if query.model else AUDITED
    parts = []
    for entry in audited:
        qs = entry.model.history.filter(history_date__gte=start, id__in=entry.visible_to(user).values("pk"))
        if end is not None:
            qs = qs.filter(history_date__lt=end)
        if query.username:
            qs = qs.filter(history_user__username=query.username)
        parts.append(qs.order_by().annotate(model=Value(entry.key, output_field=CharField())).values(*FIELDS, "model"))
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id")


def record_url(row: dict) -> str | None:
    entry = BY_KEY[row["model"]]
    if entry.url_name is None:
        return None
    try:
        return reverse(entry.url_name, args=[row["id"]])
    except NoReverseMatch:
        return None
