"""Importing the organizations roster (党组织名册).

A row's 组织代码 is its identity. A new code is created under its parent, which is either
already in the system or another row of the same file, in any order: rows are created parents
first, and a loop of parents is an error. A known code with the same data is left alone, so
importing a file twice changes nothing; with a different name, level, type or committee flag
it is updated, with history. Its parent is never moved by an import: that reshapes the tree
and the jurisdiction hanging from it, and is done in the system.
"""

from collections import defaultdict, deque

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.jurisdiction import manages
from accounts.models import Role
from campaigns.models import Organization, OrgLevel, PartyOrgType
from campaigns.services import organization_create
from xuncha.records import lock, record_save

from .engine import (
    CREATE,
    IMPORT_REASON,
    UNCHANGED,
    UPDATE,
    Context,
    ImportKind,
    PlannedRow,
    mark_imported,
    refused_row,
)
from .rows import Column, ParsedRow, RowError, choice, code, labels_of, text, yes_no

CODE, PARENT = "组织代码", "上级组织代码"
UPDATABLE = ("name", "level", "party_org_type", "is_committee")
CHUNK = 500  # codes per `IN (...)`: well inside SQLite's and PostgreSQL's parameter limits


def organizations_by_code(codes) -> dict[str, Organization]:
    codes = sorted(codes)
    found: dict[str, Organization] = {}
    for i in range(0, len(codes), CHUNK):
        for org in Organization.objects.filter(code__in=codes[i : i + CHUNK]).select_related("parent"):
            found[org.code] = org
    return found


def describe(field: str, value) -> str:
    if field == "is_committee":
        return "是" if value else "否"
    with translation.override("zh-hans"):
        if field == "level":
            return str(OrgLevel(value).label)
        if field == "party_org_type":
            return str(PartyOrgType(value).label)
    return str(value)


FIELD_LABELS = {"name": "名称", "level": "层级", "party_org_type": "党组织类型", "is_committee": "巡察主体"}


class OrganizationImport(ImportKind):
    key = "organizations"
    title = "党组织名册"
    sheet_name = "党组织"
    columns = [
        Column(CODE, "code", code(50), required=True, help="每个党组织唯一，如 QH-A-T1。系统中已有的代码按本表更新。"),
        Column("名称", "name", text(200), required=True, help="党组织全称，不超过 200 字。", width=30),
        Column(
            PARENT,
            "parent_code",
            code(50),
            help="上级党组织的组织代码：系统中已有的组织，或本表中的另一行（顺序不限）。已有组织的上级不能通过导入调整。",
        ),
        Column("层级", "level", choice(OrgLevel), required=True, allowed=lambda: labels_of(OrgLevel)),
        Column(
            "党组织类型", "party_org_type", choice(PartyOrgType), required=True, allowed=lambda: labels_of(PartyOrgType)
        ),
        Column(
            "巡察主体",
            "is_committee",
            yes_no,
            help="是/否：该党委是否开展巡察。不填：新建的为“否”，已有的保持不变。",
            allowed=lambda: ["是", "否"],
            width=10,
        ),
    ]
    notes = [
        "只能在您管辖范围内的党组织下新建或修改组织。",
        "同一组织代码在表中只能出现一次。",
    ]

    def may_use(self, user) -> bool:
        return user.is_authenticated and user.has_role(Role.OFFICE_ADMIN)

    def plan(self, rows: list[ParsedRow], ctx: Context) -> tuple[list[PlannedRow], list[RowError]]:
        errors: list[RowError] = []
        first: dict[str, int] = {}
        unique: list[ParsedRow] = []
        for row in rows:
            org_code = row.values["code"]
            if org_code is None:
                continue
            if org_code in first:
                errors.append(RowError(row.number, CODE, f"组织代码“{org_code}”与第 {first[org_code]} 行重复。"))
                continue
            first[org_code] = row.number
            unique.append(row)
        parents = {r.values["parent_code"] for r in unique if r.values["parent_code"]}
        existing = organizations_by_code(set(first) | parents)
        in_file = {r.values["code"] for r in unique}
        planned: list[PlannedRow] = []
        creates: list[ParsedRow] = []
        for row in unique:
            org = existing.get(row.values["code"])
            if org is not None:
                known = self._plan_existing(row, org, ctx, errors)
                if known is not None:
                    planned.append(known)
            elif self._check_new(row, existing, in_file, ctx, errors):
                creates.append(row)
        ordered, cycle_errors = parents_first(creates, existing)
        errors += cycle_errors
        planned += [PlannedRow(row, CREATE, target=existing.get(row.values["parent_code"] or "")) for row in ordered]
        return planned, errors

    def _plan_existing(self, row: ParsedRow, org: Organization, ctx: Context, errors: list) -> PlannedRow | None:
        v = row.values
        if not manages(ctx.user, org):
            errors.append(
                RowError(row.number, CODE, f"组织代码“{org.code}”已被使用（该组织不在您的管辖范围内），不能重复使用。")
            )
            return None
        current_parent = org.parent.code if org.parent_id else None
        if "parent_code" not in row.bad and v["parent_code"] != current_parent:
            errors.append(
                RowError(
                    row.number,
                    PARENT,
                    f"“{org.code}”在系统中的上级组织代码为“{current_parent or '（无）'}”，导入不能调整上级组织；"
                    "如确需调整，请在系统中办理。",
                )
            )
            return None
        if row.bad:
            return None
        changes = changed_fields(org, v)
        if not changes:
            return PlannedRow(row, UNCHANGED, note="与系统中一致", target=org)
        if not org.is_active:
            errors.append(RowError(row.number, CODE, f"“{org.name}”已于{org.dissolved_on}撤销，不能通过导入修改。"))
            return None
        note = "；".join(
            f"{FIELD_LABELS[f]}：{describe(f, getattr(org, f))} → {describe(f, value)}" for f, value in changes.items()
        )
        return PlannedRow(row, UPDATE, note=note, target=org)

    def _check_new(self, row: ParsedRow, existing: dict, in_file: set, ctx: Context, errors: list) -> bool:
        parent_code = row.values["parent_code"]
        if "parent_code" in row.bad:
            return False
        if parent_code is None:
            if ctx.user.is_superuser:
                return not row.bad
            errors.append(
                RowError(row.number, PARENT, "新建党组织须填写上级组织代码（顶层党组织只能由系统管理员创建）。")
            )
            return False
        if parent_code == row.values["code"]:
            errors.append(RowError(row.number, PARENT, "上级组织代码不能是本组织自己的代码。"))
            return False
        parent = existing.get(parent_code)
        # Unknown and outside the importer's jurisdiction read the same: the message must not
        # confirm that another district's unit exists, let alone name it.
        if (parent is None and parent_code not in in_file) or (parent is not None and not manages(ctx.user, parent)):
            errors.append(RowError(row.number, PARENT, unknown_parent(parent_code)))
            return False
        if parent is not None and not parent.is_active:
            errors.append(RowError(row.number, PARENT, f"上级组织“{parent.name}”已撤销，不能在其下新建组织。"))
            return False
        return not row.bad

    def apply(self, planned: list[PlannedRow], ctx: Context) -> None:
        created: dict[str, Organization] = {}
        for item in planned:
            v = item.row.values
            try:
                if item.action == UPDATE:
                    organization_import_update(user=ctx.user, organization=item.target, values=v)
                elif item.action == CREATE:
                    parent = item.target or created.get(v["parent_code"] or "")
                    org = organization_create(
                        user=ctx.user,
                        parent=parent,
                        name=v["name"],
                        code=v["code"],
                        level=v["level"],
                        party_org_type=v["party_org_type"],
                        is_committee=bool(v["is_committee"]),
                    )
                    created[org.code] = org
            except (ValidationError, PermissionDenied) as exc:
                raise refused_row(item.row.number, CODE, exc) from None
        # The service recorded who; the reason says how.
        mark_imported(Organization, {org.pk: IMPORT_REASON for org in created.values()})

    def reference_tables(self):
        return [
            ("层级", ["可填的值"], [[label] for label in labels_of(OrgLevel)]),
            ("党组织类型", ["可填的值"], [[label] for label in labels_of(PartyOrgType)]),
        ]


def changed_fields(org: Organization, values: dict) -> dict:
    """The updatable fields the row gives a different value for (a blank 巡察主体 keeps it)."""
    return {f: values[f] for f in UPDATABLE if values[f] is not None and getattr(org, f) != values[f]}


def organization_import_update(*, user, organization: Organization, values: dict) -> Organization:
    """Name, level, type and committee flag from the roster; the caller's transaction holds.

    campaigns.services has no general organization update; this is the only one, and it
    keeps to the fields a roster owns."""
    if not manages(user, organization):
        raise PermissionDenied(f"您不是{organization.name}的巡察办工作人员，无权修改。")
    organization = lock(organization)
    changes = changed_fields(organization, values)
    for name, value in changes.items():
        setattr(organization, name, value)
    if changes:
        record_save(
            organization, user=user, reason=f"{IMPORT_REASON}：修改{'、'.join(FIELD_LABELS[f] for f in changes)}"
        )
    return organization


def parents_first(creates: list[ParsedRow], existing: dict) -> tuple[list[ParsedRow], list[RowError]]:
    """New rows ordered so that each comes after its parent row; rows whose parents form a
    loop get an error each. Rows hanging below a failed row are left out without one: the
    import stops on that row's own error anyway."""
    new = {r.values["code"]: r for r in creates}
    children: dict[str, list[ParsedRow]] = defaultdict(list)
    queue: deque[ParsedRow] = deque()
    for row in creates:
        parent_code = row.values["parent_code"]
        if parent_code in new:
            children[parent_code].append(row)
        else:
            queue.append(row)  # under an organization already in the system
    ordered: list[ParsedRow] = []
    while queue:
        row = queue.popleft()
        ordered.append(row)
        queue.extend(children.pop(row.values["code"], []))
    errors: list[RowError] = []
    placed = {r.values["code"] for r in ordered}
    reported: set[str] = set()
    for row in creates:
        chain = [row.values["code"]]
        while True:
            parent_code = new[chain[-1]].values["parent_code"]
            if parent_code not in new or parent_code in placed:
                break
            if parent_code in chain:
                loop = chain[chain.index(parent_code) :]
                for member in loop:
                    if member not in reported:
                        reported.add(member)
                        errors.append(
                            RowError(
                                new[member].number,
                                PARENT,
                                f"上级组织形成循环：{' → '.join([*loop, loop[0]])}。",
                            )
                        )
                break
            chain.append(parent_code)
    return ordered, errors


def unknown_parent(code: str) -> str:
    return f"上级组织代码“{code}”在系统和本表中都找不到，或不在您的管辖范围内。"
