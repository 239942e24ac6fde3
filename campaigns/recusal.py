"""Recusal (回避): who may not inspect an organization, and why (DESIGN.md §2.3).

- nobody inspects the organization they work in (or a unit inside it);
- nobody inspects an organization where they declared a conflict (or one above it);
- in a cross inspection (交叉巡察) nobody inspects their own district (地域回避).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import ConflictDeclaration, InspectionMode, Organization, Person


@dataclass(frozen=True)
class Conflict:
    person: Person
    reason: str

    @property
    def message(self) -> str:
        return f"{self.person.name}：{self.reason}，应当回避。"


def recusal_conflicts(*, persons: Iterable[Person], organization: Organization, mode: str) -> list[Conflict]:
    """Every conflict between `persons` and inspecting `organization` in `mode` (three queries)."""
    persons = list(persons)
    if not persons:
        return []
    employers = {
        o.pk: o for o in Organization.objects.filter(pk__in={p.employer_id for p in persons}).only("path", "name")
    }
    declared = ConflictDeclaration.objects.filter(
        person__in=persons, organization__path__startswith=organization.path
    ).select_related("organization")
    declared |= ConflictDeclaration.objects.filter(
        person__in=persons, organization__path__in=[*organization.ancestor_paths(), organization.path]
    ).select_related("organization")
    by_person: dict[int, list[ConflictDeclaration]] = {}
    for d in declared:
        by_person.setdefault(d.person_id, []).append(d)
    district = organization.district() if mode == InspectionMode.CROSS else None

    conflicts = []
    for person in persons:
        employer = employers[person.employer_id]
        if employer.path.startswith(organization.path):
            conflicts.append(Conflict(person, f"工作单位为{employer.name}，属于被巡察单位"))
        for d in by_person.get(person.pk, []):
            conflicts.append(Conflict(person, f"曾申报与{d.organization.name}存在利害关系（{d.reason}）"))
        if district is not None and person.home_district_id == district.pk:
            conflicts.append(Conflict(person, f"来自{district.name}，交叉巡察须地域回避"))
    return conflicts
