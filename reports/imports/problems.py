"""Importing a team's own spreadsheet of problems into one inspection, as draft working papers.

Each row becomes a draft through `findings.services.problem_draft`, drafted by the importing
user, who must be allowed to draft in that inspection; the three signatures then follow in
the system as for any paper. A row whose 问题概述 and 具体表现 match a live problem of the
inspection is that problem already (the model keeps no number of the team's own), so it is
skipped: importing the same file twice adds nothing.

The problem has no field for the team's number (编号) or the date it was found (发现日期):
both are checked and kept in the history entry of the import.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from findings.models import DiscoveryMethod, ProblemCategory
from findings.services import problem_draft_check, problems_draft_many
from xuncha.records import lock

from .engine import CREATE, IMPORT_REASON, UNCHANGED, Context, ImportKind, PlannedRow, refused_row
from .organizations import organizations_by_code
from .rows import Column, ParsedRow, RowError, choice, code, date, labels_of, text

TITLE, DESCRIPTION, CATEGORY, INVOLVED, FOUND_ON, REF = (
    "问题概述",
    "具体表现",
    "问题类别",
    "涉及下属组织代码",
    "发现日期",
    "编号",
)


def normalized(title: str, description: str) -> tuple[str, str]:
    """What makes two problems the same one: their text, whitespace aside."""
    title = " ".join(title.split())
    description = "\n".join(line.strip() for line in description.strip().replace("\r\n", "\n").split("\n"))
    return title, description


def sub_category_names() -> list[str]:
    return list(
        ProblemCategory.objects.filter(parent__isnull=False, is_active=True)
        .order_by("code")
        .values_list("name", flat=True)
    )


class CategoryIndex:
    """Resolves 问题类别 given as a code (A01), a name, or both ("A01 贯彻……")."""

    def __init__(self):
        categories = list(ProblemCategory.objects.select_related("parent"))
        self.by_code = {c.code.upper(): c for c in categories}
        self.by_name: dict[str, list[ProblemCategory]] = defaultdict(list)
        for c in categories:
            self.by_name[c.name].append(c)

    def resolve(self, value: str) -> ProblemCategory:
        wanted = value.strip()
        found = self.by_code.get(wanted.upper())
        if found is None and " " in wanted:
            found = self.by_code.get(wanted.split()[0].upper())
        if found is None:
            named = self.by_name.get(wanted, [])
            if len(named) > 1:
                raise ValidationError(f"有多个名为“{wanted}”的问题类别，请改填类别代码。")
            found = named[0] if named else None
        if found is None:
            raise ValidationError(f"“{wanted}”不是问题类别。请填写类别代码（如 A01）或名称，见模板中的“说明”。")
        if found.parent_id is None:
            first = next((c.code for c in self.by_code.values() if c.parent_id == found.pk), f"{found.code}01")
            raise ValidationError(f"“{found.name}”是大类，请填写其下的具体类别（如 {first}）。")
        if not found.is_active:
            raise ValidationError(f"问题类别“{found.name}”已停用。")
        return found


class ProblemImport(ImportKind):
    key = "problems"
    title = "问题底稿"
    sheet_name = "问题"
    needs_inspection = True
    columns = [
        Column(
            REF, "ref", text(30), help="本组自己的编号，可不填；用于核对表中是否重复，系统导入后另行编号。", width=8
        ),
        Column(TITLE, "title", text(300), required=True, help="一句话概括问题，不超过 300 字。", width=30),
        Column(
            DESCRIPTION,
            "description",
            text(10_000, single_line=False),
            required=True,
            help="问题的具体表现，可在单元格内换行。",
            width=50,
        ),
        Column(
            CATEGORY,
            "category",
            text(150),
            required=True,
            help="具体类别的代码（如 A01）或名称，见下方“问题类别”表；不能只填三大问题大类。",
            allowed=sub_category_names,
            list_in_notes=False,
            width=30,
        ),
        Column(
            "发现方式", "method", choice(DiscoveryMethod), required=True, allowed=lambda: labels_of(DiscoveryMethod)
        ),
        Column(INVOLVED, "involved", code(50), help="可不填；须为被巡察单位本身或其下属组织的组织代码。"),
        Column(FOUND_ON, "found_on", date, help="可不填；如 2026-03-15，不能早于进驻日期，不能晚于今天。", width=12),
    ]
    notes = [
        "问题导入为底稿（待承办人签字），承办人为导入人，之后按“承办人—副组长—组长”逐级签批。",
        "问题概述和具体表现都与本巡察已有问题相同的行视为已导入，不会重复新建。",
    ]

    def may_use(self, user) -> bool:
        return user.is_authenticated and user.has_role(Role.OFFICE_ADMIN, Role.INSPECTOR)

    def check(self, ctx: Context, *, for_update: bool) -> Context:
        if ctx.inspection is None:
            raise ValidationError("请选择要导入问题的巡察。")
        # Locked for the write: two imports into one inspection must not both find a row new.
        inspection = lock(ctx.inspection) if for_update else ctx.inspection
        problem_draft_check(user=ctx.user, inspection=inspection)
        return Context(user=ctx.user, inspection=inspection)

    def plan(self, rows: list[ParsedRow], ctx: Context) -> tuple[list[PlannedRow], list[RowError]]:
        inspection = ctx.inspection
        scope = inspection.organization
        categories = CategoryIndex()
        existing: dict[tuple[str, str], int] = {}
        for title, description, number in inspection.problems.live().values_list("title", "description", "number"):
            existing.setdefault(normalized(title, description), number)
        involved = {
            org.code: org
            for org in organizations_by_code({r.values["involved"] for r in rows if r.values["involved"]}).values()
            if org.path.startswith(scope.path)
        }
        today = timezone.localdate()
        errors: list[RowError] = []
        planned: list[PlannedRow] = []
        seen_text: dict[tuple[str, str], int] = {}
        seen_ref: dict[str, int] = {}
        for row in rows:
            v, before = row.values, len(errors)

            def fail(column: str, message: str, row=row) -> None:
                errors.append(RowError(row.number, column, message))

            if v["ref"] is not None:
                if v["ref"] in seen_ref:
                    fail(REF, f"编号“{v['ref']}”与第 {seen_ref[v['ref']]} 行重复。")
                seen_ref.setdefault(v["ref"], row.number)
            key = None
            if v["title"] is not None and v["description"] is not None:
                key = normalized(v["title"], v["description"])
                if key in seen_text:
                    fail(TITLE, f"与第 {seen_text[key]} 行的问题概述和具体表现相同，是重复的问题。")
                seen_text.setdefault(key, row.number)
            if v["category"] is not None:
                try:
                    v["category"] = categories.resolve(v["category"])
                except ValidationError as exc:
                    fail(CATEGORY, exc.messages[0])
            if v["involved"] is not None:
                org = involved.get(v["involved"])
                if org is None:
                    fail(INVOLVED, f"组织代码“{v['involved']}”不存在，或不是被巡察单位{scope.name}及其下属组织。")
                v["involved"] = org
            if v["found_on"] is not None:
                message = found_on_error(v["found_on"], inspection.onsite_start, today)
                if message:
                    fail(FOUND_ON, message)
            if row.bad or len(errors) > before:
                continue
            if key in existing:
                planned.append(PlannedRow(row, UNCHANGED, note=f"系统中已有相同问题（第 {existing[key]} 号），跳过"))
            else:
                planned.append(PlannedRow(row, CREATE))
        return planned, errors

    def apply(self, planned: list[PlannedRow], ctx: Context) -> None:
        rows = [item.row for item in planned if item.action == CREATE]
        drafts = []
        for row in rows:
            v = row.values
            title, description = normalized(v["title"], v["description"])
            drafts.append(
                {
                    "title": title,
                    "description": description,
                    "category": v["category"],
                    "method": v["method"],
                    "involved_organization": v["involved"],
                    # The history reason keeps what the model has no field for.
                    "reason": import_reason(v),
                }
            )
        if not drafts:
            return
        try:
            problems_draft_many(user=ctx.user, inspection=ctx.inspection, drafts=drafts)
        except (ValidationError, PermissionDenied) as exc:
            raise refused_row(rows[0].number, TITLE, exc) from None

    def reference_tables(self):
        rows = [
            [c.code, c.name, c.parent.name if c.parent_id else "（大类）"]
            for c in ProblemCategory.objects.filter(is_active=True).select_related("parent").order_by("code")
        ]
        return [("问题类别", ["代码", "名称", "所属三大问题"], rows)]


def found_on_error(found_on: datetime.date, onsite_start: datetime.date | None, today: datetime.date) -> str:
    if onsite_start is not None and found_on < onsite_start:
        return f"发现日期 {found_on} 早于进驻日期 {onsite_start}。"
    if found_on > today:
        return f"发现日期 {found_on} 晚于今天。"
    return ""


def import_reason(values: dict) -> str:
    parts = [IMPORT_REASON]
    if values["ref"]:
        parts.append(f"本组编号 {values['ref']}")
    if values["found_on"]:
        parts.append(f"发现日期 {values['found_on']:%Y-%m-%d}")
    return "·".join(parts)[:100]
